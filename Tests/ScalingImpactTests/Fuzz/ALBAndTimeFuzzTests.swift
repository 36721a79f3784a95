import Foundation
import Testing

@testable import ScalingImpact

/// Property-based fuzzing of the ALB log tokenizer and the timestamp parsers.
@Suite struct ALBAndTimeFuzzTests {
    /// Splits `line`: the fields' bytes and whether each was quoted, or the failure.
    static func tokenize(_ line: [UInt8]) -> Result<[(bytes: [UInt8], quoted: Bool)], ALBLogTokenizer.Failure> {
        var tokenizer = ALBLogTokenizer()
        return line.withUnsafeBufferPointer { buffer in
            if let failure = tokenizer.tokenize(buffer) { return .failure(failure) }
            // Ranges stay inside the line, in order.
            var previousEnd = 0
            for i in 0..<tokenizer.count {
                #expect(tokenizer.starts[i] >= previousEnd && tokenizer.starts[i] <= tokenizer.ends[i] && tokenizer.ends[i] <= line.count)
                previousEnd = tokenizer.ends[i]
            }
            return .success((0..<tokenizer.count).map { (Array(tokenizer.field($0, of: buffer)), tokenizer.quoted[$0]) })
        }
    }

    static let plain: [UInt8] = Array("ab09:/.-=?&%_".utf8) + [0xC3, 0xA9, 0xFF]
    static let quotedAlphabet: [UInt8] = plain + Array(" \t,'".utf8)

    @Test func fieldsJoinedBySpacesSplitBackExactly() {
        var random = FuzzRandom(seed: FuzzRandom.seed ^ 2)
        for iteration in 0..<FuzzRandom.iterations {
            let fields: [(bytes: [UInt8], quoted: Bool)] = (0..<Int.random(in: 1...30, using: &random)).map { _ in
                if Bool.random(using: &random) {
                    // Quoted: any content without a quote, not ending in a backslash (that would escape the close).
                    var content = random.bytes(Int.random(in: 0...12, using: &random), from: Self.quotedAlphabet)
                    if content.last == 92 { content.removeLast() }
                    return (content, true)
                }
                return (random.bytes(Int.random(in: 1...12, using: &random), from: Self.plain), false)
            }
            var line = fields.map { $0.quoted ? [34] + $0.bytes + [34] : $0.bytes }.joined(separator: [32]).map { $0 }
            if Bool.random(using: &random) { line += [32, 13] }
            guard case .success(let got) = Self.tokenize(line) else {
                Issue.record("iteration \(iteration): \(Self.tokenize(line)) for \(line)")
                continue
            }
            #expect(got.map(\.bytes) == fields.map(\.bytes), "iteration \(iteration): \(line)")
            #expect(got.map(\.quoted) == fields.map(\.quoted))
        }
    }

    @Test func randomAndMutatedLinesNeverCrash() throws {
        var random = FuzzRandom(seed: FuzzRandom.seed ^ 3)
        let seeds = try FuzzCorpus.files("alb").map(\.bytes)
            + [Array(try String(contentsOfFile: TestFixtures.samplePath("alb-access-log_elastic-integrations_test-alb_albonly.log"), encoding: .utf8).prefix(700).utf8)]
        for _ in 0..<FuzzRandom.iterations * 3 {
            let line =
                Bool.random(using: &random)
                ? random.bytes(Int.random(in: 0...60, using: &random), from: Self.quotedAlphabet + [34, 92, 32, 13])
                : random.mutate(seeds.randomElement(using: &random) ?? [])
            Self.checkTotal(line)
        }
    }

    @Test func committedALBCorpusReplays() throws {
        let corpus = try FuzzCorpus.files("alb")
        #expect(corpus.count >= 6)
        for file in corpus { Self.checkTotal(file.bytes) }
        // Known answers: an escaped quote stays inside its field; a quote followed by a letter does not close it.
        guard case .success(let fields) = Self.tokenize(Array("a \"b \\\" c\" d".utf8)) else {
            Issue.record("escaped quote refused")
            return
        }
        #expect(fields.map { String(decoding: $0.bytes, as: UTF8.self) } == ["a", "b \\\" c", "d"])
    }

    static func checkTotal(_ line: [UInt8]) {
        if case .failure(let failure) = tokenize(line) {
            #expect(failure.column >= 1 && failure.column <= line.count + 1, "\(failure) for \(line)")
            // The message never quotes the line (it may hold client data).
            #expect(!failure.message.isEmpty)
        }
    }

    // MARK: Timestamps

    @Test func formattedTimesParseBackToTheSameSeconds() {
        var random = FuzzRandom(seed: FuzzRandom.seed ^ 4)
        for _ in 0..<FuzzRandom.iterations * 3 {
            let year = Int.random(in: 1...9999, using: &random)
            let month = Int.random(in: 1...12, using: &random)
            let day = Int.random(in: 1...UTCTime.daysInMonth(year: year, month: month), using: &random)
            let (h, m, s) = (Int.random(in: 0...23, using: &random), Int.random(in: 0...59, using: &random), Int.random(in: 0...59, using: &random))
            let seconds = UTCTime.seconds(year: year, month: month, day: day, hour: h, minute: m, second: s)
            let text = UTCTime.iso8601(seconds)
            #expect(UTCTime.parse(text)?.seconds == seconds, "\(text)")
            let f = UTCTime.fields(seconds)
            let got: [Int] = [Int(f.year), Int(f.month), Int(f.day), Int(f.hour), Int(f.minute), Int(f.second)]
            #expect(got == [year, month, day, h, m, s])
            // The same instant written with an offset, a space and a fraction.
            let offsetHours = Int.random(in: 0...12, using: &random)
            let local = UTCTime.fields(seconds + Int64(offsetHours * 3600))
            let variant = String(
                format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+%02d:00", local.year, local.month, local.day, local.hour, local.minute,
                local.second, Int.random(in: 0...999_999, using: &random), offsetHours)
            if local.year <= 9999 { #expect(UTCTime.parse(variant)?.seconds == seconds, "\(variant)") }
            // ExportTime reads the same text, and CLI v1's epoch seconds.
            #expect(ExportTime(text: text).seconds == seconds)
            if seconds >= 0 && seconds < 100_000_000_000 { #expect(ExportTime(epoch: Double(seconds) + 0.25).seconds == seconds) }
        }
    }

    @Test func impossibleDatesAreRejected() {
        var random = FuzzRandom(seed: FuzzRandom.seed ^ 5)
        for _ in 0..<FuzzRandom.iterations {
            let year = Int.random(in: 1...9999, using: &random)
            let month = Int.random(in: 1...12, using: &random)
            let badDay = Int.random(in: (UTCTime.daysInMonth(year: year, month: month) + 1)...99, using: &random)
            #expect(UTCTime.parse(String(format: "%04d-%02d-%02dT00:00:00Z", year, month, badDay)) == nil)
            #expect(UTCTime.parse(String(format: "%04d-%02d-01T00:00:00Z", year, Int.random(in: 13...99, using: &random))) == nil)
            #expect(UTCTime.parse(String(format: "%04d-%02d-01T%02d:00:00Z", year, month, Int.random(in: 25...99, using: &random))) == nil)
            #expect(UTCTime.parse(String(format: "%04d-%02d-01T00:%02d:00Z", year, month, Int.random(in: 60...99, using: &random))) == nil)
            #expect(UTCTime.parse(String(format: "%04d-00-01T00:00:00Z", year)) == nil)
            #expect(UTCTime.parse(String(format: "%04d-%02d-00T00:00:00Z", year, month)) == nil)
        }
    }

    /// Any text: parsing ends, and whatever parses formats and parses back to itself.
    @Test func randomAndMutatedTimesAreConsistent() throws {
        var random = FuzzRandom(seed: FuzzRandom.seed ^ 6)
        let seeds = try FuzzCorpus.files("time").map(\.bytes)
        for _ in 0..<FuzzRandom.iterations * 3 {
            let input =
                Bool.random(using: &random)
                ? random.bytes(Int.random(in: 0...32, using: &random), from: Array("0123456789-:TZ+. UTC".utf8))
                : random.mutate(seeds.randomElement(using: &random) ?? [])
            Self.checkTime(input)
        }
    }

    @Test func committedTimeCorpusReplays() throws {
        let corpus = try FuzzCorpus.files("time")
        #expect(corpus.count >= 8)
        for file in corpus { Self.checkTime(file.bytes) }
        let byName = Dictionary(uniqueKeysWithValues: corpus.map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) })
        #expect(UTCTime.parse(byName["leap-day.txt"] ?? "") != nil)
        #expect(UTCTime.parse(byName["not-leap.txt"] ?? "") == nil)
        #expect(UTCTime.parse(byName["month-13.txt"] ?? "") == nil)
        #expect(UTCTime.parse(byName["truncated.txt"] ?? "") == nil)
        #expect(UTCTime.parse(byName["offset.txt"] ?? "")?.seconds == UTCTime.seconds(year: 2026, month: 10, day: 14, hour: 3, minute: 30))
    }

    static func checkTime(_ input: [UInt8]) {
        let parsed = input.withUnsafeBufferPointer { UTCTime.parse(bytes: $0) }
        guard let parsed else { return }
        #expect(parsed.nanoseconds >= 0 && parsed.nanoseconds < 1_000_000_000, "\(input)")
        let f = UTCTime.fields(parsed.seconds)
        if (1...9999).contains(f.year) {
            #expect(UTCTime.parse(UTCTime.iso8601(parsed.seconds))?.seconds == parsed.seconds, "\(input)")
        }
        _ = ExportTime(text: String(decoding: input, as: UTF8.self))
    }
}
