import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import ScalingImpact

/// Issue 7's injection test, end to end: hostile environment and service names from `impact.toml`, data mapped to
/// them by an import from a hostile file name, the analysis, and every report file written to disk.
@Suite struct InjectionTests {
    static let environmentA = "prod|`eu`<script>alert(1)</script>"
    static let environmentB = "=cmd|' /C calc'!A0"
    static let serviceA = "+web\n| injected | row |"
    static let serviceB = "@SUM(1+1)*_[x](javascript:alert(2))"
    static let fileName = "-evil|<img src=x onerror=alert(3)>`.csv"

    /// TOML basic strings: quotes, backslashes and the newline escaped.
    static func toml(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    static var configurationText: String {
        """
        [criteria]
        bootstrap_resamples = 200

        [[environments]]
        name = \(toml(environmentA))
        region = "us-east-1"
        change_at = "2026-10-13T10:00:00Z"

        [[environments]]
        name = \(toml(environmentB))
        region = "us-east-1"
        change_at = "2026-10-14T10:00:00Z"

        [[services]]
        name = \(toml(serviceA))
        vcpu = 1
        memory_gb = 2
        min_capacity = 2
        max_capacity = 20

        [[services]]
        name = \(toml(serviceB))
        vcpu = 0.5
        memory_gb = 1
        min_capacity = 2
        max_capacity = 20

        [[prices]]
        region = "us-east-1"
        vcpu_hour_usd = 0.04048
        gb_hour_usd = 0.004445
        taken_on = "2026-10-01"
        source = "test"
        """
    }

    /// A CSV field as RFC 4180 writes it.
    static func csv(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Five-minute task counts and CPU for every (environment, service), a week either side of the changes.
    static func metrics() -> String {
        var lines = ["timestamp,environment,service,metric,statistic,period_s,value"]
        let start = UTCTime.seconds(year: 2026, month: 10, day: 5)
        for environment in [environmentA, environmentB] {
            for (index, service) in [serviceA, serviceB].enumerated() {
                for step in 0..<(18 * 288) {
                    let t = start + Int64(step) * 300
                    let tasks = 4 + index + (step / 12) % 3
                    lines.append("\(UTCTime.iso8601(t)),\(csv(environment)),\(csv(service)),RunningTaskCount,Average,300,\(tasks)")
                    lines.append("\(UTCTime.iso8601(t)),\(csv(environment)),\(csv(service)),CPUUtilization,Average,300,\(40 + step % 20)")
                }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A report file: its path under the report folder and its content.
    struct ReportFile: Sendable {
        var name: String
        var text: String
    }

    /// Imports the hostile data into `database` and checks it arrived under the names as written.
    static func importHostileData(_ configuration: Configuration, into database: Database) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(fileName, metrics())
        let summary = try Importer(database: database, configuration: configuration).importFile(path: path, options: ImportOptions())
        guard summary.rowsAccepted == 4 * 2 * 18 * 288, summary.rowsUnmapped == 0 else {
            throw ImportError(.values, path: path, message: "unexpected import: \(summary)")
        }
    }

    /// The reports of the hostile rollout, made once for every test here (the analysis takes a few seconds).
    static let made: Result<[ReportFile], any Error> = Result {
        let configuration = try Configuration.parse(configurationText)
        let database = try Database(path: ":memory:")
        try importHostileData(configuration, into: database)
        let result = try Analyzer(configuration: configuration).analyze(database: database)
        let scratch = try ScratchDirectory()
        let folder = scratch.path("reports")
        let written = try ReportWriter(directory: folder).write(result, database: database)
        return try written.map { ReportFile(name: String($0.dropFirst(folder.count + 1)), text: try String(contentsOfFile: $0, encoding: .utf8)) }
    }

    static func reports() throws -> [ReportFile] { try made.get() }

    @Test func hostileNamesParseImportAndAreStoredExactly() throws {
        let configuration = try Configuration.parse(Self.configurationText)
        #expect(configuration.environments.map(\.name) == [Self.environmentA, Self.environmentB])
        #expect(configuration.services.map(\.name) == [Self.serviceA, Self.serviceB])
        let database = try Database(path: ":memory:")
        try Self.importHostileData(configuration, into: database)
        // Bound parameters store the names exactly as written.
        let stored = try database.makeStatement("SELECT DISTINCT environment, service FROM metric_points ORDER BY 1, 2").query()
        #expect(stored.count == 4)
        #expect(stored.contains([.text(Self.environmentB), .text(Self.serviceA)]))
        #expect(stored.contains([.text(Self.environmentA), .text(Self.serviceB)]))
    }

    @Test func hostileNamesAreEscapedInEveryReportFile() throws {
        let files = try Self.reports()
        #expect(files.contains { $0.name.hasSuffix(".svg") })
        // CSV holds data, not markup (its cells are checked below); Markdown and SVG must hold no live markup.
        for file in files where !file.name.hasSuffix(".csv") {
            #expect(!file.text.contains("<script"), "\(file.name)")
            #expect(!file.text.contains("<img"), "\(file.name)")
        }
        // In Markdown, a name with a newline never starts a table row of its own.
        for file in files where file.name.hasSuffix(".md") {
            #expect(!file.text.contains("\n| injected | row |"), "\(file.name)")
        }
        let summary = try #require(files.first { $0.name == "summary.md" }?.text)
        #expect(summary.contains("&lt;script&gt;"), "the hostile environment is in the summary, escaped")
    }

    /// Every Markdown table row has as many cells as its header: no name adds a column.
    @Test func markdownTablesKeepTheirColumnCount() throws {
        for file in try Self.reports() where file.name.hasSuffix(".md") {
            var columns: Int?
            var tables = 0
            for line in file.text.split(separator: "\n", omittingEmptySubsequences: false) {
                guard line.hasPrefix("|") else {
                    columns = nil
                    continue
                }
                let cells = Self.unescapedPipes(line) - 1
                if let columns {
                    #expect(cells == columns, "\(file.name): \(line)")
                } else {
                    columns = cells
                    tables += 1
                }
            }
            #expect(tables > 0, "\(file.name) has tables")
            #expect(file.text.contains("\\|"), "\(file.name) shows the names' pipes, escaped")
        }
    }

    static func unescapedPipes(_ line: Substring) -> Int {
        var count = 0
        var escaped = false
        var inCode = false
        for c in line {
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "`" {
                inCode.toggle()
            } else if c == "|" && !inCode {
                count += 1
            }
        }
        return count
    }

    @Test func svgChartsAreWellFormedAndHoldTheNamesAsText() throws {
        let charts = try Self.reports().filter { $0.name.hasSuffix(".svg") }
        #expect(charts.count >= 2)
        var texts: [String] = []
        for chart in charts {
            let collector = TextCollector()
            let parser = XMLParser(data: Data(chart.text.utf8))
            parser.delegate = collector
            #expect(parser.parse(), "\(chart.name): \(parser.parserError.map(String.init(describing:)) ?? "")")
            #expect(collector.elements.allSatisfy { $0 != "script" && $0 != "foreignObject" }, "\(chart.name)")
            texts += collector.texts
        }
        // The parsed text holds the hostile name as plain text, not markup.
        #expect(texts.joined().contains("<script>alert(1)</script>"))
    }

    /// Every CSV cell reads back with our reader; no text cell starts with a formula character.
    @Test func csvCellsAreNeverFormulas() throws {
        let files = try Self.reports().filter { $0.name.hasSuffix(".csv") }
        #expect(Set(files.map(\.name)) == ["metrics.csv", "timeseries.csv", "scaling_events.csv"])
        var cells: [String] = []
        for file in files {
            let scratch = try ScratchDirectory()
            var reader = try CSVReader(path: try scratch.write("in.csv", file.text))
            var width: Int?
            while try reader.next() {
                let record = reader.record
                if let width { #expect(record.count == width, "\(file.name) line \(record.line)") } else { width = record.count }
                for i in 0..<record.count {
                    let cell = record.string(i)
                    cells.append(cell)
                    if let first = cell.first, "=+-@\t\r".contains(first) {
                        #expect(Double(cell) != nil, "\(file.name) line \(record.line): formula cell \(cell)")
                    }
                }
            }
        }
        #expect(cells.contains("'" + Self.environmentB))
        #expect(cells.contains("'" + Self.serviceA))
        #expect(cells.contains("'" + Self.serviceB))
    }
}

/// All SQL the tool runs binds its values: no SQL literal passed to the database wrapper interpolates anything
/// but the two constants below (an integer schema version, and table names from a literal list).
@Suite struct BoundParameterTests {
    static let allowed: Set<String> = ["\\(step + 1)", "\\(table)"]

    @Test func noSQLLiteralInterpolatesData() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.subpaths(atPath: sources.path)).filter { $0.hasSuffix(".swift") }
        let call = try Regex(#"(makeStatement|cachedStatement|execute|prepare)\(\s*("""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*")"#)
        let interpolation = try Regex(#"\\\([^)]*\)"#)
        var literals = 0
        var found: [String] = []
        var seenAllowed: Set<String> = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: call) {
                literals += 1
                for part in match.output[0].substring?.matches(of: interpolation) ?? [] {
                    let piece = String(text[part.range])
                    if Self.allowed.contains(piece) { seenAllowed.insert(piece) } else { found.append("\(file): \(piece)") }
                }
            }
        }
        #expect(literals > 40, "the scan finds the SQL")
        #expect(seenAllowed == Self.allowed, "the scan sees interpolations")
        #expect(found.isEmpty, "SQL built by interpolation: \(found)")
    }
}

/// Element names and text of an SVG, via Foundation's XML parser.
private final class TextCollector: NSObject, XMLParserDelegate {
    var elements: [String] = []
    var texts: [String] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        elements.append(elementName)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
}
