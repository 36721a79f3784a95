import Foundation
import Testing

@testable import ScalingImpact

@Suite struct ImporterTests {
    @Test(arguments: [
        ("jmeter-jtl_HTMLReportTestFile.csv", ImportFormat.jmeterJTL),
        ("jmeter-jtl_HTMLReportFalseTestFile_head50.csv", .jmeterJTL),
        ("cloudwatch-get-metric-data_awscli-examples.json", .cloudWatchGetMetricData),
        ("cur-legacy_koku_test_cur.csv", .curLegacy),
        ("cur-legacy_koku_2023-06-01_alphabetical.csv", .curLegacy),
    ])
    func samplesAreDetected(sample: String, format: ImportFormat) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try TestFixtures.samplePath(sample))))
        #expect(ImportFormat.detect(prefix: bytes) == format)
    }

    @Test(arguments: [
        ("\u{FEFF}timeStamp,elapsed,label\n", ImportFormat?.some(.jmeterJTL)),
        ("timeStamp\telapsed\n", .jmeterJTL),
        ("\n  {\"MetricDataResults\": []}", .cloudWatchGetMetricData),
        ("identity/LineItemId,lineItem/UsageType\n", .curLegacy),
        ("{\"Datapoints\": []}", nil),
        ("time,latency\n", nil),
        ("", nil),
    ])
    func formatIsDetectedFromTheFirstBytes(text: String, format: ImportFormat?) {
        #expect(ImportFormat.detect(prefix: Array(text.utf8)) == format)
    }

    @Test func unrecognisedFileIsRejectedWithTheFormatsToChooseFrom() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write("notes.txt", "hello\n")
        let error = #expect(throws: ImportError.self) { try harness.importFile(path) }
        #expect(error?.kind == .structure)
        #expect(error?.message.contains("not recognised") == true)
        #expect(error?.hint?.contains("jmeter-jtl, cloudwatch-get-metric-data, cur-legacy") == true)
    }

    @Test func emptyFileIsRejected() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write("empty.csv", "")
        let error = #expect(throws: ImportError.self) { try harness.importFile(path) }
        #expect(error?.message == "the file is empty")
    }

    @Test func unknownEnvironmentOrServiceIsAUsageError() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath("jmeter-jtl_HTMLReportTestFile.csv")
        let environment = #expect(throws: ImportError.self) {
            try harness.importFile(path, ImportOptions(environment: "prod-asia", service: "web"))
        }
        #expect(environment?.kind == .usage)
        #expect(environment?.hint == "use one of: staging, prod-eu, prod-us, prod-hipaa")
        let service = #expect(throws: ImportError.self) {
            try harness.importFile(path, ImportOptions(environment: "staging", service: "api"))
        }
        #expect(service?.kind == .usage)
        #expect(service?.hint == "use one of: web, web-ingestion, web-iso")
        #expect(try harness.database.tableCounts().values.allSatisfy { $0 == 0 })
    }

    @Test func missingPathIsUnreadable() throws {
        let scratch = try ScratchDirectory()
        let error = #expect(throws: ImportError.self) { try Importer.expand([scratch.path("nope.csv")]) }
        #expect(error?.kind == .unreadable)
    }

    @Test func directoriesAreWalkedInNameOrderSkippingHiddenAndConfigFiles() throws {
        let scratch = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: scratch.path("b"), withIntermediateDirectories: true)
        try scratch.write("b/2.csv", "x")
        try scratch.write("a.json", "x")
        try scratch.write(".hidden.csv", "x")
        try scratch.write("README.md", "x")
        try scratch.write("impact.toml", "x")
        try scratch.write("b/1.csv", "x")
        let files = try Importer.expand([scratch.url.path, "-"])
        #expect(files == [scratch.path("a.json"), scratch.path("b/1.csv"), scratch.path("b/2.csv"), "-"])
    }

    @Test func importPathsImportsEveryFileAndSkipsRepeats() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        for name in ["cur-legacy_koku_test_cur.csv", "cur-legacy_koku_2023-06-01_alphabetical.csv"] {
            try FileManager.default.copyItem(atPath: try TestFixtures.samplePath(name), toPath: scratch.path(name))
        }
        let first = try harness.importer.importPaths([scratch.url.path], options: ImportOptions())
        #expect(first.map(\.rowsIgnored) == [3, 19])
        #expect(first.allSatisfy { !$0.wasAlreadyImported })
        let second = try harness.importer.importPaths([scratch.url.path], options: ImportOptions())
        #expect(second.allSatisfy { $0.wasAlreadyImported })
        #expect(try harness.database.integer("SELECT COUNT(*) FROM imports") == 2)
    }

    @Test func summaryDescriptionNamesCountsAndRange() {
        var summary = ImportSummary(path: "cur.csv", format: .curLegacy, sha256: String(repeating: "ab", count: 32), wasAlreadyImported: false)
        summary.rowsAccepted = 8
        summary.rowsUnmapped = 1
        summary.rowsIgnored = 2
        summary.firstTs = 1_791_972_000
        summary.lastTs = 1_791_975_600
        #expect(
            summary.description
                == "cur.csv: cur-legacy, 8 rows imported, 1 unmapped, 2 ignored (not ECS/Fargate), 2026-10-14 10:00 to 2026-10-14 11:00 UTC")
        summary.wasAlreadyImported = true
        #expect(summary.description == "cur.csv: already imported (same SHA-256 abababababab), nothing changed")
    }

    @Test func importErrorDescriptionNamesPathLineAndColumn() {
        #expect(
            ImportError(.structure, path: "a.csv", line: 3, column: 2, message: "bad", hint: "fix it").description
                == "a.csv:3:2: bad (fix it)")
        #expect(ImportError(.unreadable, path: "a.csv", message: "gone").description == "a.csv: gone")
        #expect(RowProblem(line: 7, message: "bad").description == "line 7: bad")
    }
}
