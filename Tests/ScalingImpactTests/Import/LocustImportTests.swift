import Foundation
import Testing

@testable import ScalingImpact

@Suite struct LocustImportTests {
    static let history = "locust-2.47_default_stats_history.csv"
    static let fullHistory = "locust-2.47_fullhistory_stats_history.csv"

    /// Value of one stored metric point.
    static func point(_ db: Database, _ service: String, _ metric: String, _ statistic: String, _ ts: Int64) throws -> Double? {
        try db.double(
            "SELECT value FROM metric_points WHERE service = ? AND metric = ? AND statistic = ? AND ts = ?",
            [.text(service), .text(metric), .text(statistic), .integer(ts)])
    }

    @Test func aggregatedHistoryIsKeptAsLabelledPercentileSeries() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath(Self.history)
        #expect(try harness.importer.detectFormat(path: path) == .locustStatsHistory)
        let summary = try harness.importFile(path, ImportOptions(environment: "staging", service: "web"))
        #expect(summary.format == .locustStatsHistory)
        #expect(summary.rowsAccepted == 12)
        #expect(summary.rowsRejected == 0)
        #expect(summary.firstTs == 1_795_916_595)
        #expect(summary.lastTs == 1_795_916_606)
        #expect(summary.warnings.contains { $0.hasPrefix("Locust percentiles are pre-aggregated") })
        let db = harness.database
        // 11 rows with percentiles (the first has N/A) × 11 percentiles, and a request and failure count per row.
        #expect(try db.integer("SELECT COUNT(*) FROM metric_points WHERE metric = 'LocustResponseTime'") == 121)
        #expect(
            try db.makeStatement("SELECT DISTINCT statistic FROM metric_points WHERE metric = 'LocustResponseTime' ORDER BY statistic")
                .query().compactMap(\.first) == [
                    "p100", "p50", "p66", "p75", "p80", "p90", "p95", "p98", "p99", "p99.9", "p99.99",
                ].map(SQLValue.text))
        #expect(try db.integer("SELECT COUNT(DISTINCT period_s) FROM metric_points") == 1)
        #expect(try db.integer("SELECT MIN(period_s) FROM metric_points") == 1)
        #expect(try Self.point(db, "web", "LocustResponseTime", "p95", 1_795_916_606) == 310)
        #expect(try Self.point(db, "web", "LocustResponseTime", "p99", 1_795_916_606) == 380)
        #expect(try Self.point(db, "web", "LocustResponseTime", "p50", 1_795_916_596) == 31)
        // Totals are cumulative; each row stores its own period's growth.
        #expect(try Self.point(db, "web", "LocustRequestCount", "Sum", 1_795_916_596) == 13)
        #expect(try Self.point(db, "web", "LocustRequestCount", "Sum", 1_795_916_597) == 30)
        #expect(try db.double("SELECT SUM(value) FROM metric_points WHERE metric = 'LocustRequestCount'") == 283)
        #expect(try db.double("SELECT SUM(value) FROM metric_points WHERE metric = 'LocustFailureCount'") == 47)
        // Never merged into the request histograms the report's percentiles come from.
        #expect(try db.integer("SELECT COUNT(*) FROM latency_minutes") == 0)
        #expect(try db.integer("SELECT COUNT(*) FROM latency_buckets") == 0)
    }

    @Test func withoutServiceAggregatedRowsAreUnmapped() throws {
        let harness = try ImportHarness()
        let summary = try harness.importFile(try TestFixtures.samplePath(Self.history), ImportOptions(environment: "staging"))
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsIgnored == 12)
        #expect(summary.warnings.contains("only Aggregated rows: pass --environment and --service to import them"))
        #expect(try harness.database.integer("SELECT COUNT(*) FROM metric_points") == 0)
    }

    @Test func fullHistoryEndpointsMapByNameAndCannotBeCombined() throws {
        var text = Configuration.template
        for (pattern, service) in [("/slow", "web-iso"), ("/", "web"), ("/missing", "web")] {
            text += "\n[[mapping]]\nfield = \"label\"\npattern = \"\(pattern)\"\nservice = \"\(service)\"\n"
        }
        let harness = try ImportHarness(configuration: try Configuration.parse(text))
        let summary = try harness.importFile(try TestFixtures.samplePath(Self.fullHistory), ImportOptions(environment: "prod-eu"))
        // "/" and "/slow" rows are kept; "/missing" shares web with "/" at every second; Aggregated is not used.
        #expect(summary.rowsAccepted == 48)
        #expect(summary.rowsIgnored == 25 + 24)
        #expect(summary.warnings.contains { $0.hasPrefix("24 endpoint rows map to a service that already has a row") })
        let db = harness.database
        #expect(try Self.point(db, "web", "LocustResponseTime", "p95", 1_795_916_589) == 32)
        #expect(try Self.point(db, "web-iso", "LocustResponseTime", "p95", 1_795_916_589) == 390)
        // The first row of each endpoint has zeros for every percentile (no requests in its window): not stored.
        #expect(try db.integer("SELECT COUNT(*) FROM metric_points WHERE metric = 'LocustResponseTime'") == 2 * 23 * 11)
        #expect(try db.double("SELECT SUM(value) FROM metric_points WHERE metric = 'LocustRequestCount' AND service = 'web'") == 767)
        #expect(try db.double("SELECT SUM(value) FROM metric_points WHERE metric = 'LocustRequestCount' AND service = 'web-iso'") == 279)
        #expect(try db.integer("SELECT COUNT(*) FROM metric_points WHERE environment != 'prod-eu'") == 0)
    }

    @Test(arguments: [
        ("locust-2.47_default_stats.csv", ImportFormat.locustStats, 4),
        ("locust-2.47_fullhistory_stats.csv", ImportFormat.locustStats, 4),
        ("locust-2.47_failures.csv", ImportFormat.locustFailures, 1),
    ])
    func summariesAreRecognisedAndImportNothing(name: String, format: ImportFormat, rows: Int) throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath(name)
        #expect(try harness.importer.detectFormat(path: path) == format)
        let summary = try harness.importFile(path, ImportOptions(environment: "staging", service: "web"))
        #expect(summary.format == format)
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsRejected == 0)
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings.first?.hasPrefix("a Locust summary (\(rows) rows of ") == true)
        #expect(summary.warnings.first?.hasSuffix("import the run's *_stats_history.csv for its percentiles over time") == true)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM imports") == 1)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM metric_points") == 0)
    }

    @Test func badValuesAreListed() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let header = try String(contentsOfFile: try TestFixtures.samplePath(Self.history), encoding: .utf8)
            .split(whereSeparator: \.isNewline)[0]
        let path = try scratch.write(
            "history.csv",
            """
            \(header)
            1795916596,5,,Aggregated,0.0,0.0,31,42,60,110,240,380,380,380,380,380,380,13,3,31,76.8,6.4,375.8,769.4
            soon,5,,Aggregated,0.0,0.0,31,42,60,110,240,380,380,380,380,380,380,13,3,31,76.8,6.4,375.8,769.4
            1795916598,5,,Aggregated,0.0,0.0,31,42,sixty,110,240,380,380,380,380,380,380,20,3,31,76.8,6.4,375.8,769.4

            """)
        let summary = try harness.importFile(path, ImportOptions(environment: "staging", service: "web", maxBadRowsFraction: 1))
        #expect(summary.rowsAccepted == 1)
        #expect(summary.problems.map(\.description) == [
            "line 3: column Timestamp: \"soon\" is not unix seconds",
            "line 4: column 75%: \"sixty\" is not a number of milliseconds",
        ])
    }
}
