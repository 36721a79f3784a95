extension Analyzer {
    /// Intervals of the relative change (%) of every bootstrapped figure, by figure name.
    typealias Intervals = [String: (low: Double, high: Double)]

    /// Intervals of the relative change of every bootstrapped figure, from one resampling pass:
    /// each resample draws one set of hour weights per window and computes every figure from it,
    /// so the figures' intervals are consistent with each other.
    ///
    /// Each side is one window, or several (the environments of the overall total), each
    /// resampled on its own calendar and added up. Figures: `requests`, `tasks`, `cost`
    /// (billed), `modelled`, `p50`/`p95`/`p99` (window percentiles of the weighted merged
    /// histograms), `errorRate` (Σ5xx/Σrequests), `tasksPerRequest`, `costPerRequest`,
    /// `modelledPerRequest`, and, for a single window, each per-period percentile series by its
    /// row name (median of the hourly values).
    func bootstrapIntervals(before: [WindowFigures], after: [WindowFigures], seed: String) -> Intervals {
        guard !before.isEmpty, !after.isEmpty else { return [:] }
        var rng = SplitMix64(seed: SplitMix64.seed("\(seed)/bootstrap"))
        let single = before.count == 1 && after.count == 1
        let seriesNames =
            single ? PercentileSeries.rowNames.filter { before[0].percentileSeries[$0] != nil && after[0].percentileSeries[$0] != nil } : []
        let sideBefore = BootstrapSide(before, needsWeights: !seriesNames.isEmpty)
        let sideAfter = BootstrapSide(after, needsWeights: !seriesNames.isEmpty)
        let seriesOrder = seriesNames.map {
            (PercentileSeries.order(before[0].percentileSeries[$0] ?? []), PercentileSeries.order(after[0].percentileSeries[$0] ?? []))
        }
        let names =
            [
                "requests", "tasks", "cost", "p50", "p95", "p99", "modelled", "errorRate", "tasksPerRequest", "costPerRequest",
                "modelledPerRequest",
            ] + seriesNames
        /// Every figure's relative change (%) for one resample (nil where undefined).
        func figures(_ rb: BootstrapSide.Resample, _ ra: BootstrapSide.Resample) -> [Double?] {
            let wb = rb.weights
            let wa = ra.weights
            var out = [Double?](repeating: nil, count: names.count)
            func add(_ index: Int, _ before: Double?, _ after: Double?) {
                guard let before, let after, before != 0, before.isFinite, after.isFinite else { return }
                out[index] = 100 * (after / before - 1)
            }
            func ratio(_ numerator: Double?, _ denominator: Double?) -> Double? {
                guard let numerator, let denominator, denominator > 0 else { return nil }
                return numerator / denominator
            }
            let b = sideBefore.figures(rb)
            let a = sideAfter.figures(ra)
            add(0, b.requests, a.requests)
            add(1, b.tasks, a.tasks)
            add(2, b.cost, a.cost)
            if let qb = sideBefore.quantiles(rb), let qa = sideAfter.quantiles(ra) {
                for i in 0..<3 { add(3 + i, qb[i], qa[i]) }
            }
            add(6, b.modelled, a.modelled)
            add(7, ratio(b.errors, b.requests), ratio(a.errors, a.requests))
            add(8, ratio(b.taskHours, b.requests), ratio(a.taskHours, a.requests))
            add(9, ratio(b.cost, b.requests), ratio(a.cost, a.requests))
            add(10, ratio(b.modelled, b.requests), ratio(a.modelled, a.requests))
            for (i, name) in seriesNames.enumerated() {
                add(
                    11 + i,
                    PercentileSeries.weightedLinear(
                        before[0].percentileSeries[name] ?? [], order: seriesOrder[i].0, weights: wb[0], q: 0.5),
                    PercentileSeries.weightedLinear(
                        after[0].percentileSeries[name] ?? [], order: seriesOrder[i].1, weights: wa[0], q: 0.5))
            }
            return out
        }
        let plans = [sideBefore, sideAfter].map { $0.parts.map { bootstrap.plan(count: $0.hours, start: $0.calendarStart) } }
        var changes = [[Double]](repeating: [], count: names.count)
        for i in changes.indices { changes[i].reserveCapacity(bootstrap.resamples) }
        for _ in 0..<bootstrap.resamples {
            let rb = sideBefore.resample(plans[0], bootstrap, using: &rng)
            let ra = sideAfter.resample(plans[1], bootstrap, using: &rng)
            for (i, change) in figures(rb, ra).enumerated() {
                if let change { changes[i].append(change) }
            }
        }
        let estimates = figures(sideBefore.identity, sideAfter.identity)
        var result: Intervals = [:]
        for (i, name) in names.enumerated() {
            guard let estimate = estimates[i],
                let interval = bootstrap.interval(
                    sortedChanges: changes[i].sorted(), estimate: estimate, before: plans[0], after: plans[1])
            else { continue }
            result[name] = interval
        }
        return result
    }
}

/// One side (before or after) of a bootstrap: one window, or several added up.
struct BootstrapSide {
    /// Sums of one resample's figures over the side's windows (nil where a window lacks one).
    struct Sums {
        var requests: Double?
        var tasks: Double?
        var taskHours: Double?
        var cost: Double?
        var modelled: Double?
        var errors: Double?
    }

    let parts: [WindowFigures]
    /// Prefix sums per window of requests, tasks, cost, modelled cost and 5xx, for block resamples.
    let prefixes: [[HourlyPrefix]]
    /// Every window's hourly histograms laid end to end, so one weighted merge covers them all.
    let dense: DenseHourlyHistograms
    /// Where each window's hours begin in `dense`.
    let offsets: [Int]
    let hasLatency: Bool

    /// One resample of the side: hour weights per window, and the blocks behind them.
    struct Resample {
        var weights: [[Int32]]
        /// The blocks of each window; nil for the data as it is (every hour once).
        var blocks: [[DenseHourlyHistograms.Block]]?
    }

    /// The data as it is.
    var identity: Resample { Resample(weights: parts.map { [Int32](repeating: 1, count: $0.hours) }, blocks: nil) }

    /// Draws one resample: block starts per window (the same random draws as ``BlockBootstrap/weights(_:using:)``).
    func resample(_ plans: [BlockBootstrap.Plan], _ bootstrap: BlockBootstrap, using rng: inout SplitMix64) -> Resample {
        var weights: [[Int32]] = []
        var blocks: [[DenseHourlyHistograms.Block]] = []
        for (index, plan) in plans.enumerated() {
            let starts = bootstrap.blockStarts(plan, using: &rng)
            // Hour weights only where a figure needs them (the per-period percentile series).
            weights.append(needsWeights ? bootstrap.weights(plan, starts: starts) : [])
            blocks.append(
                starts.enumerated().map { block, start in
                    .init(offset: offsets[index], count: plan.count, start: start, length: bootstrap.blockLength(plan, block: block))
                })
        }
        return Resample(weights: weights, blocks: blocks)
    }

    /// Whether resamples carry hour weights (only the per-period percentile series read them).
    let needsWeights: Bool

    init(_ parts: [WindowFigures], needsWeights: Bool = true) {
        self.parts = parts
        self.needsWeights = needsWeights
        var offsets: [Int] = []
        var latency: [LatencyHistogram?] = []
        for part in parts {
            offsets.append(latency.count)
            latency += part.latency
        }
        self.offsets = offsets
        prefixes = parts.map { part in [part.requests, part.tasks, part.cost, part.modelledCost, part.errors].map(HourlyPrefix.init) }
        dense = DenseHourlyHistograms(latency)
        hasLatency = parts.allSatisfy { $0.latency.contains { $0 != nil } }
    }

    func figures(_ resample: Resample) -> Sums {
        guard let blocks = resample.blocks else { return figures(resample.weights) }
        // Σ over a window's blocks of one series: the resampled total, scaled from the hours present.
        var totals = [[Double?]](repeating: [Double?](repeating: nil, count: 5), count: parts.count)
        for (index, part) in parts.enumerated() {
            var sums = [Double](repeating: 0, count: 5)
            var present = [Int](repeating: 0, count: 5)
            for block in blocks[index] {
                for series in 0..<5 {
                    let (s, n) = prefixes[index][series].sum(start: block.start, length: block.length)
                    sums[series] += s
                    present[series] += n
                }
            }
            for series in 0..<5 where present[series] > 0 {
                totals[index][series] = sums[series] / Double(present[series]) * Double(part.hours)
            }
        }
        func sum(_ series: Int, _ transform: (WindowFigures, Double) -> Double = { $1 }) -> Double? {
            var total = 0.0
            for (index, part) in parts.enumerated() {
                guard let v = totals[index][series] else { return nil }
                total += transform(part, v)
            }
            return total
        }
        return Sums(
            requests: sum(0), tasks: sum(1) { p, v in v / Double(p.tasks.count) },
            taskHours: sum(1) { p, v in v / Double(p.tasks.count) * p.window.hours }, cost: sum(2), modelled: sum(3), errors: sum(4))
    }

    func figures(_ weights: [[Int32]]) -> Sums {
        func sum(_ value: (WindowFigures, [Int32]) -> Double?) -> Double? {
            var total = 0.0
            for (part, w) in zip(parts, weights) {
                guard let v = value(part, w) else { return nil }
                total += v
            }
            return total
        }
        return Sums(
            requests: sum { WindowFigures.scaledSum($0.requests, weights: $1) },
            tasks: sum { WindowFigures.mean($0.tasks, weights: $1) },
            taskHours: sum { p, w in WindowFigures.mean(p.tasks, weights: w).map { $0 * p.window.hours } },
            cost: sum { WindowFigures.scaledSum($0.cost, weights: $1) },
            modelled: sum { WindowFigures.scaledSum($0.modelledCost, weights: $1) },
            errors: sum { WindowFigures.scaledSum($0.errors, weights: $1) })
    }

    /// P50, P95 and P99 of the merge of every window's resampled histograms.
    func quantiles(_ resample: Resample) -> [Double]? {
        guard hasLatency else { return nil }
        if let blocks = resample.blocks { return dense.quantiles([0.5, 0.95, 0.99], blocks: blocks.flatMap { $0 }) }
        var joined: [Int32] = []
        for (part, w) in zip(parts, resample.weights) { joined += w.prefix(part.latency.count) }
        return dense.quantiles([0.5, 0.95, 0.99], weights: joined)
    }
}

/// Prefix sums of an hourly series and of its present hours, so that the sum over any run of
/// consecutive hours (wrapping around the window's end) takes two lookups.
struct HourlyPrefix {
    let values: [Double]
    let present: [Int]

    init(_ series: [Double?]) {
        var values = [0.0]
        var present = [0]
        values.reserveCapacity(series.count + 1)
        present.reserveCapacity(series.count + 1)
        for value in series {
            values.append((values.last ?? 0) + (value ?? 0))
            present.append((present.last ?? 0) + (value == nil ? 0 : 1))
        }
        self.values = values
        self.present = present
    }

    /// The sum and the number of present hours over `length` hours from `start`, wrapping.
    func sum(start: Int, length: Int) -> (Double, Int) {
        let count = values.count - 1
        let end = start + length
        if end <= count { return (values[end] - values[start], present[end] - present[start]) }
        let wrapped = end - count
        return (values[count] - values[start] + values[wrapped], present[count] - present[start] + present[wrapped])
    }
}
