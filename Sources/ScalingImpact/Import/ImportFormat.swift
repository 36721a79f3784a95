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
            return nil
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" }
        if firstLine.contains("lineItem/UsageType") || firstLine.contains("lineItem/UnblendedCost") { return .curLegacy }
        if firstLine.contains("line_item_usage_type") || firstLine.contains("line_item_unblended_cost") { return .curSnakeCase }
        if firstLine.contains("BilledCost") && firstLine.contains("ChargePeriodStart") { return .focus }
        let fields = Set(firstLine.lowercased().split(separator: ",").map { $0.filter { $0 != "\"" && $0 != " " && $0 != "\t" } })
        if TidyMetricsParser.columns.allSatisfy(fields.contains) { return .metricsCSV }
        if firstLine.contains("timeStamp") && firstLine.contains("elapsed") { return .jmeterJTL }
        return nil
    }
}
