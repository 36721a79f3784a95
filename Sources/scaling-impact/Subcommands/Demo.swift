import ArgumentParser
import Foundation
import ScalingImpact

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import sample-data/ into a fresh database and write reports/: the whole pipeline in one command.")

    @Option(help: "Folder with the sample exports and their impact.toml.")
    var samples = "sample-data"

    @Option(name: .customLong("db"), help: "Database to create (replaced if it exists).")
    var databasePath = "demo.sqlite"

    @Option(help: "Folder for the reports.")
    var out = "reports"

    func run() throws {
        guard FileManager.default.fileExists(atPath: samples) else {
            throw ValidationError("\(samples) not found; run the demo from the repository's top folder or pass --samples")
        }
        let demo = ScalingImpact.Demo(sampleDirectory: samples, databasePath: databasePath, outputDirectory: out)
        do {
            print("Importing \(samples)/ into \(databasePath):")
            let outcome = try demo.run { print("  \($0)") }
            print("\n\(SummaryReport.headline(outcome.result))\n")
            print("Reports:")
            for path in outcome.reports { print("  \(path)") }
        } catch {
            throw fail(error)
        }
    }
}
