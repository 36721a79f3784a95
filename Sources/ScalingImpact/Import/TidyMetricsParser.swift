/// The tidy metrics CSV: one value per row, for metrics from anywhere CloudWatch JSON does not cover.
///
/// ```
/// timestamp,environment,service,metric,statistic,period_s,value
/// 2026-10-14T09:00:00Z,prod-eu,web,RunningTaskCount,Average,60,12
/// ```
///
/// Columns are bound by name (any order, extra columns ignored). `timestamp` is the start of the
/// period, ISO-8601 UTC or unix seconds; `period_s` a positive whole number of seconds; `value` a
/// finite number in the metric's CloudWatch unit (`TargetResponseTime` in seconds is stored as
/// `TargetResponseTime_ms`, as from CloudWatch JSON). `environment` and `service` are configured
/// names, or names a `tag:environment` or `service` mapping rule maps; when empty, `--environment`
/// and `--service` apply. `statistic` is `Average`, `Sum`, `Minimum`, `Maximum`, `SampleCount` or a
/// percentile such as `p95`.
enum TidyMetricsParser {
    static let columns = ["timestamp", "environment", "service", "metric", "statistic", "period_s", "value"]

    static func parse(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        var reader = try CSVReader(path: context.path)
        guard try reader.next() else {
            throw ImportError(.structure, path: context.path, message: "the file is empty")
        }
        let header = CSVHeader(reader.record)
        var index: [Int] = []
        for name in columns {
            index.append(try header.require(name, path: context.path, format: "tidy metrics CSV"))
        }
        let (tsColumn, envColumn, serviceColumn, metricColumn, statisticColumn, periodColumn, valueColumn) = (
            index[0], index[1], index[2], index[3], index[4], index[5], index[6]
        )
        let width = header.names.count
        var keyCache: [String: ServiceKey?] = [:]
        while try reader.next() {
            let record = reader.record
            guard record.count == width else {
                throw ImportError(
                    .structure, path: context.path, line: record.line, column: min(record.count, width) + 1,
                    message: "\(record.count) fields where the header has \(width)",
                    hint: "a quote may be unbalanced or the file cut short")
            }
            let stamp = record.string(tsColumn)
            // Unix seconds stay below 1e11 (the year 5138): larger numbers are milliseconds, not this format.
            guard let ts = record.int(tsColumn) ?? UTCTime.parse(stamp)?.seconds, ts >= 0, ts < 100_000_000_000 else {
                problems.add(line: record.line, "column timestamp: \"\(stamp.prefix(40))\" is not an ISO-8601 UTC time or unix seconds")
                continue
            }
            let metric = record.string(metricColumn).trimmingSpaces()
            guard !metric.isEmpty else {
                problems.add(line: record.line, "column metric is empty")
                continue
            }
            let statistic = record.string(statisticColumn).trimmingSpaces()
            guard CloudWatchParser.statistics.contains(statistic) || CloudWatchParser.isPercentile(statistic) else {
                problems.add(
                    line: record.line,
                    "column statistic: \"\(statistic.prefix(40))\" is not Average, Sum, Minimum, Maximum, SampleCount or a percentile like p95")
                continue
            }
            guard let period = record.int(periodColumn), period > 0 else {
                problems.add(line: record.line, "column period_s: \"\(record.string(periodColumn).prefix(40))\" is not a positive whole number of seconds")
                continue
            }
            guard let value = record.double(valueColumn) else {
                problems.add(line: record.line, "column value: \"\(record.string(valueColumn).prefix(40))\" is not a finite number")
                continue
            }
            let environment = record.isNull(envColumn) ? "" : record.string(envColumn).trimmingSpaces()
            let service = record.isNull(serviceColumn) ? "" : record.string(serviceColumn).trimmingSpaces()
            let cacheKey = "\(environment)\u{1F}\(service)"
            let key: ServiceKey?
            if let cached = keyCache[cacheKey] {
                key = cached
            } else {
                var names: [MappingField: String] = [:]
                if !environment.isEmpty { names[.tag("environment")] = environment }
                if !service.isEmpty { names[.service] = service }
                key = context.key(names: names)
                keyCache[cacheKey] = key
            }
            guard let key else {
                summary.rowsUnmapped += 1
                continue
            }
            let stored = CloudWatchParser.stored(metric: metric, unit: nil, value: value)
            sink.addMetric(key, metric: stored.metric, statistic: statistic, period: period, ts: ts, value: stored.value)
            summary.rowsAccepted += 1
        }
    }
}
