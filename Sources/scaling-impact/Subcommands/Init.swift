import ArgumentParser
import Foundation
import ScalingImpact

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a commented impact.toml for the rollout.")

    @Option(name: .customLong("config"), help: "Where to write the configuration.")
    var path = "impact.toml"

    @Flag(help: "Replace an existing file.")
    var force = false

    func run() throws {
        if FileManager.default.fileExists(atPath: path) && !force {
            throw ValidationError("\(path) exists; pass --force to replace it")
        }
        do {
            try Configuration.template.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw fail(error)
        }
        print("Wrote \(path). Edit the environments' change times, task sizes and prices, then run `scaling-impact import`.")
    }
}
