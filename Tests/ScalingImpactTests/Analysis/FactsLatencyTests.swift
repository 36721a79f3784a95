import Foundation
import Testing

@testable import ScalingImpact

/// Latency facts read over two connections must equal those read over one.
@Suite("Latency facts over two connections")
struct FactsLatencyTests {
    /// A file database with latency minutes for five series over three hours.
    static func database(in scratch: ScratchDirectory) throws -> Database {
        let db = try Database(path: scratch.path("facts.sqlite"))
        let importer = Importer(database: db, configuration: try Configuration.parse(Configuration.template))
        let labels = ["web GET /", "web-ingestion POST /", "web-iso GET /"]
        for environment in ["staging", "prod-eu"] {
            var text = "timeStamp,elapsed,label,responseCode,success\n"
            for i in 0..<900 {
                let ts: Int64 = 1_760_000_000 + Int64(i) * 12
                let code = i % 50 == 0 ? "503" : "200"
                // prod-eu has no web-iso: five series in all.
                let label = environment == "prod-eu" ? labels[i % 2] : labels[i % 3]
                text += "\(ts * 1000),\(1 + (i * 7919) % 900),\(label),\(code),true\n"
            }
            let path = try scratch.write("\(environment).jtl", text)
            _ = try importer.importFile(path: path, options: ImportOptions(environment: environment))
        }
        return db
    }

    @Test("a second connection reading every other series gives the facts one connection gives")
    func sameAsOneConnection() throws {
        let scratch = try ScratchDirectory()
        let db = try Self.database(in: scratch)
        let keys = try Facts.latencySeries(in: db)
        #expect(keys.count == 5)
        #expect(keys == keys.sorted())
        let both = try db.readTransaction { () throws(StorageError) in try Facts.load(from: db, start: 0, end: 2_000_000_000) }
        var one = Facts()
        try Facts.readLatency(of: keys, into: &one, from: db, start: 0, end: 2_000_000_000)
        for key in keys {
            let a = try #require(both.series[key])
            let b = try #require(one.series[key])
            #expect(a.latencyByHour == b.latencyByHour)
            #expect(a.requestsByHour.mapValues { [$0.requests, $0.errors] } == b.requestsByHour.mapValues { [$0.requests, $0.errors] })
            #expect(a.latencyByHour.values.map(\.count).reduce(0, +) > 100)
        }
    }

    @Test("a helper that sees another snapshot gives nothing, and the caller reads its series itself")
    func otherSnapshot() throws {
        let scratch = try ScratchDirectory()
        let db = try Self.database(in: scratch)
        let keys = try Facts.latencySeries(in: db)
        var marker = try Facts.snapshotMarker(db)
        #expect(marker.count == 3)
        marker[0] = .integer(999)
        let helper = LatencyHelper(path: db.path, keys: keys, marker: marker, start: 0, end: 2_000_000_000)
        #expect(helper.result() == nil)
        let agreeing = LatencyHelper(path: db.path, keys: keys, marker: try Facts.snapshotMarker(db), start: 0, end: 2_000_000_000)
        #expect(agreeing.result()?.series.count == 5)
    }
}
