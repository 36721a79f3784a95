import Foundation
import Testing

@testable import ScalingImpact

/// A minute's bucket counts live in `latency_minutes.buckets` as JSON (schema version 4).
@Suite("Bucket storage")
struct BucketStorageTests {
    /// Bucket lists as [bucket, count] pairs (tuples are not Sendable test arguments).
    @Test("bucket counts round-trip through their JSON text", arguments: [
        [[Int64]](),
        [[Int64(LatencyHistogram.zeroBucket), 3], [-12, 1], [0, 7], [278, 1], [1_510, 9_000_000_000]],
    ])
    func roundTrip(list: [[Int64]]) throws {
        let pairs = list.map { (bucket: Int($0[0]), count: $0[1]) }
        var text: [UInt8] = []
        BucketCountsJSON.append(pairs, to: &text)
        var decoded: [(Int, Int64)] = []
        let valid = text.withUnsafeBufferPointer { BucketCountsJSON.decode($0) { decoded.append(($0, $1)) } }
        #expect(valid)
        #expect(decoded.map(\.0) == pairs.map(\.bucket))
        #expect(decoded.map(\.1) == pairs.map(\.count))
        // What SQLite's JSON reader makes of it.
        let db = try Database(path: ":memory:")
        let sql = "SELECT CAST(key AS INTEGER), value FROM json_each(?)"
        let rows = try db.makeStatement(sql).query([.text(String(decoding: text, as: UTF8.self))])
        #expect(rows == pairs.map { [.integer(Int64($0.bucket)), .integer($0.count)] })
    }

    @Test("the text is JSON with keys in ascending order")
    func exactText() {
        var text: [UInt8] = []
        let pairs: [(bucket: Int, count: Int64)] = [(LatencyHistogram.zeroBucket, 2), (278, 1), (314, 0), (326, 5)]
        BucketCountsJSON.append(pairs, to: &text)
        #expect(String(decoding: text, as: UTF8.self) == #"{"-1000000":2,"278":1,"326":5}"#)
    }

    @Test("text that is not an object of bucket counts is refused", arguments: [
        "", "[]", "{", #"{"a":1}"#, #"{"1":-2}"#, #"{"1":2,}"#, #"{"1":2} x"#, #"{"99999999999999999999":1}"#, "null",
    ])
    func malformed(text: String) {
        let bytes = Array(text.utf8)
        #expect(!bytes.withUnsafeBufferPointer { BucketCountsJSON.decode($0) { _, _ in } })
    }

    @Test("spaces between tokens are accepted (a hand-edited row)")
    func spaces() {
        var pairs: [(Int, Int64)] = []
        let bytes = Array(#" { "5" : 1 , "-3":2 } "#.utf8)
        #expect(bytes.withUnsafeBufferPointer { BucketCountsJSON.decode($0) { pairs.append(($0, $1)) } })
        #expect(pairs.map(\.0) == [5, -3])
        #expect(pairs.map(\.1) == [1, 2])
    }

    @Test("a version-3 database keeps every bucket count when it is migrated")
    func migrationFromVersion3() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.path("v3.sqlite")
        // Build a version-3 database by hand with the first three migration steps.
        let raw = try Database(path: path, migrate: false)
        for step in 0..<3 { try raw.execute(Migrations.steps[step]) }
        try raw.execute("PRAGMA user_version = 3")
        try raw.execute(
            """
            INSERT INTO imports (id, path, sha256, format, rows_accepted, rows_rejected, imported_at)
                VALUES (1, 'a.jtl', 'aa', 'jmeter-jtl', 9, 0, 0);
            INSERT INTO latency_minutes (environment, service, minute, import_id, request_count, timed_count, error_5xx,
                sum_ms, min_ms, max_ms) VALUES ('staging', 'web', 60, 1, 10, 9, 1, 90.5, 1, 40),
                ('staging', 'web', 120, 1, 1, 0, 1, 0, NULL, NULL);
            INSERT INTO latency_buckets VALUES ('staging', 'web', 60, 1, 300, 4), ('staging', 'web', 60, 1, -1000000, 2),
                ('staging', 'web', 60, 1, 12, 3);
            """)
        let migrated = try Database(path: path)
        #expect(try Migrations.userVersion(migrated) == Migrations.currentVersion)
        #expect(
            try migrated.makeStatement("SELECT minute, timed_count, buckets FROM latency_minutes ORDER BY minute").query() == [
                [.integer(60), .integer(9), .text(#"{"-1000000":2,"12":3,"300":4}"#)],
                [.integer(120), .integer(0), .text("{}")],
            ])
        #expect(
            try migrated.makeStatement("SELECT minute, bucket, count FROM latency_buckets ORDER BY bucket").query() == [
                [.integer(60), .integer(-1_000_000), .integer(2)], [.integer(60), .integer(12), .integer(3)],
                [.integer(60), .integer(300), .integer(4)],
            ])
    }

    @Test("a corrupt buckets value makes the report's read fail with the row it is in")
    func corruptValue() throws {
        let db = try Database(path: ":memory:")
        try db.execute(
            """
            INSERT INTO imports (id, path, sha256, format, rows_accepted, rows_rejected, imported_at)
                VALUES (7, 'a.jtl', 'aa', 'jmeter-jtl', 1, 0, 0);
            INSERT INTO latency_minutes (environment, service, minute, import_id, request_count, timed_count, error_5xx,
                sum_ms, min_ms, max_ms, buckets) VALUES ('staging', 'web', 60, 7, 1, 1, 0, 5, 5, 5, '{"5":oops}');
            """)
        #expect {
            _ = try Facts.load(from: db, start: 0, end: 3600)
        } throws: { error in
            let message = "\(error)"
            return message.contains("staging/web") && message.contains("imports.id 7") && message.contains("oops")
        }
    }

    @Test("hourly histograms read from the JSON column equal the histograms of the requests")
    func hourlyHistograms() throws {
        let db = try Database(path: ":memory:")
        let importer = Importer(database: db, configuration: try Configuration.parse(Configuration.template))
        let scratch = try ScratchDirectory()
        // Two hours of requests, two minutes apart, latencies 1...200 ms and a zero.
        var text = "timeStamp,elapsed,label,responseCode,success\n"
        var expected: [Int64: LatencyHistogram] = [:]
        for i in 0..<400 {
            let ts: Int64 = 1_760_000_400 + Int64(i) * 30
            let ms = i == 7 ? 0 : Double(1 + (i * 37) % 200)
            text += "\(ts * 1000),\(Int(ms)),web GET /,200,true\n"
            expected[ts - ts % 3600, default: LatencyHistogram()].add(ms)
        }
        let path = try scratch.write("two-hours.jtl", text)
        _ = try importer.importFile(path: path, options: ImportOptions(environment: "staging"))
        let facts = try Facts.load(from: db, start: 0, end: 2_000_000_000)
        let series = try #require(facts.series[ServiceKey(environment: "staging", service: "web")])
        #expect(series.latencyByHour.count == expected.count)
        for (hour, histogram) in expected {
            #expect(series.latencyByHour[hour] == histogram)
            #expect(series.requestsByHour[hour]?.requests == histogram.count)
        }
    }
}
