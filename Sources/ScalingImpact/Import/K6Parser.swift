/// k6 results written with `--out csv=file[.gz]` (FORMATS.md §9): one row per metric sample.
///
/// Only `http_req_duration` rows are requests (their `metric_value` is the latency in ms); every
/// other metric (`http_reqs`, `http_req_waiting`, `vus`, `checks`, ...) is counted as ignored.
/// `timestamp` may be in any of k6's `K6_CSV_TIME_FORMAT`s: `unix` seconds, `unix_milli`,
/// `unix_micro`, `unix_nano` (told apart by magnitude) or `rfc3339`. A 5xx `status` is a server
/// error; status `0` (no response: timeout, connection refused) is an error without a latency,
/// kept out of the percentiles like JMeter's `Non HTTP response code` and ALB's `-1`.
///
/// Mapping: `--environment`/`--service`, else the `[[mapping]]` rules over the `name` tag (field
/// `label` or `tag:name`), the `url` tag (`tag:url`), the `service` tag and the `extra_tags`
/// (`tag:<key>`, e.g. `environment=prod-eu&service=web`). URLs are matched, never stored.
enum K6Parser {
    static func parse(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        var reader = try CSVReader(path: context.path)
        guard try reader.next() else {
            throw ImportError(.structure, path: context.path, message: "the file is empty")
        }
        let header = CSVHeader(reader.record)
        let format = "k6 CSV"
        let metricColumn = try header.require("metric_name", path: context.path, format: format)
        let tsColumn = try header.require("timestamp", path: context.path, format: format)
        let valueColumn = try header.require("metric_value", path: context.path, format: format)
        let statusColumn = header.index("status")
        let tagNames: [(field: MappingField, column: String)] = [
            (.label, "name"), (.tag("name"), "name"), (.tag("url"), "url"), (.tag("service"), "service"),
            (.tag("group"), "group"), (.tag("scenario"), "scenario"),
        ]
        let tagColumns: [(field: MappingField, index: Int)] = tagNames.compactMap { tag in
            header.index(tag.column).map { (tag.field, $0) }
        }
        let extraTagsColumn = header.index("extra_tags")
        let width = header.names.count
        var keyCache: [[String]: ServiceKey?] = [:]
        while try reader.next() {
            let record = reader.record
            guard record.count == width else {
                throw ImportError(
                    .structure, path: context.path, line: record.line, column: min(record.count, width) + 1,
                    message: "\(record.count) fields where the header has \(width)",
                    hint: "a quote may be unbalanced or the file cut short")
            }
            guard record.withField(metricColumn, { $0.elementsEqual("http_req_duration".utf8) }) else {
                summary.rowsIgnored += 1
                continue
            }
            guard let time = record.withField(tsColumn, { seconds($0) }) else {
                problems.add(
                    line: record.line,
                    "column timestamp: \"\(record.string(tsColumn).prefix(40))\" is not a unix time (s, ms, µs or ns) or an RFC 3339 time")
                continue
            }
            guard let value = record.double(valueColumn), value >= 0 else {
                problems.add(
                    line: record.line,
                    "column metric_value: \"\(record.string(valueColumn).prefix(40))\" is not a non-negative number of milliseconds")
                continue
            }
            var tagValues = tagColumns.map { record.string($0.index) }
            if let extraTagsColumn { tagValues.append(record.string(extraTagsColumn)) }
            let key: ServiceKey?
            if let cached = keyCache[tagValues] {
                key = cached
            } else {
                var names: [MappingField: String] = [:]
                for (i, column) in tagColumns.enumerated() where !tagValues[i].isEmpty { names[column.field] = tagValues[i] }
                if extraTagsColumn != nil, let extra = tagValues.last {
                    for pair in extra.split(separator: "&") {
                        let parts = pair.split(separator: "=", maxSplits: 1)
                        if parts.count == 2 { names[.tag(String(parts[0]))] = String(parts[1]) }
                    }
                }
                key = context.key(names: names)
                if keyCache.count < 10_000 { keyCache[tagValues] = key }
            }
            guard let key else {
                summary.rowsUnmapped += 1
                continue
            }
            var isError = false
            var isTimed = true
            if let statusColumn, let status = record.int(statusColumn) {
                isError = status >= 500 || status == 0
                isTimed = status != 0
            }
            sink.addRequest(key, time: time, latency: isTimed ? value : nil, isError: isError)
            summary.rowsAccepted += 1
        }
    }

    /// UTC seconds of a k6 `timestamp`: unix seconds, milliseconds, microseconds or nanoseconds
    /// (by magnitude: below 10¹¹ seconds, 10¹⁴ ms, 10¹⁷ µs, else ns), possibly with a fraction,
    /// or an RFC 3339 time.
    static func seconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var whole: UInt64 = 0
        var digits = 0
        var i = 0
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 {
            guard digits < 19 else { return nil }
            whole = whole * 10 + UInt64(bytes[i] - 48)
            digits += 1
            i += 1
        }
        if digits > 0 && (i == bytes.count || bytes[i] == 46) {
            if i < bytes.count {
                // A fraction of the unit: digits only, dropped (the minute is what counts).
                guard i + 1 < bytes.count, bytes[(i + 1)...].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            }
            guard whole > 0 else { return nil }
            switch whole {
            case ..<100_000_000_000: return Int64(whole)
            case ..<100_000_000_000_000: return Int64(whole / 1000)
            case ..<100_000_000_000_000_000: return Int64(whole / 1_000_000)
            default: return Int64(whole / 1_000_000_000)
            }
        }
        return UTCTime.parse(bytes: bytes)?.seconds
    }
}
