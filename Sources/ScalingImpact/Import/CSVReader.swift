/// One CSV record: its fields' bytes, stored back to back, and the line it starts on.
public struct CSVRecord: Sendable {
    /// The fields' bytes, unquoted, back to back.
    var bytes: [UInt8] = []
    /// End offset of each field in `bytes`.
    var ends: [Int] = []
    /// 1-based line where the record starts.
    public internal(set) var line: Int = 1

    /// The number of fields.
    public var count: Int { ends.count }

    @inline(__always)
    func range(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// Calls `body` with the raw bytes of field `index` (no copy).
    @inline(__always)
    public func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = range(index)
        return try bytes.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[r]))
        }
    }

    /// Field `index` as a string (invalid UTF-8 is repaired).
    public func string(_ index: Int) -> String {
        withField(index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether field `index` is empty or one of the null spellings (`NULL`, `N/A`, `-`, `null`).
    public func isNull(_ index: Int) -> Bool {
        withField(index) { NumberParser.isNull($0) }
    }

    /// Field `index` as a finite number, or nil.
    public func double(_ index: Int) -> Double? {
        withField(index) { NumberParser.double($0) }
    }

    /// Field `index` as an integer, or nil.
    public func int(_ index: Int) -> Int64? {
        withField(index) { NumberParser.int($0) }
    }
}

/// A streaming RFC 4180 reader: quoted fields with delimiters, quotes and newlines, CRLF or LF,
/// an optional UTF-8 byte order mark, and any single-byte delimiter. Memory stays bounded by
/// the longest record, never the file.
public struct CSVReader {
    private let source: ByteSource
    /// The field separator (`,` by default).
    public let delimiter: UInt8
    /// The path used in error messages.
    public let path: String
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    private var isAtEnd = false
    private var line = 1
    private var pendingCR = false
    private var isFirstChunk = true
    /// Longest record accepted, so that a file with no newline cannot exhaust memory.
    public var maxRecordBytes = 64 << 20
    /// Bytes read so far (for progress).
    public private(set) var bytesRead: Int = 0
    /// The current record, valid after ``next()`` returned true.
    public private(set) var record = CSVRecord()

    init(source: ByteSource, delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int = 1 << 20) {
        self.source = source
        self.delimiter = delimiter
        self.path = source.path
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    /// Opens the file at `path` (`-` for standard input; gzip inflated transparently).
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ",")) throws(ImportError) {
        self.init(source: try ByteSource(path: path), delimiter: delimiter)
    }

    private mutating func refill() throws(ImportError) {
        let n = try source.read(into: &buffer)
        position = 0
        filled = n
        bytesRead += n
        if n == 0 { isAtEnd = true }
        if isFirstChunk && n >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            position = 3
        }
        isFirstChunk = false
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Reads the next record; returns false at the end of the input. Blank lines are skipped.
    public mutating func next() throws(ImportError) -> Bool {
        while true {
            guard try readRecord() else { return false }
            if record.count == 1 && record.ends[0] == 0 { continue }
            return true
        }
    }

    private mutating func readRecord() throws(ImportError) -> Bool {
        record.bytes.removeAll(keepingCapacity: true)
        record.ends.removeAll(keepingCapacity: true)
        var state = State.fieldStart
        var started = false
        var quoteLine = line
        let delimiter = self.delimiter
        while true {
            if position >= filled {
                if isAtEnd { break }
                try refill()
                if isAtEnd { break }
            }
            if !started {
                if pendingCR && buffer[position] == 10 {
                    position += 1
                    pendingCR = false
                    continue
                }
                pendingCR = false
                record.line = line
                started = true
            }
            var endOfRecord = false
            var failure: (line: Int, column: Int, message: String)?
            buffer.withUnsafeBufferPointer { buf in
                var i = position
                let end = filled
                while i < end {
                    let c = buf[i]
                    i += 1
                    switch state {
                    case .fieldStart, .unquoted:
                        if c == delimiter {
                            record.ends.append(record.bytes.count)
                            state = .fieldStart
                        } else if c == 10 || c == 13 {
                            if c == 13 { pendingCR = true }
                            line += 1
                            record.ends.append(record.bytes.count)
                            endOfRecord = true
                        } else if c == 34 && state == .fieldStart {
                            state = .quoted
                            quoteLine = line
                        } else {
                            record.bytes.append(c)
                            state = .unquoted
                        }
                    case .quoted:
                        if c == 34 {
                            state = .quoteInQuoted
                        } else {
                            if c == 10 { line += 1 }
                            record.bytes.append(c)
                        }
                    case .quoteInQuoted:
                        if c == 34 {
                            record.bytes.append(34)
                            state = .quoted
                        } else if c == delimiter {
                            record.ends.append(record.bytes.count)
                            state = .fieldStart
                        } else if c == 10 || c == 13 {
                            if c == 13 { pendingCR = true }
                            line += 1
                            record.ends.append(record.bytes.count)
                            endOfRecord = true
                        } else {
                            failure = (
                                line, record.ends.count + 1,
                                "unexpected character after a closing quote; a quote inside a quoted field must be doubled"
                            )
                        }
                    }
                    if endOfRecord || failure != nil { break }
                }
                position = i
            }
            if let failure {
                throw ImportError(.structure, path: path, line: failure.line, column: failure.column, message: failure.message)
            }
            if endOfRecord { return true }
            if record.bytes.count > maxRecordBytes {
                throw ImportError(
                    .structure, path: path, line: record.line,
                    message: "a record longer than \(maxRecordBytes >> 20) MiB; this is not a CSV export")
            }
        }
        // End of input.
        if state == .quoted {
            throw ImportError(
                .structure, path: path, line: quoteLine, column: record.ends.count + 1,
                message: "unbalanced quote: a quoted field opened here is never closed")
        }
        guard started else { return false }
        record.ends.append(record.bytes.count)
        return true
    }
}

/// Column lookup by header name.
public struct CSVHeader: Sendable {
    /// The header's names, in file order.
    public let names: [String]
    private let indexByName: [String: Int]

    /// Reads the header from `record`, trimming surrounding spaces.
    public init(_ record: CSVRecord) {
        let names = (0..<record.count).map { record.string($0).trimmingSpaces() }
        self.names = names
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        indexByName = index
    }

    /// The index of the column named `name`, if present.
    public func index(_ name: String) -> Int? { indexByName[name] }

    /// The index of the first present column among `names`.
    public func index(anyOf names: [String]) -> Int? {
        for name in names { if let i = indexByName[name] { return i } }
        return nil
    }

    /// The index of `name`, or an error naming the missing column.
    public func require(_ name: String, path: String, format: String) throws(ImportError) -> Int {
        guard let i = indexByName[name] else {
            throw ImportError(
                .structure, path: path, line: 1,
                message: "required column \(name) is missing from the \(format) header",
                hint: "export with the default columns, or check that this is a \(format) file")
        }
        return i
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
