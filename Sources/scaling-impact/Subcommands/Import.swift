import ArgumentParser
import Foundation
import ScalingImpact

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import exports (files or folders) into the database, one transaction per file.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Format instead of detecting it: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String?

    @Option(help: "Environment for files that carry none (JMeter results).")
    var environment: String?

    @Option(help: "Service for files that carry none.")
    var service: String?

    @Option(help: "Reject a file when more than this share of rows has bad values, in percent.")
    var maxBadRows: Double = 0.1

    @Flag(
        help: """
            The cost files are newer exports of their period (CUR is restated during the month): their \
            hourly cost rows replace earlier imports' rows for the same environments and hours. Without \
            it, hours already imported from another file are kept and skipped in this one. Likewise for \
            latency periods held by both an Athena result (athena-sql) and local logs: with it the file's \
            periods replace the stored ones.
            """)
    var replace = false

    @Flag(name: .shortAndLong, help: "No progress bar (it is only drawn on a terminal anyway).")
    var quiet = false

    @Argument(help: "Files or folders to import; - reads standard input.")
    var paths: [String]

    func validate() throws {
        if let format, ImportFormat(rawValue: format) == nil {
            throw ValidationError("unknown --format \(format); use one of \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard maxBadRows >= 0 && maxBadRows <= 100 else { throw ValidationError("--max-bad-rows must be between 0 and 100") }
    }

    func run() throws {
        let configuration = try loadConfiguration(database.configurationPath)
        let db = try openDatabase(database)
        let importer = Importer(database: db, configuration: configuration)
        let options = ImportOptions(
            format: format.flatMap(ImportFormat.init(rawValue:)), environment: environment, service: service,
            maxBadRowsFraction: maxBadRows / 100, replace: replace)
        var rejected = 0
        let files: [String]
        do { files = try Importer.expand(paths) } catch { throw fail(error) }
        for path in files {
            do {
                let summary = try withProgress(label: path) { try importer.importFile(path: path, options: options) }
                print(summary.description)
                for problem in summary.problems { print("  \(problem)") }
                for warning in summary.warnings { print("  warning: \(warning)") }
            } catch let error as ImportError where error.kind != .usage {
                FileHandle.standardError.write(Data("rejected: \(error)\n".utf8))
                rejected += 1
            } catch {
                throw fail(error)
            }
        }
        if rejected > 0 {
            FileHandle.standardError.write(Data("\(rejected) of \(files.count) files rejected; nothing of them was stored\n".utf8))
            throw ExitStatus.rejected
        }
    }

    /// Runs `body` with a progress line on standard error when that is a terminal and not `--quiet`.
    private func withProgress<T>(label: String, _ body: () throws -> T) throws -> T {
        guard !quiet, isatty(2) != 0 else { return try body() }
        let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
        let progress = ImportProgress(label: label, width: width) { FileHandle.standardError.write(Data($0.utf8)) }
        defer { progress.finish() }
        return try ImportProgress.$current.withValue(progress) { try body() }
    }
}
