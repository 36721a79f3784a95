import ArgumentParser
import Foundation
import ScalingImpact

@main
struct ScalingImpactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaling-impact",
        abstract: "What did a change to our ECS services cost, and what did it do to latency?",
        discussion: """
            Imports AWS exports (CUR, CloudWatch, JMeter results) into SQLite, compares each
            environment's week before its change with the week after, and writes a management
            summary, an engineering report and CSV files.

            Exit status: 0 success, 2 files rejected, 3 configuration error, 4 database error,
            64 usage error.
            """,
        subcommands: [Init.self, Import.self, Status.self, Report.self, Demo.self, GenerateSample.self]
    )
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The SQLite database.")
    var databasePath = "impact.sqlite"

    @Option(name: .customLong("config"), help: "The configuration file (write one with `init`).")
    var configurationPath = "impact.toml"
}

/// Exit statuses that tell failures apart.
enum ExitStatus {
    static let rejected = ExitCode(2)
    static let configuration = ExitCode(3)
    static let storage = ExitCode(4)
    static let usage = ExitCode(64)
}

/// Prints `error` to stderr and maps it to its exit status.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    switch error {
    case let error as ImportError:
        return error.kind == .usage ? ExitStatus.usage : ExitStatus.rejected
    case is ConfigurationError: return ExitStatus.configuration
    case is StorageError: return ExitStatus.storage
    default: return ExitCode.failure
    }
}

func loadConfiguration(_ path: String) throws -> Configuration {
    do { return try Configuration.load(path: path) } catch { throw fail(error) }
}

func openDatabase(_ path: String, readOnly: Bool = false) throws -> Database {
    do { return try Database(path: path, readOnly: readOnly) } catch { throw fail(error) }
}
