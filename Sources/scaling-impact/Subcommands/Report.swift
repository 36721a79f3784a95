import ArgumentParser
import Foundation
import ScalingImpact

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse the database and write summary.md, details.md and metrics.csv.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Folder for the reports.")
    var out = "reports"

    func run() throws {
        let configuration = try loadConfiguration(database.configurationPath)
        let db = try openDatabase(database, mustExist: true)
        do {
            let result = try Analyzer(configuration: configuration).analyze(database: db)
            let written = try ReportWriter(directory: out).write(result, imports: try ImportRecord.all(in: db))
            print(SummaryReport.headline(result))
            for path in written { print("wrote \(path)") }
        } catch {
            throw fail(error)
        }
    }
}
