import ArgumentParser
import Foundation
import ScalingImpact

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what has been imported and what it covers.")

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let db = try openDatabase(database, mustExist: true)
        do {
            let coverage = try CoverageReport.load(from: db)
            print(coverage.renderText())
        } catch {
            throw fail(error)
        }
    }
}
