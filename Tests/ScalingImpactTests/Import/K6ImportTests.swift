import Foundation
import Testing

@testable import ScalingImpact

@Suite struct K6ImportTests {
    static let sample = "k6-csv_k6-learn_example.csv"
    static let header =
        "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,"
        + "service,status,subproto,tls_version,url,extra_tags"
    /// 2026-10-14T09:00:00Z.
    static let nine: Int64 = 1_791_968_400

    /// One k6 CSV row with the tags that matter here.
    static func row(
        _ metric: String, _ timestamp: String, _ value: String, name: String = "", status: String = "200",
        url: String = "https://api.example.com/patients/98765?ssn=123-45-6789", extra: String = ""
    ) -> String {
        "\(metric),\(timestamp),\(value),,,,true,,GET,\(name),HTTP/1.1,default,,\(status),,tls1.3,\(url),\(extra)"
    }

    @Test func sampleKeepsOnlyRequestDurations() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath(Self.sample)
        #expect(try harness.importer.detectFormat(path: path) == .k6CSV)
        let summary = try harness.importFile(path, ImportOptions(environment: "staging", service: "web"))
        #expect(summary.format == .k6CSV)
        #expect(summary.rowsAccepted == 1)
        #expect(summary.rowsIgnored == 11)
        #expect(summary.firstTs == 1_641_298_536)
        #expect(
            try harness.database.makeStatement(
                "SELECT environment, service, minute, request_count, timed_count, error_5xx, sum_ms FROM latency_minutes"
            ).query() == [
                [.text("staging"), .text("web"), .integer(1_641_298_500), .integer(1), .integer(1), .integer(0), .real(114.365)]
            ])

        // The same results gzip-compressed import the same way.
        let scratch = try ScratchDirectory()
        let gz = scratch.path("results.csv.gz")
        let writer = try GzipWriter(path: gz)
        try writer.write(try String(contentsOfFile: path, encoding: .utf8))
        try writer.close()
        let other = try ImportHarness()
        let zipped = try other.importFile(gz, ImportOptions(environment: "staging", service: "web"))
        #expect(zipped.format == .k6CSV)
        #expect(zipped.rowsAccepted == 1)
        #expect(try other.database.double("SELECT SUM(sum_ms) FROM latency_minutes") == 114.365)
    }

    @Test(arguments: [
        ("1791968430", Self.nine + 30), ("1791968430123", Self.nine + 30), ("1791968430123456", Self.nine + 30),
        ("1791968430123456789", Self.nine + 30), ("1791968430.5", Self.nine + 30), ("2026-10-14T09:00:30Z", Self.nine + 30),
        ("2026-10-14T11:00:30.123456789+02:00", Self.nine + 30), ("2026-10-14T09:00:30.5-00:00", Self.nine + 30),
    ] as [(String, Int64)])
    func everyTimeFormat(text: String, seconds: Int64) {
        var copy = text
        #expect(copy.withUTF8 { K6Parser.seconds($0) } == seconds)
    }

    @Test(arguments: ["", "0", "abc", "1791968430.", "17919684301234567890", "2026-10-14", "-1791968430"])
    func notATime(text: String) {
        var copy = text
        let seconds = copy.withUTF8 { K6Parser.seconds($0) }
        // A bare date is RFC 3339-ish enough to read as midnight; nothing else is a time.
        #expect(seconds == (text == "2026-10-14" ? Self.nine - 9 * 3600 : nil))
    }

    @Test func tagsMapServicesStatusesCountErrorsAndURLsAreNotStored() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let lines = [
            Self.header,
            Self.row("http_reqs", "1791968400", "1.000000", name: "web home"),
            Self.row("http_req_duration", "1791968400", "120.500000", name: "web home"),
            Self.row("http_req_duration", "1791968400123", "80.000000", name: "web home", status: "503"),
            Self.row("http_req_duration", "1791968410000000", "60000.000000", name: "web home", status: "0"),
            Self.row("http_req_duration", "2026-10-14T09:01:00Z", "95.250000", name: "search", extra: "service=web-iso&team=x"),
            Self.row("http_req_duration", "1791968470", "50.000000", name: "checkout"),
            Self.row("vus", "1791968470", "10.000000"),
        ]
        let path = try scratch.write("run.csv", lines.joined(separator: "\n") + "\n")
        let summary = try harness.importFile(path, ImportOptions(environment: "prod-hipaa"))
        #expect(summary.rowsAccepted == 4)
        #expect(summary.rowsUnmapped == 1)
        #expect(summary.rowsIgnored == 2)
        #expect(
            try harness.database.makeStatement(
                """
                SELECT service, minute, request_count, timed_count, error_5xx, sum_ms FROM latency_minutes
                ORDER BY service, minute
                """
            ).query() == [
                // The request without a response (status 0) is an error without a latency.
                [.text("web"), .integer(Self.nine), .integer(3), .integer(2), .integer(2), .real(200.5)],
                [.text("web-iso"), .integer(Self.nine + 60), .integer(1), .integer(1), .integer(0), .real(95.25)],
            ])
        let texts = try ALBLogImportTests.allText(harness.database) + [summary.description] + summary.warnings
        #expect(!texts.contains { $0.contains("patients") || $0.contains("ssn") })
    }

    @Test func badValuesAndBrokenRows() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let bad = try scratch.write(
            "bad.csv",
            [
                Self.header, Self.row("http_req_duration", "1791968400", "12.0"),
                Self.row("http_req_duration", "yesterday", "12.0"), Self.row("http_req_duration", "1791968401", "-3.0"),
            ].joined(separator: "\n"))
        let summary = try harness.importFile(bad, ImportOptions(environment: "staging", service: "web", maxBadRowsFraction: 1))
        #expect(summary.rowsAccepted == 1)
        #expect(summary.problems.map(\.line) == [3, 4])
        #expect(summary.problems[0].message.hasPrefix("column timestamp: \"yesterday\" is not a unix time"))
        #expect(summary.problems[1].message.hasPrefix("column metric_value: \"-3.0\""))

        let short = try scratch.write(
            "short.csv", [Self.header, Self.row("http_req_duration", "1791968400", "12.0"), "http_req_duration,1791968400,5"].joined(separator: "\n"))
        let error = #expect(throws: ImportError.self) {
            try harness.importFile(short, ImportOptions(environment: "staging", service: "web"))
        }
        #expect(error?.kind == .structure)
        #expect(error?.description.hasPrefix("\(short):3:4: 3 fields where the header has 18") == true)
    }
}
