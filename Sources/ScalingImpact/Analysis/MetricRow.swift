/// A verdict on one criterion or on a whole row of the rollout.
public enum Verdict: String, Sendable, Comparable, CaseIterable {
    case pass = "PASS"
    case warn = "WARN"
    case fail = "FAIL"
    case noData = "NO DATA"

    /// Severity for combining: FAIL > WARN > NO DATA > PASS.
    var severity: Int {
        switch self {
        case .pass: 0
        case .noData: 1
        case .warn: 2
        case .fail: 3
        }
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.severity < rhs.severity }
}

/// One row of `metrics.csv`: a metric of one (environment, service) before and after.
public struct MetricRow: Equatable, Sendable {
    /// Environment, or `*` for the overall total.
    public var environment: String
    /// Service, or `*` for the environment's total.
    public var service: String
    /// Stable metric name (README lists them).
    public var metric: String
    /// Unit.
    public var unit: String
    /// Value in the before window.
    public var before: Double?
    /// Value in the after window.
    public var after: Double?
    /// Confidence interval of `deltaPct`, when computed.
    public var ciLow: Double?
    /// Upper bound of the interval.
    public var ciHigh: Double?
    /// Verdict, for metrics that are criteria.
    public var verdict: Verdict?
    /// Why the verdict is what it is.
    public var reason: String

    /// Creates a row.
    public init(
        environment: String, service: String, metric: String, unit: String, before: Double?, after: Double?,
        ciLow: Double? = nil, ciHigh: Double? = nil, verdict: Verdict? = nil, reason: String = ""
    ) {
        self.environment = environment
        self.service = service
        self.metric = metric
        self.unit = unit
        self.before = before
        self.after = after
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.verdict = verdict
        self.reason = reason
    }

    /// `after − before`, when both exist.
    public var delta: Double? {
        guard let before, let after else { return nil }
        return after - before
    }

    /// `100 · delta / before`, when both exist and before is not zero.
    public var deltaPct: Double? {
        guard let before, let delta, before != 0 else { return nil }
        return 100 * delta / before
    }
}

/// The metric names of the contract, with units, in report order.
public enum MetricName {
    /// Name and unit of each metric, in the order rows are written.
    public static let all: [(name: String, unit: String)] =
        [
            ("requests", "count"),
            ("running_tasks_mean", "tasks"),
            ("running_tasks_p95", "tasks"),
            ("task_hours", "task-h"),
            ("task_hours_per_1k_requests", "task-h"),
            ("time_at_max_capacity_pct", "%"),
            ("cost_modelled_usd", "USD"),
            ("cost_billed_usd", "USD"),
            ("cost_per_million_requests_usd", "USD"),
            ("cost_monthly_usd", "USD"),
            ("cpu_mean_pct", "%"),
            ("cpu_above_target_pct", "%"),
            ("latency_p50_ms", "ms"),
            ("latency_p95_ms", "ms"),
            ("latency_p99_ms", "ms"),
        ] + PercentileSeries.rowNames.map { ($0, "ms") }
        + [
            ("error_rate_5xx_pct", "%"),
            ("scale_events_per_day", "events/day"),
            ("scale_reversals", "count"),
            ("flaps", "count"),
            ("scale_outs_cpu", "count"),
            ("scale_outs_requests", "count"),
            ("scale_outs_other", "count"),
            ("overall", ""),
        ]
}
