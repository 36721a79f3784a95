import Foundation

/// The query behind `scaling-impact athena-sql latency`: ALB access logs, reduced where they lie
/// (Athena over S3) to the latency histograms the local importer would store for the same lines.
///
/// It reads the table exactly as AWS documents it ("Create the table for ALB access logs":
/// `time` string, `elb`, `request_processing_time`, `target_processing_time`,
/// `response_processing_time` double, `elb_status_code` int, `target_status_code` string,
/// `target_group_arn` string; with partition projection also `day` as `yyyy/MM/dd`), and repeats
/// ``ALBLogParser``'s rules line for line:
///
/// - latency = the three processing times summed in whole microseconds, in ms; a `-1` in any
///   of them keeps the line out of the histogram;
/// - a 5xx `elb_status_code` or `target_status_code` is an error, and so is a line that was not
///   dispatched unless the load balancer answered it itself below 400;
/// - the bucket is `ceil(ln(x) / ln(γ))` as ``LatencyHistogram/bucket(for:)`` computes it, with
///   the very same double for `ln(γ)` (values ≤ 0.001 ms go to the zero bucket);
/// - lines whose time, processing times, status codes or target group ARN the local importer
///   would reject are counted as `rejected`; lines the table's regular expression did not match
///   (every column NULL) as `unparsed`; lines no rule maps as `unmapped`, per load balancer and
///   target group.
///
/// The result has one row per (environment, service, period, bucket), the requests without a
/// latency in a row of their own with an empty bucket. Every row's figures are additive: the
/// importer sums requests, errors and latency sums and takes the least minimum and greatest
/// maximum over the rows of a period. Latencies are whole microseconds, so sums are exact.
public struct AthenaLatencyQuery: Sendable {
    /// The period of each result row.
    public enum Grain: String, CaseIterable, Sendable {
        /// One row set per minute, as the local importer stores them.
        case minute
        /// One per hour: 60 times fewer rows; the analysis works per hour anyway.
        case hour

        /// The period's length in seconds.
        public var seconds: Int64 { self == .minute ? 60 : 3600 }
    }

    /// The result's columns, in order; the importer recognises the format by them.
    public static let columns = [
        "outcome", "environment", "service", "period_start", "period_s", "bucket", "requests", "errors_5xx",
        "latency_sum_us", "latency_min_us", "latency_max_us", "load_balancer", "target_group",
    ]

    /// The UTC range `[start, end)` of the `time` of the lines to reduce.
    public var range: TimeWindow
    /// Minute or hour rows.
    public var grain: Grain
    /// The ALB access log table.
    public var table: String
    /// Whether the table has AWS's partition-projection `day` partition (`yyyy/MM/dd`).
    public var isPartitioned: Bool
    /// The engine the SQL is written for.
    public var dialect: SQLDialect

    /// A query; the range must be non-empty and whole periods of `grain`.
    public init(
        range: TimeWindow, grain: Grain = .minute, table: String = "alb_logs", isPartitioned: Bool = false,
        dialect: SQLDialect = .trino
    ) throws(AthenaSQLError) {
        try Self.validate(range, period: grain.seconds, name: grain.rawValue)
        self.range = range
        self.grain = grain
        self.table = table
        self.isPartitioned = isPartitioned
        self.dialect = dialect
    }

    static func validate(_ range: TimeWindow, period: Int64, name: String) throws(AthenaSQLError) {
        guard range.end > range.start else {
            throw AthenaSQLError(message: "--to must be after --from", hint: "give a half-open UTC range [from, to)")
        }
        for (option, value) in [("--from", range.start), ("--to", range.end)] where value % period != 0 {
            throw AthenaSQLError(
                message: "\(option) \(UTCTime.iso8601(value)) is not the start of \(name == "hour" ? "an" : "a") \(name)",
                hint: "periods are imported whole, so that none is counted partly from Athena and partly from "
                    + "elsewhere; round it to \(name == "hour" ? "an" : "a") \(name) boundary")
        }
    }

    /// The SQL text, mapping load balancers and target groups with `configuration`'s rules.
    public func render(configuration: Configuration) throws(AthenaSQLError) -> String {
        let d = dialect
        let table = try SQLText.tableName(self.table)
        let from = SQLText.literal(String(UTCTime.iso8601(range.start).dropLast()))
        let to = SQLText.literal(String(UTCTime.iso8601(range.end).dropLast()))
        var rangeCondition = "((\"time\" >= \(from) AND \"time\" < \(to)) OR \"time\" IS NULL)"
        if isPartitioned {
            // A log file is filed under the day its 5-minute interval ends (or starts): an hour of
            // slack either side keeps lines near midnight without scanning more than a day extra.
            let first = Self.day(range.start - 3600)
            let last = Self.day(range.end - 1 + 3600)
            rangeCondition += "\n    AND \"day\" BETWEEN \(SQLText.literal(first)) AND \(SQLText.literal(last))"
        }
        let mapping = MappingSQL(
            names: [.loadBalancer: "load_balancer", .targetGroup: "target_group"],
            environmentFallbacks: ["load_balancer", "target_group"], serviceFallbacks: [])
        let notDispatched = "-1000000"
        func micros(_ column: String) -> String {
            "CASE WHEN abs(\(column)) < 1000000000000 THEN CAST(round(\(column) * 1000000) AS BIGINT) END"
        }
        func badTime(_ column: String) -> String { "\(column) IS NULL OR (\(column) < 0 AND \(column) <> \(notDispatched))" }
        let periodLength = grain == .minute ? 16 : 13
        let periodSuffix = grain == .minute ? ":00Z" : ":00:00Z"
        let lastSlash = "length(elb) - strpos(reverse(elb), '/') + 1"
        return """
            -- scaling-impact athena-sql latency (\(d == .trino ? "Trino / Amazon Athena" : "DuckDB"))
            -- ALB access logs of table \(table) (columns as AWS documents them) with `time` in
            -- [\(UTCTime.iso8601(range.start)), \(UTCTime.iso8601(range.end))), reduced per \(grain.rawValue) to the latency
            -- histograms the local importer stores. Save the result as CSV and import it:
            --   scaling-impact import <result>.csv
            WITH lines AS (
              SELECT
                "time", elb, target_group_arn, elb_status_code, target_status_code,
                \(micros("request_processing_time")) AS request_us,
                \(micros("target_processing_time")) AS target_us,
                \(micros("response_processing_time")) AS response_us
              FROM \(table)
              WHERE \(rangeCondition)
            ),
            named AS (
              SELECT *,
                CASE WHEN strpos(elb, '/') > 0 AND \(lastSlash) > strpos(elb, '/')
                     THEN substr(elb, strpos(elb, '/') + 1, \(lastSlash) - strpos(elb, '/') - 1)
                     ELSE elb END AS load_balancer,
                CASE WHEN target_group_arn <> '-'
                     THEN \(d.regexpExtract("target_group_arn", "^arn:(.*:)?targetgroup/([^/:]*)(/[^:]*)?$", group: 2)) END AS target_group
              FROM lines
            ),
            mapped AS (
              SELECT *,
                \(mapping.environment(configuration)) AS environment,
                \(mapping.service(configuration)) AS service
              FROM named
            ),
            classified AS (
              SELECT *,
                CASE
                  WHEN "time" IS NULL THEN 'unparsed'
                  WHEN NOT \(d.regexpLike("\"time\"", "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?Z$"))
                    OR \(badTime("request_us")) OR \(badTime("target_us")) OR \(badTime("response_us"))
                    OR (elb_status_code IS NOT NULL AND (elb_status_code < 100 OR elb_status_code > 999))
                    OR target_status_code IS NULL
                    OR (target_status_code <> '-' AND NOT \(d.regexpLike("target_status_code", "^[1-9][0-9][0-9]$")))
                    OR target_group_arn IS NULL OR (target_group_arn <> '-' AND target_group IS NULL)
                    THEN 'rejected'
                  WHEN environment IS NULL OR service IS NULL THEN 'unmapped'
                  ELSE 'ok'
                END AS outcome
              FROM mapped
            ),
            measured AS (
              SELECT outcome, environment, service, "time", load_balancer, target_group,
                CASE WHEN outcome = 'ok' AND request_us <> \(notDispatched) AND target_us <> \(notDispatched)
                          AND response_us <> \(notDispatched)
                     THEN request_us + target_us + response_us END AS latency_us,
                CASE WHEN outcome = 'ok' AND (
                       ((request_us = \(notDispatched) OR target_us = \(notDispatched) OR response_us = \(notDispatched))
                         AND NOT coalesce(elb_status_code < 400, FALSE))
                       OR coalesce(elb_status_code >= 500, FALSE)
                       OR (target_status_code <> '-' AND target_status_code >= '500'))
                     THEN 1 ELSE 0 END AS is_error
              FROM classified
            )
            SELECT
              outcome,
              CASE WHEN outcome = 'ok' THEN environment END AS environment,
              CASE WHEN outcome = 'ok' THEN service END AS service,
              CASE WHEN outcome = 'ok' THEN substr("time", 1, \(periodLength)) || '\(periodSuffix)' END AS period_start,
              \(grain.seconds) AS period_s,
              CASE WHEN latency_us IS NOT NULL THEN
                \(bucketExpression(micros: "latency_us"))
              END AS bucket,
              count(*) AS requests,
              sum(is_error) AS errors_5xx,
              sum(latency_us) AS latency_sum_us,
              min(latency_us) AS latency_min_us,
              max(latency_us) AS latency_max_us,
              CASE WHEN outcome = 'unmapped' THEN load_balancer END AS load_balancer,
              CASE WHEN outcome = 'unmapped' THEN target_group END AS target_group
            FROM measured
            GROUP BY 1, 2, 3, 4, 6, 12, 13
            ORDER BY 1, 2, 3, 4, 6 NULLS FIRST, 12, 13

            """
    }

    /// The histogram bucket of a latency given as a BIGINT number of microseconds, exactly as
    /// ``LatencyHistogram/bucket(for:)`` computes it for `Double(micros) / 1000` ms: the same
    /// IEEE operations on the same doubles, so the same index (the engine's `ln` is glibc's in
    /// DuckDB on Linux, as Swift's is; for Java's, see `AthenaSQLTests`).
    func bucketExpression(micros: String) -> String {
        let milliseconds = "CAST(\(micros) AS DOUBLE) / 1000"
        return """
            CASE WHEN \(milliseconds) <= \(SQLText.double(LatencyHistogram.zeroThreshold)) THEN \(LatencyHistogram.zeroBucket)
                   ELSE CAST(ceil(ln(\(milliseconds)) / \(SQLText.double(LatencyHistogram.logGamma))) AS BIGINT) END
            """
    }

    /// `yyyy/MM/dd` of a UTC time: the `day` partition of AWS's partition-projection table.
    static func day(_ seconds: Int64) -> String {
        UTCTime.date(seconds).replacingOccurrences(of: "-", with: "/")
    }
}
