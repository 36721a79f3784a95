import Foundation

/// What the database holds, per (environment, service) and source: the basis of `status`.
///
/// Sources are `cost` (hourly Fargate usage and billed cost), `latency` (per-minute request
/// histograms), `scaling` (scaling events) and one per CloudWatch metric (`RunningTaskCount`, ...).
/// Rows a file could not attribute (unmapped rows, and rejected rows of files imported without
/// `--environment`/`--service`) are shown under environment and service `*`, so that no row of
/// any file goes uncounted.
public struct CoverageReport: Sendable, Equatable {
    /// One source of one series.
    public struct Line: Sendable, Equatable {
        /// Environment (`*` for rows no environment could be given).
        public var environment: String
        /// Service (`*` for rows no service could be given).
        public var service: String
        /// `cost`, `latency`, `scaling`, or the CloudWatch metric name (`metrics` for unattributed metric rows).
        public var source: String
        /// Stored rows (facts).
        public var rows: Int
        /// Earliest time, UTC seconds; nil when nothing is stored.
        public var first: Int64?
        /// End of the time covered: the start of the last period plus the period (the last event for `scaling`).
        public var end: Int64?
        /// The spacing of the source's points in seconds (0 for sporadic events).
        public var period: Int64 = 0
        /// Gaps: two or more periods in a row without data.
        public var gaps: Int = 0
        /// The first gaps, as `[start, end)` windows of missing data (at most 20).
        public var gapList: [TimeWindow] = []
        /// Rows with bad values, left out, from files whose rows belong here.
        public var rowsRejected = 0
        /// Rows no rule mapped (only on `*` lines).
        public var rowsUnmapped = 0
        /// Billed Fargate cost, USD (`cost` lines).
        public var billedCostUSD: Double?
        /// vCPU-hours, x86 and ARM (`cost` lines).
        public var vcpuHours: Double?
        /// GB-hours of memory, x86 and ARM (`cost` lines).
        public var gbHours: Double?
        /// Requests (`latency` lines).
        public var requests: Int64?
    }

    /// An import and what of it is stored now.
    public struct ImportLine: Sendable, Equatable {
        /// The import as recorded.
        public var record: ImportRecord
        /// Fact rows that still name this import (fewer than at import when a later `--replace` took some over).
        public var factsStored: Int
    }

    /// Totals over everything imported.
    public struct Totals: Sendable, Equatable {
        /// Σ billed Fargate cost, USD.
        public var billedCostUSD: Double = 0
        /// Σ vCPU-hours (x86 and ARM).
        public var vcpuHours: Double = 0
        /// Σ GB-hours of memory (x86 and ARM; ephemeral storage not included).
        public var gbHours: Double = 0
        /// Σ requests: per (environment, service) CloudWatch `RequestCount` where imported (as the
        /// analysis prefers it), else the per-request data.
        public var requests: Int64 = 0
    }

    /// Lines in (environment, service, source) order.
    public var lines: [Line]
    /// The imports, oldest first.
    public var imports: [ImportLine]
    /// Totals over everything imported.
    public var totals: Totals

    /// The distinct cost columns billed cost was taken from.
    public var costColumns: [String] {
        var seen: [String] = []
        for i in imports { if let c = i.record.costColumn, !seen.contains(c) { seen.append(c) } }
        return seen
    }

    /// Reads the coverage from `database`, from one snapshot.
    public static func load(from database: Database) throws(StorageError) -> CoverageReport {
        try database.readTransaction { () throws(StorageError) -> CoverageReport in try loadSnapshot(from: database) }
    }

    static func loadSnapshot(from database: Database) throws(StorageError) -> CoverageReport {
        var builders: [String: LineBuilder] = [:]
        func id(_ environment: String, _ service: String, _ source: String) -> String {
            "\(environment)\u{1F}\(service)\u{1F}\(source)"
        }
        var metricPeriods: [String: Int64] = [:]
        try database.makeStatement(
            "SELECT environment, service, metric, MIN(period_s) FROM metric_points GROUP BY 1, 2, 3"
        ).forEachRow { row in metricPeriods[id(row.string(0), row.string(1), row.string(2))] = row.int(3) }
        // Latency rows are minutes, or hours from an hour-grain Athena result: gaps are judged by the coarsest.
        try database.makeStatement("SELECT environment, service, MAX(period_s) FROM latency_minutes GROUP BY 1, 2")
            .forEachRow { row in metricPeriods[id(row.string(0), row.string(1), "latency")] = row.int(2) }
        // Each query yields (environment, service, source, time, rows at that time), ordered by time within a line.
        let queries: [(sql: String, period: Int64?)] = [
            ("SELECT environment, service, 'cost', hour, COUNT(*) FROM usage_cost GROUP BY 1, 2, 4 ORDER BY 1, 2, 4", 3600),
            ("SELECT environment, service, 'latency', minute, COUNT(*) FROM latency_minutes GROUP BY 1, 2, 4 ORDER BY 1, 2, 4", nil),
            ("SELECT environment, service, 'scaling', ts, COUNT(*) FROM scaling_events GROUP BY 1, 2, 4 ORDER BY 1, 2, 4", 0),
            ("SELECT environment, service, metric, ts, COUNT(*) FROM metric_points GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4", nil),
        ]
        for query in queries {
            try database.makeStatement(query.sql).forEachRow { row in
                let key = id(row.string(0), row.string(1), row.string(2))
                let period = query.period ?? metricPeriods[key] ?? 60
                builders[key, default: LineBuilder(row.string(0), row.string(1), row.string(2), period: period)]
                    .add(time: row.int(3), rows: Int(row.int(4)))
            }
        }
        try database.makeStatement(
            """
            SELECT environment, service, SUM(billed_cost_usd),
                   SUM(CASE WHEN usage_kind IN ('vcpu', 'arm_vcpu') THEN usage_amount ELSE 0 END),
                   SUM(CASE WHEN usage_kind IN ('memory', 'arm_memory') THEN usage_amount ELSE 0 END)
            FROM usage_cost GROUP BY 1, 2
            """
        ).forEachRow { row in
            let key = id(row.string(0), row.string(1), "cost")
            builders[key]?.line.billedCostUSD = row.double(2)
            builders[key]?.line.vcpuHours = row.double(3)
            builders[key]?.line.gbHours = row.double(4)
        }
        var perRequest: [ServiceKey: Int64] = [:]
        try database.makeStatement("SELECT environment, service, SUM(request_count) FROM latency_minutes GROUP BY 1, 2")
            .forEachRow { row in
                builders[id(row.string(0), row.string(1), "latency")]?.line.requests = row.int(2)
                perRequest[ServiceKey(environment: row.string(0), service: row.string(1))] = row.int(2)
            }
        // CloudWatch RequestCount at its finest period, so that 1-minute and 5-minute exports are not both counted.
        var cloudWatchRequests: [ServiceKey: Int64] = [:]
        try database.makeStatement(
            """
            SELECT p.environment, p.service, SUM(p.value) FROM metric_points p
            JOIN (SELECT environment, service, MIN(period_s) AS period_s FROM metric_points
                  WHERE metric = 'RequestCount' AND statistic = 'Sum' GROUP BY 1, 2) f
              ON f.environment = p.environment AND f.service = p.service AND f.period_s = p.period_s
            WHERE p.metric = 'RequestCount' AND p.statistic = 'Sum' GROUP BY 1, 2
            """
        ).forEachRow { row in
            cloudWatchRequests[ServiceKey(environment: row.string(0), service: row.string(1))] = Int64(row.double(2).rounded())
        }
        var totals = Totals()
        try database.makeStatement(
            """
            SELECT COALESCE(SUM(billed_cost_usd), 0),
                   COALESCE(SUM(CASE WHEN usage_kind IN ('vcpu', 'arm_vcpu') THEN usage_amount ELSE 0 END), 0),
                   COALESCE(SUM(CASE WHEN usage_kind IN ('memory', 'arm_memory') THEN usage_amount ELSE 0 END), 0)
            FROM usage_cost
            """
        ).forEachRow { row in
            totals.billedCostUSD = row.double(0)
            totals.vcpuHours = row.double(1)
            totals.gbHours = row.double(2)
        }
        for key in Set(perRequest.keys).union(cloudWatchRequests.keys) {
            totals.requests += cloudWatchRequests[key] ?? perRequest[key] ?? 0
        }
        // Rows that are not facts: rejected rows go to the file's --environment/--service line, unmapped ones to `*`.
        var factsByImport: [Int64: Int] = [:]
        for table in ["usage_cost", "latency_minutes", "metric_points", "scaling_events"] {
            try database.makeStatement("SELECT import_id, COUNT(*) FROM \(table) GROUP BY 1").forEachRow { row in
                factsByImport[row.int(0), default: 0] += Int(row.int(1))
            }
        }
        var factsStored: [Int] = []
        try database.makeStatement(
            "SELECT id, format, environment, service, rows_rejected, rows_unmapped FROM imports ORDER BY id"
        ).forEachRow { row in
            factsStored.append(factsByImport[row.int(0)] ?? 0)
            let source = sourceFamily(format: row.string(1))
            let rejected = Int(row.int(4))
            let unmapped = Int(row.int(5))
            if rejected > 0 {
                let environment = row.isNull(2) ? "*" : row.string(2)
                let service = row.isNull(3) ? "*" : row.string(3)
                builders[id(environment, service, source), default: LineBuilder(environment, service, source, period: 0)]
                    .line.rowsRejected += rejected
            }
            if unmapped > 0 {
                builders[id("*", "*", source), default: LineBuilder("*", "*", source, period: 0)].line.rowsUnmapped += unmapped
            }
        }
        let records = try ImportRecord.all(in: database)
        let imports = zip(records, factsStored).map { ImportLine(record: $0, factsStored: $1) }
        let lines = builders.values.map(\.line).sorted {
            ($0.environment == "*" ? 1 : 0, $0.environment, $0.service, $0.source)
                < ($1.environment == "*" ? 1 : 0, $1.environment, $1.service, $1.source)
        }
        return CoverageReport(lines: lines, imports: imports, totals: totals)
    }

    /// The source a format's rows feed, for rows that are not facts.
    static func sourceFamily(format: String) -> String {
        switch format {
        case "cur-legacy", "cur2", "focus", "cur-manifest": "cost"
        case _ where format.hasSuffix("-cost"): "cost"
        case "scaling-activities", "ecs-service-events": "scaling"
        case _ where format.hasPrefix("cloudwatch") || format == "metrics-csv": "metrics"
        default: "latency"
        }
    }

    /// Accumulates one line from its times in ascending order.
    struct LineBuilder {
        var line: Line
        var previous: Int64?

        init(_ environment: String, _ service: String, _ source: String, period: Int64) {
            line = Line(environment: environment, service: service, source: source, rows: 0, first: nil, end: nil, period: period)
        }

        mutating func add(time: Int64, rows: Int) {
            line.rows += rows
            if line.first == nil { line.first = time }
            line.end = time + line.period
            if let previous, line.period > 0, time - previous > 2 * line.period {
                line.gaps += 1
                if line.gapList.count < 20 { line.gapList.append(TimeWindow(start: previous + line.period, end: time)) }
            }
            previous = time
        }
    }
}
