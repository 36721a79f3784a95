import Foundation
import Testing

@testable import ScalingImpact

@Suite struct CURImportTests {
    /// 2026-10-14T10:00:00Z and the hour after it.
    static let hour10: Int64 = 1_791_972_000
    static let hour11: Int64 = hour10 + 3600

    /// A legacy CUR with Fargate lines of every kind, two lines that are not Fargate compute and one line no rule maps.
    ///
    /// Amounts and costs are binary fractions so that sums are exact.
    static let craftedCUR = """
        identity/LineItemId,identity/TimeInterval,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,lineItem/ResourceId,lineItem/UsageAmount,lineItem/UnblendedCost,resourceTags/aws:ecs:clusterName,resourceTags/aws:ecs:serviceName
        l1,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,USE1-Fargate-vCPU-Hours:perCPU,arn:aws:ecs:eu-west-1:123456789012:task/prod-eu-main/a1,2,0.078125,prod-eu-main,web
        l2,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,USE1-Fargate-GB-Hours,arn:aws:ecs:eu-west-1:123456789012:task/prod-eu-main/a1,4,0.015625,prod-eu-main,web
        l3,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,arn:aws:ecs:eu-west-1:123456789012:task/prod-eu-main/a2,1.5,0.0625,prod-eu-main,web
        l4,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,USE1-Fargate-ARM-vCPU-Hours:perCPU,,1,0.03125,prod-eu-main,web
        l5,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,USE1-Fargate-ARM-GB-Hours,,2,0.0078125,prod-eu-main,web
        l6,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AWSDataTransfer,USE1-DataTransfer-Out-Bytes,,10,0.9,prod-eu-main,web
        l7,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,USE1-DataTransfer-Regional-Bytes,,3,0.03,prod-eu-main,web
        l8,2026-10-14T11:00:00Z/2026-10-14T12:00:00Z,2026-10-14T11:00:00Z,2026-10-14T12:00:00Z,AmazonECS,USE1-Fargate-vCPU-Hours:perCPU,,2,0.078125,prod-eu-main,web
        l9,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,USE1-Fargate-vCPU-Hours:perCPU,arn:aws:ecs:us-east-1:123456789012:task/prod-us-blue/b1,1,0.0390625,,web
        l10,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,USE1-Fargate-vCPU-Hours:perCPU,,1,0.0390625,dev-main,web
        l11,2026-10-14T10:00:00Z/2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,USE1-Fargate-EphemeralStorage-GB-Hours,,20,0.001953125,prod-eu-main,web

        """

    /// The usage_cost rows the crafted CUR must give, in (environment, service, hour, kind) order.
    static let expectedRows: [[SQLValue]] = [
        [.text("prod-eu"), .text("web"), .integer(hour10), .text("arm_memory"), .real(2), .real(0.0078125)],
        [.text("prod-eu"), .text("web"), .integer(hour10), .text("arm_vcpu"), .real(1), .real(0.03125)],
        [.text("prod-eu"), .text("web"), .integer(hour10), .text("ephemeral_storage"), .real(20), .real(0.001953125)],
        [.text("prod-eu"), .text("web"), .integer(hour10), .text("memory"), .real(4), .real(0.015625)],
        [.text("prod-eu"), .text("web"), .integer(hour10), .text("vcpu"), .real(3.5), .real(0.140625)],
        [.text("prod-eu"), .text("web"), .integer(hour11), .text("vcpu"), .real(2), .real(0.078125)],
        [.text("prod-us"), .text("web"), .integer(hour10), .text("vcpu"), .real(1), .real(0.0390625)],
    ]

    static func usageRows(_ database: Database) throws -> [[SQLValue]] {
        try database.makeStatement(
            """
            SELECT environment, service, hour, usage_kind, usage_amount, billed_cost_usd FROM usage_cost
            ORDER BY environment, service, hour, usage_kind
            """
        ).query()
    }

    @Test(arguments: [("cur-legacy_koku_test_cur.csv", 19), ("cur-legacy_koku_2023-06-01_alphabetical.csv", 3)])
    func kokuSamplesHoldNoFargateLines(sample: String, lines: Int) throws {
        let harness = try ImportHarness()
        let summary = try harness.importFile(try TestFixtures.samplePath(sample))
        #expect(summary.format == .curLegacy)
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsIgnored == lines)
        #expect(summary.rowsRejected == 0)
        #expect(summary.rowsUnmapped == 0)
        #expect(summary.costColumn == "lineItem/UnblendedCost")
        #expect(summary.firstTs == nil)
        #expect(summary.description.contains("\(lines) ignored"))
        #expect(try harness.database.integer("SELECT COUNT(*) FROM usage_cost") == 0)
        #expect(
            try harness.database.makeStatement("SELECT format, rows_accepted, rows_ignored, cost_column FROM imports").query()
                == [[.text("cur-legacy"), .integer(0), .integer(Int64(lines)), .text("lineItem/UnblendedCost")]])
    }

    @Test func fargateLinesAreSummedPerHourAndKind() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let summary = try harness.importFile(try scratch.write("cur.csv", Self.craftedCUR))
        #expect(summary.format == .curLegacy)
        #expect(summary.rowsAccepted == 8)
        #expect(summary.rowsIgnored == 2)
        #expect(summary.rowsUnmapped == 1)
        #expect(summary.rowsRejected == 0)
        #expect(summary.firstTs == Self.hour10)
        #expect(summary.lastTs == Self.hour11)
        #expect(try Self.usageRows(harness.database) == Self.expectedRows)

        let db = harness.database
        let prodEUWeb: [SQLValue] = [.text("prod-eu"), .text("web")]
        #expect(
            try db.double("SELECT SUM(billed_cost_usd) FROM usage_cost WHERE environment = ? AND service = ?", prodEUWeb)
                == 0.275390625)
        #expect(
            try db.double(
                """
                SELECT SUM(usage_amount) FROM usage_cost
                WHERE environment = ? AND service = ? AND usage_kind IN ('vcpu', 'arm_vcpu')
                """, prodEUWeb) == 6.5)

        // The analysis reads the same figures back per hour.
        let facts = try Facts.load(from: db, start: Self.hour10, end: Self.hour11 + 3600)
        let series = try #require(facts.series[ServiceKey(environment: "prod-eu", service: "web")])
        #expect(series.billedCostByHour == [Self.hour10: 0.197265625, Self.hour11: 0.078125])
        #expect(series.usageByHour[Self.hour10]?.vcpuHours == 4.5)
        #expect(series.usageByHour[Self.hour10]?.gbHours == 6)
        #expect(series.usageByHour[Self.hour11]?.vcpuHours == 2)
        #expect(facts.series[ServiceKey(environment: "prod-us", service: "web")]?.billedCostByHour == [Self.hour10: 0.0390625])
    }

    @Test func gzipCURImportsTheSameFacts() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let compressed = try CSVReaderTests.gzip(try scratch.write("cur.csv", Self.craftedCUR))
        let summary = try harness.importFile(compressed)
        #expect(summary.format == .curLegacy)
        #expect(summary.rowsAccepted == 8)
        #expect(try Self.usageRows(harness.database) == Self.expectedRows)
    }

    @Test(arguments: [
        ("USE1-Fargate-vCPU-Hours:perCPU", "vcpu"),
        ("EU-Fargate-vCPU-Hours:perCPU", "vcpu"),
        ("APN1-Fargate-GB-Hours", "memory"),
        ("USE1-Fargate-ARM-vCPU-Hours:perCPU", "arm_vcpu"),
        ("USE1-Fargate-ARM-GB-Hours", "arm_memory"),
        ("USE1-Fargate-EphemeralStorage-GB-Hours", "ephemeral_storage"),
    ])
    func fargateUsageTypesHaveAKind(usageType: String, kind: String) {
        #expect(CURParser.usageKind(usageType) == kind)
    }

    @Test(arguments: ["USE1-DataTransfer-Out-Bytes", "BoxUsage:m5.large", "USE1-EBS:VolumeUsage.gp3", "USE1-Fargate-Windows-OS-Hours", ""])
    func otherUsageTypesHaveNoKind(usageType: String) {
        #expect(CURParser.usageKind(usageType) == nil)
    }

    @Test func clusterNamesComeFromTaskAndServiceARNs() {
        #expect(CURParser.clusterName(fromARN: "arn:aws:ecs:eu-west-1:123456789012:task/prod-eu-main/0a1b2c") == "prod-eu-main")
        #expect(CURParser.clusterName(fromARN: "arn:aws:ecs:us-east-1:123456789012:service/prod-us/web") == "prod-us")
        #expect(CURParser.clusterName(fromARN: "arn:aws:ecs:us-east-1:123456789012:task/0a1b2c") == nil)
        #expect(CURParser.clusterName(fromARN: "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc") == nil)
        #expect(CURParser.clusterName(fromARN: "") == nil)
    }

    static let shortRowHeader = """
        lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UsageAmount,lineItem/UnblendedCost,\
        resourceTags/aws:ecs:clusterName,resourceTags/aws:ecs:serviceName,costCategory/CostCenter
        """

    @Test func shortRowsReadTheirMissingTrailingFieldsAsEmpty() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "short.csv",
            """
            \(Self.shortRowHeader)
            2026-10-14T10:00:00Z,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,1,0.5,prod-eu-main,web,cc-1
            2026-10-14T10:00:00Z,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,2,0.25,prod-eu-main,web
            2026-10-14T10:00:00Z,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,4,0.125,prod-eu-main

            """)
        let summary = try harness.importFile(path)
        #expect(summary.rowsAccepted == 2)
        #expect(summary.rowsUnmapped == 1)
        #expect(
            try Self.usageRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .integer(Self.hour10), .text("vcpu"), .real(3), .real(0.75)]
            ])
    }

    @Test func rowWithoutARequiredColumnIsAStructureError() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "short.csv",
            """
            \(Self.shortRowHeader)
            2026-10-14T10:00:00Z,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,1,0.5,prod-eu-main,web,cc-1
            2026-10-14T10:00:00Z,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,1

            """)
        let error = #expect(throws: ImportError.self) { try harness.importFile(path) }
        #expect(error?.kind == .structure)
        #expect(error?.description.contains("short.csv:3:5: 4 fields where the header has 8") == true)
        #expect(try harness.database.tableCounts().values.allSatisfy { $0 == 0 })
    }

    @Test func badCostOnAFargateLineRejectsTheFile() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = Self.craftedCUR.replacingOccurrences(of: ",4,0.015625,", with: ",4,\"1,5\",")
        let path = try scratch.write("cur.csv", text)
        let error = #expect(throws: ImportError.self) { try harness.importFile(path) }
        #expect(error?.kind == .values)
        #expect(error?.description.contains("cur.csv:3: column lineItem/UnblendedCost: \"1,5\" is not a number") == true)
        #expect(try harness.database.tableCounts().values.allSatisfy { $0 == 0 })
    }
}
