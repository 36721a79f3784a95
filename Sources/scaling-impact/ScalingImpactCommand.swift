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

            Exit status: 0 success, 1 other failure, 2 files rejected, 3 configuration missing or
            invalid, 4 database error, 5 database or folder read-only, 6 disk full, 7 database from
            a newer scaling-impact, 8 database locked by another process, 64 usage error.
            """,
        subcommands: [Init.self, Import.self, Status.self, Report.self, Demo.self, GenerateSample.self, AthenaSQL.self]
    )
}

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The SQLite database.")
    var databasePath = "impact.sqlite"

    @Option(name: .customLong("config"), help: "The configuration file (write one with `init`).")
    var configurationPath = "impact.toml"

    @Option(help: "Seconds to wait for another process that is writing to the database.")
    var lockTimeout: Double = 10
}

/// Exit statuses that tell failures apart.
enum ExitStatus {
    static let rejected = ExitCode(2)
    static let configuration = ExitCode(3)
    static let storage = ExitCode(4)
    static let readOnly = ExitCode(5)
    static let diskFull = ExitCode(6)
    static let schemaTooNew = ExitCode(7)
    static let locked = ExitCode(8)
    static let usage = ExitCode(64)
}

/// Prints `error` to stderr and maps it to its exit status.
func fail(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    switch error {
    case let error as ImportError:
        return error.kind == .usage ? ExitStatus.usage : ExitStatus.rejected
    case is ConfigurationError: return ExitStatus.configuration
    case let error as StorageError:
        switch error.fault {
        case .readOnly: return ExitStatus.readOnly
        case .diskFull: return ExitStatus.diskFull
        case .schemaTooNew: return ExitStatus.schemaTooNew
        case .locked: return ExitStatus.locked
        case .notADatabase, .other: return ExitStatus.storage
        }
    default: return ExitCode.failure
    }
}

func loadConfiguration(_ path: String) throws -> Configuration {
    do { return try Configuration.load(path: path) } catch { throw fail(error) }
}

/// Opens the database; commands that only read it require it to exist rather than create it.
func openDatabase(_ options: DatabaseOptions, mustExist: Bool = false) throws -> Database {
    if mustExist && !FileManager.default.fileExists(atPath: options.databasePath) {
        throw fail(
            StorageError(
                resultCode: 14, message: "no database at \(options.databasePath)",
                hint: "import exports first with `scaling-impact import`, or name the database with --db"))
    }
    do { return try Database(path: options.databasePath, lockTimeout: options.lockTimeout) } catch { throw fail(error) }
}
