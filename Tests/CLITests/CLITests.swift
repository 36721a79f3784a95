import Foundation
import Testing

@Suite("CLI end to end")
struct CLITests {
    @Test("init writes a configuration and refuses to overwrite it")
    func initWritesConfiguration() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try CLIRunner.run(["init"], in: dir)
        #expect(first.status == 0)
        let text = try String(contentsOf: dir.appendingPathComponent("impact.toml"), encoding: .utf8)
        #expect(text.contains("name = \"prod-hipaa\""))
        #expect(text.contains("cost_budget_pct = 10"))
        let second = try CLIRunner.run(["init"], in: dir)
        #expect(second.status == 64)
        #expect(second.stderr.contains("--force"))
    }

    @Test("a malformed JTL row is rejected with file and line, and the database is unchanged")
    func malformedRowRejected() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        let good = "timeStamp,elapsed,label,responseCode,success\n1760000000000,120,web GET /,200,true\n1760000001000,80,web GET /,200,true\n"
        try good.write(to: dir.appendingPathComponent("good.jtl"), atomically: true, encoding: .utf8)
        let ok = try CLIRunner.run(["import", "--environment", "staging", "good.jtl"], in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("2 rows imported"))
        let bad = "timeStamp,elapsed,label,responseCode,success\n1760000002000,90,web GET /,200,true\n1760000003000,abc,web GET /,200,true\n"
        try bad.write(to: dir.appendingPathComponent("bad.jtl"), atomically: true, encoding: .utf8)
        let before = try CLIRunner.run(["status"], in: dir)
        let rejected = try CLIRunner.run(["import", "--environment", "staging", "bad.jtl"], in: dir)
        #expect(rejected.status == 2)
        #expect(rejected.stderr.contains("bad.jtl:3"))
        #expect(rejected.stderr.contains("elapsed"))
        let after = try CLIRunner.run(["status"], in: dir)
        #expect(before.stdout == after.stdout)
        #expect(after.stdout.contains("Imports: 1 files, 2 rows imported"))
    }

    @Test("importing the same file twice changes nothing and says so")
    func reimportIsNoOp() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        let text = "timeStamp,elapsed,label,responseCode,success\n1760000000000,120,web GET /,200,true\n"
        try text.write(to: dir.appendingPathComponent("a.jtl"), atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run(["import", "--environment", "prod-eu", "a.jtl"], in: dir).status == 0)
        let status1 = try CLIRunner.run(["status"], in: dir).stdout
        let again = try CLIRunner.run(["import", "--environment", "prod-eu", "a.jtl"], in: dir)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already imported"))
        #expect(try CLIRunner.run(["status"], in: dir).stdout == status1)
    }

    @Test("usage errors and configuration errors have their own exit status")
    func exitStatuses() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let noConfig = try CLIRunner.run(["report"], in: dir)
        #expect(noConfig.status == 3)
        #expect(noConfig.stderr.contains("impact.toml"))
        try "[criteria]\ncost_budget_pct = \"ten\"\n".write(to: dir.appendingPathComponent("impact.toml"), atomically: true, encoding: .utf8)
        let badConfig = try CLIRunner.run(["report"], in: dir)
        #expect(badConfig.status == 3)
        #expect(badConfig.stderr.contains("criteria.cost_budget_pct"))
        #expect(badConfig.stderr.contains("\"ten\""))
        let badFormat = try CLIRunner.run(["import", "--format", "nope", "x"], in: dir)
        #expect(badFormat.status == 64)
    }

    @Test("demo runs the whole pipeline on sample-data and writes the contract's metrics.csv")
    func demoEndToEnd() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let samples = CLIRunner.packageRoot.appendingPathComponent("sample-data").path
        let result = try CLIRunner.run(["demo", "--samples", samples, "--db", "demo.sqlite", "--out", "out"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("against a 10% budget"))
        let csv = try String(contentsOf: dir.appendingPathComponent("out/metrics.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "environment,service,metric,unit,before,after,delta,delta_pct,ci_low,ci_high,verdict,reason")
        let pairs = Set(lines.dropFirst().map { $0.split(separator: ",", maxSplits: 2).prefix(2).joined(separator: ",") })
        for environment in ["staging", "prod-eu", "prod-us", "prod-hipaa"] {
            for service in ["web", "web-ingestion", "web-iso", "*"] {
                #expect(pairs.contains("\(environment),\(service)"), "missing \(environment),\(service)")
            }
        }
        #expect(pairs.contains("*,*"))
        #expect(pairs.count == 17)
        for metric in ["requests", "running_tasks_mean", "task_hours", "cost_modelled_usd", "cost_billed_usd",
                       "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "error_rate_5xx_pct"] {
            #expect(lines.filter { $0.split(separator: ",")[2] == metric }.count == 17, "\(metric)")
        }
        // The report command reproduces the demo's reports from the database.
        let report = try CLIRunner.run(["report", "--db", "demo.sqlite", "--config", "\(samples)/impact.toml", "--out", "again"], in: dir)
        #expect(report.status == 0, "\(report.stderr)")
        let again = try String(contentsOf: dir.appendingPathComponent("again/metrics.csv"), encoding: .utf8)
        #expect(again == csv)
        let status = try CLIRunner.run(["status", "--db", "demo.sqlite"], in: dir)
        #expect(status.status == 0)
        #expect(status.stdout.contains("prod-hipaa  web-iso  RunningTaskCount"))
    }
}
