import Foundation
import Testing

@testable import ScalingImpact

@Suite struct JMeterJTLImportTests {
    static let sample = "jmeter-jtl_HTMLReportTestFile.csv"

    /// The `elapsed` column of a comma-separated JTL without quoted fields, read without the importer.
    static func elapsedColumn(path: String) throws -> [Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline)
        let header = try #require(lines.first).split(separator: ",", omittingEmptySubsequences: false)
        let column = try #require(header.firstIndex(of: "elapsed"))
        return try lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            try #require(fields.count == header.count)
            return try #require(Double(fields[column]))
        }
    }

    /// The merged histogram of every stored minute, as the analysis rebuilds it.
    static func storedHistogram(_ database: Database) throws -> LatencyHistogram {
        var histogram = LatencyHistogram()
        try database.makeStatement("SELECT bucket, SUM(count) FROM latency_buckets GROUP BY bucket").forEachRow { row in
            histogram.add(bucket: Int(row.int(0)), count: row.int(1))
        }
        try database.makeStatement("SELECT SUM(timed_count), SUM(sum_ms), MIN(min_ms), MAX(max_ms) FROM latency_minutes")
            .forEachRow { row in
                histogram.addSummary(
                    count: row.int(0), sum: row.double(1), min: row.optionalDouble(2), max: row.optionalDouble(3))
            }
        return histogram
    }

    @Test func sampleImportsEveryRowIntoMinuteHistograms() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath(Self.sample)
        let elapsed = try Self.elapsedColumn(path: path)
        #expect(elapsed.count == 255)

        let summary = try harness.importFile(path, ImportOptions(environment: "staging", service: "web"))
        #expect(summary.format == .jmeterJTL)
        #expect(!summary.wasAlreadyImported)
        #expect(summary.rowsAccepted == elapsed.count)
        #expect(summary.rowsRejected == 0)
        #expect(summary.rowsUnmapped == 0)
        #expect(summary.rowsIgnored == 0)
        #expect(summary.warnings.isEmpty)
        #expect(summary.firstTs == 1_551_783_627)
        #expect(summary.lastTs == 1_551_783_687)
        #expect(summary.sha256.count == 64)
        #expect(summary.sha256.allSatisfy { $0.isHexDigit && !$0.isUppercase })

        let db = harness.database
        #expect(try db.integer("SELECT SUM(request_count) FROM latency_minutes") == Int64(elapsed.count))
        #expect(try db.integer("SELECT SUM(timed_count) FROM latency_minutes") == Int64(elapsed.count))
        #expect(try db.integer("SELECT SUM(count) FROM latency_buckets") == Int64(elapsed.count))
        // The failed samples answer 400: client errors, not 5xx.
        #expect(try db.integer("SELECT SUM(error_5xx) FROM latency_minutes") == 0)
        #expect(try db.double("SELECT SUM(sum_ms) FROM latency_minutes") == elapsed.reduce(0, +))
        #expect(try db.double("SELECT MIN(min_ms) FROM latency_minutes") == elapsed.min())
        #expect(try db.double("SELECT MAX(max_ms) FROM latency_minutes") == elapsed.max())
        #expect(
            try db.makeStatement("SELECT DISTINCT environment, service FROM latency_minutes").query()
                == [[.text("staging"), .text("web")]])
        #expect(try db.integer("SELECT COUNT(*) FROM latency_minutes WHERE minute % 60 != 0") == 0)
        #expect(
            try db.makeStatement(
                "SELECT path, sha256, format, environment, service, rows_accepted, rows_rejected, first_ts FROM imports"
            ).query() == [
                [
                    .text(path), .text(summary.sha256), .text("jmeter-jtl"), .text("staging"), .text("web"),
                    .integer(255), .integer(0), .integer(1_551_783_627),
                ]
            ])

        let histogram = try Self.storedHistogram(db)
        #expect(histogram.count == Int64(elapsed.count))
        for q in [0.5, 0.9, 0.95, 0.99] {
            let exact = try #require(Percentiles.linear(elapsed, q))
            let estimate = try #require(histogram.quantile(q))
            #expect(
                abs(estimate - exact) <= LatencyHistogram.relativeAccuracy * exact,
                "q=\(q): histogram \(estimate), exact \(exact)")
        }
    }

    @Test func importingTheSameFileTwiceChangesNothing() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath(Self.sample)
        let options = ImportOptions(environment: "staging", service: "web")
        let first = try harness.importFile(path, options)
        let counts = try harness.database.tableCounts()
        #expect(counts["imports"] == 1)
        #expect((counts["latency_minutes"] ?? 0) > 0)

        let second = try harness.importFile(path, options)
        #expect(second.wasAlreadyImported)
        #expect(second.sha256 == first.sha256)
        #expect(second.rowsAccepted == 0)
        #expect(second.description.contains("already imported"))
        #expect(try harness.database.tableCounts() == counts)

        // The same content under another name is the same import.
        let scratch = try ScratchDirectory()
        let copy = scratch.path("renamed.csv")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        #expect(try harness.importFile(copy, options).wasAlreadyImported)
        #expect(try harness.database.tableCounts() == counts)
    }

    @Test func malformedValueRejectsTheWholeFileAndNamesItsLine() throws {
        let harness = try ImportHarness()
        try harness.importFile(
            try TestFixtures.samplePath(Self.sample), ImportOptions(environment: "staging", service: "web"))
        let before = try harness.database.tableCounts()

        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "file.csv",
            """
            timeStamp,elapsed,label,responseCode
            1791968400000,120,web home,200
            1791968401000,abc,web home,200
            1791968402000,95,web home,200

            """)
        let error = #expect(throws: ImportError.self) {
            try harness.importFile(path, ImportOptions(environment: "prod-eu", service: "web"))
        }
        let found = try #require(error)
        #expect(found.kind == .values)
        #expect(found.line == 3)
        #expect(found.description.contains("file.csv:3"))
        #expect(found.description.contains("\"abc\""))
        #expect(found.description.contains("elapsed"))
        #expect(try harness.database.tableCounts() == before)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM imports WHERE path = ?", [.text(path)]) == 0)

        // With a tolerance for bad rows, the others are imported and the bad one is listed.
        let summary = try harness.importFile(
            path, ImportOptions(environment: "prod-eu", service: "web", maxBadRowsFraction: 0.5))
        #expect(summary.rowsAccepted == 2)
        #expect(summary.rowsRejected == 1)
        #expect(summary.problems.map(\.line) == [3])
        #expect(summary.problems.first?.description.hasPrefix("line 3: column elapsed") == true)
        #expect(
            try harness.database.integer(
                "SELECT SUM(request_count) FROM latency_minutes WHERE environment = 'prod-eu'") == 2)
    }

    @Test func rowWithMissingFieldsIsAStructureError() throws {
        let harness = try ImportHarness()
        let before = try harness.database.tableCounts()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "short.csv",
            "timeStamp,elapsed,label,responseCode\n1791968400000,120,web home,200\n1791968401000,130\n")
        let error = #expect(throws: ImportError.self) {
            try harness.importFile(path, ImportOptions(environment: "prod-eu", service: "web"))
        }
        #expect(error?.kind == .structure)
        #expect(error?.description.contains("short.csv:3:3: 2 fields where the header has 4") == true)
        #expect(try harness.database.tableCounts() == before)
    }

    @Test func labelsMapServicesAndResponseCodesCountErrors() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        // 2026-10-14T09:00:00Z is 1791968400.
        let path = try scratch.write(
            "labels.csv",
            """
            timeStamp,elapsed,label,responseCode,success
            1791968400000,120,web home,200,true
            1791968410500,80,web home,503,false
            1791968450000,95,web-iso search,200,true
            2026-10-14T09:01:05Z,300,web home,200,true
            1791968470000,15000,web home,Non HTTP response code: java.net.SocketTimeoutException,false
            1791968480000,50,checkout,200,true
            1791968490000,70,web home,404,false

            """)
        let summary = try harness.importFile(path, ImportOptions(environment: "prod-eu"))
        #expect(summary.rowsAccepted == 6)
        #expect(summary.rowsUnmapped == 1)
        #expect(summary.firstTs == 1_791_968_400)
        #expect(summary.lastTs == 1_791_968_490)
        // Minute 09:00 holds web's first two rows; minute 09:01 holds the ISO-time row, the request that never got
        // a response (an error without a latency) and the 404 (not a server error).
        #expect(
            try harness.database.makeStatement(
                """
                SELECT environment, service, minute, request_count, timed_count, error_5xx, sum_ms, min_ms, max_ms
                FROM latency_minutes ORDER BY service, minute
                """
            ).query() == [
                [
                    .text("prod-eu"), .text("web"), .integer(1_791_968_400), .integer(2), .integer(2), .integer(1),
                    .real(200), .real(80), .real(120),
                ],
                [
                    .text("prod-eu"), .text("web"), .integer(1_791_968_460), .integer(3), .integer(2), .integer(1),
                    .real(370), .real(70), .real(300),
                ],
                [
                    .text("prod-eu"), .text("web-iso"), .integer(1_791_968_400), .integer(1), .integer(1),
                    .integer(0), .real(95), .real(95), .real(95),
                ],
            ])
        #expect(
            try harness.database.makeStatement(
                "SELECT bucket, count FROM latency_buckets WHERE service = 'web' ORDER BY minute, bucket"
            ).query() == [80.0, 120, 70, 300].map { [.integer(Int64(LatencyHistogram.bucket(for: $0))), .integer(1)] })
    }

    @Test func withoutResponseCodesFailedSamplesCountAsErrors() throws {
        let harness = try ImportHarness()
        let summary = try harness.importFile(
            try TestFixtures.samplePath("jmeter-jtl_HTMLReportFalseTestFile_head50.csv"),
            ImportOptions(environment: "prod-us", service: "web-iso"))
        #expect(summary.rowsAccepted == 49)
        #expect(try harness.database.integer("SELECT SUM(request_count) FROM latency_minutes") == 49)
        #expect(try harness.database.integer("SELECT SUM(error_5xx) FROM latency_minutes") == 49)
        // Every sample took 0 ms: all in the zero bucket.
        #expect(
            try harness.database.makeStatement("SELECT bucket, SUM(count) FROM latency_buckets GROUP BY bucket").query()
                == [[.integer(Int64(LatencyHistogram.zeroBucket)), .integer(49)]])
        #expect(try JMeterJTLImportTests.storedHistogram(harness.database).quantile(0.95) == 0)
    }

    @Test func tabSeparatedResultsAreDetected() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "tabs.jtl", "timeStamp\telapsed\tlabel\n1791968400000\t120\tweb, home\n1791968401000\t80\tweb, home\n")
        let summary = try harness.importFile(path, ImportOptions(format: .jmeterJTL, environment: "prod-eu", service: "web"))
        #expect(summary.rowsAccepted == 2)
        #expect(try harness.database.double("SELECT SUM(sum_ms) FROM latency_minutes") == 200)
    }
}
