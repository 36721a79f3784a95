import Foundation
import Testing

@testable import ScalingImpact

/// The generated cost SQL, run by DuckDB over CUR line items loaded as the Athena tables (CUR 2.0
/// and legacy), imports to the hourly usage and cost the local importer stores from the same
/// line items as CSV.
@Suite struct AthenaCostEquivalenceTests {
    /// (environment|service|hour|kind) → (usage, cost).
    static func usage(_ database: Database) throws -> [String: (amount: Double, cost: Double)] {
        var rows: [String: (Double, Double)] = [:]
        try database.makeStatement(
            "SELECT environment, service, hour, usage_kind, SUM(usage_amount), SUM(billed_cost_usd) FROM usage_cost GROUP BY 1, 2, 3, 4"
        ).forEachRow { row in
            rows["\(row.string(0))|\(row.string(1))|\(row.int(2))|\(row.string(3))"] = (row.double(4), row.double(5))
        }
        return rows
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }

    @Test(arguments: [AthenaCostQuery.Layout.cur2, .legacy])
    func generatedLineItemsGiveTheSameHourlyCostsAsTheLocalImporter(layout: AthenaCostQuery.Layout) throws {
        let scratch = try ScratchDirectory()
        guard let duckdb = try DuckDBRunner.make(scratch: scratch) else { return }
        let configuration = try GeneratedCUR.configuration()
        let cur = GeneratedCUR(count: 3000)
        let path = try scratch.write("cur.csv", layout == .cur2 ? cur.cur2 : cur.legacy)
        let local = try ImportHarness(configuration: configuration)
        let localSummary = try local.importFile(path)
        #expect(localSummary.format == .curSnakeCase)
        // The generated table has every column, as a CUR 2.0 table does; a legacy one says so by option.
        let query = try AthenaCostQuery(
            range: TimeWindow(start: GeneratedCUR.start, end: GeneratedCUR.start + GeneratedCUR.hours * 3600),
            layout: layout, costColumn: .net, hasSavingsPlanColumns: true, isPartitioned: true, dialect: .duckdb)
        let result = try duckdb.run(
            try query.render(configuration: configuration), table: layout == .cur2 ? .cur2 : .curLegacy, inputs: [path])
        let athena = try ImportHarness(configuration: configuration)
        #expect(try athena.importer.detectFormat(path: result) == .athenaCost)
        let summary = try athena.importFile(result)
        #expect(summary.format == .athenaCost)
        #expect(summary.rowsAccepted == localSummary.rowsAccepted)
        #expect(summary.rowsUnmapped == localSummary.rowsUnmapped)
        #expect(summary.rowsIgnored == localSummary.rowsIgnored)
        #expect(summary.rowsRejected == 0 && localSummary.rowsRejected == 0)
        #expect(summary.costColumn == localSummary.costColumn)
        let expected = try Self.usage(local.database)
        let actual = try Self.usage(athena.database)
        #expect(Set(expected.keys) == Set(actual.keys))
        let differing = expected.filter { key, value in
            guard let other = actual[key] else { return true }
            return !Self.close(value.amount, other.amount) || !Self.close(value.cost, other.cost)
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
        #expect(expected.count > 200)
        #expect(localSummary.rowsUnmapped > 0 && localSummary.rowsIgnored > 0)
        #expect(Set(expected.keys.map { $0.split(separator: "|")[3] }).count == 5)
    }
}
