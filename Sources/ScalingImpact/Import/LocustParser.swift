/// Locust's CSV output (`--csv=PREFIX`, FORMATS.md §10).
///
/// `PREFIX_stats_history.csv` holds no requests, only Locust's own percentiles per row (~1 s
/// apart; cumulative since the start by default, over a ~10 s window with
/// `--csv-full-history`). Percentiles of different periods or endpoints cannot be merged into a
/// window percentile, so they are kept as what they are: metric points `LocustResponseTime` with
/// statistics `p50`, `p66`, …, `p99.9`, `p100` (ms), and the requests and failures of each period
/// (from the growth of `Total Request Count`/`Total Failure Count`) as `LocustRequestCount` and
/// `LocustFailureCount` with statistic `Sum`. The period is the file's usual row spacing. They
/// never reach the request histograms, so the report's latency percentiles never mix them in.
///
/// Which rows: with `--service`, the `Aggregated` rows, for `--environment`/`--service`. Without
/// it, the per-endpoint rows of `--csv-full-history`, mapped by the `[[mapping]]` rules over
/// their `Name` (field `label`); an endpoint row whose service already has a row at the same
/// time is ignored (two endpoints' percentiles cannot be combined), and the import says so.
/// Endpoint names are matched, never stored.
enum LocustParser {
    /// The metric names stored.
    static let responseTimeMetric = "LocustResponseTime"
    static let requestCountMetric = "LocustRequestCount"
    static let failureCountMetric = "LocustFailureCount"

    static func parseStatsHistory(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        var reader = try CSVReader(path: context.path)
        guard try reader.next() else {
            throw ImportError(.structure, path: context.path, message: "the file is empty")
        }
        let header = CSVHeader(reader.record)
        let format = "Locust stats_history"
        let tsColumn = try header.require("Timestamp", path: context.path, format: format)
        let nameColumn = try header.require("Name", path: context.path, format: format)
        let typeColumn = header.index("Type")
        let totalColumn = try header.require("Total Request Count", path: context.path, format: format)
        let failuresColumn = header.index("Total Failure Count")
        // Percentile columns: `50%`, `99.9%`, `100%`, ...
        let percentileColumns: [(statistic: String, index: Int)] = header.names.enumerated().compactMap { index, name in
            guard name.hasSuffix("%"), let value = Double(name.dropLast()), value > 0, value <= 100 else { return nil }
            return ("p" + name.dropLast(), index)
        }
        let width = header.names.count
        let useAggregated = context.options.service != nil

        struct Row {
            var key: ServiceKey
            var series: String
            var time: Int64
            var line: Int
            var percentiles: [(String, Double)]
            var total: Int64
            var failures: Int64?
        }
        var rows: [Row] = []
        var keyCache: [String: ServiceKey?] = [:]
        var taken: Set<String> = []
        var conflicts = 0
        while try reader.next() {
            let record = reader.record
            guard record.count == width else {
                throw ImportError(
                    .structure, path: context.path, line: record.line, column: min(record.count, width) + 1,
                    message: "\(record.count) fields where the header has \(width)",
                    hint: "a quote may be unbalanced or the file cut short")
            }
            let name = record.string(nameColumn)
            let isAggregated = name == "Aggregated" && (typeColumn.map { record.isNull($0) || record.string($0).isEmpty } ?? true)
            if isAggregated != useAggregated {
                summary.rowsIgnored += 1
                continue
            }
            guard let time = record.int(tsColumn), time > 0 else {
                problems.add(line: record.line, "column Timestamp: \"\(record.string(tsColumn).prefix(40))\" is not unix seconds")
                continue
            }
            guard let total = record.int(totalColumn), total >= 0 else {
                problems.add(
                    line: record.line, "column Total Request Count: \"\(record.string(totalColumn).prefix(40))\" is not a count")
                continue
            }
            var failures: Int64?
            if let failuresColumn {
                guard let f = record.int(failuresColumn), f >= 0 else {
                    problems.add(
                        line: record.line,
                        "column Total Failure Count: \"\(record.string(failuresColumn).prefix(40))\" is not a count")
                    continue
                }
                failures = f
            }
            var percentiles: [(String, Double)] = []
            var bad: String?
            for column in percentileColumns where !record.isNull(column.index) {
                guard let v = record.double(column.index), v >= 0 else {
                    bad = "column \(header.names[column.index]): \"\(record.string(column.index).prefix(40))\" is not a number of milliseconds"
                    break
                }
                percentiles.append((column.statistic, v))
            }
            if let bad {
                problems.add(line: record.line, bad)
                continue
            }
            // Locust writes 0 for every percentile of a window without requests: no data, not 0 ms.
            if percentiles.last?.1 == 0 { percentiles.removeAll() }
            let key: ServiceKey?
            if let cached = keyCache[name] {
                key = cached
            } else {
                key = context.key(names: [.label: name])
                if keyCache.count < 10_000 { keyCache[name] = key }
            }
            guard let key else {
                summary.rowsUnmapped += 1
                continue
            }
            if !taken.insert("\(key.environment)\u{1F}\(key.service)\u{1F}\(time)").inserted {
                conflicts += 1
                summary.rowsIgnored += 1
                continue
            }
            let series = (typeColumn.map { record.string($0) } ?? "") + "\u{1F}" + name
            rows.append(Row(key: key, series: series, time: time, line: record.line, percentiles: percentiles, total: total, failures: failures))
            summary.rowsAccepted += 1
        }
        if conflicts > 0 {
            summary.warnings.append(
                "\(conflicts) endpoint rows map to a service that already has a row at the same time; Locust's "
                    + "percentiles of different endpoints cannot be combined, so only the first endpoint's were kept "
                    + "(map each endpoint to its own service, or pass --service to use the Aggregated rows)")
        }
        let period = usualSpacing(rows.map { ($0.series, $0.time) })
        var previous: [String: (total: Int64, failures: Int64?)] = [:]
        for row in rows.sorted(by: { ($0.series, $0.time, $0.line) < ($1.series, $1.time, $1.line) }) {
            for (statistic, value) in row.percentiles {
                sink.addMetric(row.key, metric: responseTimeMetric, statistic: statistic, period: period, ts: row.time, value: value)
            }
            // Totals are cumulative since the start; a drop means Locust's stats were reset.
            let before = previous[row.series]
            let requests = before.map { row.total >= $0.total ? row.total - $0.total : row.total } ?? row.total
            sink.addMetric(row.key, metric: requestCountMetric, statistic: "Sum", period: period, ts: row.time, value: Double(requests))
            if let failures = row.failures {
                let last = before?.failures
                let count = last.map { failures >= $0 ? failures - $0 : failures } ?? failures
                sink.addMetric(row.key, metric: failureCountMetric, statistic: "Sum", period: period, ts: row.time, value: Double(count))
            }
            previous[row.series] = (row.total, row.failures)
        }
        if summary.rowsAccepted > 0 {
            summary.warnings.append(
                "Locust percentiles are pre-aggregated per row: stored as \(responseTimeMetric) p50…p100 series (period "
                    + "\(period) s), not merged into the request histograms the latency percentiles come from")
        }
        if summary.rowsAccepted == 0 && summary.rowsUnmapped == 0 && summary.rowsIgnored > 0 {
            summary.warnings.append(
                useAggregated
                    ? "the file has no Aggregated rows to store for --service"
                    : "only Aggregated rows: pass --environment and --service to import them")
        }
    }

    /// The most common gap between consecutive rows of a series, in seconds (1 when unknown).
    static func usualSpacing(_ points: [(series: String, time: Int64)]) -> Int64 {
        var counts: [Int64: Int] = [:]
        var last: [String: Int64] = [:]
        for point in points.sorted(by: { ($0.series, $0.time) < ($1.series, $1.time) }) {
            if let t = last[point.series], point.time > t { counts[point.time - t, default: 0] += 1 }
            last[point.series] = point.time
        }
        return counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 1
    }

    /// `PREFIX_stats.csv` and `PREFIX_failures.csv` (and Locust < 1.0's `_requests.csv` and
    /// `_distribution.csv`): whole-test totals, not a time series. They are recognised, checked
    /// to be well-formed, and import nothing, with a message saying what to import instead.
    static func parseSummary(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        var reader = try CSVReader(path: context.path)
        guard try reader.next() else {
            throw ImportError(.structure, path: context.path, message: "the file is empty")
        }
        let width = reader.record.count
        var rows = 0
        while try reader.next() {
            guard reader.record.count == width else {
                throw ImportError(
                    .structure, path: context.path, line: reader.record.line, column: min(reader.record.count, width) + 1,
                    message: "\(reader.record.count) fields where the header has \(width)",
                    hint: "a quote may be unbalanced or the file cut short")
            }
            rows += 1
        }
        let what = summary.format == .locustFailures ? "failure counts per endpoint and error" : "totals per endpoint over the whole test"
        summary.warnings.append(
            "a Locust summary (\(rows) rows of \(what)) has no time series: nothing imported; "
                + "import the run's *_stats_history.csv for its percentiles over time")
    }
}
