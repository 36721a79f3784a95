/// JMeter results in CSV: one sampled request per row (FORMATS.md §8).
///
/// Columns are bound by header name, so non-default column sets and orders work; the delimiter
/// is taken from the header line (`,`, tab, `;` or `|`). `timeStamp` is epoch milliseconds or an
/// ISO-8601 time; `elapsed` is milliseconds. A 5xx `responseCode`, or a failure that never got an
/// HTTP response (`Non HTTP response code: ...`), counts as a server error.
enum JMeterJTLParser {
    static func parse(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let delimiter = try sniffDelimiter(path: context.path)
        var reader = try CSVReader(path: context.path, delimiter: delimiter)
        guard try reader.next() else {
            throw ImportError(.structure, path: context.path, message: "the file is empty")
        }
        let header = CSVHeader(reader.record)
        let format = "JMeter JTL"
        let tsColumn = try header.require("timeStamp", path: context.path, format: format)
        let elapsedColumn = try header.require("elapsed", path: context.path, format: format)
        let labelColumn = header.index("label")
        let codeColumn = header.index("responseCode")
        let successColumn = header.index("success")
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
            let time: Int64
            if let ms = record.int(tsColumn) {
                guard ms > 0 else {
                    problems.add(line: record.line, "column timeStamp: \(ms) is not a time in epoch milliseconds")
                    continue
                }
                time = ms / 1000
            } else if let parsed = UTCTime.parse(record.string(tsColumn)) {
                time = parsed.seconds
            } else {
                problems.add(line: record.line, "column timeStamp: \"\(record.string(tsColumn).prefix(40))\" is not epoch milliseconds or an ISO-8601 time")
                continue
            }
            guard let elapsed = record.double(elapsedColumn), elapsed >= 0 else {
                problems.add(line: record.line, "column elapsed: \"\(record.string(elapsedColumn).prefix(40))\" is not a non-negative number of milliseconds")
                continue
            }
            let label = labelColumn.map { record.string($0) } ?? ""
            let key: ServiceKey?
            if let cached = keyCache[label] {
                key = cached
            } else {
                key = context.key(names: [.label: label])
                if keyCache.count < 10_000 { keyCache[label] = key }
            }
            guard let key else {
                summary.rowsUnmapped += 1
                continue
            }
            var isError = false
            var isTimed = true
            if let codeColumn {
                let isServerError = record.withField(codeColumn) { f in f.count == 3 && f[0] == UInt8(ascii: "5") }
                let isNonHTTP = record.withField(codeColumn) { f in f.starts(with: "Non HTTP".utf8) }
                isError = isServerError || isNonHTTP
                // A request that never got an HTTP response has no latency to speak of.
                if isNonHTTP { isTimed = false }
            } else if let successColumn {
                isError = record.withField(successColumn) { $0.elementsEqual("false".utf8) }
            }
            sink.addRequest(key, time: time, latency: isTimed ? elapsed : nil, isError: isError)
            summary.rowsAccepted += 1
        }
    }

    /// The delimiter of the header line: the candidate that splits off `elapsed`.
    static func sniffDelimiter(path: String) throws(ImportError) -> UInt8 {
        let source = try ByteSource(path: path)
        var prefix = [UInt8](repeating: 0, count: 8192)
        let n = try source.read(into: &prefix)
        let line = prefix[0..<n].prefix { $0 != 10 && $0 != 13 }
        for candidate in [UInt8(ascii: ","), 9, UInt8(ascii: ";"), UInt8(ascii: "|")] {
            let names = line.split(separator: candidate).map { String(decoding: $0, as: UTF8.self) }
            if names.contains(where: { $0.trimmingSpaces() == "elapsed" }) { return candidate }
        }
        return UInt8(ascii: ",")
    }
}
