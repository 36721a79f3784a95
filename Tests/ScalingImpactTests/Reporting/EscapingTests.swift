import Foundation
import Testing

@testable import ScalingImpact

@Suite("Escaping where data lands")
struct EscapingTests {
    @Test(
        "Markdown cells: pipes, HTML and markup from data are escaped, line breaks become spaces",
        arguments: [
            ("a|b", "a\\|b"),
            ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("R&D", "R&amp;D"),
            ("`code`", "\\`code\\`"),
            ("*bold* _it_ [l](u) #h", "\\*bold\\* \\_it\\_ \\[l\\](u) \\#h"),
            ("two\nlines\r\nhere", "two lines here"),
            ("back\\slash", "back\\\\slash"),
            ("prod-eu", "prod-eu"),
        ])
    func markdownCell(input: String, expected: String) {
        #expect(Markdown.cell(input) == expected)
    }

    @Test(
        "CSV fields: formulas are defused with a quote, separators quoted, quotes doubled",
        arguments: [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("=HYPERLINK(\"u\",\"v\")", "\"'=HYPERLINK(\"\"u\"\",\"\"v\"\")\""),
            ("line\nbreak", "\"line\nbreak\""),
            ("web-ingestion", "web-ingestion"),
        ])
    func csvField(input: String, expected: String) {
        #expect(CSVWriter.field(input) == expected)
    }

    @Test("CSV numbers stay numbers: negative values are not prefixed, no exponent, no -0")
    func csvNumbers() {
        #expect(CSVWriter.number(-12.5) == "-12.5")
        #expect(CSVWriter.number(1e-7) == "0")
        #expect(CSVWriter.number(-0.00001) == "0")
        #expect(CSVWriter.number(1_234_567.891, digits: 2) == "1234567.89")
        #expect(CSVWriter.number(nil) == "")
        #expect(CSVWriter.number(.nan) == "")
        #expect(CSVWriter.record(["a", "b"]) == "a,b\r\n")
    }

    @Test(
        "the fast decimal formatter agrees with the printf one away from exact ties",
        arguments: [0.0, 1, -1, 0.1, 0.26, 3.14159, -2.71828, 1234.5678, 0.00004, -0.00004, 1e12 + 0.3, 99.99999, 4.2, 1e17])
    func fastDecimal(value: Double) {
        for digits in [0, 1, 2, 4] {
            #expect(CSVWriter.decimal(value, digits: digits) == CSVWriter.number(value, digits: digits), "\(value) with \(digits)")
        }
        #expect(CSVWriter.decimal(nil, digits: 2) == "")
        #expect(CSVWriter.decimal(.infinity, digits: 2) == "")
        #expect(CSVWriter.decimal(0.05, digits: 2) == "0.05")
        #expect(CSVWriter.decimal(-0.004, digits: 2) == "0")
    }

    @Test(
        "SVG text: markup characters become entities, characters XML forbids are replaced",
        arguments: [
            ("<g onload=\"x\">", "&lt;g onload=&quot;x&quot;&gt;"),
            ("a & b", "a &amp; b"),
            ("it's", "it&apos;s"),
            ("bell\u{7}", "bell\u{FFFD}"),
            ("nul\u{0}", "nul\u{FFFD}"),
            ("ok ✓", "ok ✓"),
        ])
    func svgEscape(input: String, expected: String) {
        #expect(SVG.escape(input) == expected)
    }

    @Test("an SVG with every hostile name is well-formed XML and keeps the names as text")
    func svgWithHostileText() throws {
        var svg = SVGDocument(width: 100, height: 50, title: ReportTestData.hostileEnvironment)
        svg.text(ReportTestData.hostileService, x: 1, y: 2)
        svg.text("control\u{1}char", x: 1, y: 2)
        svg.element("rect", [("data-name", "\"><script>")])
        let parsed = XMLCheck.parse(svg.render())
        #expect(parsed.error == nil)
        #expect(parsed.check.texts.contains(ReportTestData.hostileEnvironment))
        #expect(parsed.check.texts.contains(ReportTestData.hostileService))
        #expect(!parsed.check.elements.contains("script"))
    }

    @Test("SVG numbers: two decimals at most, no -0, nothing non-finite")
    func svgNumbers() {
        #expect(SVG.number(12) == "12")
        #expect(SVG.number(12.345) == "12.35")
        #expect(SVG.number(12.10) == "12.1")
        #expect(SVG.number(-0.001) == "0")
        #expect(SVG.number(-3.5) == "-3.5")
        #expect(SVG.number(.infinity) == "0")
        #expect(SVG.number(.nan) == "0")
    }
}
