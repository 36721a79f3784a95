import Foundation
import Testing

@testable import ScalingImpact

/// The generated latency SQL, run by DuckDB over ALB logs loaded as AWS's Athena table, imports
/// to exactly the histograms, counts, sums, minima and maxima the local importer stores from the
/// same log files.
@Suite struct AthenaEquivalenceTests {
    /// The latency facts of one database at one grain.
    struct Stored: Equatable, CustomStringConvertible {
        struct Figures: Equatable {
            var requests: Int64
            var timed: Int64
            var errors: Int64
            /// The latency sum in whole microseconds (every latency is a whole number of them).
            var sumMicros: Int64
            var min: Double?
            var max: Double?
        }

        var periods: [String: Figures] = [:]
        var buckets: [String: Int64] = [:]

        var description: String { "\(periods.count) periods, \(buckets.count) bucket counts" }

        /// What `database` holds, summed over periods of `period` seconds.
        init(_ database: Database, period: Int64) throws {
            try database.makeStatement(
                """
                SELECT environment, service, minute - minute % ?1, SUM(request_count), SUM(timed_count), SUM(error_5xx),
                       SUM(sum_ms), MIN(min_ms), MAX(max_ms)
                FROM latency_minutes GROUP BY 1, 2, 3
                """
            ).forEachRow([.integer(period)]) { row in
                periods["\(row.string(0))|\(row.string(1))|\(row.int(2))"] = Figures(
                    requests: row.int(3), timed: row.int(4), errors: row.int(5),
                    sumMicros: Int64((row.double(6) * 1000).rounded()), min: row.optionalDouble(7), max: row.optionalDouble(8))
            }
            try database.makeStatement(
                "SELECT environment, service, minute - minute % ?1, bucket, SUM(count) FROM latency_buckets GROUP BY 1, 2, 3, 4"
            ).forEachRow([.integer(period)]) { row in
                buckets["\(row.string(0))|\(row.string(1))|\(row.int(2))|\(row.int(3))"] = row.int(4)
            }
        }

        /// Keys whose figures differ, for a readable failure.
        func differences(from other: Stored) -> [String] {
            var out: [String] = []
            for key in Set(periods.keys).union(other.periods.keys).sorted() where periods[key] != other.periods[key] {
                out.append("\(key): \(String(describing: periods[key])) vs \(String(describing: other.periods[key]))")
            }
            for key in Set(buckets.keys).union(other.buckets.keys).sorted() where buckets[key] != other.buckets[key] {
                out.append("bucket \(key): \(String(describing: buckets[key])) vs \(String(describing: other.buckets[key]))")
            }
            return Array(out.prefix(20))
        }
    }

    /// What the two paths stored and counted.
    struct Outcome {
        var local: ImportHarness
        var athena: ImportHarness
        var localSummaries: [ImportSummary]
        var athenaSummary: ImportSummary
        var result: String
    }

    static let options = ImportOptions(maxBadRowsFraction: 0.01)

    /// Imports `logs` locally and through the DuckDB-run query; nil when DuckDB is unavailable (outside CI).
    static func run(
        logs: [String], configuration: Configuration, query: AthenaLatencyQuery, scratch: ScratchDirectory
    ) throws -> Outcome? {
        guard let duckdb = try DuckDBRunner.make(scratch: scratch) else { return nil }
        let local = try ImportHarness(configuration: configuration)
        let localSummaries = try logs.map { try local.importFile($0, options) }
        let sql = try query.render(configuration: configuration)
        let result = try duckdb.run(sql, table: .alb, inputs: logs)
        let athena = try ImportHarness(configuration: configuration)
        #expect(try athena.importer.detectFormat(path: result) == .athenaLatency)
        let athenaSummary = try athena.importFile(result, options)
        return Outcome(local: local, athena: athena, localSummaries: localSummaries, athenaSummary: athenaSummary, result: result)
    }

    /// The counts and stored facts of both paths agree exactly at `period`.
    static func expectEqual(_ outcome: Outcome, period: Int64, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let summary = outcome.athenaSummary
        #expect(summary.format == .athenaLatency, sourceLocation: sourceLocation)
        #expect(summary.rowsAccepted == outcome.localSummaries.reduce(0) { $0 + $1.rowsAccepted }, sourceLocation: sourceLocation)
        #expect(summary.rowsUnmapped == outcome.localSummaries.reduce(0) { $0 + $1.rowsUnmapped }, sourceLocation: sourceLocation)
        #expect(summary.rowsRejected == outcome.localSummaries.reduce(0) { $0 + $1.rowsRejected }, sourceLocation: sourceLocation)
        let local = try Stored(outcome.local.database, period: period)
        let athena = try Stored(outcome.athena.database, period: period)
        #expect(local == athena, "\(local.differences(from: athena))", sourceLocation: sourceLocation)
        #expect(!local.buckets.isEmpty, sourceLocation: sourceLocation)
        // What the analysis reads (hourly histograms and request counts) is the same, so every
        // latency percentile, request count and 5xx rate in a report is too.
        let localFacts = try Facts.load(from: outcome.local.database, start: 0, end: Int64.max / 2)
        let athenaFacts = try Facts.load(from: outcome.athena.database, start: 0, end: Int64.max / 2)
        #expect(Set(localFacts.series.keys) == Set(athenaFacts.series.keys), sourceLocation: sourceLocation)
        for (key, series) in localFacts.series {
            let other = athenaFacts.series[key]
            #expect(series.requestsByHour.mapValues { [$0.requests, $0.errors] } == other?.requestsByHour.mapValues { [$0.requests, $0.errors] })
            for (hour, histogram) in series.latencyByHour {
                let mirror = other?.latencyByHour[hour]
                #expect(histogram.buckets == mirror?.buckets, "\(key) \(hour)", sourceLocation: sourceLocation)
                #expect(histogram.count == mirror?.count && histogram.min == mirror?.min && histogram.max == mirror?.max)
                for q in [0.5, 0.95, 0.99] { #expect(histogram.quantile(q) == mirror?.quantile(q)) }
            }
        }
    }

    @Test func sampleLogsGiveTheSameHistogramsAsTheLocalImporter() throws {
        let scratch = try ScratchDirectory()
        let configuration = try Configuration.parse(
            Configuration.template + """

                [[mapping]]
                field = "load_balancer"
                pattern = "*"
                environment = "prod-us"

                [[mapping]]
                field = "target_group"
                pattern = "my-targets"
                service = "web"

                [[mapping]]
                field = "target_group"
                pattern = "test-lb-*"
                service = "web-iso"

                """)
        let logs = try [ALBSamples.beats, ALBSamples.integrations].map(TestFixtures.samplePath)
        let query = try AthenaLatencyQuery(
            range: TimeWindow(start: UTCTime.seconds(year: 2018, month: 1, day: 1), end: UTCTime.seconds(year: 2026, month: 1, day: 1)),
            dialect: .duckdb)
        guard let outcome = try Self.run(logs: logs, configuration: configuration, query: query, scratch: scratch) else { return }
        try Self.expectEqual(outcome, period: 60)
        // 10 + 3 lines; the two the load balancer answered without a target group map to no service.
        #expect(outcome.athenaSummary.rowsAccepted == 11)
        #expect(outcome.athenaSummary.rowsUnmapped == 2)
        #expect(try outcome.athena.database.integer("SELECT SUM(error_5xx) FROM latency_minutes") == 7)
        #expect(try outcome.athena.database.integer("SELECT SUM(timed_count) FROM latency_minutes") == 4)
    }

    @Test(arguments: [(AthenaLatencyQuery.Grain.minute, true), (.hour, false)])
    func generatedLogGivesTheSameHistogramsAsTheLocalImporter(grain: AthenaLatencyQuery.Grain, partitioned: Bool) throws {
        let scratch = try ScratchDirectory()
        let configuration = try GeneratedALBLog.configuration()
        let log = GeneratedALBLog(lines: 12_000)
        let path = try scratch.write("generated.log", log.text)
        let query = try AthenaLatencyQuery(
            range: TimeWindow(start: GeneratedALBLog.start, end: GeneratedALBLog.start + GeneratedALBLog.days * 86_400),
            grain: grain, isPartitioned: partitioned, dialect: .duckdb)
        guard let outcome = try Self.run(logs: [path], configuration: configuration, query: query, scratch: scratch) else { return }
        try Self.expectEqual(outcome, period: grain.seconds)
        let summary = outcome.athenaSummary
        #expect(summary.rowsAccepted + summary.rowsUnmapped + summary.rowsRejected == log.lines)
        #expect(summary.rowsUnmapped > 100)
        #expect(summary.rowsRejected > 0)
        #expect(summary.warnings.contains { $0.contains("load balancer \"shared-edge\"") })
        let athena = outcome.athena
        #expect(try athena.database.integer("SELECT COUNT(DISTINCT period_s) FROM latency_minutes") == 1)
        #expect(try athena.database.integer("SELECT MIN(period_s) FROM latency_minutes") == grain.seconds)
        #expect(try athena.database.integer("SELECT COUNT(*) FROM latency_minutes WHERE minute % ? <> 0", [.integer(grain.seconds)]) == 0)
        #expect(try athena.database.integer("SELECT COUNT(*) FROM latency_buckets WHERE bucket = ?", [.integer(Int64(LatencyHistogram.zeroBucket))]) ?? 0 > 0)
        #expect(try athena.database.integer("SELECT COUNT(DISTINCT environment) FROM latency_minutes") == 3)
        #expect(try athena.database.integer("SELECT SUM(error_5xx) FROM latency_minutes") ?? 0 > 100)
    }

    @Test func boundaryLatenciesFallInTheSameBucketsInDuckDB() throws {
        // Every whole-microsecond latency next to a bucket boundary from 0.001 ms to 10^7 ms,
        // bucketed by the query's expression in DuckDB and by Swift.
        let scratch = try ScratchDirectory()
        guard let duckdb = try DuckDBRunner.make(scratch: scratch) else { return }
        var micros: [Int64] = [0, 1, 2, 3, 999, 1000, 1001]
        var k = -690
        while pow(LatencyHistogram.gamma, Double(k)) < 1e7 {
            let edge = Int64((pow(LatencyHistogram.gamma, Double(k)) * 1000).rounded(.down))
            micros.append(contentsOf: (edge - 1...edge + 2).filter { $0 >= 0 })
            k += 1
        }
        micros = Array(Set(micros)).sorted()
        let query = try AthenaLatencyQuery(range: TimeWindow(start: 0, end: 60), dialect: .duckdb)
        let expression = query.bucketExpression(micros: "latency_us")
        let values = micros.map { "(\($0))" }.joined(separator: ", ")
        let sql = "SELECT latency_us, \(expression) AS bucket FROM (VALUES \(values)) AS t(latency_us) ORDER BY 1"
        let result = try duckdb.run(sql, table: .none, inputs: [])
        var reader = try CSVReader(path: result)
        _ = try reader.next()
        var checked = 0
        while try reader.next() {
            let latency = try #require(reader.record.int(0))
            let bucket = try #require(reader.record.int(1))
            #expect(bucket == Int64(LatencyHistogram.bucket(for: Double(latency) / 1000)), "latency \(latency) µs")
            checked += 1
        }
        #expect(checked == micros.count)
        #expect(checked > 4000)
    }
}

/// The ALB log samples under `Fixtures/samples/`.
enum ALBSamples {
    static let beats = "alb-access-log_elastic-beats_application-lb-http.log"
    static let integrations = "alb-access-log_elastic-integrations_test-alb_albonly.log"
}
