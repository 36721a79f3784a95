/// An export format the importer understands.
public enum ImportFormat: String, CaseIterable, Sendable, CustomStringConvertible {
    /// JMeter results, CSV (any delimiter, columns bound by header name).
    case jmeterJTL = "jmeter-jtl"
    /// `aws cloudwatch get-metric-data` JSON output (one response, or an array of pages).
    case cloudWatchGetMetricData = "cloudwatch-get-metric-data"
    /// AWS Cost and Usage Report, legacy CSV (`lineItem/...` columns), plain or gzip.
    case curLegacy = "cur-legacy"
    /// CUR 2.0 Data Exports and Athena/Parquet CUR tables as CSV (`line_item_...` snake_case columns).
    case curSnakeCase = "cur2"
    /// FinOps FOCUS 1.0–1.2 cost and usage CSV (`BilledCost`, `ChargePeriodStart`, ...).
    case focus = "focus"
    /// `aws cloudwatch get-metric-statistics` JSON output (one response, or an array of them).
    case cloudWatchGetMetricStatistics = "cloudwatch-get-metric-statistics"
    /// The tidy metrics CSV: `timestamp,environment,service,metric,statistic,period_s,value`.
    case metricsCSV = "metrics-csv"
    /// `aws application-autoscaling describe-scaling-activities` JSON output.
    case scalingActivities = "scaling-activities"
    /// `aws ecs describe-services` JSON output, for its service events.
    case ecsServiceEvents = "ecs-service-events"
    /// The JSON manifest of a CUR delivery: recognised so that a billing folder imports cleanly; imports nothing.
    case curManifest = "cur-manifest"

    /// JMeter results, XML (`<testResults>` with `<httpSample .../>` elements).
    case jmeterXML = "jmeter-xml"
    /// Application Load Balancer access logs (`.log`, `.log.gz`, or AWS's folder layout).
    case albAccessLog = "alb-access-log"
    /// k6 `--out csv` results (`metric_name,timestamp,metric_value,...`).
    case k6CSV = "k6-csv"
    /// Locust `--csv` `*_stats_history.csv`: Locust's own percentiles per second.
    case locustStatsHistory = "locust-stats-history"
    /// Locust `--csv` `*_stats.csv` (whole-test totals): recognised, imports nothing.
    case locustStats = "locust-stats"
    /// Locust `--csv` `*_failures.csv`: recognised, imports nothing.
    case locustFailures = "locust-failures"
    /// The result CSV of `scaling-impact athena-sql latency` (latency histograms reduced in Athena).
    case athenaLatency = "athena-latency"
    /// The result CSV of `scaling-impact athena-sql cost` (Fargate usage and cost per hour from a CUR table).
    case athenaCost = "athena-cost"

    public var description: String { rawValue }

    /// Guesses the format from the first bytes of the (decompressed) content.
    public static func detect(prefix: [UInt8]) -> ImportFormat? {
        var text = String(decoding: prefix.prefix(65_536), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if trimmed.first == "{" || trimmed.first == "[" {
            if text.contains("\"MetricDataResults\"") { return .cloudWatchGetMetricData }
            if text.contains("\"Datapoints\"") && text.contains("\"Label\"") { return .cloudWatchGetMetricStatistics }
            if text.contains("\"ScalingActivities\"") { return .scalingActivities }
            if text.contains("\"services\"") && text.contains("\"events\"") { return .ecsServiceEvents }
            if text.contains("\"reportKeys\"") || (text.contains("\"dataFiles\"") && text.contains("\"billingPeriod\"")) {
                return .curManifest
            }
            return nil
        }
        if trimmed.first == "<" {
            return text.contains("<testResults") ? .jmeterXML : nil
        }
        // `isNewline`, not `== "\n"`: Swift reads CRLF as one Character, which equals neither "\n" nor "\r".
        let firstLine = text.prefix { !$0.isNewline }
        if isALBLogLine(firstLine) { return .albAccessLog }
        if firstLine.hasPrefix("metric_name,timestamp,metric_value") { return .k6CSV }
        if firstLine.hasPrefix("Timestamp,User Count,") && firstLine.contains("Total Request Count") {
            return .locustStatsHistory
        }
        if firstLine.hasPrefix("Type,Name,Request Count,") || firstLine.hasPrefix("\"Method\",\"Name\",\"# requests\"")
            || firstLine.hasPrefix("\"Name\",\"# requests\"")
        {
            return .locustStats
        }
        if firstLine.hasPrefix("Method,Name,Error,Occurrences") { return .locustFailures }
        if firstLine.contains("latency_sum_us") && firstLine.contains("period_start") { return .athenaLatency }
        if firstLine.contains("billed_cost_usd") && firstLine.contains("usage_kind") { return .athenaCost }
        if firstLine.contains("lineItem/UsageType") || firstLine.contains("lineItem/UnblendedCost") { return .curLegacy }
        if firstLine.contains("line_item_usage_type") || firstLine.contains("line_item_unblended_cost") { return .curSnakeCase }
        if firstLine.contains("BilledCost") && firstLine.contains("ChargePeriodStart") { return .focus }
        let fields = Set(firstLine.lowercased().split(separator: ",").map { $0.filter { $0 != "\"" && $0 != " " && $0 != "\t" } })
        if TidyMetricsParser.columns.allSatisfy(fields.contains) { return .metricsCSV }
        if firstLine.contains("timeStamp") && firstLine.contains("elapsed") { return .jmeterJTL }
        return nil
    }

    /// `<type> <yyyy-mm-ddThh:mm:ss…Z> app/<name>/<id> …`: the start of an ALB access log line.
    static func isALBLogLine(_ line: Substring) -> Bool {
        let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4, (1...8).contains(fields[0].count),
            fields[0].allSatisfy({ ($0.isLowercase || $0.isNumber) && $0.isASCII }),
            fields[1].count >= 20, UTCTime.parse(fields[1]) != nil, fields[1].contains("T")
        else { return false }
        return fields[2].hasPrefix("app/")
    }
}
