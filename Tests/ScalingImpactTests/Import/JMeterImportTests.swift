import Foundation
import Testing

@testable import ScalingImpact

/// JMeter results beyond the default CSV: XML, date-pattern timestamps, quoted and non-ASCII labels.
@Suite struct JMeterImportTests {
    static let xmlSample = "jmeter-jtl-xml_sample_log1_head200.jtl"
    /// 2026-10-14T09:00:00Z.
    static let nine: Int64 = 1_791_968_400

    /// `(t, ts)` of every `<httpSample>` line of the sample, read without the importer.
    static func xmlSamples(path: String) throws -> [(elapsed: Double, ts: Int64)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").filter { $0.hasPrefix("<httpSample") }.map { line in
            func value(_ name: String) throws -> Substring {
                let start = try #require(line.range(of: " \(name)=\"")).upperBound
                return line[start...].prefix { $0 != "\"" }
            }
            return (try #require(Double(value("t"))), try #require(Int64(value("ts"))) / 1000)
        }
    }

    @Test func xmlSampleImportsEverySample() throws {
        let harness = try ImportHarness()
        let path = try TestFixtures.samplePath(Self.xmlSample)
        let samples = try Self.xmlSamples(path: path)
        #expect(samples.count == 198)
        #expect(try harness.importer.detectFormat(path: path) == .jmeterXML)

        let summary = try harness.importFile(path, ImportOptions(environment: "staging", service: "web-iso"))
        #expect(summary.format == .jmeterXML)
        #expect(summary.rowsAccepted == 198)
        #expect(summary.rowsRejected == 0)
        #expect(summary.firstTs == samples.map(\.ts).min())
        #expect(summary.lastTs == samples.map(\.ts).max())
        let db = harness.database
        #expect(try db.integer("SELECT SUM(request_count) FROM latency_minutes") == 198)
        #expect(try db.integer("SELECT SUM(error_5xx) FROM latency_minutes") == 0)
        #expect(try db.double("SELECT SUM(sum_ms) FROM latency_minutes") == 57_033)
        let histogram = try ALBLogImportTests.histogram(db, ServiceKey(environment: "staging", service: "web-iso"))
        for q in [0.5, 0.95, 0.99] {
            let exact = try #require(Percentiles.linear(samples.map(\.elapsed), q))
            let estimate = try #require(histogram.quantile(q))
            #expect(abs(estimate - exact) <= 0.005 * exact, "q=\(q): \(estimate) vs \(exact)")
        }
    }

    @Test func xmlOutcomesLabelsAndSubResults() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "results.jtl",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE testResults [ <!ENTITY x "y"> ]>
            <testResults version="1.2">
            <!-- a comment with <httpSample t="1" ts="1"/> inside -->
            <httpSample t="120" lt="100" ts="1791968400000" s="true" lb="web &amp; home" rc="200" rm="OK">
              <httpSample t="60" ts="1791968400010" s="true" lb="web sub" rc="200"/>
              <responseData class="java.lang.String"><![CDATA[<html>a < b ]] > </html>]]></responseData>
              <assertionResult><name>ok</name><failure>false</failure></assertionResult>
            </httpSample>
            <httpSample t='80' ts='1791968410000' s='false' lb='web home' rc='503'/>
            <sample t="95" ts="1791968450000" s="true" lb="web-iso s&#252;che" rc="200"/>
            <httpSample t="15000" ts="1791968470000" s="false" lb="web home"
                rc="Non HTTP response code: java.net.SocketTimeoutException"/>
            <httpSample t="70" ts="1791968490000" s="false" lb="web home"/>
            <httpSample t="50" ts="1791968480000" s="true" lb="checkout" rc="200"/>
            </testResults>

            """)
        let summary = try harness.importFile(path, ImportOptions(environment: "prod-eu"))
        #expect(summary.format == .jmeterXML)
        #expect(summary.rowsAccepted == 5)
        #expect(summary.rowsUnmapped == 1)
        #expect(
            try harness.database.makeStatement(
                """
                SELECT service, minute, request_count, timed_count, error_5xx, sum_ms FROM latency_minutes
                ORDER BY service, minute
                """
            ).query() == [
                [.text("web"), .integer(Self.nine), .integer(2), .integer(2), .integer(1), .real(200)],
                // The timeout has no latency; the failure without a response code is an error.
                [.text("web"), .integer(Self.nine + 60), .integer(2), .integer(1), .integer(2), .real(70)],
                [.text("web-iso"), .integer(Self.nine), .integer(1), .integer(1), .integer(0), .real(95)],
            ])
    }

    @Test(arguments: [
        ("<testResults>\n<httpSample t=\"1\" ts=\"1791968400000\"/>\n", 3, 1, "ends inside <testResults> opened on line 1"),
        ("<testResults>\n<httpSample t=\"1\" ts=\"1791968400000\">\n</sample>\n</testResults>\n", 3, 1, "</sample> where <httpSample>"),
        ("<?xml version=\"1.0\"?>\n<results>\n</results>\n", 2, 1, "root element is <results>"),
        ("<testResults>\n  <httpSample t=1 ts=\"2\"/>\n</testResults>\n", 2, 3, "value is not quoted"),
        ("<testResults>\n<httpSample t=\"1\" ts=\"1791968400000\n", 2, 1, "ends inside a tag"),
        ("<testResults></testResults>\n<testResults/>\n", 2, 1, "second root element"),
        ("<testResults>\n< httpSample/>\n</testResults>\n", 2, 1, "\"<\" that starts no tag"),
    ] as [(String, Int, Int, String)])
    func xmlStructureErrorsRejectTheFile(xml: String, line: Int, column: Int, what: String) throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write("broken.jtl", xml)
        let error = #expect(throws: ImportError.self) {
            try harness.importFile(path, ImportOptions(format: .jmeterXML, environment: "staging", service: "web"))
        }
        #expect(error?.kind == .structure)
        #expect(error?.line == line)
        #expect(error?.column == column)
        #expect(error?.message.contains(what) == true, "\(error?.message ?? "no error")")
        #expect(error?.description.hasPrefix("\(path):\(line):\(column): ") == true)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM imports") == 0)
    }

    /// The scanner keeps its state across chunks: any split of the input gives the same samples.
    @Test func xmlScannerIsIndependentOfChunking() throws {
        let bytes = Array(try String(contentsOfFile: try TestFixtures.samplePath(Self.xmlSample), encoding: .utf8).utf8)
        func scan(chunk: Int) throws -> [JTLXMLScanner.Sample] {
            var scanner = JTLXMLScanner(path: "x")
            var samples: [JTLXMLScanner.Sample] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunk, bytes.count)
                samples += try bytes[offset..<end].withUnsafeBufferPointer { try scanner.feed($0) }
                offset = end
            }
            try scanner.finish()
            return samples
        }
        let whole = try scan(chunk: bytes.count)
        #expect(whole.count == 198)
        #expect(whole[0] == JTLXMLScanner.Sample(
            name: "httpSample", line: 3,
            attributes: ["t": "1733", "lt": "1282", "ts": "1132021485561", "s": "true", "lb": "jakarta_home", "rc": "200"]))
        for chunk in [1, 7, 64, 4093] { #expect(try scan(chunk: chunk) == whole, "chunk \(chunk)") }
    }

    @Test func csvWithDatePatternSemicolonsAndQuotedNonASCIILabels() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        // jmeter.save.saveservice.timestamp_format=yyyy/MM/dd HH:mm:ss.SSS, default_delimiter=;
        let path = try scratch.write(
            "dated.csv",
            #"""
            timeStamp;elapsed;label;responseCode;success;URL
            2026/10/14 09:00:00.250;120;"web search; ünïcode ""quoted""";200;true;https://example.com/a?b=c
            2026/10/14 09:00:59.999;80;"web search; ünïcode ""quoted""";500;false;https://example.com/a?b=c
            2026/10/14 09:01:00.000;95;"web-iso Zürich, Süd";200;true;https://example.com/z

            """#)
        let summary = try harness.importFile(path, ImportOptions(environment: "prod-us"))
        #expect(summary.format == .jmeterJTL)
        #expect(summary.rowsAccepted == 3)
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings.first?.hasPrefix("timeStamp is a date without a time zone") == true)
        #expect(
            try harness.database.makeStatement(
                "SELECT service, minute, request_count, error_5xx, sum_ms FROM latency_minutes ORDER BY service, minute"
            ).query() == [
                [.text("web"), .integer(Self.nine), .integer(2), .integer(1), .real(200)],
                [.text("web-iso"), .integer(Self.nine + 60), .integer(1), .integer(0), .real(95)],
            ])
    }

    @Test(arguments: [
        ("2026/10/14 11:00:30.000 +0200", Self.nine + 30),
        ("2026-10-14T09:00:30.123Z", Self.nine + 30),
        ("2026.10.14 09:00:30", Self.nine + 30),
        ("1791968430123", Self.nine + 30),
    ] as [(String, Int64)])
    func timestampForms(text: String, seconds: Int64) {
        var clock = JMeterTime()
        var copy = text
        #expect(copy.withUTF8 { clock.seconds($0) } == seconds)
        #expect(clock.sawDateWithoutZone == (text == "2026.10.14 09:00:30"))
    }

    @Test(arguments: ["14/10/2026 09:00:30", "2026/13/14 09:00:30", "2026/10/14 25:00", "-5", "0", "yesterday", "2026/10-14 09:00"])
    func timestampsThatAreNone(text: String) {
        var clock = JMeterTime()
        var copy = text
        #expect(copy.withUTF8 { clock.seconds($0) } == nil)
    }

    @Test func badDateIsAValueErrorWithItsLine() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write(
            "bad.csv", "timeStamp,elapsed,label\n2026/10/14 09:00:00,10,web a\n14.10.2026 09:00,10,web a\n2026/10/14 09:00:01,10,web a\n")
        let error = #expect(throws: ImportError.self) {
            try harness.importFile(path, ImportOptions(environment: "prod-eu", service: "web"))
        }
        #expect(error?.kind == .values)
        #expect(error?.line == 3)
        #expect(error?.message.contains("\"14.10.2026 09:00\" is not epoch milliseconds or a yyyy/MM/dd HH:mm:ss[.SSS] date") == true)
    }
}
