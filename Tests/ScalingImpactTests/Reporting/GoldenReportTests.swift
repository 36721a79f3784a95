import Foundation
import ScalingImpact
import Testing

/// The committed `reports/` is the demo's output and the golden copy of every report file:
/// the demo is run on `sample-data/` and each file must match byte for byte.
/// Re-record with `RECORD_SNAPSHOTS=1 swift test --filter GoldenReportTests`.
@Suite("Golden reports")
struct GoldenReportTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the demo's reports match the committed reports/")
    func demoMatchesCommittedReports() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        let reports = Self.root.appendingPathComponent("reports")
        let out = record ? reports : temp.appendingPathComponent("reports")
        let demo = Demo(
            sampleDirectory: Self.root.appendingPathComponent("sample-data").path,
            databasePath: temp.appendingPathComponent("demo.sqlite").path, outputDirectory: out.path)
        let outcome = try demo.run()
        #expect(outcome.imports.count == 10)
        let names = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter {
            !$0.hasPrefix(".") && !$0.hasSuffix("/")
        }
        #expect(names.contains("summary.md") && names.contains("details.md") && names.contains("metrics.csv"))
        for name in names.sorted() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            let produced = try Data(contentsOf: out.appendingPathComponent(name))
            let golden = try Data(contentsOf: reports.appendingPathComponent(name))
            #expect(produced == golden, "reports/\(name) differs from the demo's output; re-record with RECORD_SNAPSHOTS=1")
        }
    }
}
