import Foundation
import Testing

@testable import ScalingImpact

/// Runs generated SQL in DuckDB through `Fixtures/athena/run_duckdb.py` (python3 + the duckdb
/// module), over a table laid out as AWS's Athena table, and returns the result CSV's path.
///
/// Where python3 or duckdb is missing the equivalence tests cannot run: under `CI=true` that is
/// a test failure saying what to install (`.ci/run` installs duckdb), elsewhere the test is
/// skipped with the reason printed.
struct DuckDBRunner {
    /// The table the script builds.
    enum Table: String {
        case alb
        case cur2
        case curLegacy = "cur-legacy"
        case none
    }

    let script: String
    let scratch: ScratchDirectory

    /// Whether a missing engine fails the test (CI) rather than skipping it.
    static var isRequired: Bool { ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"] ?? "") }

    /// A runner, or nil (with the reason printed) when python3 with duckdb is not available outside CI.
    static func make(scratch: ScratchDirectory, sourceLocation: SourceLocation = #_sourceLocation) throws -> DuckDBRunner? {
        let script = try TestFixtures.folder().appendingPathComponent("athena/run_duckdb.py").path
        let probe = try run(["python3", "-c", "import duckdb; print(duckdb.__version__)"])
        guard probe.status == 0 else {
            let reason =
                "python3 with the duckdb module is needed for the Athena SQL equivalence tests "
                + "(python3 -m pip install duckdb): \(probe.stderr.suffix(300))"
            if isRequired {
                Issue.record(Comment(rawValue: reason), sourceLocation: sourceLocation)
            } else {
                print("skipped: \(reason)")
            }
            return nil
        }
        return DuckDBRunner(script: script, scratch: scratch)
    }

    /// Runs `sql` over `inputs` loaded as `table`; returns the result CSV's path.
    func run(_ sql: String, table: Table, inputs: [String], name: String = "result") throws -> String {
        let query = try scratch.write("\(name).sql", sql)
        let out = scratch.path("\(name).csv")
        let result = try Self.run(["python3", script, table.rawValue, query, out] + inputs)
        try #require(result.status == 0, "DuckDB failed on \(name).sql: \(result.stderr)")
        return out
    }

    /// Runs a command found on PATH; returns its exit status and standard error.
    static func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
