import ArgumentParser
import Foundation
import ScalingImpact

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse the database and write summary.md, details.md, CSV files and charts.",
        discussion: """
            Writes summary.md, details.md, metrics.csv, timeseries.csv, scaling_events.csv and
            charts/*.svg into --out. With --format json, stdout carries only the summary's numbers
            and verdicts as JSON (for scripts and CI); the files are written either way.
            """)

    /// What `report` prints on stdout.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Folder for the reports.")
    var out = "reports"

    @Option(help: "What to print on stdout: text (the headline and the files written) or json.")
    var format: OutputFormat = .text

    func run() throws {
        let configuration = try loadConfiguration(database.configurationPath)
        let db = try openDatabase(database, mustExist: true)
        do {
            let result = try Analyzer(configuration: configuration).analyze(database: db)
            let written = try ReportWriter(directory: out).write(result, database: db)
            switch format {
            case .json:
                print(SummaryJSON.render(result), terminator: "")
            case .text:
                print(SummaryReport.headline(result))
                for path in written { print("wrote \(path)") }
            }
        } catch {
            throw fail(error)
        }
    }
}
