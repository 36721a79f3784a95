import Foundation
import Testing

@testable import ScalingImpact

/// Issue 7's privacy scan: ALB access logs carry client addresses, URLs with query strings (in the HIPAA
/// environment, patient identifiers), user agents and trace ids. None of it may reach the database or a report.
@Suite struct PrivacyScanTests {
    static let clientIPs = ["203.0.113.77", "198.51.100.23", "2001:db8::7"]
    static let patientURL = "https://portal.example-health.org:443/api/v2/patients/records?patient_id=MRN-4471-0923&dob=1961-04-02&name=Jane%20Roe"
    static let otherURL = "https://portal.example-health.org:443/search?q=diabetes+type+2&ssn=078-05-1120"
    static let userAgent = "Mozilla/5.0 (PatientPortal/9.9; SecretAgent-7731)"
    static let traceID = "Root=1-67891233-abcdef012345678912345678"

    /// Every string that must not be stored or reported (and telling parts of them).
    static let secrets: [String] =
        clientIPs + [
            patientURL, otherURL, userAgent, traceID, "MRN-4471-0923", "patient_id", "1961-04-02", "Jane%20Roe", "078-05-1120",
            "diabetes", "portal.example-health.org", "PatientPortal", "SecretAgent-7731", "67891233-abcdef012345678912345678",
        ]

    /// A day of ALB lines before and after the HIPAA environment's change, one request a minute.
    static func albLog() -> String {
        let change = UTCTime.seconds(year: 2026, month: 10, day: 16, hour: 15)
        var lines: [String] = []
        for minute in stride(from: -24 * 60, to: 48 * 60, by: 7) {
            let t = change + Int64(minute) * 60
            let ip = clientIPs[abs(minute) % clientIPs.count]
            let client = ip.contains(":") ? "[\(ip)]:51234" : "\(ip):51234"
            let url = minute % 2 == 0 ? patientURL : otherURL
            let status = minute % 11 == 0 ? 503 : 200
            lines.append(
                "https \(UTCTime.iso8601(t).dropLast()).123456Z app/prod-hipaa/50dc6c495c0c9188 \(client) 10.0.4.17:8080 0.000 0.\(String(format: "%03d", 40 + abs(minute) % 300)) 0.000 "
                    + "\(status) \(status) 512 2048 \"GET \(url) HTTP/1.1\" \"\(userAgent)\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
                    + "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/prod-hipaa-web/73e2d6bc24d8a067 "
                    + "\"\(traceID)\" \"portal.example-health.org\" \"arn:aws:acm:us-east-2:123456789012:certificate/abc\" 0 "
                    + "\(UTCTime.iso8601(t)) \"forward\" \"-\" \"-\" \"10.0.4.17:8080\" \"\(status)\" \"-\" \"-\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every text value of every row of every table, found through `sqlite_master`.
    static func everyStoredText(_ database: Database) throws -> [(table: String, value: String)] {
        var found: [(String, String)] = []
        let names = try database.makeStatement("SELECT name FROM sqlite_master WHERE type = 'table'").query()
        #expect(names.count >= 5)
        for case .text(let name) in names.compactMap(\.first) {
            for row in try database.makeStatement("SELECT * FROM \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"").query() {
                for case .text(let value) in row { found.append((name, value)) }
            }
        }
        return found
    }

    @Test func noClientDataInAnyTableOrReportFile() throws {
        let scratch = try ScratchDirectory()
        let configuration = try Configuration.parse(Configuration.template)
        let databasePath = scratch.path("impact.db")
        let reportFolder = scratch.path("reports")
        do {
            let database = try Database(path: databasePath)
            let importer = Importer(database: database, configuration: configuration)
            let log = try scratch.write("123456789012_elasticloadbalancing_us-east-2_app.prod-hipaa.log", Self.albLog())
            let summary = try importer.importFile(path: log, options: ImportOptions())
            #expect(summary.format == .albAccessLog)
            #expect(summary.rowsAccepted > 400)
            #expect(summary.rowsUnmapped == 0 && summary.rowsRejected == 0)
            // The facts arrived: the scan below looks at real rows, not an empty database.
            #expect(try database.integer("SELECT SUM(count) FROM latency_buckets WHERE environment = 'prod-hipaa' AND service = 'web'") == Int64(summary.rowsAccepted))

            let stored = try Self.everyStoredText(database)
            #expect(stored.count > 0)
            for secret in Self.secrets {
                let leaks = stored.filter { $0.value.contains(secret) }
                #expect(leaks.isEmpty, "\(secret) stored in \(leaks.map(\.table))")
            }
            // Warnings and problems printed to the terminal are no place for them either.
            let printed = summary.description + summary.warnings.joined() + summary.problems.map(\.description).joined()
            for secret in Self.secrets { #expect(!printed.contains(secret)) }

            let result = try Analyzer(configuration: configuration).analyze(database: database)
            let written = try ReportWriter(directory: reportFolder).write(result, database: database)
            #expect(written.count >= 5)
            for path in written {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                for secret in Self.secrets { #expect(!text.contains(secret), "\(secret) in \(path)") }
            }
            #expect(try String(contentsOfFile: written[0], encoding: .utf8).contains("prod-hipaa"))
        }
        // The database files' raw bytes (main file and any WAL): not even a freed page holds them.
        for name in try FileManager.default.contentsOfDirectory(atPath: scratch.url.path) where name.hasPrefix("impact.db") {
            let bytes = try Data(contentsOf: scratch.url.appendingPathComponent(name))
            for secret in Self.secrets { #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in the bytes of \(name)") }
        }
    }
}
