import Foundation
import Testing

@testable import ScalingImpact

@Suite struct CloudWatchImportTests {
    /// 2026-10-14T09:00:00Z.
    static let nine: Int64 = 1_791_968_400

    /// One get-metric-data response: series newest first, as the CLI writes them by default.
    static let response = """
        {
            "MetricDataResults": [
                {
                    "Id": "m1",
                    "Label": "prod-eu-main web RunningTaskCount Average",
                    "Timestamps": ["2026-10-14T09:10:00+00:00", "2026-10-14T09:05:00+00:00", "2026-10-14T09:00:00+00:00"],
                    "Values": [12.0, 11.5, 10],
                    "StatusCode": "Complete"
                },
                {
                    "Id": "m2",
                    "Label": "prod-eu-main web-iso CPUUtilization Maximum",
                    "Timestamps": ["2026-10-14T09:01:00Z", "2026-10-14T09:00:00Z"],
                    "Values": [55.5, 40.25],
                    "StatusCode": "Complete"
                },
                {
                    "Id": "m3",
                    "Label": "staging-main web-ingestion RequestCount",
                    "Timestamps": ["2026-10-14T09:00:00Z"],
                    "Values": [1200]
                }
            ],
            "Messages": []
        }
        """

    static func metricRows(_ database: Database) throws -> [[SQLValue]] {
        try database.makeStatement(
            """
            SELECT environment, service, metric, statistic, period_s, ts, value FROM metric_points
            ORDER BY environment, service, metric, ts
            """
        ).query()
    }

    @Test func seriesBecomeMetricPointsWithTheirPeriodAndStatistic() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let summary = try harness.importFile(try scratch.write("metrics.json", Self.response))
        #expect(summary.format == .cloudWatchGetMetricData)
        #expect(summary.rowsAccepted == 6)
        #expect(summary.rowsIgnored == 0)
        #expect(summary.rowsUnmapped == 0)
        #expect(summary.warnings.isEmpty)
        #expect(summary.firstTs == Self.nine)
        #expect(summary.lastTs == Self.nine + 600)
        let running: [SQLValue] = [.text("prod-eu"), .text("web"), .text("RunningTaskCount"), .text("Average"), .integer(300)]
        let cpu: [SQLValue] = [.text("prod-eu"), .text("web-iso"), .text("CPUUtilization"), .text("Maximum"), .integer(60)]
        let requests: [SQLValue] = [
            .text("staging"), .text("web-ingestion"), .text("RequestCount"), .text("Sum"), .integer(60),
        ]
        #expect(
            try Self.metricRows(harness.database) == [
                running + [.integer(Self.nine), .real(10)],
                running + [.integer(Self.nine + 300), .real(11.5)],
                running + [.integer(Self.nine + 600), .real(12)],
                cpu + [.integer(Self.nine), .real(40.25)],
                cpu + [.integer(Self.nine + 60), .real(55.5)],
                requests + [.integer(Self.nine), .real(1200)],
            ])
        #expect(try harness.database.integer("SELECT COUNT(DISTINCT import_id) FROM metric_points") == 1)
    }

    @Test func mismatchedTimestampsAndValuesThrow() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = Self.response.replacingOccurrences(of: "[12.0, 11.5, 10]", with: "[12.0, 11.5]")
        let path = try scratch.write("metrics.json", text)
        let error = #expect(throws: ImportError.self) { try harness.importFile(path) }
        #expect(error?.kind == .structure)
        #expect(error?.description.contains("has 3 timestamps but 2 values") == true)
        #expect(error?.description.contains("prod-eu-main web RunningTaskCount Average") == true)
        #expect(try harness.database.tableCounts().values.allSatisfy { $0 == 0 })
    }

    @Test func partialDataIsImportedWithAWarning() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = Self.response.replacingOccurrences(
            of: "\"Values\": [55.5, 40.25],\n            \"StatusCode\": \"Complete\"",
            with: "\"Values\": [55.5, 40.25],\n            \"StatusCode\": \"PartialData\"")
        try #require(text != Self.response)
        let summary = try harness.importFile(try scratch.write("metrics.json", text))
        #expect(summary.rowsAccepted == 6)
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings.first?.contains("PartialData") == true)
        #expect(summary.warnings.first?.contains("prod-eu-main web-iso CPUUtilization Maximum") == true)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM metric_points") == 6)
    }

    @Test func lastPageWithANextTokenWarns() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = Self.response.replacingOccurrences(of: "\"Messages\": []", with: "\"Messages\": [], \"NextToken\": \"abc\"")
        let summary = try harness.importFile(try scratch.write("metrics.json", text))
        #expect(summary.rowsAccepted == 6)
        #expect(summary.warnings.contains { $0.contains("NextToken") })
    }

    @Test func awscliSampleWithUnknownMetricsIsIgnoredWithWarnings() throws {
        let harness = try ImportHarness()
        let summary = try harness.importFile(try TestFixtures.samplePath("cloudwatch-get-metric-data_awscli-examples.json"))
        #expect(summary.format == .cloudWatchGetMetricData)
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsIgnored == 2)
        #expect(summary.rowsRejected == 0)
        #expect(summary.warnings.count == 2)
        #expect(summary.warnings.allSatisfy { $0.contains("no known metric") })
        #expect(summary.warnings.contains { $0.contains("Avg Total IOPS") })
        #expect(summary.warnings.contains { $0.contains("EstimatedCharges") })
        #expect(try harness.database.integer("SELECT COUNT(*) FROM metric_points") == 0)
        #expect(try harness.database.integer("SELECT rows_ignored FROM imports") == 2)
    }

    @Test func seriesNoRuleMapsAreCountedAsUnmapped() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = Self.response.replacingOccurrences(of: "staging-main web-ingestion", with: "dev-main web-ingestion")
        let summary = try harness.importFile(try scratch.write("metrics.json", text))
        #expect(summary.rowsAccepted == 5)
        #expect(summary.rowsUnmapped == 1)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM metric_points WHERE metric = 'RequestCount'") == 0)
    }

    @Test func truncatedJSONIsAStructureError() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write("metrics.json", String(Self.response.prefix(300)))
        let error = #expect(throws: ImportError.self) {
            try harness.importFile(path, ImportOptions(format: .cloudWatchGetMetricData))
        }
        #expect(error?.kind == .structure)
        #expect(error?.message.contains("not valid JSON") == true)
        #expect(try harness.database.tableCounts().values.allSatisfy { $0 == 0 })
    }

    @Test(arguments: [
        ([Int64(0), 300, 600], Int64(300)),
        ([600, 300, 0], 300),
        ([0, 60, 120, 300], 60),
        ([0, 0, 3600], 3600),
        ([42], 60),
        ([], 60),
    ] as [([Int64], Int64)])
    func periodIsTheSmallestSpacing(times: [Int64], period: Int64) {
        #expect(CloudWatchParser.inferPeriod(times) == period)
    }
}
