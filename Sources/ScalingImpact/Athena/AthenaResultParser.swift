/// The results of the `athena-sql` queries, as Athena writes them: CSV with a quoted header,
/// every value quoted and NULL as an empty field (``AthenaLatencyQuery``, ``AthenaCostQuery``).
///
/// Counts are of what the query reduced, so that an import reports what a local import of the
/// same logs or bill would: rows accepted, unmapped and rejected are log lines (latency) or line
/// items (cost), not result rows.
enum AthenaResultParser {
    /// What one (environment, service, period) of a latency result adds up to.
    struct Period {
        var requests: Int64 = 0
        var errors: Int64 = 0
        var timed: Int64 = 0
        var sumMicros: Int64 = 0
        var minMicros: Int64 = .max
        var maxMicros: Int64 = .min
        var buckets: [Int: Int64] = [:]
    }

    /// A result's header: the index of each of `columns`, which must all be there.
    static func header(
        _ reader: inout CSVReader, columns: [String], format: String, path: String
    ) throws(ImportError) -> (indexes: [Int], header: CSVHeader) {
        guard try reader.next() else {
            throw ImportError(.structure, path: path, message: "the file is empty")
        }
        let header = CSVHeader(reader.record)
        var indexes: [Int] = []
        for column in columns {
            guard let index = header.index(column) else {
                throw ImportError(
                    .structure, path: path, line: 1,
                    message: "required column \(column) is missing from the \(format) header",
                    hint: "save the result of the query `scaling-impact athena-sql` printed, unchanged")
            }
            indexes.append(index)
        }
        return (indexes, header)
    }

    /// Checks that `record` reaches every column the parser reads.
    static func checkWidth(_ record: CSVRecord, _ header: CSVHeader, _ indexes: [Int], path: String) throws(ImportError) {
        guard record.count <= indexes.max() ?? 0 else { return }
        throw ImportError(
            .structure, path: path, line: record.line, column: record.count + 1,
            message: "\(record.count) fields where the header has \(header.names.count)",
            hint: "a quote may be unbalanced or the file cut short")
    }

    /// The text of a field, nil for NULL (an empty field).
    static func text(_ record: CSVRecord, _ index: Int) -> String? {
        guard index < record.count else { return nil }
        let value = record.string(index)
        return value.isEmpty ? nil : value
    }

    static func parseLatency(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let path = context.path
        var reader = try CSVReader(path: path)
        let (c, names) = try header(&reader, columns: AthenaLatencyQuery.columns, format: "athena-latency", path: path)
        let (outcomeColumn, environmentColumn, serviceColumn, periodColumn, lengthColumn, bucketColumn) =
            (c[0], c[1], c[2], c[3], c[4], c[5])
        let (requestsColumn, errorsColumn, sumColumn, minColumn, maxColumn, loadBalancerColumn, targetGroupColumn) =
            (c[6], c[7], c[8], c[9], c[10], c[11], c[12])
        var periods: [FactSink.MinuteKey: Period] = [:]
        var periodLength: Int64?
        var unmapped = UnmappedNames()
        var unparsed: Int64 = 0
        var rejected: (lines: Int64, first: Int)?
        while try reader.next() {
            let record = reader.record
            let line = record.line
            try checkWidth(record, names, c, path: path)
            guard let requests = text(record, requestsColumn).flatMap(NumberParser.double).flatMap(exactInteger), requests >= 0
            else {
                problems.add(line: line, "column requests: \"\(record.string(requestsColumn).prefix(40))\" is not a count")
                continue
            }
            switch text(record, outcomeColumn) ?? "" {
            case "ok":
                break
            case "unmapped":
                summary.rowsUnmapped += Int(requests)
                unmapped.add(
                    requests, "load balancer \"\(text(record, loadBalancerColumn) ?? "")\", "
                        + (text(record, targetGroupColumn).map { "target group \"\($0)\"" } ?? "no target group"))
                continue
            case "rejected":
                rejected = ((rejected?.lines ?? 0) + requests, rejected?.first ?? line)
                continue
            case "unparsed":
                unparsed += requests
                continue
            default:
                problems.add(
                    line: line,
                    "column outcome: \"\(record.string(outcomeColumn).prefix(40))\" is not ok, unmapped, rejected or unparsed")
                continue
            }
            guard let environment = text(record, environmentColumn), let service = text(record, serviceColumn) else {
                problems.add(line: line, "an ok row without environment or service")
                continue
            }
            guard context.mapper.environmentNames.contains(environment), context.mapper.serviceNames.contains(service) else {
                summary.rowsUnmapped += Int(requests)
                unmapped.add(requests, "environment \"\(environment)\", service \"\(service)\" (not in the configuration)")
                continue
            }
            guard let start = text(record, periodColumn).flatMap({ UTCTime.parse($0) }), start.nanoseconds == 0 else {
                problems.add(line: line, "column period_start: \"\(record.string(periodColumn).prefix(40))\" is not a UTC time")
                continue
            }
            let length = text(record, lengthColumn).flatMap(NumberParser.double).flatMap(exactInteger)
            guard let length, length == 60 || length == 3600, start.seconds % length == 0 else {
                throw ImportError(
                    .structure, path: path, line: line, column: lengthColumn + 1,
                    message: "period_s \"\(record.string(lengthColumn).prefix(20))\" with period_start "
                        + "\"\(record.string(periodColumn).prefix(40))\" is not a whole minute (60) or hour (3600)",
                    hint: "save the result of the query `scaling-impact athena-sql latency` printed, unchanged")
            }
            if let periodLength, periodLength != length {
                throw ImportError(
                    .structure, path: path, line: line, column: lengthColumn + 1,
                    message: "period_s \(length) where earlier rows have \(periodLength): one result holds one grain",
                    hint: "import minute and hour results as separate files")
            }
            periodLength = length
            guard let errors = text(record, errorsColumn).flatMap(NumberParser.double).flatMap(exactInteger),
                errors >= 0, errors <= requests
            else {
                problems.add(line: line, "column errors_5xx: \"\(record.string(errorsColumn).prefix(40))\" is not a count up to requests")
                continue
            }
            let key = FactSink.MinuteKey(key: ServiceKey(environment: environment, service: service), minute: start.seconds)
            guard let bucketText = text(record, bucketColumn) else {
                periods[key, default: Period()].requests += requests
                periods[key, default: Period()].errors += errors
                continue
            }
            guard let bucket = NumberParser.double(bucketText).flatMap(exactInteger), let index = Int(exactly: bucket),
                let sum = text(record, sumColumn).flatMap(NumberParser.double).flatMap(exactInteger),
                let low = text(record, minColumn).flatMap(NumberParser.double).flatMap(exactInteger),
                let high = text(record, maxColumn).flatMap(NumberParser.double).flatMap(exactInteger),
                requests > 0, low <= high, low >= 0
            else {
                problems.add(line: line, "a bucket row whose bucket, latency sum, minimum or maximum is missing or not whole microseconds")
                continue
            }
            // Both ends of a bucket row lie in its bucket, unless the query used another mapping.
            guard LatencyHistogram.bucket(for: Double(low) / 1000) == index, LatencyHistogram.bucket(for: Double(high) / 1000) == index
            else {
                throw ImportError(
                    .structure, path: path, line: line, column: bucketColumn + 1,
                    message: "bucket \(index) does not hold its minimum \(low) µs and maximum \(high) µs: the query computed "
                        + "buckets with another mapping than this importer's (ceil(ln(ms) / ln(γ)), γ = 1.005/0.995)",
                    hint: "print the query again with this scaling-impact (athena-sql latency) and run it again")
            }
            var period = periods[key] ?? Period()
            period.requests += requests
            period.errors += errors
            period.timed += requests
            period.sumMicros += sum
            period.minMicros = min(period.minMicros, low)
            period.maxMicros = max(period.maxMicros, high)
            period.buckets[index, default: 0] += requests
            periods[key] = period
        }
        // Moved period by period, so that a large result is not held twice at its peak.
        while let (key, period) = periods.popFirst() {
            var minute = FactSink.Minute()
            minute.requests = period.requests
            minute.errors = period.errors
            for (bucket, count) in period.buckets { minute.histogram.add(bucket: bucket, count: count) }
            if period.timed > 0 {
                minute.histogram.addSummary(
                    count: period.timed, sum: Double(period.sumMicros) / 1000, min: Double(period.minMicros) / 1000,
                    max: Double(period.maxMicros) / 1000)
            }
            sink.minutes[key] = minute
            sink.see(key.minute)
            summary.rowsAccepted += Int(period.requests)
        }
        sink.latencyPeriod = periodLength ?? 60
        if let rejected, rejected.lines > 0 {
            problems.count += Int(rejected.lines) - 1
            problems.add(
                line: rejected.first,
                "\(rejected.lines) log lines in the range have values the local importer rejects (time, processing times, "
                    + "status codes or target group ARN); the query left them out")
        }
        if unparsed > 0 {
            summary.warnings.append(
                "\(unparsed) lines of the scanned log files did not match the table's input.regex (every column NULL), "
                    + "so the query could not count them; if that is more than a few, the table definition does not fit "
                    + "your logs' fields (AWS adds fields: use the CREATE TABLE of the current Athena guide)")
        }
        summary.warnings.append(contentsOf: unmapped.warnings(rule: "load_balancer or target_group"))
    }

    static func parseCost(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let path = context.path
        var reader = try CSVReader(path: path)
        let required = Array(AthenaCostQuery.columns.prefix(8))
        let (c, names) = try header(&reader, columns: required, format: "athena-cost", path: path)
        let (outcomeColumn, environmentColumn, serviceColumn, periodColumn, kindColumn, amountColumn, costColumn, itemsColumn) =
            (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
        let clusterColumn = names.index("cluster")
        let serviceNameColumn = names.index("ecs_service")
        let costColumnNameColumn = names.index("cost_column")
        let kinds: Set<String> = ["vcpu", "memory", "arm_vcpu", "arm_memory", "ephemeral_storage"]
        var unmapped = UnmappedNames()
        var rejected: (lines: Int64, first: Int)?
        while try reader.next() {
            let record = reader.record
            let line = record.line
            try checkWidth(record, names, c, path: path)
            guard let items = text(record, itemsColumn).flatMap(NumberParser.double).flatMap(exactInteger), items >= 0 else {
                problems.add(line: line, "column line_items: \"\(record.string(itemsColumn).prefix(40))\" is not a count")
                continue
            }
            if summary.costColumn == nil, let column = costColumnNameColumn, let name = text(record, column) {
                summary.costColumn = name
            }
            switch text(record, outcomeColumn) ?? "" {
            case "ok":
                break
            case "unmapped":
                summary.rowsUnmapped += Int(items)
                let cluster = clusterColumn.flatMap { text(record, $0) }
                let service = serviceNameColumn.flatMap { text(record, $0) }
                unmapped.add(items, "cluster \"\(cluster ?? "")\", service \"\(service ?? "")\"")
                continue
            case "ignored":
                summary.rowsIgnored += Int(items)
                continue
            case "rejected":
                rejected = ((rejected?.lines ?? 0) + items, rejected?.first ?? line)
                continue
            default:
                problems.add(
                    line: line, "column outcome: \"\(record.string(outcomeColumn).prefix(40))\" is not ok, unmapped, ignored or rejected")
                continue
            }
            guard let environment = text(record, environmentColumn), let service = text(record, serviceColumn) else {
                problems.add(line: line, "an ok row without environment or service")
                continue
            }
            guard context.mapper.environmentNames.contains(environment), context.mapper.serviceNames.contains(service) else {
                summary.rowsUnmapped += Int(items)
                unmapped.add(items, "environment \"\(environment)\", service \"\(service)\" (not in the configuration)")
                continue
            }
            guard let start = text(record, periodColumn).flatMap({ UTCTime.parse($0) }), start.nanoseconds == 0,
                start.seconds % 3600 == 0
            else {
                problems.add(line: line, "column period_start: \"\(record.string(periodColumn).prefix(40))\" is not the start of a UTC hour")
                continue
            }
            guard let kind = text(record, kindColumn), kinds.contains(kind) else {
                problems.add(line: line, "column usage_kind: \"\(record.string(kindColumn).prefix(40))\" is not a Fargate usage kind")
                continue
            }
            guard let amount = text(record, amountColumn).map({ NumberParser.double($0) }) ?? 0,
                let cost = text(record, costColumn).map({ NumberParser.double($0) }) ?? 0
            else {
                problems.add(line: line, "column usage_amount or billed_cost_usd is not a number")
                continue
            }
            sink.addUsage(
                ServiceKey(environment: environment, service: service), hour: start.seconds, kind: kind, amount: amount, cost: cost)
            summary.rowsAccepted += Int(items)
        }
        if let rejected, rejected.lines > 0 {
            problems.count += Int(rejected.lines) - 1
            problems.add(line: rejected.first, "\(rejected.lines) Fargate line items have a charge period the local importer rejects; the query left them out")
        }
        summary.warnings.append(contentsOf: unmapped.warnings(rule: "cluster, service or tag:<key>"))
    }

    /// `value` when it is a whole number that fits an Int64.
    static func exactInteger(_ value: Double) -> Int64? {
        guard value == value.rounded(), abs(value) < 9.0e18 else { return nil }
        return Int64(value)
    }

    /// Unmapped names and how many lines each stands for, for the import's warnings.
    struct UnmappedNames {
        var counts: [String: Int64] = [:]

        mutating func add(_ count: Int64, _ name: String) { counts[name, default: 0] += count }

        /// One warning per name (the five with most lines).
        func warnings(rule: String) -> [String] {
            let sorted = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            var warnings = sorted.prefix(5).map { name, count in
                "\(count) lines of \(name): no [[mapping]] rule (field \(rule)) gives their environment and service"
            }
            let others = sorted.dropFirst(5).reduce(Int64(0)) { $0 + $1.value }
            if others > 0 { warnings.append("\(others) more unmapped lines of other names") }
            return warnings
        }
    }
}
