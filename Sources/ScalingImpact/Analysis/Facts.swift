import Foundation

/// The stored facts of one (environment, service) over an analysis range, hour by hour.
public struct SeriesFacts: Sendable {
    /// A metric datapoint.
    public struct Point: Sendable, Equatable {
        /// Start of the period, UTC seconds.
        public var ts: Int64
        /// Period length in seconds.
        public var period: Int64
        /// The value.
        public var value: Double
    }

    /// Metric points by metric name, sorted by time, one statistic per metric (the preferred one).
    public var metrics: [String: [Point]] = [:]
    /// Latency histogram per hour (UTC seconds at the hour's start).
    public var latencyByHour: [Int64: LatencyHistogram] = [:]
    /// Requests and 5xx counted from per-request data, per hour.
    public var requestsByHour: [Int64: (requests: Int64, errors: Int64)] = [:]
    /// Billed Fargate cost per hour, USD.
    public var billedCostByHour: [Int64: Double] = [:]
    /// vCPU-hours and GB-hours per hour from the bill.
    public var usageByHour: [Int64: (vcpuHours: Double, gbHours: Double)] = [:]
    /// Per-period latency percentiles (CloudWatch `TargetResponseTime` p95, Locust's own
    /// percentiles) in ms, by the name of the row that reports them (``PercentileSeries``).
    /// They are never merged into a window percentile.
    public var percentilePoints: [String: [Point]] = [:]
    /// Scaling activities and service events, sorted by time.
    public var scalingEvents: [ScalingEvent] = []

    /// Creates empty facts.
    public init() {}
}

/// A change of desired task count from `scaling_events`, with the rule that caused it.
public struct ScalingEvent: Sendable, Equatable {
    /// UTC seconds.
    public var ts: Int64
    /// `application-autoscaling` or `ecs-events`.
    public var source: String
    /// Task count before, when known.
    public var fromCount: Int64?
    /// Task count after, when known.
    public var toCount: Int64?
    /// `cpu`, `requests`, `manual` or `unknown`.
    public var cause: String
    /// `Successful`, `Failed`, ...
    public var status: String

    /// Creates an event.
    public init(ts: Int64, source: String, fromCount: Int64?, toCount: Int64?, cause: String, status: String) {
        self.ts = ts
        self.source = source
        self.fromCount = fromCount
        self.toCount = toCount
        self.cause = cause
        self.status = status
    }

    /// Whether the event added tasks and took effect.
    public var isScaleOut: Bool {
        guard status == "Successful", let fromCount, let toCount else { return false }
        return toCount > fromCount
    }
}

/// Every fact the analysis needs, keyed by (environment, service).
public struct Facts: Sendable {
    /// Facts per series.
    public var series: [ServiceKey: SeriesFacts] = [:]

    /// Creates facts from their parts.
    public init(series: [ServiceKey: SeriesFacts] = [:]) { self.series = series }

    /// Statistic preference per metric: the first one present is used.
    static let preferredStatistics: [String: [String]] = [
        "RunningTaskCount": ["Average", "Maximum", "Minimum"],
        "DesiredTaskCount": ["Maximum", "Average", "Minimum"],
        "CPUUtilization": ["Average", "Maximum"],
        "RequestCount": ["Sum"],
        "HTTPCode_Target_5XX_Count": ["Sum"],
        "TargetResponseTime": ["p95", "Average"],
    ]

    /// Loads the facts in `[start, end)` from `database`.
    public static func load(from database: Database, start: Int64, end: Int64) throws(StorageError) -> Facts {
        var facts = Facts()
        // Metric points: pick one statistic per metric so that no value is counted twice. The
        // (environment, service, metric, statistic) series are listed first by skipping along the
        // primary key, then each chosen series is read on its own: no text per datapoint, and the
        // key's order (period, time) needs no sort.
        var series: [ServiceKey: [String: [String]]] = [:]
        var last: [SQLValue]?
        while true {
            var found: [SQLValue]?
            if let last {
                try database.cachedStatement(
                    """
                    SELECT environment, service, metric, statistic FROM metric_points
                    WHERE (environment, service, metric, statistic) > (?, ?, ?, ?)
                    ORDER BY environment, service, metric, statistic LIMIT 1
                    """
                ).forEachRow(last) { found = $0.values }
            } else {
                try database.cachedStatement(
                    "SELECT environment, service, metric, statistic FROM metric_points ORDER BY environment, service, metric, statistic LIMIT 1"
                ).forEachRow { found = $0.values }
            }
            guard let found, found.count == 4, case .text(let environment) = found[0], case .text(let service) = found[1],
                case .text(let metric) = found[2], case .text(let statistic) = found[3]
            else { break }
            series[ServiceKey(environment: environment, service: service), default: [:]][metric, default: []].append(statistic)
            last = found
        }
        func points(_ key: ServiceKey, _ metric: String, _ statistic: String) throws(StorageError) -> [SeriesFacts.Point] {
            var points: [SeriesFacts.Point] = []
            try database.cachedStatement(
                """
                SELECT period_s, ts, value FROM metric_points
                WHERE environment = ? AND service = ? AND metric = ? AND statistic = ? AND ts >= ? AND ts < ?
                ORDER BY period_s, ts
                """
            ).forEachRow([.text(key.environment), .text(key.service), .text(metric), .text(statistic), .integer(start), .integer(end)]) {
                row in
                points.append(.init(ts: row.int(1), period: row.int(0), value: row.double(2)))
            }
            // Several periods come one after the other; the analysis wants time order.
            if let first = points.first, points.contains(where: { $0.period != first.period }) {
                points.sort { ($0.ts, $0.period) < ($1.ts, $1.period) }
            }
            return points
        }
        for (key, metrics) in series {
            for (metric, statistics) in metrics {
                for statistic in statistics {
                    guard let percentile = PercentileSeries.name(metric: metric, statistic: statistic) else { continue }
                    let values = try points(key, metric, statistic).map {
                        SeriesFacts.Point(ts: $0.ts, period: $0.period, value: $0.value * percentile.toMilliseconds)
                    }
                    guard !values.isEmpty else { continue }
                    facts.series[key, default: SeriesFacts()].percentilePoints[percentile.name, default: []] += values
                }
                // The preferred statistic that has points in the range.
                let preferred = preferredStatistics[metric] ?? ["Average", "Sum", "Maximum"]
                let candidates = preferred.filter { statistics.contains($0) } + statistics.filter { !preferred.contains($0) }.sorted()
                for statistic in candidates {
                    let values = try points(key, metric, statistic)
                    guard !values.isEmpty else { continue }
                    // Where two periods cover the same time, keep the finest.
                    facts.series[key, default: SeriesFacts()].metrics[metric] = finestPeriod(values)
                    break
                }
            }
        }
        for key in facts.series.keys {
            for (name, points) in facts.series[key]?.percentilePoints ?? [:] {
                facts.series[key]?.percentilePoints[name] = finestPeriod(points.sorted { $0.ts < $1.ts })
            }
        }
        try loadLatency(into: &facts, from: database, start: start, end: end)
        try database.cachedStatement(
            """
            SELECT environment, service, hour,
                   SUM(billed_cost_usd),
                   SUM(CASE WHEN usage_kind IN ('vcpu', 'arm_vcpu') THEN usage_amount ELSE 0 END),
                   SUM(CASE WHEN usage_kind IN ('memory', 'arm_memory') THEN usage_amount ELSE 0 END)
            FROM usage_cost WHERE hour >= ? AND hour < ? GROUP BY 1, 2, 3
            """
        ).forEachRow([.integer(start), .integer(end)]) { row in
            let key = ServiceKey(environment: row.string(0), service: row.string(1))
            facts.series[key, default: SeriesFacts()].billedCostByHour[row.int(2)] = row.double(3)
            facts.series[key]?.usageByHour[row.int(2)] = (row.double(4), row.double(5))
        }
        try database.cachedStatement(
            """
            SELECT environment, service, ts, source, from_count, to_count, cause, status FROM scaling_events
            WHERE ts >= ? AND ts < ? ORDER BY environment, service, ts, source
            """
        ).forEachRow([.integer(start), .integer(end)]) { row in
            let key = ServiceKey(environment: row.string(0), service: row.string(1))
            facts.series[key, default: SeriesFacts()].scalingEvents.append(
                ScalingEvent(
                    ts: row.int(2), source: row.string(3), fromCount: row.isNull(4) ? nil : row.int(4), toCount: row.isNull(5) ? nil : row.int(5),
                    cause: row.string(6), status: row.string(7)))
        }
        return facts
    }

    /// Reads `latency_minutes` series by series, in key order, adding minutes up per hour. An
    /// hour's bucket counts gather in a dense array (a hash table update per stored bucket would
    /// cost more than the whole read), becoming one histogram when the hour ends.
    ///
    /// On a database file, a second connection reads every other series on another core, when it
    /// sees the same snapshot as `database` (the same imports); otherwise `database` reads them all.
    static func loadLatency(into facts: inout Facts, from database: Database, start: Int64, end: Int64) throws(StorageError) {
        let keys = try latencySeries(in: database)
        var mine = keys
        var helper: LatencyHelper?
        if keys.count >= 2 && database.path != ":memory:" {
            let marker = try snapshotMarker(database)
            let theirs = stride(from: 1, to: keys.count, by: 2).map { keys[$0] }
            mine = stride(from: 0, to: keys.count, by: 2).map { keys[$0] }
            helper = LatencyHelper(path: database.path, keys: theirs, marker: marker, start: start, end: end)
        }
        try readLatency(of: mine, into: &facts, from: database, start: start, end: end)
        if let helper {
            if let read = helper.result() {
                for (key, series) in read.series {
                    facts.series[key, default: SeriesFacts()].requestsByHour = series.requestsByHour
                    facts.series[key, default: SeriesFacts()].latencyByHour = series.latencyByHour
                }
            } else {
                try readLatency(of: helper.keys, into: &facts, from: database, start: start, end: end)
            }
        }
    }

    /// The (environment, service) pairs of `latency_minutes`, found by skipping along the primary key.
    static func latencySeries(in database: Database) throws(StorageError) -> [ServiceKey] {
        var keys: [ServiceKey] = []
        let first = try database.cachedStatement(
            "SELECT environment, service FROM latency_minutes ORDER BY environment, service LIMIT 1")
        let next = try database.cachedStatement(
            """
            SELECT environment, service FROM latency_minutes WHERE (environment, service) > (?, ?)
            ORDER BY environment, service LIMIT 1
            """)
        try first.begin()
        var found = try first.step().map { ServiceKey(environment: $0.string(0), service: $0.string(1)) }
        first.reset()
        while let key = found {
            keys.append(key)
            try next.begin([.text(key.environment), .text(key.service)])
            found = try next.step().map { ServiceKey(environment: $0.string(0), service: $0.string(1)) }
            next.reset()
        }
        return keys
    }

    /// What tells two connections' snapshots apart: every import adds a row to `imports`.
    static func snapshotMarker(_ database: Database) throws(StorageError) -> [SQLValue] {
        try database.cachedStatement(
            "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(rows_accepted), 0) FROM imports"
        ).query().first ?? []
    }

    /// Reads the latency minutes of `keys` in `[start, end)` into `facts`.
    static func readLatency(
        of keys: [ServiceKey], into facts: inout Facts, from database: Database, start: Int64, end: Int64
    ) throws(StorageError) {
        let statement = try database.cachedStatement(
            """
            SELECT minute, request_count, error_5xx, timed_count, sum_ms, min_ms, max_ms, buckets, import_id
            FROM latency_minutes WHERE environment = ? AND service = ? AND minute >= ? AND minute < ? ORDER BY minute
            """)
        for key in keys {
            try statement.begin([.text(key.environment), .text(key.service), .integer(start), .integer(end)])
            var hour = HourOfLatency()
            hour.key = key
            while let row = try statement.step() {
                let minute = row.int(0)
                let rowHour = minute - ((minute % 3600) + 3600) % 3600
                if rowHour != hour.start {
                    hour.flush(into: &facts)
                    hour.start = rowHour
                }
                hour.requests += row.int(1)
                hour.errors += row.int(2)
                hour.histogram.addSummary(count: row.int(3), sum: row.double(4), min: row.optionalDouble(5), max: row.optionalDouble(6))
                let valid = row.withUTF8(7) { text in
                    BucketCountsJSON.decode(text) { bucket, count in hour.buckets.add(bucket: bucket, count: count) }
                }
                guard valid else {
                    let text = row.withUTF8(7) { String(decoding: $0.prefix(60), as: UTF8.self) }
                    let failure = StorageError(
                        resultCode: 0,
                        message: "latency_minutes.buckets of \(key.environment)/\(key.service) at minute \(minute) is not a "
                            + "JSON object of bucket counts: \(text)",
                        hint: "re-import the file that wrote it (imports.id \(row.int(8)))")
                    statement.reset()
                    throw failure
                }
            }
            hour.flush(into: &facts)
        }
    }

    /// One series' hour being read by ``loadLatency(into:from:start:end:)``.
    struct HourOfLatency {
        var key: ServiceKey?
        var start = Int64.min
        var requests: Int64 = 0
        var errors: Int64 = 0
        var histogram = LatencyHistogram()
        var buckets = DenseBuckets()

        /// Adds the hour to `facts` and starts an empty one.
        mutating func flush(into facts: inout Facts) {
            guard let key, start != .min else { return }
            buckets.drain { histogram.add(bucket: $0, count: $1) }
            var series = facts.series.removeValue(forKey: key) ?? SeriesFacts()
            let earlier = series.requestsByHour[start] ?? (0, 0)
            series.requestsByHour[start] = (earlier.requests + requests, earlier.errors + errors)
            if let stored = series.latencyByHour[start] { histogram.merge(stored) }
            series.latencyByHour[start] = histogram
            facts.series[key] = series
            requests = 0
            errors = 0
            histogram = LatencyHistogram()
        }
    }

    static func finestPeriod(_ points: [SeriesFacts.Point]) -> [SeriesFacts.Point] {
        let periods = Set(points.map(\.period))
        guard periods.count > 1, let finest = periods.min() else { return points }
        let fine = points.filter { $0.period == finest }
        guard let first = fine.first?.ts, let last = fine.last.map({ $0.ts + $0.period }) else { return points }
        let coarse = points.filter { $0.period != finest && ($0.ts + $0.period <= first || $0.ts >= last) }
        return (fine + coarse).sorted { $0.ts < $1.ts }
    }
}

/// Reads some series' latency minutes on a thread of its own, over a connection of its own
/// (``Database`` is one connection per thread). Its result counts only when that connection saw
/// the snapshot `marker` describes; any failure leaves the series to the caller's connection.
final class LatencyHelper: @unchecked Sendable {
    let keys: [ServiceKey]
    private var read: Facts?
    private let done = DispatchSemaphore(value: 0)

    init(path: String, keys: [ServiceKey], marker: [SQLValue], start: Int64, end: Int64) {
        self.keys = keys
        let thread = Thread { [self] in
            defer { done.signal() }
            guard let database = try? Database(path: path, readOnly: true, migrate: false) else { return }
            read = try? database.readTransaction { () throws(StorageError) -> Facts? in
                guard try Facts.snapshotMarker(database) == marker else { return nil }
                var facts = Facts()
                try Facts.readLatency(of: keys, into: &facts, from: database, start: start, end: end)
                return facts
            } ?? nil
        }
        thread.start()
    }

    /// The facts read, or nil when the caller must read `keys` itself; waits for the thread.
    func result() -> Facts? {
        done.wait()
        return read
    }
}
