/// Keeps latency from Athena results and from local logs from counting the same requests twice.
///
/// An Athena result holds every request of its (environment, service, period), while a local
/// log file holds only some (ALB writes a file per node every 5 minutes; several files make a
/// minute, and their counts add up). So a period holds latency from Athena or from elsewhere,
/// never both:
///
/// - Without `--replace`, whichever was imported first is kept: an Athena result's periods that
///   any stored row already covers are skipped, and a local file's minutes that a stored Athena
///   period covers are skipped, each counted in the import's warnings.
/// - With `--replace`, the file being imported wins: an Athena result's periods replace every
///   stored row they overlap; a local file's minutes replace the stored Athena periods they
///   overlap (import all of that period's local files, since the Athena period goes whole).
///
/// Minute and hour periods overlap when their time does: an hour-grain result and a local
/// minute of the same hour are the same requests.
enum LatencyOverlap {
    /// The format of Athena latency results, as recorded in `imports.format`.
    static let athenaFormat = ImportFormat.athenaLatency.rawValue

    /// What was done about overlaps.
    struct Outcome: Equatable {
        /// Periods of this file left out, and their requests.
        var skipped = 0
        var skippedRequests: Int64 = 0
        /// Stored periods deleted because this file replaces them.
        var replaced = 0
        /// Paths of the imports skipped against or replaced.
        var otherImports: [String] = []
        /// The length of this file's periods, seconds.
        var period: Int64 = 60

        /// Adds the outcome to `summary`'s warnings.
        func apply(to summary: inout ImportSummary) {
            let others = otherImports.prefix(3).joined(separator: ", ") + (otherImports.count > 3 ? ", ..." : "")
            let unit = period == 3600 ? "hour" : "minute"
            if skipped > 0 {
                summary.warnings.append(
                    "\(skipped) (environment, service, \(unit)) latency periods with \(skippedRequests) requests are already "
                        + "imported from \(others) and were skipped, so no request counts twice (Athena results and local "
                        + "logs never share a period; with --replace a file's periods replace the stored ones)")
            }
            if replaced > 0 {
                summary.warnings.append("replaced \(replaced) stored latency periods of \(others) with this file's")
            }
        }
    }

    /// Resolves overlaps between `sink`'s latency periods and those stored; run inside the import's transaction.
    static func resolve(
        _ sink: inout FactSink, format: ImportFormat, replace: Bool, database: Database
    ) throws(StorageError) -> Outcome {
        var outcome = Outcome(period: sink.latencyPeriod)
        guard !sink.minutes.isEmpty else { return outcome }
        let isAthena = format == .athenaLatency
        if !isAthena {
            let any = try database.cachedStatement("SELECT 1 FROM imports WHERE format = ? LIMIT 1").query([.text(athenaFormat)])
            if any.isEmpty { return outcome }
        }
        let period = sink.latencyPeriod
        var byKey: [ServiceKey: [Int64]] = [:]
        for key in sink.minutes.keys { byKey[key.key, default: []].append(key.minute) }
        let stored = try database.cachedStatement(
            """
            SELECT m.minute, m.period_s, m.import_id, i.path, i.format FROM latency_minutes m JOIN imports i ON i.id = m.import_id
            WHERE m.environment = ? AND m.service = ? AND m.minute >= ? AND m.minute < ?
            """)
        let deleteMinute = try database.cachedStatement(
            "DELETE FROM latency_minutes WHERE environment = ? AND service = ? AND minute = ? AND import_id = ?")
        var others = Set<String>()
        for (key, minutes) in byKey.sorted(by: { $0.key < $1.key }) {
            guard let first = minutes.min(), let last = minutes.max() else { continue }
            // Stored rows that may overlap: an hour row starts up to an hour before a minute it covers.
            var rows: [(start: Int64, length: Int64, importID: Int64, path: String)] = []
            try stored.forEachRow([.text(key.environment), .text(key.service), .integer(first - 3599), .integer(last + period)]) {
                row in
                // A local file only yields to Athena periods; local rows of the same minute add up.
                guard isAthena || row.string(4) == athenaFormat else { return }
                rows.append((row.int(0), row.int(1), row.int(2), row.string(3)))
            }
            guard !rows.isEmpty else { continue }
            // Each stored row, under the start of every 60-second slot it covers, for lookups by time.
            var bySlot: [Int64: [Int]] = [:]
            for (i, row) in rows.enumerated() {
                var slot = row.start
                while slot < row.start + row.length {
                    bySlot[slot, default: []].append(i)
                    slot += 60
                }
            }
            var deleted = Set<Int>()
            for minute in minutes.sorted() {
                var overlapping: [Int] = []
                var slot = minute
                while slot < minute + period {
                    overlapping.append(contentsOf: bySlot[slot] ?? [])
                    slot += 60
                }
                guard !overlapping.isEmpty else { continue }
                if replace {
                    for i in Set(overlapping) where !deleted.contains(i) {
                        let arguments: [SQLValue] = [
                            .text(key.environment), .text(key.service), .integer(rows[i].start), .integer(rows[i].importID),
                        ]
                        try deleteMinute.run(arguments)
                        deleted.insert(i)
                        others.insert(rows[i].path)
                        outcome.replaced += 1
                    }
                } else if let removed = sink.minutes.removeValue(forKey: FactSink.MinuteKey(key: key, minute: minute)) {
                    outcome.skipped += 1
                    outcome.skippedRequests += removed.requests
                    for i in overlapping { others.insert(rows[i].path) }
                }
            }
        }
        outcome.otherImports = others.sorted()
        return outcome
    }
}
