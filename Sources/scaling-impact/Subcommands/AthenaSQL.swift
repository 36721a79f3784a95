import ArgumentParser
import Foundation
import ScalingImpact

struct AthenaSQL: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "athena-sql",
        abstract: "Print SQL that reduces ALB logs or the CUR in Athena to what `import` stores.",
        discussion: """
            For logs and bills too big for one machine: run the printed query in Athena over the
            tables AWS documents, download the result CSV and `import` it. The result holds the
            same histograms, counts and costs a local import of the same data would store.
            """,
        subcommands: [Latency.self, Cost.self])

    /// Options both queries share.
    struct Common: ParsableArguments {
        @Option(name: .customLong("config"), help: "The configuration file whose [[mapping]] rules map rows.")
        var configurationPath = "impact.toml"

        @Option(help: "Start of the range, UTC, inclusive (2026-10-01T00:00:00Z).")
        var from: String

        @Option(help: "End of the range, UTC, exclusive.")
        var to: String

        @Option(help: "SQL dialect: trino (Amazon Athena) or duckdb.")
        var dialect = "trino"

        func window() throws -> TimeWindow {
            TimeWindow(start: try Self.time(from, "--from"), end: try Self.time(to, "--to"))
        }

        func sqlDialect() throws -> SQLDialect {
            guard let value = SQLDialect(rawValue: dialect) else {
                throw ValidationError("unknown --dialect \(dialect); use trino or duckdb")
            }
            return value
        }

        static func time(_ text: String, _ option: String) throws -> Int64 {
            guard let parsed = UTCTime.parse(text), parsed.nanoseconds == 0 else {
                throw ValidationError("\(option) \"\(text)\" is not a UTC time such as 2026-10-01T00:00:00Z")
            }
            return parsed.seconds
        }
    }

    struct Latency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Latency histograms per (environment, service, minute or hour) from the ALB access log table.")

        @OptionGroup var common: Common

        @Option(help: "Period of the result rows: minute or hour (60 times fewer rows).")
        var grain = "minute"

        @Option(help: "The ALB access log table (name, database.name).")
        var table = "alb_logs"

        @Flag(help: "The table has AWS's partition-projection `day` partition (yyyy/MM/dd): scan only the range's days.")
        var partitioned = false

        func run() throws {
            guard let grain = AthenaLatencyQuery.Grain(rawValue: grain) else {
                throw ValidationError("unknown --grain \(self.grain); use minute or hour")
            }
            let configuration = try loadConfiguration(common.configurationPath)
            let window = try common.window()
            let dialect = try common.sqlDialect()
            do {
                let query = try AthenaLatencyQuery(
                    range: window, grain: grain, table: table, isPartitioned: partitioned, dialect: dialect)
                print(try query.render(configuration: configuration), terminator: "")
            } catch {
                throw usageFailure(error)
            }
        }
    }

    struct Cost: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fargate vCPU-hours, GB-hours and billed cost per (environment, service, hour) from a CUR table.")

        @OptionGroup var common: Common

        @Option(help: "The CUR table (name, database.name).")
        var table = "cur"

        @Flag(help: "A legacy CUR table (resource_tags_<key> columns) instead of CUR 2.0 (map columns).")
        var legacy = false

        @Option(help: "Billed cost column: net (line_item_net_unblended_cost) or unblended. Default: net for CUR 2.0, unblended for --legacy.")
        var costColumn: String?

        @Flag(
            inversion: .prefixedNo,
            help: "The table has the savings_plan_* effective cost columns. Default: yes for CUR 2.0, no for --legacy.")
        var savingsPlanColumns: Bool?

        @Flag(
            name: .customLong("no-ecs-tags"),
            help: "A legacy table without the resource_tags_aws_ecs_cluster_name and _service_name columns.")
        var noECSTags = false

        @Flag(help: "Scan only the range's partitions (CUR 2.0: billing_period; legacy: year and month).")
        var partitioned = false

        func run() throws {
            var column: AthenaCostQuery.CostColumn?
            if let costColumn {
                guard let value = AthenaCostQuery.CostColumn(rawValue: costColumn) else {
                    throw ValidationError("unknown --cost-column \(costColumn); use net or unblended")
                }
                column = value
            }
            let configuration = try loadConfiguration(common.configurationPath)
            let window = try common.window()
            let dialect = try common.sqlDialect()
            do {
                let query = try AthenaCostQuery(
                    range: window, table: table, layout: legacy ? .legacy : .cur2, costColumn: column,
                    hasSavingsPlanColumns: savingsPlanColumns, hasECSTagColumns: !noECSTags, isPartitioned: partitioned,
                    dialect: dialect)
                print(try query.render(configuration: configuration), terminator: "")
            } catch {
                throw usageFailure(error)
            }
        }
    }
}

/// Prints a query that cannot be written as asked and exits with the usage status.
private func usageFailure(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    return ExitStatus.usage
}
