import Foundation
import Testing

@testable import ScalingImpact

/// Cost exports beyond the basic legacy CUR: FOCUS, CUR 2.0 / Athena, Savings Plans, daily lines, overlaps.
@Suite struct CostImportTests {
    /// 2026-10-14T10:00:00Z.
    static let hour10: Int64 = 1_791_972_000

    static func usageRows(_ database: Database) throws -> [[SQLValue]] {
        try database.makeStatement(
            """
            SELECT environment, service, hour, usage_kind, usage_amount, billed_cost_usd FROM usage_cost
            ORDER BY environment, service, hour, usage_kind
            """
        ).query()
    }

    // MARK: FOCUS

    /// The FOCUS sample's Fargate rows summed independently: gzip inflated by ByteSource (transport only), CSV
    /// split by a minimal quote-aware splitter here, rows chosen as FORMATS.md §5 says.
    static func focusSampleFargateBilledCost() throws -> (sum: Double, rows: Int) {
        let bytes = try ByteSource(path: try TestFixtures.samplePath("focus-1.0_sample_excerpt.csv.gz")).readAll()
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        let header = splitCSVLine(try #require(lines.first))
        let service = try #require(header.firstIndex(of: "ServiceName"))
        let description = try #require(header.firstIndex(of: "ChargeDescription"))
        let billed = try #require(header.firstIndex(of: "BilledCost"))
        var sum = 0.0
        var rows = 0
        for line in lines.dropFirst() {
            let fields = splitCSVLine(line)
            guard fields[service] == "Amazon Elastic Container Service", fields[description].hasPrefix("AWS Fargate") else { continue }
            sum += try #require(Double(fields[billed]))
            rows += 1
        }
        return (sum, rows)
    }

    /// Splits one CSV line with double-quoted fields (the FOCUS sample has no newlines inside fields).
    static func splitCSVLine(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(line)
        if chars.last == "\r" { chars.removeLast() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" && i + 1 < chars.count && chars[i + 1] == "\"" {
                    field.append("\"")
                    i += 1
                } else if c == "\"" {
                    quoted = false
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
            i += 1
        }
        fields.append(field)
        return fields
    }

    @Test func focusSampleFargateBilledCostReachesStatusTotals() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath("focus-1.0_sample_excerpt.csv.gz")
        let summary = try harness.importFile(path, ImportOptions(environment: "staging", service: "web"))
        let expected = try Self.focusSampleFargateBilledCost()
        // Checked once with Python's csv and decimal modules over the uncompressed sample: 12 rows, 0.02044738 USD.
        #expect(expected.rows == 12)
        #expect(abs(expected.sum - 0.02044738) < 1e-12)
        #expect(summary.format == .focus)
        #expect(summary.rowsAccepted == 12)
        #expect(summary.rowsIgnored == 628 - 12)
        #expect(summary.rowsRejected == 0)
        #expect(summary.costColumn == "BilledCost")
        #expect(summary.firstTs == 1_725_152_400)  // 2024-09-01T01:00:00Z
        #expect(summary.lastTs == 1_727_517_600)  // 2024-09-28T10:00:00Z

        let json = try CoverageReport.load(from: harness.database).renderJSON()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let billed = try #require(object["billed_cost_usd_total"] as? Double)
        #expect(abs(billed - expected.sum) < 1e-12)
        // vCPU rows and memory rows (x86 and ARM) by ConsumedQuantity, checked the same way.
        #expect(abs(try #require(object["vcpu_hours_total"] as? Double) - 0.3613324306) < 1e-12)
        #expect(abs(try #require(object["gb_hours_total"] as? Double) - 1.5263588889) < 1e-12)
        #expect(object["cost_columns"] as? [String] == ["BilledCost"])
        #expect(
            try harness.database.makeStatement("SELECT DISTINCT usage_kind FROM usage_cost ORDER BY 1").query()
                == [[.text("arm_memory")], [.text("memory")], [.text("vcpu")]])
    }

    @Test func focusSampleWithoutMappingCountsEveryFargateRowAsUnmapped() throws {
        let harness = try ImportHarness()
        let summary = try harness.importFile(try TestFixtures.samplePath("focus-1.0_sample_excerpt.csv.gz"))
        // The sample's ARNs are scrambled ("arn:ats:els:..."), its tags name no configured environment.
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsUnmapped == 12)
        #expect(summary.warnings.contains { $0.contains("no row could be assigned") })
        let report = try CoverageReport.load(from: harness.database)
        #expect(report.lines.map(\.source) == ["cost"])
        #expect(report.lines.first?.environment == "*")
        #expect(report.lines.first?.rowsUnmapped == 12)
    }

    static let focusHeader = """
        BilledCost,ChargeCategory,ChargeDescription,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,EffectiveCost,\
        PricingCategory,ProviderName,ResourceId,ServiceName,Tags
        """

    @Test func focusRowsMapThroughTagsAndARNsAndIgnoreEKSAndPurchases() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "focus.csv",
            """
            \(Self.focusHeader)
            0.5,Usage,AWS Fargate - vCPU - EU (Ireland),2026-10-14 11:00:00,2026-10-14 10:00:00,2,0.5,Standard,AWS,arn:aws:ecs:eu-west-1:1:task/prod-eu-main/abc,Amazon Elastic Container Service,"{""aws:ecs:serviceName"": ""web""}"
            0.25,Usage,AWS Fargate - Memory - EU (Ireland),2026-10-14 11:00:00,2026-10-14 10:00:00,4,0.25,Standard,AWS,NULL,Amazon Elastic Container Service,"{""environment"": ""prod-us"", ""service"": ""web-iso""}"
            0,Usage,AWS Fargate - Memory - EU (Ireland),2026-10-14 11:00:00,2026-10-14 10:00:00,8,0.125,Committed,AWS,arn:aws:ecs:eu-west-1:1:service/prod-eu-main/web,Amazon Elastic Container Service,NULL
            0.125,Usage,AWS Fargate - EphemeralStorage - EU (Ireland),2026-10-14T11:00:00Z,2026-10-14T10:00:00Z,1,0.125,Standard,AWS,arn:aws:ecs:eu-west-1:1:service/prod-eu-main/web,Amazon Elastic Container Service,{}
            9,Usage,AWS Fargate - vCPU - EU (Ireland),2026-10-14 11:00:00,2026-10-14 10:00:00,2,9,Standard,AWS,arn:aws:eks:eu-west-1:1:pod/x,Amazon Elastic Kubernetes Service,NULL
            7,Purchase,Savings Plan,2026-10-14 11:00:00,2026-10-14 10:00:00,1,7,Committed,AWS,NULL,Amazon Elastic Container Service,NULL
            0.0625,Usage,AWS Fargate - vCPU - EU (Ireland),2026-10-14 11:00:00,2026-10-14 10:00:00,1,0.0625,Standard,AWS,arn:aws:ecs:eu-west-1:1:task/dev-main/abc,Amazon Elastic Container Service,not json

            """)
        let summary = try harness.importFile(path)
        #expect(summary.format == .focus)
        #expect(summary.rowsAccepted == 4)
        #expect(summary.rowsIgnored == 2)
        #expect(summary.rowsUnmapped == 1)
        #expect(summary.warnings.contains { $0.contains("1 Fargate rows have a Tags value that is not a JSON object") })
        #expect(
            try Self.usageRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .integer(Self.hour10), .text("ephemeral_storage"), .real(1), .real(0.125)],
                [.text("prod-eu"), .text("web"), .integer(Self.hour10), .text("memory"), .real(8), .real(0)],
                [.text("prod-eu"), .text("web"), .integer(Self.hour10), .text("vcpu"), .real(2), .real(0.5)],
                [.text("prod-us"), .text("web-iso"), .integer(Self.hour10), .text("memory"), .real(4), .real(0.25)],
            ])
    }

    @Test func dailyLinesAreSpreadEvenlyOverTheirHours() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "focus-daily.csv",
            """
            \(Self.focusHeader)
            2.4,Usage,AWS Fargate - vCPU - EU (Ireland),2026-10-15 00:00:00,2026-10-14 00:00:00,48,2.4,Standard,AWS,arn:aws:ecs:eu-west-1:1:service/prod-eu-main/web,Amazon Elastic Container Service,NULL

            """)
        let summary = try harness.importFile(path)
        #expect(summary.rowsAccepted == 1)
        let rows = try Self.usageRows(harness.database)
        #expect(rows.count == 24)
        #expect(try harness.database.double("SELECT SUM(usage_amount) FROM usage_cost") == 48)
        #expect(abs(try #require(try harness.database.double("SELECT SUM(billed_cost_usd) FROM usage_cost")) - 2.4) < 1e-12)
        #expect(try harness.database.double("SELECT MIN(usage_amount) FROM usage_cost") == 2)
        #expect(try harness.database.integer("SELECT MIN(hour) FROM usage_cost") == Self.hour10 - 10 * 3600)
        #expect(try harness.database.integer("SELECT MAX(hour) FROM usage_cost") == Self.hour10 + 13 * 3600)
    }

    // MARK: CUR 2.0 and Athena

    @Test func athenaSampleHoldsNoFargateLinesAndSaysSo() throws {
        let harness = try ImportHarness()
        let summary = try harness.importFile(try TestFixtures.samplePath("cur-athena-snakecase_koku_2022-07-01.csv"))
        #expect(summary.format == .curSnakeCase)
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsIgnored == 2)
        #expect(summary.rowsRejected == 0)
        #expect(summary.costColumn == "line_item_unblended_cost")
        #expect(summary.description.contains("2 ignored (not ECS/Fargate)"))
        #expect(try harness.database.integer("SELECT COUNT(*) FROM usage_cost") == 0)
    }

    @Test func cur2MapColumnsAndAthenaTimestampsMapAndPrice() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "cur2.csv",
            """
            line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,line_item_unblended_cost,product,resource_tags
            Usage,2026-10-14 10:00:00.000,2026-10-14 11:00:00.000,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,,2,0.5,"{""servicecode"": ""AmazonECS""}","{""user_environment"": ""prod-eu"", ""aws_ecs_service_name"": ""web""}"
            Usage,2026-10-14 10:00:00.000,2026-10-14 11:00:00.000,,EU-Fargate-GB-Hours,arn:aws:ecs:eu-west-1:1:task/prod-eu-main/a,4,0.25,"{""servicecode"": ""AmazonECS""}","{user_service=web-iso, user_team=core}"
            Usage,2026-10-14 10:00:00.000,2026-10-14 11:00:00.000,,EU-Fargate-GB-Hours,arn:aws:ecs:eu-west-1:1:task/prod-eu-main/a,4,0.25,"{""servicecode"": ""AmazonEKS""}",{}
            Usage,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonEKS,USE1-Fargate-vCPU-Hours:perCPU,,1,9,{},{}

            """)
        let summary = try harness.importFile(path)
        #expect(summary.format == .curSnakeCase)
        #expect(summary.rowsAccepted == 2)
        #expect(summary.rowsIgnored == 2)
        #expect(
            try Self.usageRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .integer(Self.hour10), .text("vcpu"), .real(2), .real(0.5)],
                [.text("prod-eu"), .text("web-iso"), .integer(Self.hour10), .text("memory"), .real(4), .real(0.25)],
            ])
    }

    @Test(arguments: [
        ("user:Environment", "prod", [MappingField.tag("Environment"): "prod", .tag("environment"): "prod"]),
        ("user_cost_center", "cc1", [.tag("cost_center"): "cc1"]),
        ("aws:ecs:clusterName", "prod-eu-main", [.cluster: "prod-eu-main"]),
        ("aws_ecs_service_name", "web", [.service: "web"]),
        ("aws:createdBy", "me", [.tag("aws:createdBy"): "me", .tag("aws_created_by"): "me"]),
    ])
    func tagKeysBecomeMappingNames(key: String, value: String, names: [MappingField: String]) {
        var found: [MappingField: String] = [:]
        FargateCost.addTag(key: key, value: value, to: &found)
        #expect(found == names)
    }

    @Test func arnsOfEveryPartitionAndKindGiveClusterAndService() {
        #expect(FargateCost.names(fromARN: "arn:aws-cn:ecs:cn-north-1:1:task/c1/abc") == [.cluster: "c1"])
        #expect(FargateCost.names(fromARN: "arn:aws:ecs:eu-west-1:1:service/c1/web") == [.cluster: "c1", .service: "web"])
        #expect(FargateCost.names(fromARN: "arn:aws:ecs:us-west-2:1:service/my-http-service") == [.service: "my-http-service"])
        #expect(FargateCost.names(fromARN: "arn:aws:ecs:us-west-2:1:cluster/default") == [.cluster: "default"])
        #expect(FargateCost.names(fromARN: "arn:ats:els:us-test-2:1:tasf/c/x").isEmpty)
        #expect(FargateCost.names(fromARN: "i-0abc").isEmpty)
    }

    @Test(arguments: [
        ("AWS Fargate - vCPU  - US West 2 (Oregon)", "vcpu"),
        ("AWS Fargate - Memory  - US West 2 (Oregon)", "memory"),
        ("AWS Fargate - ARM - Memory - US West (Oregon)", "arm_memory"),
        ("AWS Fargate - ARM - vCPU - EU (Frankfurt)", "arm_vcpu"),
        ("AWS Fargate - Ephemeral Storage - US East (N. Virginia)", "ephemeral_storage"),
    ])
    func chargeDescriptionsHaveAKind(description: String, kind: String) {
        #expect(FargateCost.usageKind(chargeDescription: description) == kind)
    }

    @Test(arguments: [
        ("EUC1-SpotUsage-Fargate-ARM-vCPU-Hours:perCPU", "arm_vcpu"),
        ("EU-SpotUsage-Fargate-GB-Hours", "memory"),
        ("USW2-Fargate-Windows-vCPU-Hours:perCPU", "vcpu"),
        ("APS3-Fargate-EphemeralStorage-GB-Hours", "ephemeral_storage"),
    ])
    func spotAndRegionalUsageTypesHaveAKind(usageType: String, kind: String) {
        #expect(FargateCost.usageKind(usageType) == kind)
    }

    // MARK: Savings Plans and cost columns

    static let savingsPlanHeader = """
        lineItem/UsageType,savingsPlan/SavingsPlanEffectiveCost,lineItem/UnblendedCost,lineItem/UsageAmount,\
        lineItem/LineItemType,lineItem/ProductCode,lineItem/UsageStartDate,resourceTags/aws:ecs:clusterName,\
        resourceTags/aws:ecs:serviceName
        """

    /// Covered usage at 0.5 on demand / 0.25 effective, its negation, plain usage at 0.125, a fee and a tax.
    static let savingsPlanLines = """
        EU-Fargate-vCPU-Hours:perCPU,0.25,0.5,2,SavingsPlanCoveredUsage,AmazonECS,2026-10-14T10:00:00Z,prod-eu-main,web
        EU-Fargate-vCPU-Hours:perCPU,,-0.5,0,SavingsPlanNegation,AmazonECS,2026-10-14T10:00:00Z,prod-eu-main,web
        EU-Fargate-vCPU-Hours:perCPU,,0.125,0.5,Usage,AmazonECS,2026-10-14T10:00:00Z,prod-eu-main,web
        EU-Fargate-vCPU-Hours:perCPU,,3,0,Tax,AmazonECS,2026-10-14T10:00:00Z,prod-eu-main,web
        ComputeSP:1yrNoUpfront,,7,1,SavingsPlanRecurringFee,ComputeSavingsPlans,2026-10-14T10:00:00Z,,

        """

    @Test func savingsPlanCoveredUsageIsPricedAtItsEffectiveCost() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let summary = try harness.importFile(try scratch.write("sp.csv", Self.savingsPlanHeader + "\n" + Self.savingsPlanLines))
        #expect(summary.format == .curLegacy)
        #expect(summary.rowsAccepted == 3)
        #expect(summary.rowsIgnored == 2)
        #expect(summary.costColumn == "lineItem/UnblendedCost; savingsPlan/SavingsPlanEffectiveCost for Savings Plan covered usage")
        #expect(
            try Self.usageRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .integer(Self.hour10), .text("vcpu"), .real(2.5), .real(0.375)]
            ])
        #expect(try harness.database.makeStatement("SELECT cost_column FROM imports").query() == [[.text(try #require(summary.costColumn))]])
    }

    @Test func withoutTheEffectiveCostColumnTheNegationNetsCoveredUsage() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let header = Self.savingsPlanHeader.replacingOccurrences(of: "savingsPlan/SavingsPlanEffectiveCost", with: "pricing/term")
        let summary = try harness.importFile(try scratch.write("sp.csv", header + "\n" + Self.savingsPlanLines))
        #expect(summary.rowsAccepted == 3)
        #expect(summary.costColumn == "lineItem/UnblendedCost; Savings Plan covered usage netted by its SavingsPlanNegation lines")
        #expect(
            try Self.usageRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .integer(Self.hour10), .text("vcpu"), .real(2.5), .real(0.125)]
            ])
    }

    @Test func netUnblendedCostIsPreferredWhenTheExportHasIt() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "net.csv",
            """
            lineItem/UsageStartDate,lineItem/UsageType,lineItem/UsageAmount,lineItem/UnblendedCost,lineItem/NetUnblendedCost,resourceTags/aws:ecs:clusterName,resourceTags/aws:ecs:serviceName
            2026-10-14T10:00:00Z,EU-Fargate-GB-Hours,4,0.5,0.375,prod-eu-main,web

            """)
        let summary = try harness.importFile(path)
        #expect(summary.costColumn == "lineItem/NetUnblendedCost")
        #expect(try harness.database.double("SELECT billed_cost_usd FROM usage_cost") == 0.375)
    }

    @Test func costInAnotherCurrencyIsStoredAsGivenAndSaidSo() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "nok.csv",
            """
            lineItem/CurrencyCode,lineItem/UsageStartDate,lineItem/UsageType,lineItem/UsageAmount,lineItem/UnblendedCost,resourceTags/aws:ecs:clusterName,resourceTags/aws:ecs:serviceName
            NOK,2026-10-14T10:00:00Z,EU-Fargate-GB-Hours,4,5,prod-eu-main,web
            NOK,2026-10-14T10:00:00Z,EU-Fargate-vCPU-Hours:perCPU,1,4,prod-eu-main,web
            USD,2026-10-14T10:00:00Z,EU-Fargate-vCPU-Hours:perCPU,1,0.5,prod-eu-main,web

            """)
        let summary = try harness.importFile(path)
        #expect(summary.rowsAccepted == 3)
        #expect(summary.warnings.contains { $0.contains("(2 in NOK, column lineItem/CurrencyCode) are stored as given") })
        #expect(try harness.database.double("SELECT SUM(billed_cost_usd) FROM usage_cost") == 9.5)
    }

    @Test func aCURManifestInABillingFolderImportsNothingAndSaysWhatItIs() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let manifest = """
            {"assemblyId": "a1b2", "reportName": "cur", "compression": "GZIP", "contentType": "text/csv",
             "billingPeriod": {"start": "20261001T000000.000Z", "end": "20261101T000000.000Z"},
             "reportKeys": ["cur/cur/20261001-20261101/a1b2/cur-00001.csv.gz", "cur/cur/20261001-20261101/a1b2/cur-00002.csv.gz"]}
            """
        let summary = try harness.importFile(try scratch.write("cur-Manifest.json", manifest))
        #expect(summary.format == .curManifest)
        #expect(summary.rowsAccepted == 0)
        #expect(
            summary.warnings == [
                "a CUR delivery manifest (no line items): it lists 2 report files of delivery a1b2 for the billing period "
                    + "20261001T000000.000Z to 20261101T000000.000Z; import those files, the newest delivery with --replace"
            ])
    }

    // MARK: Overlapping exports

    /// A month-to-date CUR: `hours` hourly vCPU lines for prod-eu/web from 10:00, each 1 vCPU-hour at `cost`.
    static func monthToDateCUR(hours: Int, cost: Double) -> String {
        var text = "lineItem/UsageStartDate,lineItem/UsageType,lineItem/UsageAmount,lineItem/UnblendedCost,resourceTags/aws:ecs:clusterName,resourceTags/aws:ecs:serviceName\n"
        for h in 0..<hours {
            text += "\(UTCTime.iso8601(hour10 + Int64(h) * 3600)),EU-Fargate-vCPU-Hours:perCPU,1,\(cost),prod-eu-main,web\n"
            text += "\(UTCTime.iso8601(hour10 + Int64(h) * 3600)),EU-Fargate-vCPU-Hours:perCPU,1,\(cost),prod-us-main,web\n"
        }
        return text
    }

    @Test func overlappingCURExportsNeverCountAnHourTwice() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let first = try harness.importFile(try scratch.write("cur-1.csv", Self.monthToDateCUR(hours: 3, cost: 0.5)))
        #expect(first.costRowsSkipped == 0)
        // The next delivery holds the same 3 hours (restated at 0.25) and 2 more.
        let second = try harness.importFile(try scratch.write("cur-2.csv", Self.monthToDateCUR(hours: 5, cost: 0.25)))
        #expect(second.rowsAccepted == 10)
        #expect(second.costRowsSkipped == 6)
        #expect(second.description.contains("6 hourly cost rows already imported skipped"))
        #expect(second.warnings.contains { $0.contains("--replace") && $0.contains("cur-1.csv") })
        let db = harness.database
        #expect(try db.integer("SELECT COUNT(*) FROM usage_cost") == 10)
        #expect(try db.integer("SELECT COUNT(*) FROM (SELECT DISTINCT environment, service, hour, usage_kind FROM usage_cost)") == 10)
        #expect(try db.double("SELECT SUM(usage_amount) FROM usage_cost") == 10)
        #expect(try db.double("SELECT SUM(billed_cost_usd) FROM usage_cost") == 6 * 0.5 + 4 * 0.25)
    }

    @Test func replaceTakesTheNewerExportsValuesForItsPeriod() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        try harness.importFile(try scratch.write("cur-1.csv", Self.monthToDateCUR(hours: 5, cost: 0.5)))
        // The restated export covers 3 of those hours; only prod-eu is in it.
        let restated = Self.monthToDateCUR(hours: 3, cost: 0.25).split(separator: "\n").filter { !$0.contains("prod-us") }
            .joined(separator: "\n") + "\n"
        let second = try harness.importFile(try scratch.write("cur-2.csv", restated), ImportOptions(replace: true))
        #expect(second.costRowsReplaced == 3)
        #expect(second.costRowsSkipped == 0)
        #expect(second.warnings.contains { $0.contains("replaced 3 hourly cost rows of") && $0.contains("cur-1.csv") })
        let db = harness.database
        #expect(try db.integer("SELECT COUNT(*) FROM usage_cost") == 10)
        #expect(try db.double("SELECT SUM(billed_cost_usd) FROM usage_cost WHERE environment = 'prod-eu'") == 3 * 0.25 + 2 * 0.5)
        #expect(try db.double("SELECT SUM(billed_cost_usd) FROM usage_cost WHERE environment = 'prod-us'") == 5 * 0.5)
        let report = try CoverageReport.load(from: db)
        #expect(report.imports.map(\.factsStored) == [7, 3])
    }
}
