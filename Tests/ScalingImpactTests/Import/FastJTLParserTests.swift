import Foundation
import Testing

@testable import ScalingImpact

/// The fast JMeter path must store exactly what the general parser stores, on both threads.
@Suite("Fast JTL path")
struct FastJTLParserTests {
    /// A JTL large enough to be split across two threads (> 8 MiB), with unmapped labels and
    /// a non-HTTP failure; `extra` replaces data lines by 1-based line number.
    static func makeJTL(rows: Int, extra: [Int: String] = [:]) -> String {
        var rng = ScalingImpact.SplitMix64(seed: 99)
        var text = "timeStamp,elapsed,label,responseCode,responseMessage,threadName,success,bytes\n"
        // Two labels of one service: their histograms must merge into one series per minute.
        let labels = ["web GET /a", "web-ingestion POST /b", "web-iso GET /c", "healthcheck GET /", "web GET /z"]
        for i in 0..<rows {
            let line = i + 2
            if let replacement = extra[line] {
                text += replacement + "\n"
                continue
            }
            let elapsed = 1 + Int(rng.next() % 2_000)
            let code = i % 97 == 0 ? "503" : (i % 211 == 0 ? "Non HTTP response code: java.net.SocketException" : "200")
            text += "\(1_760_000_000_000 + Int64(i) * 37),\(elapsed),\(labels[i % 5]),\(code),OK,tg 1-\(i % 8),true,\(900 + i % 50)\n"
        }
        return text
    }

    static func dump(_ db: Database) throws -> [[SQLValue]] {
        try db.makeStatement(
            """
            SELECT m.environment, m.service, m.minute, m.request_count, m.timed_count, m.error_5xx, m.sum_ms, m.min_ms,
                   m.max_ms, (SELECT group_concat(bucket || ':' || count) FROM latency_buckets b
                              WHERE b.environment = m.environment AND b.service = m.service AND b.minute = m.minute)
            FROM latency_minutes m ORDER BY 1, 2, 3
            """
        ).query()
    }

    static func importFile(_ path: String) throws -> (ImportSummary, [[SQLValue]]) {
        let db = try Database(path: ":memory:")
        let importer = Importer(database: db, configuration: try Configuration.parse(Configuration.template))
        let summary = try importer.importFile(path: path, options: ImportOptions(environment: "staging"))
        return (summary, try dump(db))
    }

    static func gzip(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-kf", path]
        try process.run()
        process.waitUntilExit()
        return path + ".gz"
    }

    @Test("a two-thread import stores the same minutes and buckets as the general parser")
    func sameAsGeneralParser() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write("big.jtl", Self.makeJTL(rows: 160_000))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 > 8 << 20)
        let (fast, fastRows) = try Self.importFile(path)
        // Gzip input always takes the general, streaming parser.
        let (general, generalRows) = try Self.importFile(try Self.gzip(path))
        #expect(fast.rowsAccepted == 128_000)
        #expect(fast.rowsUnmapped == 32_000)
        #expect(fast.rowsAccepted == general.rowsAccepted)
        #expect(fast.rowsUnmapped == general.rowsUnmapped)
        #expect(fast.firstTs == general.firstTs && fast.lastTs == general.lastTs)
        #expect(fastRows.count == generalRows.count)
        #expect(fastRows == generalRows)
    }

    @Test("bad values in either half are reported with their file line numbers")
    func lineNumbersAcrossHalves() throws {
        let scratch = try ScratchDirectory()
        let rows = 160_000
        let late = rows - 10
        let text = Self.makeJTL(
            rows: rows,
            extra: [5: "1760000000000,abc,web GET /a,200,OK,t,true,1", late: "1760000000000,-4,web GET /a,200,OK,t,true,1"])
        let path = try scratch.write("bad.jtl", text)
        var options = ImportOptions(environment: "staging")
        options.maxBadRowsFraction = 0.01
        let db = try Database(path: ":memory:")
        let importer = Importer(database: db, configuration: try Configuration.parse(Configuration.template))
        let summary = try importer.importFile(path: path, options: options)
        #expect(summary.rowsRejected == 2)
        #expect(summary.problems.map(\.line) == [5, late])
        #expect(summary.problems.first?.message.contains("elapsed") == true)
    }

    @Test("a short row in the second half rejects the file at its line, storing nothing")
    func structureErrorInSecondHalf() throws {
        let scratch = try ScratchDirectory()
        let rows = 160_000
        let line = rows - 100
        let path = try scratch.write("short.jtl", Self.makeJTL(rows: rows, extra: [line: "1760000000000,12,web GET /a"]))
        let db = try Database(path: ":memory:")
        let importer = Importer(database: db, configuration: try Configuration.parse(Configuration.template))
        #expect {
            _ = try importer.importFile(path: path, options: ImportOptions(environment: "staging"))
        } throws: { error in
            guard let error = error as? ImportError else { return false }
            return error.line == line && error.kind == .structure && error.description.contains("short.jtl:\(line)")
        }
        #expect(try db.makeStatement("SELECT count(*) FROM latency_minutes").query() == [[.integer(0)]])
    }

    @Test("a quoted label sends the whole file to the general parser, which reads it correctly")
    func quotedLabelFallsBack() throws {
        let scratch = try ScratchDirectory()
        let text = "timeStamp,elapsed,label,responseCode,success\n"
            + "1760000000000,10,\"web GET /a, b\",200,true\n1760000001000,30,web GET /a,200,true\n"
        let (summary, rows) = try Self.importFile(try scratch.write("q.jtl", text))
        #expect(summary.rowsAccepted == 2)
        #expect(rows.count == 1)
        #expect(rows.first?[3] == .integer(2))
    }
}
