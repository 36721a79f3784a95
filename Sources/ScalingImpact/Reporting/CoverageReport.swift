/// What the database holds, per (environment, service) and source: the basis of `status`.
public struct CoverageReport: Sendable {
    /// One source of one series.
    public struct Line: Sendable, Equatable {
        /// Environment.
        public var environment: String
        /// Service.
        public var service: String
        /// `cost`, `latency`, or the CloudWatch metric name.
        public var source: String
        /// Stored rows.
        public var rows: Int
        /// Earliest time.
        public var first: Int64
        /// Latest time.
        public var last: Int64
        /// Gaps longer than twice the source's spacing.
        public var gaps: Int
    }

    /// Lines in (environment, service, source) order.
    public var lines: [Line]
    /// The imports.
    public var imports: [ImportRecord]

    /// Reads the coverage from `database`.
    public static func load(from database: Database) throws(StorageError) -> CoverageReport {
        var lines: [Line] = []
        let queries: [(String, String)] = [
            ("cost", "SELECT environment, service, 'cost', hour, 3600 FROM usage_cost GROUP BY environment, service, hour"),
            ("latency", "SELECT environment, service, 'latency', minute, 60 FROM latency_minutes GROUP BY environment, service, minute"),
            ("metrics", "SELECT environment, service, metric, ts, period_s FROM metric_points"),
        ]
        var grouped: [String: (environment: String, service: String, source: String, times: [Int64], period: Int64)] = [:]
        for (_, sql) in queries {
            try database.makeStatement(sql + " ORDER BY 1, 2, 3, 4").forEachRow { row in
                let id = "\(row.string(0))\u{1F}\(row.string(1))\u{1F}\(row.string(2))"
                grouped[id, default: (row.string(0), row.string(1), row.string(2), [], row.int(4))].times.append(row.int(3))
            }
        }
        for (_, g) in grouped.sorted(by: { ($0.value.environment, $0.value.service, $0.value.source) < ($1.value.environment, $1.value.service, $1.value.source) }) {
            guard let first = g.times.first, let last = g.times.last else { continue }
            let gaps = zip(g.times, g.times.dropFirst()).filter { $1 - $0 > 2 * g.period }.count
            lines.append(Line(environment: g.environment, service: g.service, source: g.source, rows: g.times.count, first: first, last: last, gaps: gaps))
        }
        return CoverageReport(lines: lines, imports: try ImportRecord.all(in: database))
    }

    /// A plain-text table for the terminal.
    public func renderText() -> String {
        var out = "Imports: \(imports.count) files, \(imports.map(\.rowsAccepted).reduce(0, +)) rows imported, "
        out += "\(imports.map(\.rowsRejected).reduce(0, +)) rejected, \(imports.map(\.rowsUnmapped).reduce(0, +)) unmapped\n"
        for i in imports {
            out += "  \(i.path)  \(i.format)  \(i.sha256.prefix(12))  rows \(i.rowsAccepted)"
            if let column = i.costColumn { out += "  cost from \(column)" }
            out += "\n"
        }
        out += "\nenvironment  service  source  rows  from  to  gaps\n"
        for l in lines {
            out += "\(l.environment)  \(l.service)  \(l.source)  \(l.rows)  \(UTCTime.short(l.first))  \(UTCTime.short(l.last))  \(l.gaps)\n"
        }
        return out
    }
}
