import Foundation
import Testing

@testable import ScalingImpact

@Suite struct ALBLogImportTests {
    static let beats = "alb-access-log_elastic-beats_application-lb-http.log"
    static let integrations = "alb-access-log_elastic-integrations_test-alb_albonly.log"

    /// The stored histogram of one (environment, service), as the analysis merges it.
    static func histogram(_ database: Database, _ key: ServiceKey) throws -> LatencyHistogram {
        var histogram = LatencyHistogram()
        let arguments: [SQLValue] = [.text(key.environment), .text(key.service)]
        try database.makeStatement(
            "SELECT bucket, SUM(count) FROM latency_buckets WHERE environment = ? AND service = ? GROUP BY bucket"
        ).forEachRow(arguments) { row in histogram.add(bucket: Int(row.int(0)), count: row.int(1)) }
        try database.makeStatement(
            "SELECT SUM(timed_count), SUM(sum_ms), MIN(min_ms), MAX(max_ms) FROM latency_minutes WHERE environment = ? AND service = ?"
        ).forEachRow(arguments) { row in
            histogram.addSummary(count: row.int(0), sum: row.double(1), min: row.optionalDouble(2), max: row.optionalDouble(3))
        }
        return histogram
    }

    /// Every text value stored anywhere in the database.
    static func allText(_ database: Database) throws -> [String] {
        var texts: [String] = []
        let tables = try database.makeStatement("SELECT name FROM sqlite_master WHERE type = 'table'").query()
        for case .text(let table) in tables.compactMap(\.first) {
            for row in try database.makeStatement("SELECT * FROM \"\(table)\"").query() {
                for case .text(let value) in row { texts.append(value) }
            }
        }
        return texts
    }

    @Test func filebeatSampleCountsNotDispatchedRequestsAsErrorsWithoutLatency() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath(Self.beats)
        #expect(try harness.importer.detectFormat(path: path) == .albAccessLog)
        let summary = try harness.importFile(path, ImportOptions(environment: "prod-eu", service: "web"))
        #expect(summary.format == .albAccessLog)
        #expect(summary.rowsAccepted == 10)
        #expect(summary.rowsRejected == 0)
        #expect(summary.rowsUnmapped == 0)
        #expect(summary.firstTs == UTCTime.seconds(year: 2019, month: 10, day: 11, hour: 15, minute: 1, second: 12))
        #expect(summary.lastTs == UTCTime.seconds(year: 2019, month: 10, day: 11, hour: 15, minute: 55, second: 11))
        // Seven lines are -1 -1 -1 with 460/504: errors, not timed. Three answered in 1, 2 and 1 ms.
        let minute = UTCTime.seconds(year: 2019, month: 10, day: 11, hour: 15)
        #expect(
            try harness.database.makeStatement(
                "SELECT minute, request_count, timed_count, error_5xx, sum_ms, min_ms, max_ms FROM latency_minutes ORDER BY minute"
            ).query() == [
                [.integer(minute + 60), .integer(4), .integer(0), .integer(4), .real(0), .null, .null],
                [.integer(minute + 120), .integer(2), .integer(0), .integer(2), .real(0), .null, .null],
                [.integer(minute + 180), .integer(1), .integer(0), .integer(1), .real(0), .null, .null],
                [.integer(minute + 55 * 60), .integer(3), .integer(3), .integer(0), .real(4), .real(1), .real(2)],
            ])
        #expect(
            try harness.database.makeStatement("SELECT bucket, count FROM latency_buckets ORDER BY bucket").query() == [
                [.integer(Int64(LatencyHistogram.bucket(for: 1))), .integer(2)],
                [.integer(Int64(LatencyHistogram.bucket(for: 2))), .integer(1)],
            ])
    }

    @Test func integrationsSampleWithLaterFieldsAndLoadBalancerAnswers() throws {
        // Lines of 29 and 30 fields; a redirect and a malformed request the load balancer answered itself.
        var text = Configuration.template
        text += """

            [[mapping]]
            field = "load_balancer"
            pattern = "*"
            environment = "prod-us"

            [[mapping]]
            field = "target_group"
            pattern = "my-targets"
            service = "web"

            [[mapping]]
            field = "load_balancer"
            pattern = "admin-*"
            service = "web-iso"

            """
        let harness = try ImportHarness(configuration: try Configuration.parse(text))
        let summary = try harness.importFile(try TestFixtures.samplePath(Self.integrations))
        #expect(summary.rowsAccepted == 2)
        #expect(summary.rowsUnmapped == 1)
        #expect(summary.rowsRejected == 0)
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings.first?.contains("load balancer \"internal-service-alb\", no target group") == true)
        #expect(
            try harness.database.makeStatement(
                "SELECT environment, service, request_count, timed_count, error_5xx, sum_ms FROM latency_minutes ORDER BY service"
            ).query() == [
                [.text("prod-us"), .text("web"), .integer(1), .integer(1), .integer(0), .real(1)],
                // The 301 redirect: not dispatched, but answered without an error.
                [.text("prod-us"), .text("web-iso"), .integer(1), .integer(0), .integer(0), .real(0)],
            ])
    }

    @Test func privateFieldsAreNeverStoredNorQuoted() throws {
        let harness = try ImportHarness(configuration: try ALBLogMonth.configuration())
        let scratch = try ScratchDirectory()
        let month = try ALBLogMonth(root: scratch.path("logs"), days: 1, linesPerFile: 200)
        let summaries = try harness.importer.importPaths([scratch.path("logs")], options: ImportOptions())
        #expect(summaries.count == 4)
        var texts = try Self.allText(harness.database)
        texts += summaries.flatMap { [$0.description] + $0.warnings + $0.problems.map(\.description) }
        #expect(texts.contains { $0.contains("prod-eu") })
        for secret in ALBLogMonth.secrets {
            #expect(!texts.contains { $0.contains(secret) }, "\(secret) leaked")
        }
        let rows: Int = summaries.reduce(0) { $0 + $1.rowsAccepted + $1.rowsUnmapped }
        #expect(rows == month.lines)

        // Broken lines: the messages give line and column, never the request, address or agent.
        let plain = try #require(month.files.first { !$0.hasSuffix(".gz") })
        let source = try String(contentsOfFile: plain, encoding: .utf8).split(separator: "\n").map(String.init)
        let line = source[5]
        // Cut inside the request: its quote never closes.
        let cut = String(line[..<(try #require(line.range(of: "&page="))).lowerBound])
        let cutPath = try scratch.write("cut.log", [source[0], cut].joined(separator: "\n"))
        let error = #expect(throws: ImportError.self) { try harness.importFile(cutPath) }
        let quote = try #require(cut.range(of: "\"GET"))
        let column = cut.utf8.distance(from: cut.startIndex, to: quote.lowerBound) + 1
        #expect(error?.kind == .structure)
        #expect(error?.description.hasPrefix("\(cutPath):2:\(column): unbalanced quote") == true)
        // A stray quote in the agent shifts the later fields: the target group field is not quoted back.
        let shifted = line.replacingOccurrences(of: "curl/8.5.0", with: "curl/8.5.0\" leaked/\"x")
        let shiftedPath = try scratch.write("shifted.log", [source[0], shifted, source[6]].joined(separator: "\n"))
        let summary = try harness.importFile(shiftedPath, ImportOptions(maxBadRowsFraction: 0.5))
        #expect(summary.problems.map(\.line) == [2])
        #expect(summary.problems.first?.message.contains("field 17 (target_group_arn)") == true)
        let messages = [error?.description ?? "", summary.description] + summary.warnings + summary.problems.map(\.description)
        for secret in ALBLogMonth.secrets + ["leaked"] {
            #expect(!messages.contains { $0.contains(secret) }, "\(secret) leaked into a message")
        }
    }

    @Test func badValuesAreCountedListedAndRejectTheFileAboveTheLimit() throws {
        let harness = try ImportHarness(configuration: try ALBLogMonth.configuration())
        let scratch = try ScratchDirectory()
        let month = try ALBLogMonth(root: scratch.path("logs"), days: 1, linesPerFile: 60)
        var lines = try String(contentsOfFile: month.files[1], encoding: .utf8).split(separator: "\n").map(String.init)
        // Three lines with dispatched requests get a time that is no time, a negative duration and a
        // status that is no number.
        let timesPattern = #" \d+\.\d{3} \d+\.\d{3} \d+\.\d{3} \d{3} "#
        let timed = lines.indices.filter { $0 >= 2 && lines[$0].range(of: timesPattern, options: .regularExpression) != nil }
        try #require(timed.count >= 3)
        let (a, b, c) = (timed[0], timed[1], timed[2])
        lines[a] = lines[a].replacingOccurrences(of: "https 2026-09-01T", with: "https 2026-13-01T")
        let times = try #require(lines[b].range(of: timesPattern, options: .regularExpression))
        let status = lines[b][times].suffix(4)
        lines[b].replaceSubrange(times, with: " 0.001 -0.500 0.000 \(status)")
        let code = try #require(lines[c].range(of: timesPattern, options: .regularExpression))
        lines[c].replaceSubrange(code, with: " 0.001 0.020 0.000 2x0 ")
        let path = try scratch.write("bad.log", lines.joined(separator: "\n") + "\n")

        let before = try harness.database.tableCounts()
        let error = #expect(throws: ImportError.self) { try harness.importFile(path) }
        #expect(error?.kind == .values)
        #expect(error?.line == a + 1)
        #expect(error?.description.contains("3 of 60 rows have bad values") == true)
        #expect(try harness.database.tableCounts() == before)

        let summary = try harness.importFile(path, ImportOptions(maxBadRowsFraction: 0.05))
        #expect(summary.rowsRejected == 3)
        #expect(summary.problems.map(\.line) == [a + 1, b + 1, c + 1])
        #expect(summary.problems[0].message.hasPrefix("field 2 (time) at column 7: \"2026-13-01T"))
        #expect(summary.problems[1].message.contains("field 7 (target_processing_time)"))
        #expect(summary.problems[1].message.contains("\"-0.500\" is negative"))
        #expect(summary.problems[2].message.contains("field 9 (elb_status_code)"))
        #expect(summary.rowsAccepted + summary.rowsUnmapped == 57)
    }

    @Test func structuralErrorsRejectWithLineAndColumn() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let sample = try String(contentsOfFile: try TestFixtures.samplePath(Self.beats), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let short = sample[1].split(separator: " ").prefix(12).joined(separator: " ")
        let cases: [(String, String, Int, Int, String)] = [
            ("short.log", sample[0] + "\n" + short + "\n", 2, short.utf8.count + 1, "12 fields where"),
            ("other.log", sample[0] + "\n" + "GET /index.html 200\n", 2, 1, "not an ALB access log line"),
        ]
        for (name, text, line, column, what) in cases {
            let path = try scratch.write(name, text)
            let error = #expect(throws: ImportError.self) {
                try harness.importFile(path, ImportOptions(format: .albAccessLog, environment: "staging", service: "web"))
            }
            #expect(error?.kind == .structure)
            #expect(error?.line == line, "\(name)")
            #expect(error?.column == column, "\(name)")
            #expect(error?.message.contains(what) == true, "\(name): \(error?.message ?? "")")
        }
        #expect(try harness.database.integer("SELECT COUNT(*) FROM imports") == 0)
    }

    @Test func truncatedGzipIsRejected() throws {
        let harness = try ImportHarness(configuration: try ALBLogMonth.configuration())
        let scratch = try ScratchDirectory()
        let month = try ALBLogMonth(root: scratch.path("logs"), days: 1, linesPerFile: 3000)
        let gz = try #require(month.files.first { $0.hasSuffix(".gz") })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: gz))
        let cut = try scratch.write("cut.log.gz", bytes: Array(bytes.prefix(bytes.count * 2 / 3)))
        let error = #expect(throws: ImportError.self) { try harness.importFile(cut) }
        #expect(error?.kind == .structure)
        #expect(error?.message.contains("truncated") == true || error?.message.contains("to its end") == true)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM imports") == 0)
    }

    /// The issue's acceptance test: a month of logs for 12 services imports with exact counts and
    /// P50/P95/P99 within 0.5% of the exact (numpy-linear) percentiles of the generated latencies.
    @Test func generatedMonthForTwelveServicesImportsExactly() throws {
        let scratch = try ScratchDirectory()
        let month = try ALBLogMonth(root: scratch.path("logs"), days: 30, linesPerFile: 2000)
        #expect(month.files.count == 120)
        #expect(month.expected.count == 12)

        let harness = try ImportHarness(configuration: try ALBLogMonth.configuration())
        let summaries = try harness.importer.importPaths([scratch.path("logs")], options: ImportOptions())
        #expect(summaries.count == 120)
        #expect(summaries.filter { $0.format != .albAccessLog || $0.rowsRejected != 0 }.isEmpty)
        let unmapped: Int = summaries.reduce(0) { $0 + $1.rowsUnmapped }
        let accepted: Int = summaries.reduce(0) { $0 + $1.rowsAccepted }
        #expect(unmapped == Int(month.unmapped))
        #expect(accepted == month.lines - Int(month.unmapped))

        let db = harness.database
        for (key, series) in month.expected.sorted(by: { $0.key < $1.key }) {
            let arguments: [SQLValue] = [.text(key.environment), .text(key.service)]
            let totals = try db.makeStatement(
                """
                SELECT SUM(request_count), SUM(timed_count), SUM(error_5xx) FROM latency_minutes
                WHERE environment = ? AND service = ?
                """
            ).query(arguments)
            #expect(
                totals == [[.integer(series.requests), .integer(Int64(series.latencies.count)), .integer(series.errors)]],
                "\(key)")
            let histogram = try Self.histogram(db, key)
            let sorted = series.latencies.sorted()
            for q in [0.5, 0.95, 0.99] {
                let exact = try #require(Percentiles.linearSorted(sorted, q))
                let estimate = try #require(histogram.quantile(q))
                #expect(abs(estimate - exact) <= 0.005 * exact, "\(key) q=\(q): \(estimate) vs exact \(exact)")
            }
        }
        // Importing the folder again changes nothing.
        let counts = try db.tableCounts()
        let again = try harness.importer.importPaths([scratch.path("logs")], options: ImportOptions())
        #expect(again.filter { !$0.wasAlreadyImported }.isEmpty)
        #expect(try db.tableCounts() == counts)
    }
}

@Suite struct ALBLogTokenizerTests {
    static func split(_ line: String) -> Result<[String], ALBLogTokenizer.Failure> {
        var tokenizer = ALBLogTokenizer()
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            if let failure = tokenizer.tokenize(buffer) { return .failure(failure) }
            return .success((0..<tokenizer.count).map { String(decoding: tokenizer.field($0, of: buffer), as: UTF8.self) })
        }
    }

    @Test(arguments: [
        ("a b c", ["a", "b", "c"]),
        ("a \"b c\" d", ["a", "b c", "d"]),
        ("\"x\" y", ["x", "y"]),
        ("a \"b \\\"c\\\" d\" e", ["a", "b \\\"c\\\" d", "e"]),
        ("a \"b\"c\" d", ["a", "b\"c", "d"]),
        ("a \"\" b", ["a", "", "b"]),
        ("a  b", ["a", "", "b"]),
        ("a b \r", ["a", "b"]),
        ("a \"- http://h:80- \"", ["a", "- http://h:80- "]),
        ("", []),
        ("   ", []),
    ])
    func splitsFields(line: String, fields: [String]) throws {
        #expect(try Self.split(line).get() == fields)
    }

    @Test(arguments: [("a \"b c", 3), ("\"", 1), ("a \"", 3), ("a \"b\\\"", 3)])
    func unbalancedQuotesFailAtTheOpeningQuote(line: String, column: Int) {
        guard case .failure(let failure) = Self.split(line) else {
            Issue.record("\(line) should fail")
            return
        }
        #expect(failure.column == column)
        #expect(failure.message.hasPrefix("unbalanced quote"))
    }

    @Test(arguments: [
        ("0.001", 1000), ("-1", -1_000_000), ("1.5", 1_500_000), ("12", 12_000_000), ("0.0000015", 1), ("0.000", 0),
    ] as [(String, Int64)])
    func readsSecondsAsMicros(text: String, micros: Int64) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { ALBLogTokenizer.micros($0) } == micros)
    }

    @Test(arguments: ["", "-", ".", "abc", "1e3", "1.2.3", "+1", "nan", "1,5", "9999999999999"])
    func rejectsWhatIsNoDecimal(text: String) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBufferPointer { ALBLogTokenizer.micros($0) } == nil)
    }

    /// Random bytes never crash the tokenizer, and its fields are ordered ranges inside the line.
    @Test func anyBytesGiveOrderedFieldsOrAFailure() {
        var random = SplitMix64(seed: 42)
        let alphabet: [UInt8] = Array(" \"\\ab-1.\r\t".utf8) + [0, 0xFF, 0xC3]
        var failures = 0
        for _ in 0..<3000 {
            let length = Int(random.next() % 40)
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            var tokenizer = ALBLogTokenizer()
            bytes.withUnsafeBufferPointer { buffer in
                if let failure = tokenizer.tokenize(buffer) {
                    failures += 1
                    #expect(failure.column >= 1 && failure.column <= bytes.count)
                    return
                }
                var previousEnd = 0
                for i in 0..<tokenizer.count {
                    #expect(tokenizer.starts[i] >= previousEnd && tokenizer.starts[i] <= tokenizer.ends[i])
                    #expect(tokenizer.ends[i] <= bytes.count)
                    previousEnd = tokenizer.ends[i]
                }
            }
        }
        #expect(failures > 0)
    }
}
