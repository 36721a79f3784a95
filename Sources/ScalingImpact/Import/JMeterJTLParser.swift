/// JMeter results in CSV: one sampled request per row (FORMATS.md §8).
///
/// Columns are bound by header name, so non-default column sets and orders work; the delimiter
/// is taken from the header line (`,`, tab, `;` or `|`). `timeStamp` is epoch milliseconds, or a
/// date when `jmeter.save.saveservice.timestamp_format` is set (see ``JMeterTime``); `elapsed` is
/// milliseconds. A 5xx `responseCode`, or a failure that never got an HTTP response
/// (`Non HTTP response code: ...`), counts as a server error.
enum JMeterJTLParser {
    static func parse(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let delimiter = try sniffDelimiter(path: context.path)
        // Large plain files with epoch-millisecond times take the parallel byte-level path.
        if try FastJTLParser.parse(context, delimiter: delimiter, sink: &sink, summary: &summary, problems: &problems) {
            return
        }
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
        var clock = JMeterTime()
        defer { if let warning = clock.warning { summary.warnings.append(warning) } }
        while try reader.next() {
            let record = reader.record
            guard record.count == width else {
                throw ImportError(
                    .structure, path: context.path, line: record.line, column: min(record.count, width) + 1,
                    message: "\(record.count) fields where the header has \(width)",
                    hint: "a quote may be unbalanced or the file cut short")
            }
            guard let time = record.withField(tsColumn, { clock.seconds($0) }) else {
                problems.add(line: record.line, "column timeStamp: \"\(record.string(tsColumn).prefix(40))\" \(JMeterTime.expected)")
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
            let outcome: (isError: Bool, isTimed: Bool)
            if let codeColumn {
                outcome = record.withField(codeColumn) { outcomeOf(responseCode: $0) }
            } else {
                outcome = (successColumn.map { record.withField($0) { $0.elementsEqual("false".utf8) } } ?? false, true)
            }
            sink.addRequest(key, time: time, latency: outcome.isTimed ? elapsed : nil, isError: outcome.isError)
            summary.rowsAccepted += 1
        }
    }

    /// Whether a sample with `responseCode` is a server error, and whether its time is a latency.
    ///
    /// A 5xx code is an error; so is a failure that never got an HTTP response (`Non HTTP response
    /// code: ...`), which has no latency to speak of and stays out of the percentiles.
    static func outcomeOf(responseCode code: UnsafeBufferPointer<UInt8>) -> (isError: Bool, isTimed: Bool) {
        if code.starts(with: "Non HTTP".utf8) { return (true, false) }
        return (code.count == 3 && code[0] == UInt8(ascii: "5"), true)
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

/// JMeter's `timeStamp`: epoch milliseconds by default; with
/// `jmeter.save.saveservice.timestamp_format` set, a date written by Java's `SimpleDateFormat`.
///
/// Dates are accepted year first, as the patterns people set write them: `yyyy/MM/dd HH:mm:ss.SSS`,
/// `yyyy-MM-dd HH:mm:ss`, `yyyy.MM.dd'T'HH:mm:ss.SSSZ` (`/`, `-` or `.` between the date's fields;
/// `T` or a space before the time; optional fraction and zone `Z`, `+0100`, `+01:00`). A date
/// without a zone is the load generator's local time, which the file does not say: it is read
/// as UTC and the import warns once.
struct JMeterTime {
    /// What a bad value should have been, for messages.
    static let expected = "is not epoch milliseconds or a yyyy/MM/dd HH:mm:ss[.SSS] date"

    /// Set once a date without a zone was read.
    private(set) var sawDateWithoutZone = false

    /// The warning to give when dates had no zone.
    var warning: String? {
        sawDateWithoutZone
            ? "timeStamp is a date without a time zone (JMeter writes the load generator's local time); it was read "
                + "as UTC: if the generator did not run in UTC, convert the times or export epoch milliseconds"
            : nil
    }

    /// UTC seconds of a `timeStamp` value, or nil when it is neither epoch milliseconds nor a date.
    mutating func seconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let ms = NumberParser.int(bytes) { return ms > 0 ? ms / 1000 : nil }
        guard bytes.count >= 10, bytes.count <= 64 else { return nil }
        let separator = bytes[4]
        guard separator == 45 || separator == 47 || separator == 46, bytes[7] == separator else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { copy -> Int64? in
            // `-` between the date's fields; no space before a zone (`HH:mm:ss.SSS Z` writes one).
            var n = 0
            for (i, c) in bytes.enumerated() {
                if c == 32 && i > 10 && i + 1 < bytes.count && (bytes[i + 1] == 43 || bytes[i + 1] == 45) { continue }
                copy[n] = i == 4 || i == 7 ? 45 : c
                n += 1
            }
            guard let parsed = UTCTime.parse(bytes: UnsafeBufferPointer(rebasing: copy[0..<n])) else { return nil }
            if !Self.hasZone(bytes) { sawDateWithoutZone = true }
            return parsed.seconds
        }
    }

    /// Whether the time part ends in `Z` or a numeric offset.
    private static func hasZone(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let time = bytes.dropFirst(10)
        return time.contains(90) || time.contains(122) || time.contains(43) || time.contains(45)
    }
}
