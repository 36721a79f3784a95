import Foundation
import Testing

@testable import ScalingImpact

/// Importing Athena results: what a result row stands for, malformed results, and how Athena
/// periods and local imports of the same requests or hours are kept from counting twice.
@Suite struct AthenaImportTests {
    static let header = "\"" + AthenaLatencyQuery.columns.joined(separator: "\",\"") + "\""
    /// 2026-10-14T10:00:00Z.
    static let hour10: Int64 = 1_791_972_000

    /// A result row as Athena writes it: every value quoted, NULL (nil) as an empty field.
    static func row(_ values: [String?]) -> String {
        values.map { $0.map { "\"\($0)\"" } ?? "" }.joined(separator: ",")
    }

    /// An `ok` row: (environment, service, period start, bucket, requests, errors, sum, min, max in µs).
    static func ok(
        _ service: String, _ start: String, period: Int = 60, bucket: Int?, requests: Int, errors: Int = 0,
        sum: Int? = nil, min: Int? = nil, max: Int? = nil
    ) -> String {
        row([
            "ok", "prod-eu", service, start, "\(period)", bucket.map(String.init), "\(requests)", "\(errors)",
            sum.map(String.init), min.map(String.init), max.map(String.init), nil, nil,
        ])
    }

    static let k5 = LatencyHistogram.bucket(for: 5)
    static let k7 = LatencyHistogram.bucket(for: 7)
    static let k20 = LatencyHistogram.bucket(for: 20)

    static func result(_ rows: [String]) -> String { ([header] + rows).joined(separator: "\n") + "\n" }

    /// A local ALB log: one request per given (time, latency ms) on prod-eu's web target group.
    static func albLog(_ requests: [(String, Int)]) -> String {
        requests.map { time, ms in
            "https \(time) app/prod-eu-public/50dc6c495c0c9188 203.0.113.1:40000 10.0.0.1:8080 0.000 \(Double(ms) / 1000) 0.000 "
                + "200 200 10 20 \"GET https://x.example.com:443/ HTTP/1.1\" \"curl/8\" - - "
                + "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/prod-eu-web/73e2d6bc24d8a067 "
                + "\"Root=1-1\" \"-\" \"-\" 0 \(time) \"forward\" \"-\" \"-\""
        }.joined(separator: "\n") + "\n"
    }

    static func harness() throws -> ImportHarness { try ImportHarness(configuration: try GeneratedALBLog.configuration()) }

    static func minutes(_ database: Database) throws -> [[SQLValue]] {
        try database.makeStatement(
            """
            SELECT minute, period_s, request_count, timed_count, error_5xx, sum_ms, min_ms, max_ms FROM latency_minutes
            ORDER BY minute, import_id
            """
        ).query()
    }

    @Test func rowsAddUpToOnePeriodAndCountWhatTheQueryLeftOut() throws {
        let scratch = try ScratchDirectory()
        let k1 = LatencyHistogram.bucket(for: 1)
        let k99 = LatencyHistogram.bucket(for: 99.5)
        let path = try scratch.write(
            "result.csv",
            Self.result([
                Self.ok("web", "2026-10-14T10:00:00Z", bucket: k1, requests: 2, sum: 2000, min: 1000, max: 1000),
                Self.ok("web", "2026-10-14T10:00:00Z", bucket: k99, requests: 1, errors: 1, sum: 99_500, min: 99_500, max: 99_500),
                Self.ok("web", "2026-10-14T10:00:00Z", bucket: nil, requests: 3, errors: 2),
                Self.row(["unmapped", nil, nil, nil, "60", nil, "4", "0", nil, nil, nil, "shared-edge", "batch-jobs"]),
                Self.row(["rejected", nil, nil, nil, "60", nil, "1", "0", nil, nil, nil, nil, nil]),
                Self.row(["unparsed", nil, nil, nil, "60", nil, "5", "0", nil, nil, nil, nil, nil]),
            ]))
        let harness = try Self.harness()
        #expect(try harness.importer.detectFormat(path: path) == .athenaLatency)
        let summary = try harness.importFile(path, ImportOptions(maxBadRowsFraction: 0.2))
        #expect(summary.rowsAccepted == 6)
        #expect(summary.rowsUnmapped == 4)
        #expect(summary.rowsRejected == 1)
        #expect(summary.firstTs == Self.hour10)
        #expect(summary.warnings.contains { $0.contains("5 lines of the scanned log files did not match the table's input.regex") })
        #expect(summary.warnings.contains { $0.contains("4 lines of load balancer \"shared-edge\", target group \"batch-jobs\"") })
        #expect(
            try Self.minutes(harness.database) == [
                [.integer(Self.hour10), .integer(60), .integer(6), .integer(3), .integer(3), .real(101.5), .real(1), .real(99.5)]
            ])
        #expect(
            try harness.database.makeStatement("SELECT bucket, count FROM latency_buckets ORDER BY bucket").query() == [
                [.integer(Int64(k1)), .integer(2)], [.integer(Int64(k99)), .integer(1)],
            ])
        // Too many rejected lines reject the result, as they would the log files.
        let strict = try Self.harness()
        #expect(throws: ImportError.self) { try strict.importFile(path) }
    }

    @Test(arguments: [
        ("a missing column", header.replacingOccurrences(of: ",\"bucket\"", with: "") + "\n", "required column bucket is missing"),
        (
            "two grains",
            result([
                ok("web", "2026-10-14T10:00:00Z", bucket: nil, requests: 1),
                ok("web", "2026-10-14T11:00:00Z", period: 3600, bucket: nil, requests: 1),
            ]), "one result holds one grain"
        ),
        ("a period not on its grain", result([ok("web", "2026-10-14T10:30:00Z", period: 3600, bucket: nil, requests: 1)]), "is not a whole"),
        (
            "another bucket mapping",
            result([ok("web", "2026-10-14T10:00:00Z", bucket: k5 + 1, requests: 1, sum: 5000, min: 5000, max: 5000)]),
            "does not hold its minimum"
        ),
    ])
    func malformedResultsAreRejectedWhole(what: String, text: String, message: String) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("result.csv", text)
        let harness = try Self.harness()
        do {
            _ = try harness.importFile(path, ImportOptions(format: .athenaLatency))
            Issue.record("\(what) was imported")
        } catch let error as ImportError {
            #expect(error.kind == .structure)
            #expect(error.message.contains(message), "\(error)")
        }
        #expect(try harness.database.integer("SELECT COUNT(*) FROM imports") == 0)
    }

    @Test func rowsOfAnotherConfigurationCountAsUnmapped() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "result.csv",
            Self.result([Self.ok("billing", "2026-10-14T10:00:00Z", bucket: nil, requests: 7)]))
        let summary = try Self.harness().importFile(path)
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsUnmapped == 7)
        #expect(summary.warnings.contains { $0.contains("service \"billing\" (not in the configuration)") })
    }

    @Test func athenaPeriodsAlreadyImportedLocallyAreSkippedAndCounted() throws {
        let scratch = try ScratchDirectory()
        let harness = try Self.harness()
        let log = try scratch.write("a.log", Self.albLog([("2026-10-14T10:00:05.000000Z", 5), ("2026-10-14T10:00:06.000000Z", 7)]))
        try harness.importFile(log)
        let result = try scratch.write(
            "result.csv",
            Self.result([
                Self.ok("web", "2026-10-14T10:00:00Z", bucket: Self.k5, requests: 1, sum: 5000, min: 5000, max: 5000),
                Self.ok("web", "2026-10-14T10:00:00Z", bucket: Self.k7, requests: 1, sum: 7000, min: 7000, max: 7000),
                Self.ok("web", "2026-10-14T10:01:00Z", bucket: Self.k5, requests: 1, sum: 5000, min: 5000, max: 5000),
            ]))
        let summary = try harness.importFile(result)
        #expect(summary.warnings.contains { $0.contains("1 (environment, service, minute) latency periods with 2 requests are already imported from \(log)") })
        #expect(try harness.database.integer("SELECT SUM(request_count) FROM latency_minutes") == 3)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM latency_minutes WHERE minute = ?", [.integer(Self.hour10)]) == 1)
    }

    @Test func localMinutesAlreadyImportedFromAthenaAreSkippedButLocalFilesStillAddUp() throws {
        let scratch = try ScratchDirectory()
        let harness = try Self.harness()
        let result = try scratch.write(
            "result.csv", Self.result([Self.ok("web", "2026-10-14T10:00:00Z", period: 3600, bucket: nil, requests: 9)]))
        try harness.importFile(result)
        // Two local files of 11:00 add up; a third with 10:30 falls in the Athena hour and is skipped.
        try harness.importFile(try scratch.write("a.log", Self.albLog([("2026-10-14T11:00:05.000000Z", 5)])))
        try harness.importFile(try scratch.write("b.log", Self.albLog([("2026-10-14T11:00:09.000000Z", 6)])))
        let summary = try harness.importFile(try scratch.write("c.log", Self.albLog([("2026-10-14T10:30:00.000000Z", 5)])))
        #expect(summary.warnings.contains { $0.contains("1 (environment, service, minute) latency periods with 1 requests") })
        #expect(
            try harness.database.makeStatement("SELECT minute, period_s, SUM(request_count) FROM latency_minutes GROUP BY 1, 2 ORDER BY 1")
                .query() == [
                    [.integer(Self.hour10), .integer(3600), .integer(9)],
                    [.integer(Self.hour10 + 3600), .integer(60), .integer(2)],
                ])
    }

    @Test func replaceMakesTheNewerFileWinEitherWay() throws {
        let scratch = try ScratchDirectory()
        let harness = try Self.harness()
        try harness.importFile(try scratch.write("a.log", Self.albLog([("2026-10-14T10:00:05.000000Z", 5), ("2026-10-14T10:59:05.000000Z", 5)])))
        // An hour-grain result replaces both local minutes of its hour.
        let hour = try scratch.write(
            "hour.csv", Self.result([Self.ok("web", "2026-10-14T10:00:00Z", period: 3600, bucket: nil, requests: 40)]))
        let replaced = try harness.importFile(hour, ImportOptions(replace: true))
        #expect(replaced.warnings.contains { $0.contains("replaced 2 stored latency periods") })
        #expect(try harness.database.integer("SELECT SUM(request_count) FROM latency_minutes") == 40)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM latency_buckets WHERE minute <> ?", [.integer(Self.hour10)]) == 0)
        // A local file with --replace takes the hour back from Athena.
        try harness.importFile(try scratch.write("b.log", Self.albLog([("2026-10-14T10:20:00.000000Z", 5)])), ImportOptions(replace: true))
        #expect(try Self.minutes(harness.database).map { $0[0] } == [.integer(Self.hour10 + 1200)])
    }

    @Test func hourGrainResultsShowNoGapsInStatus() throws {
        let scratch = try ScratchDirectory()
        let harness = try Self.harness()
        let rows = (0..<6).map { h in
            Self.ok("web", UTCTime.iso8601(Self.hour10 + Int64(h) * 3600), period: 3600, bucket: Self.k20, requests: 10, sum: 10 * 20_000, min: 20_000, max: 20_000)
        }
        try harness.importFile(try scratch.write("hours.csv", Self.result(rows)))
        let coverage = try CoverageReport.load(from: harness.database)
        let line = try #require(coverage.lines.first { $0.source == "latency" })
        #expect(line.period == 3600)
        #expect(line.gaps == 0)
        #expect(line.end == Self.hour10 + 6 * 3600)
        #expect(line.requests == 60)
    }

    @Test func athenaCostResultsMergeWithLocalCURWithoutDoubleCounting() throws {
        let scratch = try ScratchDirectory()
        let harness = try ImportHarness(configuration: try GeneratedCUR.configuration())
        let columns = "\"" + AthenaCostQuery.columns.joined(separator: "\",\"") + "\""
        let result = try scratch.write(
            "cost.csv",
            [
                columns,
                Self.row(["ok", "prod-eu", "web", "2026-10-14T10:00:00Z", "vcpu", "2.5", "0.1012", "3", nil, nil, "line_item_unblended_cost"]),
                Self.row(["ok", "prod-eu", "web", "2026-10-14T10:00:00Z", "memory", "5", "0.022225", "3", nil, nil, "line_item_unblended_cost"]),
                Self.row(["unmapped", nil, nil, nil, nil, nil, nil, "2", "sandbox", "web", "line_item_unblended_cost"]),
                Self.row(["ignored", nil, nil, nil, nil, nil, nil, "4", nil, nil, "line_item_unblended_cost"]),
            ].joined(separator: "\n") + "\n")
        #expect(try harness.importer.detectFormat(path: result) == .athenaCost)
        let summary = try harness.importFile(result)
        #expect(summary.rowsAccepted == 6)
        #expect(summary.rowsUnmapped == 2)
        #expect(summary.rowsIgnored == 4)
        #expect(summary.costColumn == "line_item_unblended_cost")
        #expect(summary.warnings.contains { $0.contains("cluster \"sandbox\", service \"web\"") })
        // The same hour from a local CUR is skipped and counted; another hour is added.
        let cur = try scratch.write(
            "cur.csv",
            """
            line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,line_item_unblended_cost
            Usage,2026-10-14T10:00:00Z,2026-10-14T11:00:00Z,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,arn:aws:ecs:eu-west-1:1:service/prod-eu-main/web,1,0.04
            Usage,2026-10-14T11:00:00Z,2026-10-14T12:00:00Z,AmazonECS,EU-Fargate-vCPU-Hours:perCPU,arn:aws:ecs:eu-west-1:1:service/prod-eu-main/web,1,0.04

            """)
        let local = try harness.importFile(cur)
        #expect(local.costRowsSkipped == 1)
        #expect(try harness.database.double("SELECT SUM(usage_amount) FROM usage_cost WHERE usage_kind = 'vcpu'") == 3.5)
    }
}
