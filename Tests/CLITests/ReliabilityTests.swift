import Foundation
import ScalingImpact
import Testing

/// Crash safety, concurrency and environment faults, through the built executable.
@Suite("Reliability", .serialized)
struct ReliabilityTests {
    /// Writes a JTL of `rows` samples spread over a week, deterministically.
    static func writeJTL(rows: Int, to url: URL, seed: UInt64 = 1) throws {
        var rng = SplitMix64(seed: seed)
        var text = "timeStamp,elapsed,label,responseCode,success\n"
        text.reserveCapacity(rows * 48)
        let start: Int64 = 1_760_000_000_000
        let labels = ["web GET /a", "web-ingestion POST /b", "web-iso GET /c"]
        for i in 0..<rows {
            let elapsed = 20 + Int(rng.next() % 400)
            text += "\(start + Int64(i) * 3000),\(elapsed),\(labels[i % 3]),200,true\n"
        }
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    /// Counts of every fact table, and the import log's hashes.
    static func snapshot(_ path: String) throws -> [String] {
        let db = try Database(path: path)
        var result: [String] = []
        for table in ["imports", "usage_cost", "metric_points", "latency_minutes", "latency_buckets", "scaling_events"] {
            let rows = try db.makeStatement("SELECT count(*) FROM \(table)").query()
            result.append("\(table)=\(rows)")
        }
        result.append("\(try db.makeStatement("SELECT sha256 FROM imports ORDER BY sha256").query())")
        return result
    }

    static func integrityCheck(_ path: String) throws -> String {
        let db = try Database(path: path)
        let rows = try db.makeStatement("PRAGMA integrity_check").query()
        if case .text(let text) = rows.first?.first { return text }
        return "\(rows)"
    }

    @Test("an import killed with SIGKILL leaves nothing of its file, an intact database, and can be re-run")
    func killedImportLeavesNothing() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        try Self.writeJTL(rows: 2_000, to: dir.appendingPathComponent("small.jtl"), seed: 7)
        #expect(try CLIRunner.run(["import", "--environment", "staging", "small.jtl"], in: dir).status == 0)
        try Self.writeJTL(rows: 400_000, to: dir.appendingPathComponent("big.jtl"))
        let db = dir.appendingPathComponent("impact.sqlite").path
        let before = try Self.snapshot(db)

        // Time one full import elsewhere to place the kill points across its whole run.
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            let full = try CLIRunner.run(["import", "--db", "timing.sqlite", "--environment", "staging", "big.jtl"], in: dir)
            #expect(full.status == 0, "\(full.stderr)")
        }
        let total = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var killedWhileRunning = 0
        for fraction in [0.1, 0.35, 0.6, 0.85] {
            let process = Process()
            process.executableURL = try CLIRunner.executable
            process.arguments = ["import", "--environment", "staging", "big.jtl"]
            process.currentDirectoryURL = dir
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: total * fraction)
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killedWhileRunning += 1
            }
            process.waitUntilExit()
            #expect(try Self.integrityCheck(db) == "ok")
            if process.terminationReason == .uncaughtSignal {
                #expect(try Self.snapshot(db) == before, "a killed import at \(fraction) left rows behind")
            }
        }
        #expect(killedWhileRunning >= 2)
        // The re-run imports the file, unless the last run escaped its kill and finished it.
        let rerun = try CLIRunner.run(["import", "--environment", "staging", "big.jtl"], in: dir)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("400000 rows imported") || (killedWhileRunning < 4 && rerun.stdout.contains("already imported")))
        #expect(try Self.integrityCheck(db) == "ok")
        let database = try Database(path: db)
        #expect(try database.makeStatement("SELECT sum(request_count) FROM latency_minutes").query() == [[.integer(402_000)]])
        #expect(try database.makeStatement("SELECT count(*) FROM imports").query() == [[.integer(2)]])
    }

    @Test("status and report during an import read a consistent snapshot and never fail with 'database is locked'")
    func readersDuringImport() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        try Self.writeJTL(rows: 1_000, to: dir.appendingPathComponent("first.jtl"), seed: 3)
        #expect(try CLIRunner.run(["import", "--environment", "prod-eu", "first.jtl"], in: dir).status == 0)
        try Self.writeJTL(rows: 300_000, to: dir.appendingPathComponent("big.jtl"))
        let importer = Process()
        importer.executableURL = try CLIRunner.executable
        importer.arguments = ["import", "--environment", "staging", "big.jtl"]
        importer.currentDirectoryURL = dir
        importer.standardOutput = FileHandle.nullDevice
        importer.standardError = FileHandle.nullDevice
        try importer.run()
        var reads = 0
        while importer.isRunning && reads < 40 {
            let status = try CLIRunner.run(["status"], in: dir)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(!status.stderr.contains("locked"))
            // Either the import is not visible yet, or all of it is: never part of it.
            let importsLine = status.stdout.split(separator: "\n").first.map(String.init) ?? ""
            #expect(importsLine.hasPrefix("Imports: 1 files, 1000 rows") || importsLine.hasPrefix("Imports: 2 files, 301000 rows"), "\(importsLine)")
            let report = try CLIRunner.run(["report", "--out", "out"], in: dir)
            #expect(report.status == 0, "\(report.stderr)")
            reads += 1
        }
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0)
        #expect(reads >= 1)
    }

    @Test("two imports at once serialise: both files land once, and the same file twice lands once")
    func concurrentImports() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        try Self.writeJTL(rows: 100_000, to: dir.appendingPathComponent("a.jtl"), seed: 1)
        try Self.writeJTL(rows: 100_000, to: dir.appendingPathComponent("b.jtl"), seed: 2)
        func start(_ file: String) throws -> Process {
            let p = Process()
            p.executableURL = try CLIRunner.executable
            p.arguments = ["import", "--environment", "staging", file]
            p.currentDirectoryURL = dir
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        let processes = [try start("a.jtl"), try start("b.jtl"), try start("a.jtl")]
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let db = dir.appendingPathComponent("impact.sqlite").path
        let database = try Database(path: db)
        #expect(try database.makeStatement("SELECT count(*) FROM imports").query() == [[.integer(2)]])
        #expect(try database.makeStatement("SELECT sum(request_count) FROM latency_minutes").query() == [[.integer(200_000)]])
    }

    @Test("a database locked by another process gives exit status 8 and says so")
    func lockedDatabase() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        try Self.writeJTL(rows: 100, to: dir.appendingPathComponent("a.jtl"))
        let holder = try Database(path: dir.appendingPathComponent("impact.sqlite").path)
        try holder.execute("BEGIN EXCLUSIVE")
        defer { try? holder.execute("ROLLBACK") }
        let result = try CLIRunner.run(["import", "--lock-timeout", "0.5", "--environment", "staging", "a.jtl"], in: dir)
        #expect(result.status == 8)
        #expect(result.stderr.contains("another process"))
    }

    @Test("a database from a newer schema version gives exit status 7")
    func newerSchema() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        do {
            let db = try Database(path: dir.appendingPathComponent("impact.sqlite").path)
            try db.execute("PRAGMA user_version = \(Migrations.currentVersion + 5)")
        }
        let result = try CLIRunner.run(["status"], in: dir)
        #expect(result.status == 7)
        #expect(result.stderr.contains("newer"))
    }

    @Test("a missing configuration gives exit status 3 and names the file")
    func missingConfiguration() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try CLIRunner.run(["import", "--environment", "staging", "nothing.jtl"], in: dir)
        #expect(result.status == 3)
        #expect(result.stderr.contains("impact.toml"))
        #expect(result.stderr.contains("init"))
    }

    /// Whether this process may mount a tmpfs (root on Linux); read-only and full disks need one.
    static let canMount: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/mount") else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("mount-probe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: probe) }
        guard (try? shell("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.path])) == 0 else { return false }
        _ = try? shell("/bin/umount", [probe.path])
        return true
    }()

    @discardableResult
    static func shell(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test("a read-only disk gives exit status 5; a full disk gives 6 and leaves the database intact", .enabled(if: canMount))
    func readOnlyAndFullDisk() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        try Self.writeJTL(rows: 50_000, to: dir.appendingPathComponent("a.jtl"))
        let mountPoint = dir.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)

        #expect(try Self.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", mountPoint.path]) == 0)
        let readOnly = try CLIRunner.run(["import", "--db", "disk/impact.sqlite", "--environment", "staging", "a.jtl"], in: dir)
        try Self.shell("/bin/umount", [mountPoint.path])
        #expect(readOnly.status == 5, "\(readOnly.stderr)")
        #expect(readOnly.stderr.contains("read-only"))

        #expect(try Self.shell("/bin/mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.path]) == 0)
        defer { _ = try? Self.shell("/bin/umount", [mountPoint.path]) }
        let full = try CLIRunner.run(["import", "--db", "disk/impact.sqlite", "--environment", "staging", "a.jtl"], in: dir)
        #expect(full.status == 6, "\(full.stderr)")
        #expect(full.stderr.contains("full"))
        #expect(try Self.integrityCheck(mountPoint.appendingPathComponent("impact.sqlite").path) == "ok")
        let db = try Database(path: mountPoint.appendingPathComponent("impact.sqlite").path)
        #expect(try db.makeStatement("SELECT count(*) FROM latency_buckets").query() == [[.integer(0)]])
    }
}
