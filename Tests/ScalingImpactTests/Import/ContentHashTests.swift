import Foundation
import Testing

@testable import ScalingImpact

/// Large files are hashed beside the parse; the outcome must be what hashing first gives.
@Suite("Concurrent content hash")
struct ContentHashTests {
    static func importer(_ db: Database, threshold: Int, configuration: Configuration? = nil) throws -> Importer {
        var importer = Importer(database: db, configuration: try configuration ?? Configuration.parse(Configuration.template))
        importer.concurrentHashThreshold = threshold
        return importer
    }

    /// Files of `sample-data/`, each read by a different path: a gzip CUR (CSV over zlib), a
    /// gzip CloudWatch JSON (read whole) and a gzip JTL (the general JMeter parser).
    @Test("hashing beside the parse stores the same hash and facts as hashing first", arguments: [
        "billing/cur-2026-10.csv.gz", "cloudwatch/prod-eu-metrics.json.gz", "latency/prod-eu/probes.jtl.gz",
    ])
    func sameOutcome(sample: String) throws {
        let folder = SampleGeneratorTests.root.appendingPathComponent("sample-data")
        let path = folder.appendingPathComponent(sample).path
        let configuration = try Configuration.load(path: folder.appendingPathComponent("impact.toml").path)
        let first = try Database(path: ":memory:")
        let second = try Database(path: ":memory:")
        let options = ImportOptions(environment: sample.hasPrefix("latency") ? "prod-eu" : nil)
        let serial = try Self.importer(first, threshold: Int.max, configuration: configuration).importFile(path: path, options: options)
        let concurrent = try Self.importer(second, threshold: 0, configuration: configuration).importFile(path: path, options: options)
        #expect(concurrent.sha256.count == 64)
        #expect(concurrent.sha256 == serial.sha256)
        #expect(concurrent.rowsAccepted == serial.rowsAccepted)
        #expect(concurrent.rowsAccepted > 100)
        for table in ["latency_minutes", "usage_cost", "metric_points"] {
            let sql = "SELECT * FROM \(table) ORDER BY 1, 2, 3, 4, 5"
            #expect(try first.makeStatement(sql).query() == second.makeStatement(sql).query())
        }
        let again = try Self.importer(second, threshold: 0, configuration: configuration).importFile(path: path, options: options)
        #expect(again.wasAlreadyImported)
    }

    @Test("a large file imported before is reported as already imported and changes nothing")
    func reimportIsSkipped() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("big.jtl", FastJTLParserTests.makeJTL(rows: 160_000))
        let db = try Database(path: ":memory:")
        let importer = try Self.importer(db, threshold: 0)
        let options = ImportOptions(environment: "staging")
        let first = try importer.importFile(path: path, options: options)
        #expect(!first.wasAlreadyImported)
        let before = try db.makeStatement("SELECT * FROM latency_minutes ORDER BY 1, 2, 3, 4").query()
        let again = try importer.importFile(path: path, options: options)
        #expect(again.wasAlreadyImported)
        #expect(again.sha256 == first.sha256)
        #expect(try db.integer("SELECT COUNT(*) FROM imports") == 1)
        #expect(try db.makeStatement("SELECT * FROM latency_minutes ORDER BY 1, 2, 3, 4").query() == before)
    }

    @Test("a cancelled import stops reading with the already-imported error")
    func cancellationStopsReading() throws {
        let path = try TestFixtures.samplePath("alb-access-log_elastic-integrations_test-alb_albonly.log")
        let cancellation = ImportCancellation()
        cancellation.cancel()
        let thrown = ImportCancellation.$current.withValue(cancellation) { () -> ImportError? in
            do throws(ImportError) {
                let source = try ByteSource(path: path)
                var buffer = [UInt8](repeating: 0, count: 1024)
                _ = try source.read(into: &buffer)
                return nil
            } catch {
                return error
            }
        }
        #expect(thrown?.kind == .alreadyImported)
    }

    @Test("the hash is SHA-256 of the bytes as stored")
    func knownDigest() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("abc.txt", "abc")
        #expect(
            try ContentHash.sha256(path: path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let hashing = ContentHash(path: path, known: [])
        #expect(try hashing.value() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(!hashing.cancellation.isCancelled)
        let known = ContentHash(path: path, known: ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"])
        _ = try known.value()
        #expect(known.cancellation.isCancelled)
    }
}
