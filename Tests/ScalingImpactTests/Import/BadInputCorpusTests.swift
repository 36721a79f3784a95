import Foundation
import Testing

@testable import ScalingImpact

/// What importing one malformed or awkward input must do.
enum BadInputOutcome: Sendable {
    /// Imported: `rows` facts accepted, `rejected` rows left out (under the bad-row threshold).
    case accepted(rows: Int, rejected: Int = 0)
    /// Refused as a whole: the error names the file, and the line and column where the input has them,
    /// and its message contains `message`. Nothing of the file is stored.
    case rejected(ImportError.Kind, line: Int?, column: Int?, message: String)
}

/// One input of `Fixtures/bad/` (or one made at run time) and what the importer must do with it.
struct BadInput: Sendable, CustomTestStringConvertible {
    var file: String
    var format: ImportFormat?
    /// JMeter, k6, Locust and single-series CloudWatch files carry no environment and service.
    var needsNames = false
    var outcome: BadInputOutcome

    init(_ file: String, format: ImportFormat? = nil, names: Bool = false, _ outcome: BadInputOutcome) {
        self.file = file
        self.format = format
        self.needsNames = names
        self.outcome = outcome
    }

    var testDescription: String { file }

    var options: ImportOptions {
        ImportOptions(format: format, environment: needsNames ? "prod-eu" : nil, service: needsNames ? "web" : nil)
    }
}

/// The bad-input corpus of issue 7: every input either imports (with the stated row counts) or is refused
/// with an error that says where, and a refused file leaves the database exactly as it was.
@Suite struct BadInputCorpusTests {
    static let notRecognised = "the format is not recognised"
    static let tooManyBad = "rows have bad values"

    static let corpus: [BadInput] = [
        // JMeter JTL (CSV)
        BadInput("jtl-empty.csv", names: true, .rejected(.structure, line: nil, column: nil, message: "the file is empty")),
        BadInput("jtl-header-only.csv", names: true, .accepted(rows: 0)),
        BadInput("jtl-bom-crlf.csv", names: true, .accepted(rows: 2)),
        BadInput("jtl-no-final-newline.csv", names: true, .accepted(rows: 2)),
        BadInput(
            "jtl-unbalanced-quote.csv", names: true,
            .rejected(.structure, line: 3, column: 3, message: "unbalanced quote")),
        BadInput("jtl-short-row.csv", names: true, .rejected(.structure, line: 3, column: 4, message: "3 fields where the header has 17")),
        BadInput("jtl-long-row.csv", names: true, .rejected(.structure, line: 3, column: 18, message: "19 fields where the header has 17")),
        BadInput(
            "jtl-non-numeric-elapsed.csv", names: true,
            .rejected(.values, line: 3, column: nil, message: "column elapsed: \"fast\"")),
        BadInput("jtl-negative-elapsed.csv", names: true, .rejected(.values, line: 3, column: nil, message: "column elapsed: \"-5\"")),
        BadInput("jtl-nan-elapsed.csv", names: true, .rejected(.values, line: 3, column: nil, message: "column elapsed: \"NaN\"")),
        BadInput("jtl-infinite-elapsed.csv", names: true, .rejected(.values, line: 3, column: nil, message: "column elapsed: \"inf\"")),
        BadInput(
            "jtl-ambiguous-date.csv", names: true,
            .rejected(.values, line: 2, column: nil, message: "column timeStamp: \"10/11/2026 10:00:00\"")),
        // Invalid UTF-8 in a label is decoded with replacement characters: the row's numbers are fine.
        BadInput("jtl-non-utf8-label.csv", names: true, .accepted(rows: 1)),
        BadInput("jtl-binary-junk.csv", names: true, .rejected(.structure, line: 1, column: nil, message: notRecognised)),
        BadInput(
            "jtl-missing-elapsed-column.csv", format: .jmeterJTL, names: true,
            .rejected(.structure, line: 1, column: nil, message: "required column elapsed is missing")),
        // JMeter XML
        BadInput("jtl-xml-truncated.jtl", names: true, .rejected(.structure, line: 4, column: 1, message: "ends inside a tag")),
        BadInput("jtl-xml-bad-attribute.jtl", names: true, .rejected(.values, line: 3, column: nil, message: "attribute t: \"abc\"")),
        // CloudWatch get-metric-data / get-metric-statistics (JSON: no line of a value)
        BadInput("cw-data-truncated.json", .rejected(.structure, line: nil, column: nil, message: "not valid JSON")),
        BadInput(
            "cw-data-mismatched-arrays.json",
            .rejected(.structure, line: nil, column: nil, message: "has 2 timestamps but 1 values")),
        BadInput("cw-data-wrong-shape.json", .rejected(.structure, line: nil, column: nil, message: "MetricDataResults has the wrong type")),
        BadInput(
            "cw-data-impossible-time.json",
            .rejected(.values, line: nil, column: nil, message: "timestamp \"2026-02-30T09:10:00Z\" is not an ISO-8601 time")),
        BadInput("cw-data-empty-results.json", .accepted(rows: 0)),
        BadInput("cw-stats-nan.json", names: true, .rejected(.values, line: nil, column: nil, message: "Average \"NaN\" is not a finite number")),
        BadInput("cw-stats-not-json.json", names: true, .rejected(.structure, line: 1, column: 62, message: "not valid JSON")),
        // Tidy metrics CSV
        BadInput("tidy-header-only.csv", .accepted(rows: 0)),
        BadInput("tidy-crlf-quoted.csv", .accepted(rows: 2)),
        BadInput("tidy-infinite-value.csv", .rejected(.values, line: 2, column: nil, message: "column value: \"inf\" is not a finite number")),
        BadInput("tidy-negative-period.csv", .rejected(.values, line: 2, column: nil, message: "column period_s: \"-60\"")),
        BadInput(
            "tidy-impossible-time.csv", .rejected(.values, line: 2, column: nil, message: "column timestamp: \"2026-13-45T25:61:00Z\"")),
        BadInput("tidy-comma-decimal.csv", .rejected(.values, line: 2, column: nil, message: "column value: \"40,5\"")),
        // Legacy CUR, CUR 2.0, FOCUS
        BadInput(
            "cur-legacy-missing-usage-start.csv",
            .rejected(.structure, line: 1, column: nil, message: "required column lineItem/UsageStartDate is missing")),
        BadInput(
            "cur-legacy-comma-decimal.csv", .rejected(.values, line: 2, column: nil, message: "column lineItem/UnblendedCost: \"0,5\"")),
        BadInput("cur-legacy-header-only.csv", .accepted(rows: 0)),
        BadInput("cur-legacy-ok-no-newline.csv", .accepted(rows: 1)),
        BadInput("cur-legacy-truncated.csv.gz", .rejected(.structure, line: nil, column: nil, message: "truncated gzip")),
        // An end before the start is read as a charge of the start's hour (the total is kept).
        BadInput("cur2-end-before-start.csv", .accepted(rows: 1)),
        BadInput("cur2-unbalanced-quote.csv", .rejected(.structure, line: 2, column: 10, message: "unbalanced quote")),
        BadInput("focus-nan-cost.csv", .rejected(.values, line: 2, column: nil, message: "column BilledCost: \"NaN\"")),
        BadInput(
            "focus-missing-billedcost.csv", format: .focus,
            .rejected(.structure, line: 1, column: nil, message: "BilledCost")),
        // ALB access logs
        BadInput("alb-truncated-line.log", .rejected(.structure, line: 2, column: 91, message: "5 fields where an ALB access log line has")),
        BadInput("alb-negative-time.log", .rejected(.values, line: 2, column: nil, message: "\"-7.5\" is negative")),
        BadInput("alb-unbalanced-quote.log", .rejected(.values, line: 2, column: nil, message: "may hold an unescaped quote")),
        BadInput("alb-truncated.log.gz", .rejected(.structure, line: nil, column: nil, message: "truncated gzip")),
        // k6, Locust
        BadInput("k6-header-only.csv", names: true, .accepted(rows: 0)),
        BadInput("k6-non-numeric.csv", names: true, .rejected(.values, line: 2, column: nil, message: "column metric_value: \"abc\"")),
        BadInput("locust-short-row.csv", names: true, .rejected(.structure, line: 2, column: 9, message: "8 fields where the header has 24")),
        BadInput("locust-na-only.csv", names: true, .accepted(rows: 1)),
        // Scaling activities, ECS service events
        BadInput("scaling-wrong-shape.json", .rejected(.structure, line: nil, column: nil, message: "has no ScalingActivities array")),
        BadInput("scaling-bad-time.json", .rejected(.values, line: nil, column: nil, message: "StartTime \"yesterday\"")),
        BadInput("ecs-events-truncated.json", .rejected(.structure, line: nil, column: nil, message: "not valid JSON")),
        // Athena results
        BadInput(
            "athena-latency-missing-column.csv", format: .athenaLatency,
            .rejected(.structure, line: 1, column: nil, message: "required column period_s is missing")),
        // Extra trailing fields of an Athena result are ignored: its columns are bound by name.
        BadInput("athena-cost-long-row.csv", .accepted(rows: 1)),
    ]

    /// The content of every table, row by row: the database's state, not just its size.
    static func content(_ database: Database) throws -> [String: [[SQLValue]]] {
        var tables: [String: [[SQLValue]]] = [:]
        let names = try database.makeStatement("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").query()
        for case .text(let name) in names.compactMap(\.first) {
            let quoted = name.replacingOccurrences(of: "\"", with: "\"\"")
            tables[name] = try database.makeStatement("SELECT * FROM \"\(quoted)\" ORDER BY 1, 2").query()
        }
        return tables
    }

    /// A database that already holds one good import, so "unchanged" is tested on real rows.
    static func seededHarness() throws -> ImportHarness {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "seed.csv",
            """
            timestamp,environment,service,metric,statistic,period_s,value
            2026-10-14T08:00:00Z,prod-eu,web,CPUUtilization,Average,60,33.5
            2026-10-14T08:01:00Z,prod-eu,web,CPUUtilization,Average,60,35

            """)
        #expect(try harness.importFile(path).rowsAccepted == 2)
        return harness
    }

    static func check(_ input: BadInput, path: String) throws {
        let harness = try seededHarness()
        let before = try content(harness.database)
        let importsBefore = try #require(try harness.database.integer("SELECT COUNT(*) FROM imports"))
        switch input.outcome {
        case .accepted(let rows, let rejected):
            let summary = try harness.importFile(path, input.options)
            #expect(summary.rowsAccepted == rows)
            #expect(summary.rowsRejected == rejected)
            #expect(try harness.database.integer("SELECT COUNT(*) FROM imports") == importsBefore + 1)
        case .rejected(let kind, let line, let column, let message):
            let error = try #require(throws: ImportError.self) { try harness.importFile(path, input.options) }
            #expect(error.kind == kind)
            #expect(error.path == path)
            #expect(error.line == line)
            #expect(error.column == column)
            #expect(error.message.contains(message), "\(error)")
            // The printed error starts with file[:line[:column]].
            let location = [path, line.map(String.init), column.map(String.init)].compactMap { $0 }.joined(separator: ":")
            #expect(error.description.hasPrefix(location + ": "))
            #expect(try content(harness.database) == before)
        }
    }

    @Test(arguments: corpus)
    func committedInput(_ input: BadInput) throws {
        let path = try TestFixtures.folder().appendingPathComponent("bad").appendingPathComponent(input.file).path
        try Self.check(input, path: path)
    }

    @Test func everyCommittedFileIsInTheTableAndSmall() throws {
        let folder = try TestFixtures.folder().appendingPathComponent("bad")
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(files == Set(Self.corpus.map(\.file)))
        #expect(files.count >= 40)
        for file in files {
            let size = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path)[.size] as? Int
            #expect((size ?? .max) < 50_000, "\(file)")
        }
    }

    // MARK: Inputs made at run time (too big, or binary)

    static let jtlHeader =
        "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,"
        + "grpThreads,allThreads,URL,Latency,IdleTime,Connect\n"

    /// Bytes that look like nothing: a fixed LCG, so every run sees the same junk.
    static func junk(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    @Test func oneHugeLineOfAJTLFileIsStillOneRow() throws {
        let scratch = try ScratchDirectory()
        let label = String(repeating: "x", count: 8 << 20)
        let path = try scratch.write(
            "huge-label.csv", Self.jtlHeader + "1792137600000,120,\(label),200,OK,TG 1-1,text,true,,18,8,1,1,null,0,0,0\n")
        try Self.check(BadInput("huge-label.csv", names: true, .accepted(rows: 1)), path: path)
    }

    @Test func oneHugeLineWithoutSeparatorsIsRefused() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("huge-line.csv", String(repeating: "9", count: 8 << 20))
        try Self.check(BadInput("huge-line.csv", .rejected(.structure, line: 1, column: nil, message: Self.notRecognised)), path: path)
    }

    @Test func gzipOfJunkIsNotRecognised() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("junk.csv.gz", bytes: try gzipWithSystemTool(Self.junk(4096, seed: 7)))
        try Self.check(BadInput("junk.csv.gz", .rejected(.structure, line: 1, column: nil, message: Self.notRecognised)), path: path)
    }

    @Test func gzipHeaderFollowedByJunkIsRefused() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("broken.log.gz", bytes: [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3] + Self.junk(512, seed: 11))
        let harness = try Self.seededHarness()
        let before = try Self.content(harness.database)
        let error = try #require(throws: ImportError.self) { try harness.importFile(path) }
        #expect(error.path == path)
        #expect(error.kind == .structure || error.kind == .unreadable)
        #expect(try Self.content(harness.database) == before)
    }

    /// Junk forced through every parser (`--format`): each refuses it and stores nothing, or finds nothing in it.
    @Test(arguments: ImportFormat.allCases)
    func binaryJunkThroughEveryParser(_ format: ImportFormat) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("junk.bin", bytes: Self.junk(16_384, seed: UInt64(format.rawValue.utf8.count)))
        let harness = try Self.seededHarness()
        let before = try Self.content(harness.database)
        do {
            let summary = try harness.importFile(path, ImportOptions(format: format, environment: "prod-eu", service: "web"))
            #expect(summary.rowsAccepted == 0, "\(format) found facts in junk")
        } catch let error as ImportError {
            #expect(error.path == path)
            #expect(try Self.content(harness.database) == before)
        }
    }
}

/// gzip of `bytes` via the system's zlib-backed `gzip` tool.
func gzipWithSystemTool(_ bytes: [UInt8]) throws -> [UInt8] {
    let scratch = try ScratchDirectory()
    let path = try scratch.write("in", bytes: bytes)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-n", "-k", path]
    try process.run()
    process.waitUntilExit()
    return Array(try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
}

/// The worst inputs through the built `scaling-impact import`, each with a deadline: the tool exits (no signal,
/// no hang) with a non-zero status and an error naming the file.
@Suite struct BadInputCommandLineTests {
    static let inputs = [
        "jtl-binary-junk.csv", "jtl-unbalanced-quote.csv", "cur-legacy-truncated.csv.gz", "alb-truncated.log.gz",
        "cw-data-truncated.json", "jtl-xml-truncated.jtl", "cw-data-mismatched-arrays.json", "alb-unbalanced-quote.log",
    ]

    /// `scaling-impact` next to the test bundle (SwiftPM puts every product in one folder).
    static func executable() throws -> URL {
        let url = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("scaling-impact")
        try #require(FileManager.default.isExecutableFile(atPath: url.path), "build the package first: \(url.path)")
        return url
    }

    /// Runs the tool in `directory`; kills it (the process this test started) when it outlives `deadline` seconds.
    static func run(_ arguments: [String], in directory: URL, deadline: Double = 120) throws -> (status: Int32, exited: Bool, stderr: String) {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let errPath = directory.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        #expect(FileManager.default.createFile(atPath: errPath.path, contents: nil))
        let err = try FileHandle(forWritingTo: errPath)
        defer { try? err.close() }
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        if done.wait(timeout: .now() + deadline) == .timedOut {
            process.terminate()
            done.wait()
            Issue.record("\(arguments) did not finish within \(deadline) s")
        }
        let stderr = String(decoding: (try? Data(contentsOf: errPath)) ?? Data(), as: UTF8.self)
        return (process.terminationStatus, process.terminationReason == .exit, stderr)
    }

    @Test func worstInputsEndWithALocatedErrorAndNoSignal() throws {
        let scratch = try ScratchDirectory()
        #expect(try Self.run(["init"], in: scratch.url).status == 0)
        let folder = try TestFixtures.folder().appendingPathComponent("bad")
        for name in Self.inputs {
            let path = folder.appendingPathComponent(name).path
            let outcome = try Self.run(["import", "--environment", "prod-eu", "--service", "web", path], in: scratch.url)
            #expect(outcome.exited, "\(name) ended by a signal: \(outcome.stderr)")
            #expect(outcome.status != 0, "\(name)")
            #expect(outcome.stderr.contains(name), "\(name): \(outcome.stderr)")
        }
    }
}
