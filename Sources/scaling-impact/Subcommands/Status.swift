import ArgumentParser
import Foundation
import ScalingImpact

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what has been imported and what it covers.",
        discussion: """
            Per environment × service × source: rows, time range, gaps, rejected and unmapped rows;
            totals of billed Fargate cost, vCPU-hours, GB-hours and requests; the cost column used;
            and every import with its SHA-256. `--format json` prints the same as JSON.
            """)

    /// How the status is printed.
    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let db = try openDatabase(database, mustExist: true)
        do {
            let coverage = try CoverageReport.load(from: db)
            switch format {
            case .text: print(coverage.renderText(), terminator: "")
            case .json: print(try coverage.renderJSON())
            }
        } catch {
            throw fail(error)
        }
    }
}
