import Foundation
import Testing

/// `import -` (standard input), exit statuses and the progress line, through the built executable.
@Suite struct ImportInputTests {
    /// Runs the executable with `input` on its standard input.
    static func run(_ arguments: [String], input: String, in directory: URL) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = try CLIRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let stdin = Pipe()
        let out = Pipe()
        let err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Write from another thread so that a child filling its output pipe cannot deadlock the test.
        let data = Data(input.utf8)
        let writer = Thread {
            stdin.fileHandleForWriting.write(data)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    static let jtl = """
        timeStamp,elapsed,label,responseCode
        1791968400000,120,web home,200
        1791968401000,80,web home,503
        1791968402000,95,web home,200

        """

    static let alb = """
        https 2026-10-14T09:00:01.123456Z app/prod-eu-public/50dc6c495c0c9188 203.0.113.9:4711 10.0.1.7:8080 0.001 0.042 0.000 200 200 312 1000 "GET https://api.example.com:443/patients/4242?ssn=1 HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/prod-eu-web/73e2d6bc24d8a060 "Root=1-deadbeef-00" "api.example.com" "-" 10 2026-10-14T09:00:01.080000Z "forward" "-" "-"
        https 2026-10-14T09:00:02.123456Z app/prod-eu-public/50dc6c495c0c9188 203.0.113.9:4712 - -1 -1 -1 504 - 312 1000 "GET https://api.example.com:443/patients/4242?ssn=1 HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/prod-eu-web/73e2d6bc24d8a060 "Root=1-deadbeef-01" "api.example.com" "-" 10 2026-10-14T08:59:52.080000Z "forward" "-" "-"

        """

    @Test("import - reads standard input, names it -, and is idempotent by content")
    func standardInput() throws {
        let directory = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try CLIRunner.run(["init"], in: directory).status == 0)

        let first = try Self.run(["import", "--environment", "staging", "--service", "web", "-"], input: Self.jtl, in: directory)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("-: jmeter-jtl, 3 rows imported"))
        // Not a terminal: no progress line.
        #expect(first.stderr.isEmpty)

        let again = try Self.run(
            ["import", "--quiet", "--environment", "staging", "--service", "web", "-"], input: Self.jtl, in: directory)
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("-: already imported"))

        let alb = try Self.run(["import", "--environment", "prod-eu", "-"], input: Self.alb, in: directory)
        #expect(alb.status == 0, "\(alb.stderr)")
        #expect(alb.stdout.hasPrefix("-: alb-access-log, 2 rows imported"))
        #expect(!alb.stdout.contains("patients") && !alb.stderr.contains("203.0.113.9"))
    }

    @Test("a rejected file exits 2 naming - and its line; usage errors exit 64")
    func exitStatuses() throws {
        let directory = try CLIRunner.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try CLIRunner.run(["init"], in: directory).status == 0)

        let broken = Self.jtl.replacingOccurrences(of: "1791968401000,80", with: "1791968401000,eighty")
        let rejected = try Self.run(["import", "--environment", "staging", "--service", "web", "-"], input: broken, in: directory)
        #expect(rejected.status == 2)
        #expect(rejected.stderr.contains("rejected: -:3: column elapsed: \"eighty\""), "\(rejected.stderr)")
        #expect(!rejected.stderr.contains("scaling-impact-stdin"))

        let unknownFormat = try Self.run(["import", "--format", "nope", "-"], input: Self.jtl, in: directory)
        #expect(unknownFormat.status == 64)
        let unknownEnvironment = try Self.run(["import", "--environment", "nowhere", "-"], input: Self.jtl, in: directory)
        #expect(unknownEnvironment.status == 64)
        #expect(unknownEnvironment.stderr.contains("--environment nowhere is not in the configuration"))
    }
}
