import Foundation
import Testing

@testable import ScalingImpact

/// The committed `reports/` is the demo's output and the golden copy of every report file:
/// the demo is run on `sample-data/` and each file, charts included, must match byte for byte.
/// Re-record with `RECORD_SNAPSHOTS=1 swift test --filter GoldenReportTests`.
@Suite("Golden reports")
struct GoldenReportTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every file under `directory`, as paths relative to it, sorted.
    static func files(under directory: URL) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: directory.path).filter { name in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue && !name.split(separator: "/").contains { $0.hasPrefix(".") }
        }.sorted()
    }

    @Test("the demo's reports match the committed reports/, and hold together")
    func demoMatchesCommittedReports() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
        let reports = Self.root.appendingPathComponent("reports")
        if record {
            // Start from an empty folder so files the demo no longer writes do not linger.
            try? FileManager.default.removeItem(at: reports)
        }
        let out = record ? reports : temp.appendingPathComponent("reports")
        let demo = Demo(
            sampleDirectory: Self.root.appendingPathComponent("sample-data").path,
            databasePath: temp.appendingPathComponent("demo.sqlite").path, outputDirectory: out.path)
        let outcome = try demo.run()
        #expect(outcome.imports.count == 10)
        let produced = try Self.files(under: out)
        #expect(produced == [
            "charts/daily-cost.svg", "charts/latency.svg", "charts/running-tasks.svg", "charts/scaling-events.svg", "details.md",
            "metrics.csv", "scaling_events.csv", "summary.md", "timeseries.csv",
        ])
        #expect(try Self.files(under: reports) == produced, "reports/ holds files the demo does not write, or lacks some")
        for name in produced {
            let output = try Data(contentsOf: out.appendingPathComponent(name))
            let golden = try Data(contentsOf: reports.appendingPathComponent(name))
            #expect(output == golden, "reports/\(name) differs from the demo's output; re-record with RECORD_SNAPSHOTS=1")
        }
        try checkConsistency(out: out, result: outcome.result)
    }

    /// What the issue asks of the demo's reports, checked on the files themselves.
    func checkConsistency(out: URL, result: AnalysisResult) throws {
        let summary = try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)
        let firstLine = try #require(summary.split(separator: "\n").first)
        #expect(firstLine.contains("against a 10% budget"))
        for environment in ["staging", "prod-eu", "prod-us", "prod-hipaa"] {
            #expect(summary.contains("| \(environment) |"), "summary.md does not name \(environment)")
        }
        #expect(summary.split(separator: "\n", omittingEmptySubsequences: false).count <= 40)
        #expect(summary.contains("prod-us/web-ingestion 672 times"), "the planted flapping is not named")
        let details = try String(contentsOf: out.appendingPathComponent("details.md"), encoding: .utf8)
        #expect(details.contains("## Windows and coverage") && details.contains("## Methods") && details.contains("confidence level 95%"))
        // Charts: valid SVG, linked from the Markdown by relative path.
        let charts = try Self.files(under: out.appendingPathComponent("charts"))
        #expect(charts.count >= 4)
        for chart in charts {
            let svg = try String(contentsOf: out.appendingPathComponent("charts").appendingPathComponent(chart), encoding: .utf8)
            #expect(XMLCheck.parse(svg).error == nil, "charts/\(chart) is not well-formed")
            #expect(details.contains("(charts/\(chart))"), "details.md does not show charts/\(chart)")
        }
        #expect(summary.contains("(charts/daily-cost.svg)") && summary.contains("(charts/latency.svg)"))
        // scaling_events.csv: the flap flags of each after window add up to metrics.csv's flaps.
        let events = try String(contentsOf: out.appendingPathComponent("scaling_events.csv"), encoding: .utf8)
        var flapsAfter: [String: Int] = [:]
        for line in events.split(separator: "\r\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count == 9, fields[3] == "after", fields[8] == "1" { flapsAfter["\(fields[1])/\(fields[2])", default: 0] += 1 }
        }
        for row in result.rows where row.metric == "flaps" && row.service != "*" && row.environment != "*" {
            #expect(Double(flapsAfter["\(row.environment)/\(row.service)", default: 0]) == row.after, "\(row.environment)/\(row.service)")
        }
    }
}
