import Foundation
import Testing

@testable import ScalingImpact

@Suite struct CSVReaderTests {
    /// One record as read: the line it starts on and its fields.
    struct Read: Equatable, CustomStringConvertible {
        var line: Int
        var fields: [String]
        var description: String { "\(line): \(fields)" }
    }

    /// Reads every record of `reader`.
    static func readAll(_ reader: inout CSVReader) throws -> [Read] {
        var records: [Read] = []
        while try reader.next() {
            let record = reader.record
            records.append(Read(line: record.line, fields: (0..<record.count).map { record.string($0) }))
        }
        return records
    }

    /// Writes `text` to a temporary `file.csv` and reads it back.
    static func read(_ text: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [Read] {
        let scratch = try ScratchDirectory()
        var reader = try CSVReader(path: try scratch.write("file.csv", text), delimiter: delimiter)
        return try readAll(&reader)
    }

    /// A CSV input and the records it must give.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var records: [(line: Int, fields: [String])]
        var testDescription: String { name }

        var expected: [Read] { records.map { Read(line: $0.line, fields: $0.fields) } }
    }

    static let cases: [Case] = [
        Case(name: "plain", input: "a,b\n1,2\n", records: [(1, ["a", "b"]), (2, ["1", "2"])]),
        Case(name: "quoted comma", input: "x,\"a,b\",y\n", records: [(1, ["x", "a,b", "y"])]),
        Case(
            name: "doubled quotes", input: "\"say \"\"hi\"\"\",\"\"\"\"\n",
            records: [(1, ["say \"hi\"", "\""])]),
        Case(
            name: "embedded newline", input: "h1,h2\n\"line one\nline two\",x\nnext,y\n",
            records: [(1, ["h1", "h2"]), (2, ["line one\nline two", "x"]), (4, ["next", "y"])]),
        Case(
            name: "two embedded newlines", input: "\"a\n\nb\",c\nd,e\n",
            records: [(1, ["a\n\nb", "c"]), (4, ["d", "e"])]),
        Case(name: "CRLF", input: "a,b\r\n1,2\r\n3,4\r\n", records: [(1, ["a", "b"]), (2, ["1", "2"]), (3, ["3", "4"])]),
        Case(
            name: "CRLF inside quotes", input: "\"a\r\nb\",c\r\nd,e\r\n",
            records: [(1, ["a\r\nb", "c"]), (3, ["d", "e"])]),
        Case(name: "CR only", input: "a\rb\r", records: [(1, ["a"]), (2, ["b"])]),
        Case(
            name: "UTF-8 BOM", input: "\u{FEFF}timeStamp,elapsed\n1,2\n",
            records: [(1, ["timeStamp", "elapsed"]), (2, ["1", "2"])]),
        Case(name: "no final newline", input: "a,b\n1,2", records: [(1, ["a", "b"]), (2, ["1", "2"])]),
        Case(name: "quoted last field without newline", input: "a,\"b\"", records: [(1, ["a", "b"])]),
        Case(name: "blank lines skipped", input: "a\n\n\nb\n\n", records: [(1, ["a"]), (4, ["b"])]),
        Case(name: "blank CRLF lines skipped", input: "a\r\n\r\nb\r\n", records: [(1, ["a"]), (3, ["b"])]),
        Case(name: "empty fields", input: "a,,c\n,\n", records: [(1, ["a", "", "c"]), (2, ["", ""])]),
        Case(name: "quoted empty field", input: "\"\",x\n", records: [(1, ["", "x"])]),
        Case(name: "spaces kept", input: " a , b \n", records: [(1, [" a ", " b "])]),
        Case(name: "quote inside unquoted field", input: "5\"5,x\n", records: [(1, ["5\"5", "x"])]),
        Case(name: "multi-byte UTF-8", input: "Requête HTTP,Groupe d'unités 1-1\n", records: [(1, ["Requête HTTP", "Groupe d'unités 1-1"])]),
        Case(name: "empty input", input: "", records: []),
        Case(name: "only newlines", input: "\n\r\n\n", records: []),
    ]

    @Test(arguments: cases)
    func readsRecords(_ testCase: Case) throws {
        #expect(try Self.read(testCase.input) == testCase.expected)
    }

    /// Records that straddle buffer refills must read the same as with one large buffer.
    @Test(arguments: cases, [3, 4, 5, 7, 64])
    func readsRecordsAcrossChunkBoundaries(_ testCase: Case, chunkSize: Int) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("file.csv", testCase.input)
        var reader = CSVReader(source: try ByteSource(path: path), chunkSize: chunkSize)
        #expect(try Self.readAll(&reader) == testCase.expected)
    }

    @Test func tabDelimiter() throws {
        let records = try Self.read("a\tb,c\n\"x\ty\"\tz\n", delimiter: 9)
        #expect(records == [Read(line: 1, fields: ["a", "b,c"]), Read(line: 2, fields: ["x\ty", "z"])])
    }

    @Test func semicolonDelimiter() throws {
        let records = try Self.read("a;b\n\"1;5\";2,5\n", delimiter: UInt8(ascii: ";"))
        #expect(records == [Read(line: 1, fields: ["a", "b"]), Read(line: 2, fields: ["1;5", "2,5"])])
    }

    @Test func unbalancedQuoteNamesLineAndColumn() throws {
        let error = #expect(throws: ImportError.self) {
            try Self.read("a,b,c\n1,2,3\n4,\"never closed,6\n7,8,9\n")
        }
        let found = try #require(error)
        #expect(found.kind == .structure)
        #expect(found.line == 3)
        #expect(found.column == 2)
        #expect(found.path.hasSuffix("file.csv"))
        #expect(found.description.contains("file.csv:3:2: unbalanced quote"))
    }

    @Test func characterAfterClosingQuoteNamesLineAndColumn() throws {
        let error = #expect(throws: ImportError.self) {
            try Self.read("a,b\n1,\"x\"y\n")
        }
        #expect(error?.line == 2)
        #expect(error?.column == 2)
        #expect(error?.message.contains("doubled") == true)
    }

    @Test func recordsBeforeAnErrorAreRead() throws {
        let scratch = try ScratchDirectory()
        var reader = try CSVReader(path: try scratch.write("file.csv", "a,b\n1,2\n\"open\n"))
        #expect(try reader.next())
        #expect(try reader.next())
        #expect(reader.record.string(1) == "2")
        #expect(throws: ImportError.self) { try reader.next() }
    }

    @Test func recordAccessorsParseFields() throws {
        let scratch = try ScratchDirectory()
        var reader = try CSVReader(path: try scratch.write("file.csv", "42,-0.5,NULL,N/A,,abc,1e3\n"))
        #expect(try reader.next())
        let record = reader.record
        #expect(record.count == 7)
        #expect(record.int(0) == 42)
        #expect(record.double(0) == 42)
        #expect(record.double(1) == -0.5)
        #expect(record.int(1) == nil)
        #expect((0..<7).map { record.isNull($0) } == [false, false, true, true, true, false, false])
        #expect(record.double(5) == nil)
        #expect(record.double(6) == 1000)
        #expect(try !reader.next())
    }

    @Test func headerLooksColumnsUpByTrimmedName() throws {
        let scratch = try ScratchDirectory()
        var reader = try CSVReader(path: try scratch.write("file.csv", "timeStamp, elapsed ,label,elapsed\n"))
        #expect(try reader.next())
        let header = CSVHeader(reader.record)
        #expect(header.names == ["timeStamp", "elapsed", "label", "elapsed"])
        #expect(header.index("elapsed") == 1)
        #expect(header.index("Latency") == nil)
        #expect(header.index(anyOf: ["Latency", "label"]) == 2)
        let error = #expect(throws: ImportError.self) {
            try header.require("responseCode", path: "file.csv", format: "JMeter JTL")
        }
        #expect(error?.description.hasPrefix("file.csv:1: required column responseCode is missing") == true)
    }

    @Test func missingFileIsUnreadable() throws {
        let scratch = try ScratchDirectory()
        let error = #expect(throws: ImportError.self) {
            try CSVReader(path: scratch.path("missing.csv"))
        }
        #expect(error?.kind == .unreadable)
    }

    // MARK: gzip

    /// A CSV large enough that gzip spreads it over many deflate blocks.
    static func largeCSV() -> String {
        var text = "timeStamp,elapsed,label,note\n"
        for i in 0..<4000 {
            text += "\(1_760_349_600_000 + i * 250),\(100 + (i * 7919) % 900),web \(i % 13),\"row \(i), \"\"q\"\"\"\n"
        }
        return text
    }

    /// Compresses `path` with the system gzip, keeping the original; returns the `.gz` path.
    static func gzip(_ path: String) throws -> String {
        let gzip = try #require(
            ["/usr/bin/gzip", "/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "gzip is needed to make compressed fixtures")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzip)
        process.arguments = ["-k", "-n", "-f", path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return path + ".gz"
    }

    @Test func gzipInputIsInflatedTransparently() throws {
        let scratch = try ScratchDirectory()
        let text = Self.largeCSV()
        let plain = try scratch.write("file.csv", text)
        let compressed = try Self.gzip(plain)
        let compressedSize = try #require(try FileManager.default.attributesOfItem(atPath: compressed)[.size] as? Int)
        #expect(compressedSize < text.utf8.count / 2)

        var plainReader = try CSVReader(path: plain)
        var gzipReader = try CSVReader(path: compressed)
        let expected = try Self.readAll(&plainReader)
        let records = try Self.readAll(&gzipReader)
        #expect(records.count == 4001)
        #expect(records == expected)
        #expect(records.last == Read(line: 4001, fields: ["\(1_760_349_600_000 + 3999 * 250)", "\(100 + (3999 * 7919) % 900)", "web 8", "row 3999, \"q\""]))
        #expect(gzipReader.bytesRead == text.utf8.count)
    }

    /// Truncated compressed files must fail, never import part of the data silently.
    @Test(arguments: ["half", "trailer"])
    func truncatedGzipThrows(_ cut: String) throws {
        let scratch = try ScratchDirectory()
        let compressed = try Self.gzip(try scratch.write("file.csv", Self.largeCSV()))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: compressed)))
        let keep = cut == "half" ? bytes.count / 2 : bytes.count - 4
        let truncated = try scratch.write("truncated.csv.gz", bytes: Array(bytes.prefix(keep)))
        let error = #expect(throws: ImportError.self) {
            var reader = try CSVReader(path: truncated)
            _ = try Self.readAll(&reader)
        }
        #expect(error?.kind == .structure)
        #expect(error?.path == truncated)
        #expect(error?.message.contains("truncated") == true)
    }
}
