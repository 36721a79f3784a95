import Foundation
import Testing

@testable import ScalingImpact

/// The SQL text: both dialects' renderings, literals and LIKE patterns, options, and the
/// floating-point argument that Trino's `ln` (Java's `Math.log`) gives Swift's buckets too.
@Suite struct AthenaSQLTests {
    /// A configuration of its own (not the template), so that the committed SQL only changes with the queries.
    static let configuration = Configuration(
        environments: [
            .init(name: "prod-eu", region: "eu-west-1", changeAt: 0), .init(name: "prod-us", region: "us-east-1", changeAt: 0),
        ],
        services: [
            .init(name: "web", vcpu: 1, memoryGB: 2, minCapacity: 2, maxCapacity: 10),
            .init(name: "web-iso", vcpu: 1, memoryGB: 2, minCapacity: 2, maxCapacity: 10),
        ],
        prices: [], criteria: .init(),
        mappingRules: [
            MappingRule(field: .loadBalancer, pattern: "prod-eu-*", environment: "prod-eu"),
            MappingRule(field: .targetGroup, pattern: "*-web", service: "web"),
            MappingRule(field: .targetGroup, pattern: "o'brien_50%?", service: "web-iso"),
            MappingRule(field: .cluster, pattern: "prod-us*", environment: "prod-us"),
            MappingRule(field: .tag("team"), pattern: "iso", service: "web-iso"),
        ])

    static let week = TimeWindow(
        start: UTCTime.seconds(year: 2026, month: 10, day: 1), end: UTCTime.seconds(year: 2026, month: 10, day: 8))

    @Test(arguments: SQLDialect.allCases)
    func dialectFunctions(dialect: SQLDialect) {
        let expected: [String]
        switch dialect {
        case .trino:
            expected = [
                "regexp_like(s, '^a')", "regexp_extract(s, '(a)', 1)", "element_at(m, 'k')",
                "element_at(array_intersect(map_values(m), ARRAY['a', 'b']), 1)", "(a) / (b)",
                "CAST(floor(to_unixtime(t)) AS BIGINT)", "date_format(from_unixtime(x), '%Y-%m-%dT%H:%i:%sZ')",
                "CROSS JOIN UNNEST(sequence(0, (n) - 1)) AS series(h)", "TIMESTAMP '2026-10-01 00:00:00'",
            ]
        case .duckdb:
            expected = [
                "regexp_matches(s, '^a')", "CASE WHEN regexp_matches(s, '(a)') THEN regexp_extract(s, '(a)', 1) END", "m['k']",
                "list_intersect(map_values(m), ['a', 'b'])[1]", "(a) // (b)", "CAST(floor(epoch(t)) AS BIGINT)",
                "strftime(make_timestamp(CAST(x AS BIGINT) * 1000000), '%Y-%m-%dT%H:%M:%SZ')",
                "CROSS JOIN UNNEST(range(0, n)) AS series(h)", "TIMESTAMP '2026-10-01 00:00:00'",
            ]
        }
        let actual = [
            dialect.regexpLike("s", "^a"), dialect.regexpExtract("s", "(a)", group: 1), dialect.mapValue("m", key: "k"),
            dialect.mapValue("m", among: ["a", "b"]), dialect.integerDivide("a", "b"), dialect.epochSeconds("t"),
            dialect.iso8601(epochSeconds: "x"), dialect.crossJoinSeries(count: "n", alias: "h"), dialect.timestamp(Self.week.start),
        ]
        #expect(actual == expected)
    }

    @Test(arguments: SQLDialect.allCases)
    func queriesUseOnlyTheirDialectsFunctions(dialect: SQLDialect) throws {
        let latency = try AthenaLatencyQuery(range: Self.week, isPartitioned: true, dialect: dialect).render(configuration: Self.configuration)
        let cost = try AthenaCostQuery(range: Self.week, isPartitioned: true, dialect: dialect).render(configuration: Self.configuration)
        let foreign =
            dialect == .trino
            ? ["regexp_matches", "list_intersect", "//", "epoch(", "strftime", "range("]
            : ["regexp_like", "element_at", "array_intersect", "to_unixtime", "date_format", "sequence("]
        for text in [latency, cost] {
            for word in foreign { #expect(!text.contains(word), "\(dialect) query uses \(word)") }
        }
        // Everything outside the dialect's functions is written once: the two renderings differ only there.
        #expect(latency.contains("CAST('\(LatencyHistogram.logGamma)' AS DOUBLE)"))
        #expect(latency.contains("\"day\" BETWEEN '2026/09/30' AND '2026/10/08'"))
        #expect(latency.contains("(\"time\" >= '2026-10-01T00:00:00' AND \"time\" < '2026-10-08T00:00:00')"))
        #expect(cost.contains("billing_period IN ('2026-10')"))
    }

    /// The Trino queries for a fixed configuration, committed so that a reviewer sees what runs in
    /// Athena and any change to it shows in the diff (`RECORD_SNAPSHOTS=1` re-records).
    @Test(arguments: ["latency-trino.sql", "cost-trino.sql", "cost-legacy-trino.sql"])
    func trinoQueriesMatchTheCommittedText(name: String) throws {
        let sql: String
        switch name {
        case "latency-trino.sql":
            sql = try AthenaLatencyQuery(range: Self.week, grain: .hour, isPartitioned: true).render(configuration: Self.configuration)
        case "cost-trino.sql":
            sql = try AthenaCostQuery(range: Self.week, isPartitioned: true).render(configuration: Self.configuration)
        default:
            sql = try AthenaCostQuery(range: Self.week, table: "cur_db.cur_legacy", layout: .legacy, isPartitioned: true)
                .render(configuration: Self.configuration)
        }
        let url = try TestFixtures.folder().appendingPathComponent("athena").appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            // The bundle holds a copy; write the source tree's file.
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/athena/\(name)")
            try Data(sql.utf8).write(to: source)
            return
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(sql == committed, "re-record with RECORD_SNAPSHOTS=1 if the change is intended")
    }

    @Test(arguments: [
        ("prod-eu-*", "name LIKE 'prod-eu-%' ESCAPE '\\'"),
        ("*-web", "name LIKE '%-web' ESCAPE '\\'"),
        ("exact", "name = 'exact'"),
        ("o'brien", "name = 'o''brien'"),
        ("a_b%c\\d?*", "name LIKE 'a\\_b\\%c\\\\d_%' ESCAPE '\\'"),
        ("", "name = ''"),
    ])
    func globsBecomeLikePatterns(pattern: String, condition: String) {
        #expect(SQLText.globCondition("name", pattern) == condition)
    }

    @Test func globsMatchInDuckDBExactlyAsTheLocalMapper() throws {
        let scratch = try ScratchDirectory()
        guard let duckdb = try DuckDBRunner.make(scratch: scratch) else { return }
        let patterns = [
            "prod-eu-*", "*-web", "*web*", "a_b", "a%b", "50%*", "it's*", "*\\*", "?x", "a?c", "*", "", "x*y*z", "back\\slash",
            "??", "*?", "a*a*a", "_", "%", "web",
        ]
        let texts = [
            "prod-eu-public", "prod-eu", "edge-web", "web", "a_b", "axb", "a%b", "50%off", "it's-me", "its", "x\\", "\\",
            "ax", "xx", "abc", "ac", "", "xyz", "xaybz", "back\\slash", "backslash", "aaa", "aa", "_", "%", "x",
        ]
        var rows: [String] = []
        var expected: [String: Bool] = [:]
        for (p, pattern) in patterns.enumerated() {
            for (t, text) in texts.enumerated() {
                rows.append("SELECT \(p) AS p, \(t) AS t, coalesce(\(SQLText.globCondition(SQLText.literal(text), pattern)), FALSE) AS m")
                expected["\(p)|\(t)"] = Glob.matches(pattern, text)
            }
        }
        let result = try duckdb.run(rows.joined(separator: "\nUNION ALL "), table: .none, inputs: [])
        var reader = try CSVReader(path: result)
        _ = try reader.next()
        var checked = 0
        while try reader.next() {
            let key = "\(reader.record.string(0))|\(reader.record.string(1))"
            let matched = reader.record.string(2) == "True" || reader.record.string(2) == "true"
            #expect(expected[key] == matched, "pattern \(patterns[Int(reader.record.string(0)) ?? 0]) on \(texts[Int(reader.record.string(1)) ?? 0])")
            checked += 1
        }
        #expect(checked == patterns.count * texts.count)
    }

    @Test(arguments: [
        (TimeWindow(start: 1_790_812_830, end: 1_790_899_200), AthenaLatencyQuery.Grain.minute, "--from 2026-10-01T00:00:30Z is not the start of a minute"),
        (TimeWindow(start: 1_790_812_800, end: 1_790_813_400), .hour, "--to 2026-10-01T00:10:00Z is not the start of an hour"),
        (TimeWindow(start: 1_790_812_800, end: 1_790_812_800), .minute, "--to must be after --from"),
    ])
    func rangesMustBeWholePeriods(range: TimeWindow, grain: AthenaLatencyQuery.Grain, message: String) {
        #expect(throws: AthenaSQLError.self) { try AthenaLatencyQuery(range: range, grain: grain) }
        do {
            _ = try AthenaLatencyQuery(range: range, grain: grain)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test(arguments: [
        ("alb_logs", "alb_logs"), ("logs.alb_logs", "logs.alb_logs"), ("my-db.alb logs", "\"my-db\".\"alb logs\""),
        ("awsdatacatalog.db.t", "awsdatacatalog.db.t"), ("\"quoted\".t", "\"quoted\".t"), ("a\"b", "\"a\"\"b\""),
    ])
    func tableNamesAreQuotedWhereNeeded(name: String, sql: String) throws {
        #expect(try SQLText.tableName(name) == sql)
    }

    @Test(arguments: ["", "a..b", ".t", "a.b.c.d"])
    func badTableNamesAreRejected(name: String) {
        #expect(throws: AthenaSQLError.self) { try SQLText.tableName(name) }
    }

    @Test func legacyPartitionsAndTagColumns() throws {
        let query = try AthenaCostQuery(
            range: TimeWindow(start: UTCTime.seconds(year: 2026, month: 11, day: 30), end: UTCTime.seconds(year: 2027, month: 1, day: 2)),
            layout: .legacy, isPartitioned: true)
        #expect(query.partitionCondition() == "((year = '2026' AND month = '11') OR (year = '2026' AND month = '12') OR (year = '2027' AND month = '1'))")
        #expect(query.costColumn == .unblended && !query.hasSavingsPlanColumns)
        let sql = try query.render(configuration: Self.configuration)
        #expect(sql.contains("nullif(resource_tags_user_team, '') AS tag_1"))
        #expect(sql.contains("nullif(resource_tags_aws_ecs_service_name, '') AS tag_ecs_service"))
        #expect(sql.contains("coalesce(line_item_unblended_cost, 0) AS cost"))
        #expect(sql.contains("CAST(NULL AS DOUBLE) AS effective_cost"))
        #expect(!sql.contains("effective_cost\n      WHEN role = 'negation'"))
        var camel = Self.configuration
        camel.mappingRules.append(MappingRule(field: .tag("CostCenter"), pattern: "x", service: "web"))
        #expect(throws: AthenaSQLError.self) { try query.render(configuration: camel) }
        let noTags = try AthenaCostQuery(range: Self.week, layout: .legacy, hasECSTagColumns: false).render(configuration: Self.configuration)
        #expect(!noTags.contains("resource_tags_aws_ecs"))
    }

    /// Trino computes `ln` with Java's `Math.log`, which may differ from glibc's (Swift's, DuckDB's)
    /// by one unit in the last place. That can only change a bucket where `ln(x)/ln(γ)` is within a
    /// few ulps of a whole number. Latencies are whole microseconds (ALB logs have milliseconds);
    /// for every bucket boundary up to 10^7 ms (2.8 hours, more than an ALB request can take) the
    /// whole-microsecond latencies next to it are hundreds of ulps away, so any `ln` within a few
    /// ulps gives every latency the bucket Swift gives it. (x = 1 ms has ln = 0 exactly in both.)
    @Test func noLatencyLiesWithinReachOfARoundingDifferenceFromABucketBoundary() {
        var smallest = Double.infinity
        var k = Int((log(0.002) / LatencyHistogram.logGamma).rounded(.down))
        var checked = 0
        while pow(LatencyHistogram.gamma, Double(k)) < 1e7 {
            let edge = Int64((pow(LatencyHistogram.gamma, Double(k)) * 1000).rounded(.down))
            for micros in (edge - 2)...(edge + 3) where micros > 1 && micros != 1000 {
                let q = log(Double(micros) / 1000) / LatencyHistogram.logGamma
                let ulps = abs(q - q.rounded()) / q.ulp
                smallest = min(smallest, ulps)
                checked += 1
            }
            k += 1
        }
        #expect(checked > 10_000)
        #expect(smallest > 64, "a latency lies \(smallest) ulps from a bucket boundary")
        #expect(LatencyHistogram.bucket(for: 1) == 0)
    }
}
