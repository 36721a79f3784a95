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
        // Metric points: pick one statistic per metric so that no value is counted twice.
        var byStatistic: [ServiceKey: [String: [String: [SeriesFacts.Point]]]] = [:]
        try database.cachedStatement(
            """
            SELECT environment, service, metric, statistic, period_s, ts, value FROM metric_points
            WHERE ts >= ? AND ts < ? ORDER BY environment, service, metric, statistic, ts, period_s
            """
        ).forEachRow([.integer(start), .integer(end)]) { row in
            let key = ServiceKey(environment: row.string(0), service: row.string(1))
            let point = SeriesFacts.Point(ts: row.int(5), period: row.int(4), value: row.double(6))
            let metric = row.string(2)
            let statistic = row.string(3)
            byStatistic[key, default: [:]][metric, default: [:]][statistic, default: []].append(point)
            if let series = PercentileSeries.name(metric: metric, statistic: statistic) {
                facts.series[key, default: SeriesFacts()].percentilePoints[series.name, default: []].append(
                    .init(ts: point.ts, period: point.period, value: point.value * series.toMilliseconds))
            }
        }
        for key in facts.series.keys {
            for (name, points) in facts.series[key]?.percentilePoints ?? [:] {
                facts.series[key]?.percentilePoints[name] = finestPeriod(points.sorted { $0.ts < $1.ts })
            }
        }
        for (key, metrics) in byStatistic {
            for (metric, statistics) in metrics {
                let preferred = preferredStatistics[metric] ?? ["Average", "Sum", "Maximum"]
                let name = preferred.first { statistics[$0] != nil } ?? statistics.keys.sorted().first
                guard let name, var points = statistics[name] else { continue }
                // Where two periods cover the same time, keep the finest.
                points = finestPeriod(points)
                facts.series[key, default: SeriesFacts()].metrics[metric] = points
            }
        }
        try database.cachedStatement(
            """
            SELECT environment, service, minute - minute % 3600 AS hour, SUM(request_count), SUM(error_5xx),
                   SUM(timed_count), SUM(sum_ms), MIN(min_ms), MAX(max_ms)
            FROM latency_minutes WHERE minute >= ? AND minute < ? GROUP BY 1, 2, 3
            """
        ).forEachRow([.integer(start), .integer(end)]) { row in
            let key = ServiceKey(environment: row.string(0), service: row.string(1))
            let hour = row.int(2)
            facts.series[key, default: SeriesFacts()].requestsByHour[hour] = (row.int(3), row.int(4))
            var histogram = facts.series[key]?.latencyByHour[hour] ?? LatencyHistogram()
            histogram.addSummary(count: row.int(5), sum: row.double(6), min: row.optionalDouble(7), max: row.optionalDouble(8))
            facts.series[key]?.latencyByHour[hour] = histogram
        }
        try database.cachedStatement(
            """
            SELECT environment, service, minute - minute % 3600 AS hour, bucket, SUM(count)
            FROM latency_buckets WHERE minute >= ? AND minute < ? GROUP BY 1, 2, 3, 4
            """
        ).forEachRow([.integer(start), .integer(end)]) { row in
            let key = ServiceKey(environment: row.string(0), service: row.string(1))
            facts.series[key, default: SeriesFacts()].latencyByHour[row.int(2), default: LatencyHistogram()].add(
                bucket: Int(row.int(3)), count: row.int(4))
        }
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

    static func finestPeriod(_ points: [SeriesFacts.Point]) -> [SeriesFacts.Point] {
        let periods = Set(points.map(\.period))
        guard periods.count > 1, let finest = periods.min() else { return points }
        let fine = points.filter { $0.period == finest }
        guard let first = fine.first?.ts, let last = fine.last.map({ $0.ts + $0.period }) else { return points }
        let coarse = points.filter { $0.period != finest && ($0.ts + $0.period <= first || $0.ts >= last) }
        return (fine + coarse).sorted { $0.ts < $1.ts }
    }
}
