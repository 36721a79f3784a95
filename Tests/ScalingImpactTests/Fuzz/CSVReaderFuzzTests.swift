import Foundation
import Testing

@testable import ScalingImpact

/// Property-based fuzzing of the streaming CSV reader.
@Suite struct CSVReaderFuzzTests {
    /// Field bytes that exercise quoting: delimiters, quotes, CR, LF, spaces, multi-byte UTF-8, invalid UTF-8.
    static let alphabet: [UInt8] = Array("ab1 ,\"\r\n;".utf8) + [0xC3, 0xA9, 0xFF, 0x00, 0x09]

    /// Reads `bytes` with a `chunkSize`-byte buffer: every record, or the error.
    static func read(_ bytes: [UInt8], chunkSize: Int, delimiter: UInt8 = 44) throws -> Result<[(line: Int, fields: [[UInt8]])], ImportError> {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("in.csv", bytes: bytes)
        var reader = CSVReader(source: try ByteSource(path: path), delimiter: delimiter, chunkSize: chunkSize)
        var records: [(line: Int, fields: [[UInt8]])] = []
        do {
            while try reader.next() {
                let record = reader.record
                records.append((record.line, (0..<record.count).map { i in record.withField(i) { Array($0) } }))
                if records.count > bytes.count + 1 { Issue.record("more records than bytes: the reader does not terminate") ; break }
            }
            return .success(records)
        } catch {
            return .failure(error)
        }
    }

    /// RFC 4180 writing: quote a field holding a delimiter, quote, CR or LF (or, at random, any field).
    static func encode(_ field: [UInt8], delimiter: UInt8, force: Bool) -> [UInt8] {
        guard force || field.contains(where: { $0 == delimiter || $0 == 34 || $0 == 10 || $0 == 13 }) else { return field }
        return [34] + field.flatMap { $0 == 34 ? [34, 34] : [$0] } + [34]
    }

    @Test func quotedFieldsReadBackExactlyWithAnyBufferSize() throws {
        var random = FuzzRandom(seed: FuzzRandom.seed)
        for iteration in 0..<FuzzRandom.iterations {
            let delimiter: UInt8 = Bool.random(using: &random) ? 44 : 59
            var records: [[[UInt8]]] = []
            for _ in 0..<Int.random(in: 1...5, using: &random) {
                var fields = (0..<Int.random(in: 1...6, using: &random)).map { _ in
                    random.bytes(Int.random(in: 0...8, using: &random), from: Self.alphabet)
                }
                // A record of one empty field is a blank line, which the reader skips by design.
                if fields.count == 1 && fields[0].isEmpty { fields[0] = [120] }
                records.append(fields)
            }
            var text: [UInt8] = []
            var expectedLines: [Int] = []
            for (index, fields) in records.enumerated() {
                expectedLines.append(1 + text.filter { $0 == 10 }.count)
                let quoteAll = Bool.random(using: &random)
                text += fields.map { Self.encode($0, delimiter: delimiter, force: quoteAll) }.joined(separator: [delimiter])
                if index < records.count - 1 || Bool.random(using: &random) {
                    text += Bool.random(using: &random) ? [13, 10] : [10]
                }
            }
            let chunk = [1, 2, 3, 7, 64, 1 << 16].randomElement(using: &random) ?? 1
            let read = try Self.read(text, chunkSize: chunk, delimiter: delimiter)
            guard case .success(let got) = read else {
                Issue.record("iteration \(iteration) (seed \(FuzzRandom.seed)): \(read) for \(text)")
                continue
            }
            #expect(got.map(\.fields) == records, "iteration \(iteration), chunk \(chunk): \(text)")
            #expect(got.map(\.line) == expectedLines, "iteration \(iteration): record lines")
        }
    }

    /// Any bytes: the reader ends (records or a located error), never crashes, and is independent of its buffer size.
    @Test func randomAndMutatedBytesTerminateTheSameWayWithAnyBuffer() throws {
        var random = FuzzRandom(seed: FuzzRandom.seed ^ 1)
        var seeds = try FuzzCorpus.files("csv").map(\.bytes)
        seeds.append(Array("a,b\n\"c\"\"d\",e\r\n".utf8))
        for _ in 0..<FuzzRandom.iterations {
            let input =
                Bool.random(using: &random)
                ? random.bytes(Int.random(in: 0...40, using: &random), from: Self.alphabet)
                : random.mutate(seeds.randomElement(using: &random) ?? [])
            try Self.checkConsistent(input, random: &random)
        }
    }

    /// The committed corpus, replayed every run.
    @Test func committedCorpusReplays() throws {
        var random = FuzzRandom(seed: 3)
        let corpus = try FuzzCorpus.files("csv")
        #expect(corpus.count >= 8)
        for file in corpus { try Self.checkConsistent(file.bytes, random: &random) }
    }

    static func checkConsistent(_ input: [UInt8], random: inout FuzzRandom) throws {
        let big = try read(input, chunkSize: 1 << 16)
        // The byte order mark is recognised in a first chunk of at least 3 bytes only.
        let small = try read(input, chunkSize: Int.random(in: 3...9, using: &random))
        switch (big, small) {
        case (.success(let a), .success(let b)):
            #expect(a.map(\.fields) == b.map(\.fields), "\(input)")
            #expect(a.map(\.line) == b.map(\.line))
            #expect(a.map(\.line) == a.map(\.line).sorted())
            #expect(a.allSatisfy { $0.line >= 1 && !$0.fields.isEmpty })
        case (.failure(let a), .failure(let b)):
            #expect(a.line == b.line && a.column == b.column && a.message == b.message, "\(input)")
            #expect(a.line != nil && a.column != nil, "\(a)")
        default:
            Issue.record("buffer size changed the outcome for \(input): \(big) vs \(small)")
        }
    }
}
