import Foundation
import Testing

@Suite("report command")
struct ReportCommandTests {
    @Test("report --format json prints only JSON on stdout and still writes every report file")
    func jsonFormat() throws {
        let dir = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["init"], in: dir).status == 0)
        let jtl = "timeStamp,elapsed,label,responseCode,success\n1760000000000,120,web GET /,200,true\n1760000001000,80,web GET /,503,false\n"
        try jtl.write(to: dir.appendingPathComponent("a.jtl"), atomically: true, encoding: .utf8)
        #expect(try CLIRunner.run(["import", "--environment", "staging", "--service", "web", "a.jtl"], in: dir).status == 0)
        let result = try CLIRunner.run(["report", "--format", "json", "--out", "out"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["headline"] as? String)?.contains("budget") == true)
        #expect(object["verdict"] as? String == "NO DATA")
        let environments = try #require(object["environments"] as? [[String: Any]])
        #expect(environments.contains { $0["name"] as? String == "staging" })
        for name in ["summary.md", "details.md", "metrics.csv", "timeseries.csv", "scaling_events.csv", "charts/latency.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/\(name)").path), "\(name)")
        }
        let text = try CLIRunner.run(["report", "--out", "out"], in: dir)
        #expect(text.status == 0)
        #expect(text.stdout.contains("wrote out/charts/scaling-events.svg"))
        let bad = try CLIRunner.run(["report", "--format", "yaml"], in: dir)
        #expect(bad.status == 64)
    }
}
