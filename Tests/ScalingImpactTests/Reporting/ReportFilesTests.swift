import Foundation
import Testing

@testable import ScalingImpact

@Suite("Report files: CSV, JSON and the report folder")
struct ReportFilesTests {
    /// Reads a CSV file back with the importer's RFC 4180 reader.
    static func readCSV(_ text: String) throws -> [[String]] {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("file.csv", text)
        var reader = try CSVReader(path: path)
        var records: [[String]] = []
        while try reader.next() {
            records.append((0..<reader.record.count).map { reader.record.string($0) })
        }
        return records
    }

    @Test("timeseries.csv: the header, one row per hour and series, names defused, empty cells for no data")
    func timeSeriesCSV() throws {
        let data = ReportTestData.hostileData
        let text = TimeSeriesCSV.render(data.timeSeries, configuration: data.result.configuration)
        #expect(text.hasPrefix(TimeSeriesCSV.header.joined(separator: ",") + "\r\n"))
        #expect(!text.hasPrefix("\u{FEFF}"))
        let records = try Self.readCSV(text)
        let hours = data.timeSeries.series.map(\.hours.count).reduce(0, +)
        #expect(records.count == hours + 1)
        #expect(records.allSatisfy { $0.count == TimeSeriesCSV.header.count })
        let hostile = records.filter { $0[2].contains("HYPERLINK") }
        #expect(!hostile.isEmpty)
        #expect(hostile.allSatisfy { $0[2] == "'" + ReportTestData.hostileService })
        #expect(records.contains { $0[1] == ReportTestData.hostileEnvironment })
        let first = records[1]
        #expect(first[0].count == 16 && first[0].contains(" "))
        #expect(Set(records.dropFirst().map { $0[3] }) == ["before", "transition", "after"])
        #expect(Double(first[4]) != nil && Double(first[7]) != nil)
    }

    @Test("scaling_events.csv: one row per change, flap flags summing to the analysis's flaps")
    func scalingEventsCSV() throws {
        let data = ReportTestData.hostileData
        let text = ScalingEventsCSV.render(data.scalingEvents)
        #expect(text.hasPrefix("time_utc,environment,service,window,from_tasks,to_tasks,direction,cause,is_flap\r\n"))
        let records = try Self.readCSV(text)
        #expect(records.count == data.scalingEvents.count + 1)
        for environment in data.result.configuration.environments {
            for service in data.result.configuration.services {
                // Names a spreadsheet would run as formulas come back with the defusing quote.
                let name = "=+-@".contains(service.name.first ?? " ") ? "'" + service.name : service.name
                let after = records.filter { $0[1] == environment.name && $0[2] == name && $0[3] == "after" }
                let flaps = try #require(data.result.row(environment.name, service.name, "flaps")?.after)
                #expect(Double(after.filter { $0[8] == "1" }.count) == flaps, "\(environment.name)/\(service.name)")
            }
        }
        #expect(records.dropFirst().allSatisfy { ["in", "out"].contains($0[6]) && ["0", "1"].contains($0[8]) })
        #expect(ScalingEventsCSV.timestamp(UTCTime.seconds(year: 2026, month: 10, day: 6, hour: 15, minute: 30, second: 5)) == "2026-10-06 15:30:05")
    }

    @Test("report --format json: the summary's numbers and verdicts, null where missing, same bytes every time")
    func summaryJSON() throws {
        let data = ReportTestData.hostileData
        let text = SummaryJSON.render(data.result)
        #expect(text == SummaryJSON.render(data.result))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["headline"] as? String == SummaryReport.headline(data.result))
        #expect(object["cost_budget_pct"] as? Double == 10)
        #expect(object["task_band_pct"] as? [Double] == [5, 15])
        #expect(["PASS", "WARN", "FAIL", "NO DATA"].contains(object["verdict"] as? String ?? ""))
        let environments = try #require(object["environments"] as? [[String: Any]])
        #expect(environments.map { $0["name"] as? String } == ["staging", ReportTestData.hostileEnvironment])
        let criteria = try #require(environments.first?["criteria"] as? [[String: Any]])
        #expect(criteria.map { $0["criterion"] as? String } == ["cost", "tasks", "latency_p95", "latency_p99", "error_rate_5xx", "flapping"])
        let tasks = try #require(criteria.first { $0["criterion"] as? String == "tasks" })
        let row = try #require(data.result.row("staging", "*", "running_tasks_mean"))
        #expect(abs((tasks["delta_pct"] as? Double ?? 0) - (row.deltaPct ?? 1)) < 1e-4)
        // Missing figures are null, not absent.
        let flapping = try #require(criteria.first { $0["criterion"] as? String == "flapping" })
        #expect(flapping.keys.contains("ci_low") && flapping["ci_low"] is NSNull)
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.contains { $0["criterion"] as? String == "flapping" && $0["service"] as? String == ReportTestData.hostileService })
        #expect((object["sentences"] as? [String])?.isEmpty == false)
    }

    @Test("the writer writes every file, charts in charts/, and every link in the Markdown resolves")
    func writerWritesEverything() throws {
        let scratch = try ScratchDirectory()
        let data = ReportTestData.hostileData
        let written = try ReportWriter(directory: scratch.path("out")).write(data)
        let names = written.map { String($0.dropFirst(scratch.path("out").count + 1)) }
        #expect(names == [
            "summary.md", "details.md", "metrics.csv", "timeseries.csv", "scaling_events.csv", "charts/daily-cost.svg",
            "charts/latency.svg", "charts/running-tasks.svg", "charts/scaling-events.svg",
        ])
        let metrics = try Data(contentsOf: URL(fileURLWithPath: scratch.path("out/metrics.csv")))
        #expect(metrics.starts(with: Data((MetricsCSV.header.joined(separator: ",") + "\r\n").utf8)))
        for markdown in ["summary.md", "details.md"] {
            let text = try String(contentsOfFile: scratch.path("out/\(markdown)"), encoding: .utf8)
            for link in Self.links(in: text) {
                #expect(FileManager.default.fileExists(atPath: scratch.path("out/\(link)")), "\(markdown) links to \(link)")
            }
        }
        let details = try String(contentsOfFile: scratch.path("out/details.md"), encoding: .utf8)
        #expect(Self.links(in: details).filter { $0.hasPrefix("charts/") }.count == 4)
        // Writing again over the same folder gives the same bytes.
        let again = try ScratchDirectory()
        try ReportWriter(directory: again.path("out")).write(data)
        for name in names {
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: scratch.path("out/\(name)")))
                    == Data(contentsOf: URL(fileURLWithPath: again.path("out/\(name)"))), "\(name)")
        }
    }

    /// Relative link targets `](target)` in Markdown.
    static func links(in text: String) -> [String] {
        var links: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "](") {
            // `\](` is an escaped bracket from the data, not a link.
            let escaped = open.lowerBound > rest.startIndex && rest[rest.index(before: open.lowerBound)] == "\\"
            rest = rest[open.upperBound...]
            if escaped { continue }
            guard let close = rest.firstIndex(of: ")") else { break }
            links.append(String(rest[..<close]))
            rest = rest[close...]
        }
        return links.filter { !$0.contains("://") }
    }
}
