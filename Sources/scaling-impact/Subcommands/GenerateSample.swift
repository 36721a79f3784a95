import ArgumentParser
import Foundation
import ScalingImpact

struct GenerateSample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-sample",
        abstract: "Regenerate the simulated sample data (deterministic: the same seed gives the same bytes).")

    @Option(help: "Folder to write.")
    var out = "sample-data"

    @Option(help: "Random seed.")
    var seed: UInt64 = 20_261_005

    func run() throws {
        do {
            let configuration = try Configuration.parse(Configuration.template)
            let files = try SampleGenerator(configuration: configuration, seed: seed).write(to: out)
            for file in files { print("wrote \(file)") }
        } catch {
            throw fail(error)
        }
    }
}
