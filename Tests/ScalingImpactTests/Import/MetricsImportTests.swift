import Foundation
import Testing

@testable import ScalingImpact

/// CloudWatch get-metric-statistics, get-metric-data pages, and the tidy metrics CSV.
@Suite struct MetricsImportTests {
    /// 2026-10-14T09:00:00Z.
    static let nine: Int64 = 1_791_968_400

    static func metricRows(_ database: Database) throws -> [[SQLValue]] {
        try database.makeStatement(
            """
            SELECT environment, service, metric, statistic, period_s, ts, value FROM metric_points
            ORDER BY environment, service, metric, ts
            """
        ).query()
    }

    // MARK: get-metric-statistics

    @Test func awscliStatisticsSampleImportsWithEnvironmentAndService() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath("cloudwatch-get-metric-statistics_awscli-example.json")
        let summary = try harness.importFile(path, ImportOptions(environment: "prod-eu", service: "web"))
        #expect(summary.format == .cloudWatchGetMetricStatistics)
        #expect(summary.rowsAccepted == 23)
        #expect(summary.rowsRejected == 0)
        #expect(summary.firstTs == 1_396_999_080)  // 2014-04-08T23:18:00Z, though listed 18th
        #expect(summary.lastTs == 1_397_078_280)  // 2014-04-09T21:18:00Z
        let rows = try Self.metricRows(harness.database)
        #expect(rows.count == 23)
        #expect(rows.allSatisfy { Array($0.prefix(5)) == [.text("prod-eu"), .text("web"), .text("CPUUtilization"), .text("Maximum"), .integer(3600)] })
        #expect(rows.first?.last == .real(46.88))
        #expect(try harness.database.double("SELECT MAX(value) FROM metric_points") == 76.84)
    }

    @Test func statisticsWithoutEnvironmentOrServiceAreUnmappedAndSaySo() throws {
        let harness = try ImportHarness()
        let summary = try harness.importFile(try TestFixtures.samplePath("cloudwatch-get-metric-statistics_awscli-example.json"))
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsUnmapped == 23)
        #expect(summary.warnings.contains { $0.contains("--environment/--service") })
        #expect(try harness.database.integer("SELECT COUNT(*) FROM metric_points") == 0)
    }

    /// TargetResponseTime with extended statistics, as `--extended-statistics p95 p99 --statistics Average` writes it.
    static let responseTime = """
        {
            "Label": "TargetResponseTime",
            "Datapoints": [
                {"Timestamp": "2026-10-14T09:01:00Z", "Average": 0.25, "ExtendedStatistics": {"p95": 0.5, "p99": 1.5}, "Unit": "Seconds"},
                {"Timestamp": "2026-10-14T09:00:00Z", "Average": 0.125, "ExtendedStatistics": {"p95": 0.375, "p99": 0.75}, "Unit": "Seconds"}
            ]
        }
        """

    @Test func extendedStatisticsAreStoredAndResponseTimeBecomesMilliseconds() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let summary = try harness.importFile(
            try scratch.write("trt.json", Self.responseTime), ImportOptions(environment: "staging", service: "web-iso"))
        #expect(summary.rowsAccepted == 6)
        let series: [SQLValue] = [.text("staging"), .text("web-iso"), .text("TargetResponseTime_ms")]
        #expect(
            try harness.database.makeStatement(
                "SELECT environment, service, metric, statistic, period_s, ts, value FROM metric_points ORDER BY statistic, ts"
            ).query() == [
                series + [.text("Average"), .integer(60), .integer(Self.nine), .real(125)],
                series + [.text("Average"), .integer(60), .integer(Self.nine + 60), .real(250)],
                series + [.text("p95"), .integer(60), .integer(Self.nine), .real(375)],
                series + [.text("p95"), .integer(60), .integer(Self.nine + 60), .real(500)],
                series + [.text("p99"), .integer(60), .integer(Self.nine), .real(750)],
                series + [.text("p99"), .integer(60), .integer(Self.nine + 60), .real(1500)],
            ])
    }

    @Test func aTargetResponseTimeAlreadyInMillisecondsIsNotScaled() {
        #expect(CloudWatchParser.stored(metric: "TargetResponseTime", unit: "Milliseconds", value: 12) == ("TargetResponseTime_ms", 12))
        #expect(CloudWatchParser.stored(metric: "TargetResponseTime", unit: nil, value: 0.012) == ("TargetResponseTime_ms", 12))
        #expect(CloudWatchParser.stored(metric: "CPUUtilization", unit: "Percent", value: 12) == ("CPUUtilization", 12))
    }

    @Test func aNonNumericStatisticIsARejectedRow() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = Self.responseTime.replacingOccurrences(of: "\"p99\": 1.5", with: "\"p99\": \"high\"")
        let error = #expect(throws: ImportError.self) {
            try harness.importFile(try scratch.write("trt.json", text), ImportOptions(environment: "staging", service: "web"))
        }
        #expect(error?.kind == .values)
        #expect(error?.message.contains("datapoint 1: p99 \"high\" is not a finite number") == true)
        let summary = try harness.importFile(
            scratch.path("trt.json"), ImportOptions(environment: "staging", service: "web", maxBadRowsFraction: 0.5))
        #expect(summary.rowsAccepted == 5)
        #expect(summary.rowsRejected == 1)
    }

    // MARK: get-metric-data pages

    @Test func aSeriesSplitOverPagesIsOneSeriesWithOnePeriod() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let pages = """
            [
              {"MetricDataResults": [{"Id": "m1", "Label": "prod-eu-main web RunningTaskCount Average",
                "Timestamps": ["2026-10-14T09:10:00Z", "2026-10-14T09:05:00Z"], "Values": [12, 11], "StatusCode": "PartialData"}],
               "NextToken": "page2"},
              {"MetricDataResults": [{"Id": "m1", "Label": "prod-eu-main web RunningTaskCount Average",
                "Timestamps": ["2026-10-14T09:00:00Z"], "Values": [10], "StatusCode": "Complete"}]}
            ]
            """
        let summary = try harness.importFile(try scratch.write("pages.json", pages))
        #expect(summary.rowsAccepted == 3)
        // PartialData on a page that a later page completes is how paging works, not a problem.
        #expect(summary.warnings.isEmpty)
        #expect(try harness.database.makeStatement("SELECT DISTINCT period_s FROM metric_points").query() == [[.integer(300)]])
    }

    @Test func getMetricDataTimestampsMayBeEpochSeconds() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = """
            {"MetricDataResults": [{"Id": "t", "Label": "prod-eu-main web TargetResponseTime p95",
              "Timestamps": [\(Self.nine + 60), \(Self.nine)], "Values": [0.5, 0.25]}]}
            """
        let summary = try harness.importFile(try scratch.write("epoch.json", text))
        #expect(summary.rowsAccepted == 2)
        #expect(
            try Self.metricRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .text("TargetResponseTime_ms"), .text("p95"), .integer(60), .integer(Self.nine), .real(250)],
                [.text("prod-eu"), .text("web"), .text("TargetResponseTime_ms"), .text("p95"), .integer(60), .integer(Self.nine + 60), .real(500)],
            ])
    }

    // MARK: tidy CSV

    @Test func tidyCSVRowsBecomeMetricPoints() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "metrics.csv",
            """
            timestamp,environment,service,metric,statistic,period_s,value
            2026-10-14T09:00:00Z,prod-eu,web,RunningTaskCount,Average,60,12
            \(Self.nine + 60),prod-eu,web,RunningTaskCount,Average,60,13.5
            2026-10-14T09:00:00Z,staging,web-iso,MemoryUtilization,p99,300,71.25
            2026-10-14T09:00:00Z,dev,web,RunningTaskCount,Average,60,3
            2026-10-14T09:00:00Z,prod-eu,web,RunningTaskCount,Median,60,3
            2026-10-14T09:00:00Z,prod-eu,web,RunningTaskCount,Average,0,3
            2026-10-14T09:00:00Z,prod-eu,web,RunningTaskCount,Average,60,NaN
            yesterday,prod-eu,web,RunningTaskCount,Average,60,3

            """)
        let options = ImportOptions(maxBadRowsFraction: 1)
        let summary = try harness.importFile(path, options)
        #expect(summary.format == .metricsCSV)
        #expect(summary.rowsAccepted == 3)
        #expect(summary.rowsUnmapped == 1)
        #expect(summary.rowsRejected == 4)
        #expect(summary.problems.map(\.line) == [6, 7, 8, 9])
        #expect(summary.problems.first?.message.contains("\"Median\" is not Average") == true)
        #expect(
            try Self.metricRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .text("RunningTaskCount"), .text("Average"), .integer(60), .integer(Self.nine), .real(12)],
                [.text("prod-eu"), .text("web"), .text("RunningTaskCount"), .text("Average"), .integer(60), .integer(Self.nine + 60), .real(13.5)],
                [.text("staging"), .text("web-iso"), .text("MemoryUtilization"), .text("p99"), .integer(300), .integer(Self.nine), .real(71.25)],
            ])
    }

    @Test func tidyCSVEmptyNamesTakeTheFlags() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "metrics.csv",
            "value,period_s,statistic,metric,service,environment,timestamp\n5,60,Sum,RequestCount,,,2026-10-14T09:00:00Z\n")
        let summary = try harness.importFile(path, ImportOptions(environment: "prod-us", service: "web-ingestion"))
        #expect(summary.rowsAccepted == 1)
        #expect(try harness.database.makeStatement("SELECT environment, service FROM metric_points").query() == [[.text("prod-us"), .text("web-ingestion")]])
    }

    @Test(arguments: [
        ("{\"Label\": \"CPUUtilization\", \"Datapoints\": []}", ImportFormat?.some(.cloudWatchGetMetricStatistics)),
        ("timestamp,environment,service,metric,statistic,period_s,value\n", .metricsCSV),
        ("\"timestamp\",\"environment\",\"service\",\"metric\",\"statistic\",\"period_s\",\"value\"\n", .metricsCSV),
        ("timestamp,metric,value\n", nil),
    ])
    func formatsAreDetected(text: String, format: ImportFormat?) {
        #expect(ImportFormat.detect(prefix: Array(text.utf8)) == format)
    }

    @Test(arguments: [
        ("cloudwatch-get-metric-statistics_awscli-example.json", ImportFormat.cloudWatchGetMetricStatistics),
        ("cur-athena-snakecase_koku_2022-07-01.csv", .curSnakeCase),
        ("aas-describe-scaling-activities_awscli-example_ecs.json", .scalingActivities),
        ("ecs-describe-services_awscli-example.json", .ecsServiceEvents),
    ])
    func samplesAreDetected(sample: String, format: ImportFormat) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try TestFixtures.samplePath(sample))))
        #expect(ImportFormat.detect(prefix: bytes) == format)
    }

    @Test func focusSampleIsDetectedThroughGzip() throws {
        let harness = try ImportHarness()
        #expect(try harness.importer.detectFormat(path: try TestFixtures.samplePath("focus-1.0_sample_excerpt.csv.gz")) == .focus)
    }
}
