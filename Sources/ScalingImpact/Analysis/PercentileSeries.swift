/// Latency percentiles that exist only per period: CloudWatch `TargetResponseTime` p95 per
/// minute, Locust's own percentiles per row.
///
/// A percentile of a period cannot be merged or averaged with others into a window percentile
/// (ARCHITECTURE.md), so these are reported as a series: each hour's value is the median of the
/// period values that start in it, and the window figure is the median of the hourly values
/// (`<source>_<statistic>_median_ms`). Reports say so; they never stand in for `latency_p95_ms`.
public enum PercentileSeries {
    /// A stored metric with per-period percentiles.
    struct Source {
        /// Metric name in `metric_points`.
        var metric: String
        /// Factor that turns the stored value into milliseconds.
        var toMilliseconds: Double
        /// Row-name prefix.
        var prefix: String
    }

    static let sources = [
        // The CloudWatch importer stores TargetResponseTime converted to ms under this name...
        Source(metric: "TargetResponseTime_ms", toMilliseconds: 1, prefix: "target_response_time"),
        // ... and older imports kept CloudWatch's seconds under the metric's own name.
        Source(metric: "TargetResponseTime", toMilliseconds: 1000, prefix: "target_response_time"),
        Source(metric: "LocustResponseTime", toMilliseconds: 1, prefix: "locust_response_time"),
    ]

    /// The statistics reported, with their quantile.
    static let statistics = ["p50", "p95", "p99"]

    /// Every row name, in report order.
    public static let rowNames: [String] = ["target_response_time", "locust_response_time"].flatMap { prefix in
        statistics.map { "\(prefix)_\($0)_median_ms" }
    }

    /// Where each series comes from, in words, by row name.
    public static func describe(_ rowName: String) -> String {
        let source = rowName.hasPrefix("locust") ? "Locust's own per-period percentiles" : "CloudWatch TargetResponseTime per-period percentiles"
        let statistic = statistics.first { rowName.contains("_\($0)_") } ?? "percentile"
        return "median of hourly \(statistic) values from \(source); a series, not a window percentile"
    }

    /// The row a stored (metric, statistic) feeds, and the factor to milliseconds; nil for others.
    static func name(metric: String, statistic: String) -> (name: String, toMilliseconds: Double)? {
        guard let source = sources.first(where: { $0.metric == metric }) else { return nil }
        let lower = statistic.lowercased()
        guard let stat = statistics.first(where: { lower == $0 || lower == $0 + ".0" || lower == $0 + ".00" }) else { return nil }
        return ("\(source.prefix)_\(stat)_median_ms", source.toMilliseconds)
    }

    /// Each hour's value: the median of the period values that start in it (nil without any).
    static func hourly(_ points: [SeriesFacts.Point], in figures: WindowFigures) -> [Double?] {
        var byHour = [[Double]](repeating: [], count: figures.hours)
        var lastTs: Int64?
        for point in points {
            // The same period imported twice (seconds and milliseconds names) counts once.
            if point.ts == lastTs { continue }
            lastTs = point.ts
            guard let h = figures.hourIndex(point.ts) else { continue }
            byHour[h].append(point.value)
        }
        return byHour.map { Percentiles.linear($0, 0.5) }
    }

    /// The q-quantile (numpy linear) of the present `values` where value i is repeated
    /// `weights[i]` times: a bootstrap resample's median without materialising it.
    /// `order` lists the indices of present values in ascending order of value.
    static func weightedLinear(_ values: [Double?], order: [Int], weights: [Int32], q: Double) -> Double? {
        var total: Int64 = 0
        for i in order { total += Int64(weights[i]) }
        guard total > 0 else { return nil }
        let h = q * Double(total - 1)
        let lowRank = Int64(h.rounded(.down))
        let highRank = min(lowRank + 1, total - 1)
        var seen: Int64 = 0
        var low: Double?
        for i in order {
            let w = Int64(weights[i])
            guard w > 0, let value = values[i] else { continue }
            seen += w
            if low == nil && lowRank < seen { low = value }
            if highRank < seen, let low { return low + (h - Double(lowRank)) * (value - low) }
        }
        return nil
    }

    /// Indices of the present values in ascending order of value.
    static func order(_ values: [Double?]) -> [Int] {
        values.indices.filter { values[$0] != nil }.sorted { (values[$0] ?? 0) < (values[$1] ?? 0) }
    }
}
