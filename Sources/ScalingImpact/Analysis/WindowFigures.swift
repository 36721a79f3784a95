/// One series (or a total of several) over one window, hour by hour.
///
/// Every additive figure is kept per hour so that totals add up hour by hour, the block bootstrap
/// can resample hours, and a window with gaps is scaled from the hours it has (and reported as
/// NO DATA when those cover less than the configured share of the window).
struct WindowFigures: Sendable {
    var window: TimeWindow
    /// The UTC start of the window's first hour, for calendar-matched resampling; nil for a
    /// total whose parts are windows of different calendars (hour h of each part added up).
    var calendarStart: Int64?
    var hours: Int
    /// Time-weighted mean running task count per hour.
    var tasks: [Double?]
    /// Per-datapoint running task counts (for the 95th percentile).
    var taskValues: [Double] = []
    /// Share of the window's time covered by running-task datapoints.
    var taskCoverage: Double = 0
    /// Share of covered time at or above max capacity.
    var atMaxShare: Double?
    /// Billed cost per hour.
    var cost: [Double?]
    /// Modelled cost per hour: mean running tasks × the task's hourly list price.
    var modelledCost: [Double?]
    /// Requests per hour.
    var requests: [Double?]
    /// 5xx responses per hour.
    var errors: [Double?]
    /// Mean CPU utilization per hour.
    var cpu: [Double?]
    /// Seconds of CPU datapoints above the threshold, and seconds covered by CPU datapoints.
    var cpuAbove: (seconds: Double, covered: Double) = (0, 0)
    /// Latency histogram per hour.
    var latency: [LatencyHistogram?]
    /// Scaling changes and flaps.
    var scaling: Flapping.Counts?
    /// Successful scale-outs by cause (`cpu`, `requests`, `other`), when scaling activities were imported.
    var scaleOuts: [String: Int]?
    /// Hourly values of per-period percentiles (ms), by row name (``PercentileSeries``).
    var percentileSeries: [String: [Double?]] = [:]
    /// Whether requests came from CloudWatch RequestCount (true) or from per-request data.
    var requestsFromMetrics = false

    init(window: TimeWindow) {
        self.window = window
        calendarStart = window.start
        hours = Int((window.duration + 3599) / 3600)
        tasks = Array(repeating: nil, count: hours)
        cost = tasks
        modelledCost = tasks
        requests = tasks
        errors = tasks
        cpu = tasks
        latency = Array(repeating: nil, count: hours)
    }

    func hourIndex(_ ts: Int64) -> Int? {
        guard window.contains(ts) else { return nil }
        return Int((ts - window.start) / 3600)
    }

    /// Reads one series' facts for `window`.
    ///
    /// - Parameters:
    ///   - taskHourUSD: the list price of one task-hour, for the modelled cost (nil: none).
    ///   - cpuThresholdPct: CPU above which a datapoint's time counts in ``cpuAbove``.
    init(
        facts: SeriesFacts, window: TimeWindow, maxCapacity: Int?, flappingWindowSeconds: Int64,
        taskHourUSD: Double? = nil, cpuThresholdPct: Double = 80
    ) {
        self.init(window: window)
        let running = (facts.metrics["RunningTaskCount"] ?? []).filter { window.contains($0.ts) }
        if !running.isEmpty {
            var weighted = [Double](repeating: 0, count: hours)
            var weights = [Double](repeating: 0, count: hours)
            var covered: Int64 = 0
            var atMax: Int64 = 0
            for point in running {
                guard let h = hourIndex(point.ts) else { continue }
                let period = min(point.period, window.end - point.ts)
                weighted[h] += point.value * Double(period)
                weights[h] += Double(period)
                covered += period
                if let maxCapacity, point.value >= Double(maxCapacity) - 0.5 { atMax += period }
                taskValues.append(point.value)
            }
            for h in 0..<hours where weights[h] > 0 { tasks[h] = weighted[h] / weights[h] }
            taskCoverage = min(1, Double(covered) / Double(window.duration))
            atMaxShare = covered > 0 ? Double(atMax) / Double(covered) : nil
        }
        if let taskHourUSD { modelledCost = tasks.map { $0.map { $0 * taskHourUSD } } }
        let cpuPoints = (facts.metrics["CPUUtilization"] ?? []).filter { window.contains($0.ts) }
        self.cpu = Self.hourlyMean(cpuPoints, in: self)
        for point in cpuPoints {
            let seconds = Double(min(point.period, window.end - point.ts))
            cpuAbove.covered += seconds
            if point.value > cpuThresholdPct { cpuAbove.seconds += seconds }
        }
        let requestPoints = (facts.metrics["RequestCount"] ?? []).filter { window.contains($0.ts) }
        if !requestPoints.isEmpty {
            requestsFromMetrics = true
            requests = Self.hourlySum(requestPoints, in: self)
            // A missing 5xx datapoint where requests exist means no 5xx (CloudWatch omits zeros).
            let errorSums = Self.hourlySum(facts.metrics["HTTPCode_Target_5XX_Count"] ?? [], in: self)
            errors = zip(requests, errorSums).map { r, e in r == nil ? nil : (e ?? 0) }
        } else {
            for (hour, counts) in facts.requestsByHour {
                guard let h = hourIndex(hour) else { continue }
                requests[h] = Double(counts.requests)
                errors[h] = Double(counts.errors)
            }
        }
        for (hour, histogram) in facts.latencyByHour where histogram.count > 0 {
            guard let h = hourIndex(hour) else { continue }
            latency[h] = histogram
        }
        for (hour, value) in facts.billedCostByHour {
            guard let h = hourIndex(hour) else { continue }
            cost[h] = value
        }
        let desired = (facts.metrics["DesiredTaskCount"] ?? facts.metrics["RunningTaskCount"] ?? [])
            .filter { window.contains($0.ts) }
        if !desired.isEmpty {
            scaling = Flapping.count(
                desired.map { (time: $0.ts, count: $0.value.rounded()) }, windowSeconds: flappingWindowSeconds)
        }
        scaleOuts = Self.scaleOutsByCause(facts.scalingEvents, in: window)
        for (name, points) in facts.percentilePoints {
            let hourly = PercentileSeries.hourly(points, in: self)
            if hourly.contains(where: { $0 != nil }) { percentileSeries[name] = hourly }
        }
    }

    /// Successful scale-outs in `window` by cause, from Application Auto Scaling activities when
    /// the series has any (they name the policy), else from ECS service events; nil when the
    /// series has no scaling events at all (then nothing is known, which is not zero).
    static func scaleOutsByCause(_ events: [ScalingEvent], in window: TimeWindow) -> [String: Int]? {
        guard !events.isEmpty else { return nil }
        let hasActivities = events.contains { $0.source == "application-autoscaling" }
        var counts = ["cpu": 0, "requests": 0, "other": 0]
        for event in events where window.contains(event.ts) && event.isScaleOut {
            guard !hasActivities || event.source == "application-autoscaling" else { continue }
            let cause = event.cause == "cpu" || event.cause == "requests" ? event.cause : "other"
            counts[cause, default: 0] += 1
        }
        return counts
    }

    static func hourlySum(_ points: [SeriesFacts.Point], in figures: WindowFigures) -> [Double?] {
        var result = [Double?](repeating: nil, count: figures.hours)
        for point in points {
            guard let h = figures.hourIndex(point.ts) else { continue }
            result[h] = (result[h] ?? 0) + point.value
        }
        return result
    }

    static func hourlyMean(_ points: [SeriesFacts.Point], in figures: WindowFigures) -> [Double?] {
        var sums = [Double](repeating: 0, count: figures.hours)
        var weights = [Double](repeating: 0, count: figures.hours)
        for point in points {
            guard let h = figures.hourIndex(point.ts) else { continue }
            sums[h] += point.value * Double(point.period)
            weights[h] += Double(point.period)
        }
        return (0..<figures.hours).map { weights[$0] > 0 ? sums[$0] / weights[$0] : nil }
    }

    /// Adds figures hour by hour; an hour of the total exists only where every part has it.
    static func total(_ parts: [WindowFigures], window: TimeWindow) -> WindowFigures {
        var total = WindowFigures(window: window)
        total.calendarStart = parts.allSatisfy { $0.calendarStart == window.start } ? window.start : nil
        let hours = parts.map(\.hours).min() ?? 0
        total.hours = hours
        func add(_ path: KeyPath<WindowFigures, [Double?]>) -> [Double?] {
            (0..<hours).map { h in
                var sum = 0.0
                for part in parts {
                    guard let v = part[keyPath: path][h] else { return nil }
                    sum += v
                }
                return parts.isEmpty ? nil : sum
            }
        }
        total.tasks = add(\.tasks)
        total.cost = add(\.cost)
        total.modelledCost = add(\.modelledCost)
        total.cpuAbove = (parts.map(\.cpuAbove.seconds).reduce(0, +), parts.map(\.cpuAbove.covered).reduce(0, +))
        total.requests = add(\.requests)
        total.errors = add(\.errors)
        // CPU of the total: mean weighted by running tasks, where both are known.
        total.cpu = (0..<hours).map { h in
            var sum = 0.0
            var weight = 0.0
            for part in parts {
                guard let c = part.cpu[h], let t = part.tasks[h] else { return nil }
                sum += c * t
                weight += t
            }
            return weight > 0 ? sum / weight : nil
        }
        total.latency = (0..<hours).map { h in
            var merged: LatencyHistogram?
            for part in parts {
                guard let histogram = part.latency[h] else { continue }
                if merged == nil { merged = histogram } else { merged?.merge(histogram) }
            }
            return merged
        }
        total.taskValues = total.tasks.compactMap { $0 }
        total.taskCoverage = parts.map(\.taskCoverage).min() ?? 0
        total.requestsFromMetrics = parts.allSatisfy(\.requestsFromMetrics)
        let scalings = parts.compactMap(\.scaling)
        if scalings.count == parts.count, !parts.isEmpty {
            total.scaling = Flapping.Counts(
                changes: scalings.map(\.changes).reduce(0, +), reversals: scalings.map(\.reversals).reduce(0, +),
                inThenOut: scalings.map(\.inThenOut).reduce(0, +), outThenIn: scalings.map(\.outThenIn).reduce(0, +))
        }
        let scaleOuts = parts.compactMap(\.scaleOuts)
        if scaleOuts.count == parts.count, !parts.isEmpty {
            total.scaleOuts = scaleOuts.reduce(into: [:]) { sum, part in
                for (cause, n) in part { sum[cause, default: 0] += n }
            }
        }
        // Per-period percentiles are never combined across series: totals have none.
        return total
    }

    // MARK: Figures

    static func coverage(_ values: [Double?]) -> Double {
        values.isEmpty ? 0 : Double(values.count { $0 != nil }) / Double(values.count)
    }

    static func coverage(_ values: [LatencyHistogram?]) -> Double {
        values.isEmpty ? 0 : Double(values.count { $0 != nil }) / Double(values.count)
    }

    /// The window total of an hourly series, scaled from the hours present; with weights, the
    /// bootstrap's resampled version.
    static func scaledSum(_ values: [Double?], weights: [Int32]? = nil) -> Double? {
        var sum = 0.0
        var count = 0.0
        for (h, value) in values.enumerated() {
            guard let value else { continue }
            let w = Double(weights?[h] ?? 1)
            sum += value * w
            count += w
        }
        guard count > 0 else { return nil }
        return sum / count * Double(values.count)
    }

    /// The mean of the hours present (optionally weighted by bootstrap weights).
    static func mean(_ values: [Double?], weights: [Int32]? = nil) -> Double? {
        scaledSum(values, weights: weights).map { $0 / Double(values.count) }
    }

    /// The merged histogram of the window (optionally weighted).
    func mergedLatency() -> LatencyHistogram? {
        var merged: LatencyHistogram?
        for histogram in latency {
            guard let histogram else { continue }
            if merged == nil { merged = histogram } else { merged?.merge(histogram) }
        }
        return merged
    }
}

/// Hourly latency histograms laid out densely, for fast weighted quantiles in the bootstrap.
///
/// Counts are kept flat: per hour, cumulative counts over the union of the window's buckets, and
/// prefix sums of those over the hours, so that a resample made of blocks of consecutive hours
/// counts the requests at or below a bucket with two lookups per block instead of one per hour.
struct DenseHourlyHistograms {
    let bucketValues: [Double]
    /// Hours in the window (with or without data).
    let hourCount: Int
    /// Window hour indices that have data, ascending.
    let presentHours: [Int]
    /// `cumulative[i · B + b]`: requests of present hour `presentHours[i]` in buckets ≤ b.
    let cumulative: [Int64]
    /// `prefix[h · B + b]`: requests in buckets ≤ b over hours 0..<h (all hours, h = 0...hourCount).
    let prefix: [Int64]

    /// A block of a resample: `length` consecutive hours from `start`, wrapping within the
    /// `count` hours that begin at `offset` (one window of several laid end to end).
    struct Block {
        var offset: Int
        var count: Int
        var start: Int
        var length: Int
    }

    init(_ latency: [LatencyHistogram?]) {
        var keys = Set<Int>()
        for histogram in latency { if let histogram { keys.formUnion(histogram.buckets.keys) } }
        let sorted = keys.sorted()
        bucketValues = sorted.map(LatencyHistogram.representative(of:))
        var position: [Int: Int] = [:]
        for (i, k) in sorted.enumerated() { position[k] = i }
        let width = sorted.count
        hourCount = latency.count
        var present: [Int] = []
        var cumulative: [Int64] = []
        var prefix = [Int64](repeating: 0, count: (latency.count + 1) * width)
        var counts = [Int64](repeating: 0, count: width)
        for (h, histogram) in latency.enumerated() {
            let row = (h + 1) * width
            guard let histogram else {
                for b in 0..<width { prefix[row + b] = prefix[row - width + b] }
                continue
            }
            for b in 0..<width { counts[b] = 0 }
            for (k, c) in histogram.buckets { if let p = position[k] { counts[p] += c } }
            var running: Int64 = 0
            for b in 0..<width {
                running += counts[b]
                cumulative.append(running)
                prefix[row + b] = prefix[row - width + b] + running
            }
            present.append(h)
        }
        presentHours = present
        self.cumulative = cumulative
        self.prefix = prefix
    }

    /// Hours with data, as the histograms of the window's hours (nil where none).
    var isEmpty: Bool { presentHours.isEmpty }

    /// Quantiles of the weighted merge, by the same rule as ``LatencyHistogram/quantile(_:)``
    /// (without min/max clamping, which the resampled extremes do not have).
    func quantiles(_ qs: [Double], weights: [Int32]) -> [Double]? {
        let width = bucketValues.count
        guard width > 0 else { return nil }
        return cumulative.withUnsafeBufferPointer { cumulative in
            quantiles(qs) { b in
                var c: Int64 = 0
                for (i, h) in presentHours.enumerated() where weights[h] != 0 {
                    c += Int64(weights[h]) * cumulative[i * width + b]
                }
                return c
            }
        }
    }

    /// Quantiles of the merge of the hours the blocks cover (each block once).
    func quantiles(_ qs: [Double], blocks: [Block]) -> [Double]? {
        let width = bucketValues.count
        guard width > 0 else { return nil }
        return prefix.withUnsafeBufferPointer { prefix in
            quantiles(qs) { b in
                var c: Int64 = 0
                for block in blocks {
                    let first = block.offset + block.start
                    let end = block.start + block.length
                    if end <= block.count {
                        c += prefix[(first + block.length) * width + b] - prefix[first * width + b]
                    } else {
                        let last = block.offset + block.count
                        c += prefix[last * width + b] - prefix[first * width + b]
                        c += prefix[(block.offset + end - block.count) * width + b] - prefix[block.offset * width + b]
                    }
                }
                return c
            }
        }
    }

    /// The quantile rule over a cumulative count function `countAtOrBelow(bucket)`.
    private func quantiles(_ qs: [Double], countAtOrBelow: (Int) -> Int64) -> [Double]? {
        let total = countAtOrBelow(bucketValues.count - 1)
        guard total > 0 else { return nil }
        /// The bucket holding 0-based rank r: smallest b with count(≤ b) > r.
        func bucket(rank r: Int64) -> Int {
            var lo = 0
            var hi = bucketValues.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if countAtOrBelow(mid) > r { hi = mid } else { lo = mid + 1 }
            }
            return lo
        }
        return qs.map { q in
            let h = q * Double(total - 1)
            let low = Int64(h.rounded(.down))
            let high = min(low + 1, total - 1)
            let lowBucket = bucket(rank: low)
            let a = bucketValues[lowBucket]
            // The next rank is nearly always in the same bucket: one count instead of a search.
            let b = high == low || countAtOrBelow(lowBucket) > high ? a : bucketValues[bucket(rank: high)]
            return a + (h - Double(low)) * (b - a)
        }
    }
}
