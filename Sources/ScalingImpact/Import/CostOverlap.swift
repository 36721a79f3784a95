/// Keeps overlapping cost exports from counting the same (environment, service, hour, usage kind) twice.
///
/// CUR is delivered again and again during a month (each delivery holds the month so far, and
/// earlier hours may be restated), and FOCUS and CUR exports of one account can overlap.
/// Without `--replace`, an (environment, service, hour, usage kind) already stored from another
/// import keeps its stored value and this file's value is skipped and counted. With `--replace`,
/// the file is taken as the newer export of its period: every stored cost row of the file's
/// environments in its hours `[first, last]` from earlier imports is deleted before it is written.
enum CostOverlap {
    /// What was done about overlaps.
    struct Outcome {
        /// Hourly cost rows of this file left out because another import already had them.
        var skipped = 0
        /// Hourly cost rows of earlier imports deleted because this file replaces them.
        var replaced = 0
        /// Paths of the imports whose rows were skipped against or replaced.
        var otherImports: [String] = []
        /// The hours `[first, last]` the file covers, when it has cost rows.
        var period: (first: Int64, last: Int64)?

        /// Adds the outcome to `summary`'s counts and warnings.
        func apply(to summary: inout ImportSummary) {
            summary.costRowsSkipped = skipped
            summary.costRowsReplaced = replaced
            let others = otherImports.prefix(3).joined(separator: ", ") + (otherImports.count > 3 ? ", ..." : "")
            if skipped > 0 {
                summary.warnings.append(
                    "\(skipped) hourly cost rows (environment, service, hour, usage kind) were already imported from "
                        + "\(others) and were skipped, so nothing is counted twice; if this file is a newer export of "
                        + "the same period, import it again with --replace")
            }
            if replaced > 0, let period {
                summary.warnings.append(
                    "replaced \(replaced) hourly cost rows of \(others) for \(UTCTime.short(period.first)) to "
                        + "\(UTCTime.short(period.last)) UTC with this file's")
            }
        }
    }

    /// Resolves overlaps between `sink`'s cost rows and those stored; run inside the import's transaction.
    static func resolve(_ sink: inout FactSink, replace: Bool, database: Database) throws(StorageError) -> Outcome {
        var outcome = Outcome()
        guard let first = sink.usage.keys.map(\.hour).min(), let last = sink.usage.keys.map(\.hour).max() else {
            return outcome
        }
        outcome.period = (first, last)
        let environments = Set(sink.usage.keys.map(\.key.environment)).sorted()
        var others = Set<String>()
        if replace {
            let affected = try database.cachedStatement(
                """
                SELECT i.path, COUNT(*) FROM usage_cost u JOIN imports i ON i.id = u.import_id
                WHERE u.environment = ? AND u.hour BETWEEN ? AND ? GROUP BY i.id ORDER BY i.id
                """)
            let delete = try database.cachedStatement(
                "DELETE FROM usage_cost WHERE environment = ? AND hour BETWEEN ? AND ?")
            for environment in environments {
                let arguments: [SQLValue] = [.text(environment), .integer(first), .integer(last)]
                try affected.forEachRow(arguments) { row in
                    others.insert(row.string(0))
                    outcome.replaced += Int(row.int(1))
                }
                try delete.run(arguments)
            }
        } else {
            let existing = try database.cachedStatement(
                """
                SELECT u.service, u.hour, u.usage_kind, i.path FROM usage_cost u JOIN imports i ON i.id = u.import_id
                WHERE u.environment = ? AND u.hour BETWEEN ? AND ?
                """)
            for environment in environments {
                try existing.forEachRow([.text(environment), .integer(first), .integer(last)]) { row in
                    let key = FactSink.UsageKey(
                        key: ServiceKey(environment: environment, service: row.string(0)), hour: row.int(1),
                        kind: row.string(2))
                    if sink.usage.removeValue(forKey: key) != nil {
                        outcome.skipped += 1
                        others.insert(row.string(3))
                    }
                }
            }
        }
        outcome.otherImports = others.sorted()
        return outcome
    }
}
