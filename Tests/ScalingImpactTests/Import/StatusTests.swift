import Foundation
import Testing

@testable import ScalingImpact

/// `status`: coverage per (environment, service, source), gaps, rejected and unmapped rows, totals.
@Suite struct StatusTests {
    static let nine: Int64 = 1_791_968_400

    /// Imports a tidy CSV with RunningTaskCount minutes 0–2 and 10–11 (a gap), a CUR with 2 hours, and one unmapped row.
    static func populated() throws -> ImportHarness {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        var metrics = "timestamp,environment,service,metric,statistic,period_s,value\n"
        for minute in [0, 1, 2, 10, 11] {
            metrics += "\(nine + Int64(minute) * 60),prod-eu,web,RunningTaskCount,Average,60,4\n"
        }
        metrics += "\(nine),prod-eu,web,RequestCount,Sum,60,1000\n\(nine + 60),prod-eu,web,RequestCount,Sum,60,500\n"
        metrics += "\(nine),nowhere,web,RequestCount,Sum,60,7\n"
        metrics += "\(nine),prod-eu,web,RequestCount,Sum,60,many\n"
        try harness.importFile(try scratch.write("metrics.csv", metrics), ImportOptions(maxBadRowsFraction: 0.5))
        let cur = """
            lineItem/UsageStartDate,lineItem/UsageType,lineItem/UsageAmount,lineItem/UnblendedCost,resourceTags/aws:ecs:clusterName,resourceTags/aws:ecs:serviceName
            2026-10-14T09:00:00Z,EU-Fargate-vCPU-Hours:perCPU,2,0.5,prod-eu-main,web
            2026-10-14T09:00:00Z,EU-Fargate-GB-Hours,4,0.25,prod-eu-main,web
            2026-10-14T10:00:00Z,EU-Fargate-ARM-GB-Hours,1,0.125,prod-eu-main,web
            2026-10-14T10:00:00Z,EU-Fargate-EphemeralStorage-GB-Hours,20,0.0625,prod-eu-main,web

            """
        try harness.importFile(try scratch.write("cur.csv", cur))
        return harness
    }

    @Test func linesShowRowsRangeGapsAndUnattributedRows() throws {
        let harness = try Self.populated()
        let report = try CoverageReport.load(from: harness.database)
        #expect(report.lines.map { "\($0.environment) \($0.service) \($0.source)" } == [
            "prod-eu web RequestCount", "prod-eu web RunningTaskCount", "prod-eu web cost", "* * metrics",
        ])
        let running = report.lines[1]
        #expect(running.rows == 5)
        #expect(running.first == Self.nine)
        #expect(running.end == Self.nine + 12 * 60)
        #expect(running.gaps == 1)
        #expect(running.gapList == [TimeWindow(start: Self.nine + 180, end: Self.nine + 600)])
        let cost = report.lines[2]
        #expect(cost.rows == 4)
        #expect(cost.first == Self.nine)
        #expect(cost.end == Self.nine + 2 * 3600)
        #expect(cost.gaps == 0)
        #expect(cost.billedCostUSD == 0.9375)
        #expect(cost.vcpuHours == 2)
        #expect(cost.gbHours == 5)
        let unattributed = report.lines[3]
        #expect(unattributed.rows == 0)
        #expect(unattributed.rowsUnmapped == 1)
        #expect(unattributed.rowsRejected == 1)
        #expect(report.totals == CoverageReport.Totals(billedCostUSD: 0.9375, vcpuHours: 2, gbHours: 5, requests: 1500))
        #expect(report.imports.map(\.factsStored) == [7, 4])
    }

    @Test func jsonHasTheTotalsAndTheSameLines() throws {
        let harness = try Self.populated()
        let json = try CoverageReport.load(from: harness.database).renderJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["billed_cost_usd_total"] as? Double == 0.9375)
        #expect(object["vcpu_hours_total"] as? Double == 2)
        #expect(object["gb_hours_total"] as? Double == 5)
        #expect(object["requests_total"] as? Int == 1500)
        #expect(object["rows_unmapped_total"] as? Int == 1)
        #expect(object["rows_rejected_total"] as? Int == 1)
        #expect(object["cost_columns"] as? [String] == ["lineItem/UnblendedCost"])
        let coverage = try #require(object["coverage"] as? [[String: Any]])
        #expect(coverage.count == 4)
        let running = try #require(coverage.first { $0["source"] as? String == "RunningTaskCount" })
        #expect(running["from"] as? String == "2026-10-14T09:00:00Z")
        #expect(running["to"] as? String == "2026-10-14T09:12:00Z")
        #expect(running["gaps"] as? Int == 1)
        #expect((running["gap_list"] as? [[String: String]]) == [["from": "2026-10-14T09:03:00Z", "to": "2026-10-14T09:10:00Z"]])
        let imports = try #require(object["imports"] as? [[String: Any]])
        #expect(imports.map { $0["format"] as? String } == ["metrics-csv", "cur-legacy"])
        #expect(imports.last?["cost_column"] as? String == "lineItem/UnblendedCost")
    }

    @Test func textNamesTotalsCostColumnAndEveryLine() throws {
        let harness = try Self.populated()
        let text = try CoverageReport.load(from: harness.database).renderText()
        #expect(text.contains("Imports: 2 files, 11 rows imported, 1 rejected, 1 unmapped, 0 ignored"))
        #expect(text.contains("billed Fargate cost 0.9375 USD, 2 vCPU-hours, 5 GB-hours, 1500 requests"))
        #expect(text.contains("Billed cost from: lineItem/UnblendedCost"))
        let collapsed = text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(collapsed.contains("prod-eu web RunningTaskCount 5 2026-10-14 09:00 2026-10-14 09:12 1 0 0"))
        #expect(collapsed.contains("* * metrics 0 - - - 1 1"))
        #expect(text.contains("prod-eu web RunningTaskCount: 2026-10-14 09:03–2026-10-14 09:10"))
    }

    @Test func requestsPreferCloudWatchOverPerRequestData() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let jtl = "timeStamp,elapsed,label,responseCode\n1791968400000,12,a,200\n1791968401000,15,a,200\n1791968402000,18,a,503\n"
        try harness.importFile(try scratch.write("a.jtl", jtl), ImportOptions(environment: "staging", service: "web"))
        try harness.importFile(try scratch.write("b.jtl", jtl + "1791968403000,20,a,200\n"), ImportOptions(environment: "prod-us", service: "web"))
        let metrics = "timestamp,environment,service,metric,statistic,period_s,value\n\(Self.nine),prod-us,web,RequestCount,Sum,60,40\n\(Self.nine),prod-us,web,RequestCount,Sum,300,41\n"
        try harness.importFile(try scratch.write("m.csv", metrics))
        let report = try CoverageReport.load(from: harness.database)
        // staging: 3 per-request; prod-us: CloudWatch's 1-minute RequestCount (not the 5-minute one too).
        #expect(report.totals.requests == 3 + 40)
        #expect(report.lines.first { $0.environment == "staging" && $0.source == "latency" }?.requests == 3)
    }

    @Test func emptyDatabaseHasZeroTotals() throws {
        let harness = try ImportHarness()
        let report = try CoverageReport.load(from: harness.database)
        #expect(report.lines.isEmpty)
        #expect(report.totals == CoverageReport.Totals())
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(try report.renderJSON().utf8)) as? [String: Any])
        #expect(object["billed_cost_usd_total"] as? Double == 0)
        #expect(object["requests_total"] as? Int == 0)
    }
}
