/// Collects one file's facts in memory at their storage grain and writes them in one go.
///
/// Histograms are accumulated per (series, minute) and written once, so a file's millions of
/// requests become a few rows per minute. Cost lines are summed per (series, hour, usage kind).
struct FactSink {
    struct MinuteKey: Hashable {
        var key: ServiceKey
        var minute: Int64
    }

    struct Minute {
        var histogram = LatencyHistogram()
        var requests: Int64 = 0
        var errors: Int64 = 0
    }

    struct UsageKey: Hashable {
        var key: ServiceKey
        var hour: Int64
        var kind: String
    }

    struct MetricKey: Hashable {
        var key: ServiceKey
        var metric: String
        var statistic: String
        var period: Int64
        var ts: Int64
    }

    struct ScalingEventKey: Hashable {
        var key: ServiceKey
        var ts: Int64
        var source: String
    }

    /// A change of desired (or running) task count; counts are nil where the export does not tell them.
    struct ScalingEvent: Equatable {
        var fromCount: Int64?
        var toCount: Int64?
        var cause: String
        var status: String
    }

    var minutes: [MinuteKey: Minute] = [:]
    var usage: [UsageKey: (amount: Double, cost: Double)] = [:]
    var metrics: [MetricKey: Double] = [:]
    var scalingEvents: [ScalingEventKey: ScalingEvent] = [:]
    /// Latency histograms from the fast JMeter path, by series index (see FastJTLParser).
    var denseLatency: (keys: [ServiceKey?], histograms: DenseLatencyHistograms)?
    var firstTs: Int64?
    var lastTs: Int64?
    /// Seconds each entry of `minutes` covers: 60, or 3600 for an hour-grain Athena result (see LatencyOverlap).
    var latencyPeriod: Int64 = 60

    mutating func see(_ ts: Int64) {
        if firstTs.map({ ts < $0 }) ?? true { firstTs = ts }
        if lastTs.map({ ts > $0 }) ?? true { lastTs = ts }
    }

    /// Records one request; `latency` is nil when the request never got a timed response.
    mutating func addRequest(_ key: ServiceKey, time: Int64, latency: Double?, isError: Bool) {
        let minute = time - ((time % 60) + 60) % 60
        see(time)
        // Mutated in place: a copy out and back would copy the minute's bucket table per request.
        Self.record(&minutes[MinuteKey(key: key, minute: minute), default: Minute()], latency: latency, isError: isError)
    }

    private static func record(_ entry: inout Minute, latency: Double?, isError: Bool) {
        entry.requests += 1
        if isError { entry.errors += 1 }
        if let latency { entry.histogram.add(latency) }
    }

    mutating func addUsage(_ key: ServiceKey, hour: Int64, kind: String, amount: Double, cost: Double) {
        see(hour)
        let k = UsageKey(key: key, hour: hour, kind: kind)
        let old = usage[k] ?? (0, 0)
        usage[k] = (old.amount + amount, old.cost + cost)
    }

    mutating func addMetric(_ key: ServiceKey, metric: String, statistic: String, period: Int64, ts: Int64, value: Double) {
        see(ts)
        metrics[MetricKey(key: key, metric: metric, statistic: statistic, period: period, ts: ts)] = value
    }

    /// Records a scaling event; events added in time order that fall on the same second merge into one.
    mutating func addScalingEvent(_ key: ServiceKey, ts: Int64, source: String, event: ScalingEvent) {
        see(ts)
        let k = ScalingEventKey(key: key, ts: ts, source: source)
        if let earlier = scalingEvents[k] {
            scalingEvents[k] = ScalingEvent(
                fromCount: earlier.fromCount, toCount: event.toCount, cause: event.cause, status: event.status)
        } else {
            scalingEvents[k] = event
        }
    }

    var factCount: Int { minutes.count + usage.count + metrics.count + scalingEvents.count }

    /// Writes everything under `importID`, inside the caller's transaction.
    func write(to database: Database, importID: Int64) throws(StorageError) {
        var latency = try LatencyMinuteWriter(database: database, importID: importID, period: latencyPeriod)
        if let denseLatency {
            try denseLatency.histograms.write(keys: denseLatency.keys, to: &latency)
        }
        for (k, m) in minutes.sorted(by: { ($0.key.key, $0.key.minute) < ($1.key.key, $1.key.minute) }) {
            let h = m.histogram
            try latency.write(
                k.key, minute: k.minute,
                figures: .init(requests: m.requests, timed: h.count, errors: m.errors, sum: h.sum, min: h.min, max: h.max),
                buckets: h.buckets.sorted(by: { $0.key < $1.key }).lazy.map { (bucket: $0.key, count: $0.value) })
        }
        let usageInsert = try database.cachedStatement(
            """
            INSERT INTO usage_cost (environment, service, hour, usage_kind, import_id, usage_amount, billed_cost_usd)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (k, v) in usage.sorted(by: { ($0.key.key, $0.key.hour, $0.key.kind) < ($1.key.key, $1.key.hour, $1.key.kind) }) {
            try usageInsert.run([
                .text(k.key.environment), .text(k.key.service), .integer(k.hour), .text(k.kind), .integer(importID),
                .real(v.amount), .real(v.cost),
            ])
        }
        // A later export of the same datapoint replaces the earlier one: no double counting.
        let metricInsert = try database.cachedStatement(
            """
            INSERT OR REPLACE INTO metric_points (environment, service, metric, statistic, period_s, ts, value, import_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (k, v) in metrics {
            try metricInsert.run([
                .text(k.key.environment), .text(k.key.service), .text(k.metric), .text(k.statistic),
                .integer(k.period), .integer(k.ts), .real(v), .integer(importID),
            ])
        }
        // Scaling activities are exported again and again (AWS keeps ~6 weeks): the newest export of an event wins.
        let eventInsert = try database.cachedStatement(
            """
            INSERT OR REPLACE INTO scaling_events (environment, service, ts, source, import_id, from_count, to_count, cause, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (k, e) in scalingEvents.sorted(by: { ($0.key.key, $0.key.ts, $0.key.source) < ($1.key.key, $1.key.ts, $1.key.source) }) {
            try eventInsert.run([
                .text(k.key.environment), .text(k.key.service), .integer(k.ts), .text(k.source), .integer(importID),
                e.fromCount.map(SQLValue.integer) ?? .null, e.toCount.map(SQLValue.integer) ?? .null, .text(e.cause),
                .text(e.status),
            ])
        }
    }
}
