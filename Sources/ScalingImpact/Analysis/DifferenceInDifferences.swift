import Foundation

/// The difference-in-differences estimate on the log scale (`vectors.json`
/// `difference_in_differences`): log(treated after / treated before) − log(control after /
/// control before). Whatever moved both environments alike (traffic, season, a shared
/// dependency) cancels; what remains is the change's effect, if the two would otherwise have
/// moved in parallel.
public enum DifferenceInDifferences {
    /// The log-scale effect; nil unless every figure is positive.
    public static func logEffect(treatedBefore: Double, treatedAfter: Double, controlBefore: Double, controlAfter: Double) -> Double? {
        guard treatedBefore > 0, treatedAfter > 0, controlBefore > 0, controlAfter > 0 else { return nil }
        return log(treatedAfter / treatedBefore) - log(controlAfter / controlBefore)
    }

    /// The effect in percent: (e^effect − 1) × 100.
    public static func effectPct(logEffect: Double) -> Double { (exp(logEffect) - 1) * 100 }
}

/// A changed environment compared with one that had not changed yet, over the changed one's windows.
public struct ControlComparison: Sendable, Equatable {
    /// Whether the two environments moved in parallel before the change.
    public struct PreTrend: Sendable, Equatable {
        /// Outcome of the check.
        public enum Status: String, Sendable {
            /// The placebo effect's interval lies within ± the tolerance.
            case parallel
            /// The placebo effect is significant and larger than the tolerance.
            case notParallel = "not parallel"
            /// Neither: the data cannot tell.
            case inconclusive
            /// No data for the earlier period.
            case notChecked = "not checked"
        }

        /// The period before the before window, as long as it, compared with the before window.
        public var window: TimeWindow
        /// The placebo difference in differences between that period and the before window, %.
        public var effectPct: Double?
        /// Its interval.
        public var ciLow: Double?
        /// Upper bound.
        public var ciHigh: Double?
        /// The outcome.
        public var status: Status
        /// One sentence for the report.
        public var reason: String
    }

    /// The changed environment.
    public var environment: String
    /// The control environment (changed only after `environment`'s after window ended).
    public var control: String
    /// Which figure: `cost_billed_usd`, `cost_modelled_usd` or `latency_p95_ms` (environment totals).
    public var metric: String
    /// The changed environment's figure before and after.
    public var treatedBefore: Double
    /// After.
    public var treatedAfter: Double
    /// The control's figure over the same before window.
    public var controlBefore: Double
    /// Over the same after window.
    public var controlAfter: Double
    /// The log-scale effect.
    public var logEffect: Double
    /// The effect in percent.
    public var effectPct: Double
    /// Interval of `effectPct` (block bootstrap over hours, treated and control resampled together).
    public var ciLow: Double?
    /// Upper bound.
    public var ciHigh: Double?
    /// The parallel-trends check on the period before.
    public var preTrend: PreTrend
}

extension Analyzer {
    /// Which figure a comparison uses, and how to read it from an environment's total figures.
    struct ComparedFigure {
        var metric: String
        var value: (WindowFigures, [Int32]?) -> Double?
        var covered: (WindowFigures) -> Double
    }

    /// Difference-in-differences for every changed environment against every environment not
    /// yet changed at the end of its after window, for cost and P95 latency.
    func controlComparisons(facts: Facts, totals: [String: (before: WindowFigures, after: WindowFigures)]) -> [ControlComparison] {
        var result: [ControlComparison] = []
        let minCoverage = configuration.criteria.minCoveragePct / 100
        for treated in configuration.environments {
            guard let treatedFigures = totals[treated.name] else { continue }
            let (before, after) = configuration.windows(for: treated)
            let pre = TimeWindow(start: before.start - before.duration, end: before.start)
            for control in configuration.environments where control.name != treated.name && control.changeAt >= after.end {
                let controlBefore = totalFigures(facts, environment: control, window: before)
                let controlAfter = totalFigures(facts, environment: control, window: after)
                let treatedPre = totalFigures(facts, environment: treated, window: pre)
                let controlPre = totalFigures(facts, environment: control, window: pre)
                let main = [treatedFigures.before, treatedFigures.after, controlBefore, controlAfter]
                for figure in comparedFigures(main, minCoverage: minCoverage) {
                    guard
                        let comparison = compare(
                            figure, treated: treated.name, control: control.name, main: main,
                            pre: (treatedPre, controlPre, pre), minCoverage: minCoverage)
                    else { continue }
                    result.append(comparison)
                }
            }
        }
        return result
    }

    /// Cost (billed when the bill covers all four windows, else modelled) and P95 latency.
    func comparedFigures(_ figures: [WindowFigures], minCoverage: Double) -> [ComparedFigure] {
        let billed = ComparedFigure(
            metric: "cost_billed_usd", value: { f, w in WindowFigures.scaledSum(f.cost, weights: w) },
            covered: { WindowFigures.coverage($0.cost) })
        let modelled = ComparedFigure(
            metric: "cost_modelled_usd", value: { f, w in WindowFigures.scaledSum(f.modelledCost, weights: w) },
            covered: { min($0.taskCoverage, WindowFigures.coverage($0.modelledCost)) })
        let latency = ComparedFigure(
            metric: "latency_p95_ms",
            value: { f, w in
                guard let w else { return f.mergedLatency()?.quantile(0.95) }
                return DenseHourlyHistograms(f.latency).quantiles([0.95], weights: w)?.first
            },
            covered: { WindowFigures.coverage($0.latency) })
        let cost = figures.allSatisfy { billed.covered($0) >= minCoverage } ? billed : modelled
        return [cost, latency]
    }

    /// One comparison with its bootstrap interval and pre-trend check; nil when a window lacks data.
    func compare(
        _ figure: ComparedFigure, treated: String, control: String, main: [WindowFigures],
        pre: (treated: WindowFigures, control: WindowFigures, window: TimeWindow), minCoverage: Double
    ) -> ControlComparison? {
        guard main.allSatisfy({ figure.covered($0) >= minCoverage }),
            let tb = figure.value(main[0], nil), let ta = figure.value(main[1], nil),
            let cb = figure.value(main[2], nil), let ca = figure.value(main[3], nil),
            let effect = DifferenceInDifferences.logEffect(treatedBefore: tb, treatedAfter: ta, controlBefore: cb, controlAfter: ca)
        else { return nil }
        let seed = "did/\(treated)/\(control)/\(figure.metric)"
        let ci = didInterval(
            figure, before: (main[0], main[2]), after: (main[1], main[3]), estimate: DifferenceInDifferences.effectPct(logEffect: effect),
            seed: seed)
        let tolerance = configuration.criteria.parallelTrendsTolerancePct
        let level = Format.pct(bootstrap.confidence * 100)
        var preTrend = ControlComparison.PreTrend(
            window: pre.window, effectPct: nil, ciLow: nil, ciHigh: nil, status: .notChecked,
            reason: "no data for the \(Format.number(pre.window.hours / 24)) days before the before window")
        if figure.covered(pre.treated) >= minCoverage, figure.covered(pre.control) >= minCoverage,
            let tp = figure.value(pre.treated, nil), let cp = figure.value(pre.control, nil),
            let placebo = DifferenceInDifferences.logEffect(treatedBefore: tp, treatedAfter: tb, controlBefore: cp, controlAfter: cb)
        {
            let pct = DifferenceInDifferences.effectPct(logEffect: placebo)
            let placeboCI = didInterval(
                figure, before: (pre.treated, pre.control), after: (main[0], main[2]), estimate: pct, seed: seed + "/pre")
            preTrend.effectPct = pct
            preTrend.ciLow = placeboCI?.low
            preTrend.ciHigh = placeboCI?.high
            let described = "the week-over-week difference before the change is \(Format.signedPct(pct)) (\(level) interval \(Format.interval(placeboCI)))"
            if let placeboCI, placeboCI.low >= -tolerance, placeboCI.high <= tolerance {
                preTrend.status = .parallel
                preTrend.reason = "\(described), within ±\(Format.pct(tolerance)): trends were parallel"
            } else if let placeboCI, (placeboCI.low > 0 || placeboCI.high < 0), abs(pct) > tolerance {
                preTrend.status = .notParallel
                preTrend.reason = "\(described), beyond ±\(Format.pct(tolerance)): the control does not track this environment; do not trust the estimate"
            } else {
                preTrend.status = .inconclusive
                preTrend.reason = "\(described): too noisy to confirm parallel trends within ±\(Format.pct(tolerance))"
            }
        }
        return ControlComparison(
            environment: treated, control: control, metric: figure.metric, treatedBefore: tb, treatedAfter: ta,
            controlBefore: cb, controlAfter: ca, logEffect: effect, effectPct: DifferenceInDifferences.effectPct(logEffect: effect),
            ciLow: ci?.low, ciHigh: ci?.high, preTrend: preTrend)
    }

    /// A percentile interval of the effect (%). Treated and control share each resample's hour
    /// weights (the same calendar hours), so what hits both at once stays paired; the two windows
    /// are resampled independently.
    func didInterval(
        _ figure: ComparedFigure, before: (treated: WindowFigures, control: WindowFigures),
        after: (treated: WindowFigures, control: WindowFigures), estimate: Double, seed: String
    ) -> (low: Double, high: Double)? {
        var rng = SplitMix64(seed: SplitMix64.seed(seed))
        var effects: [Double] = []
        effects.reserveCapacity(bootstrap.resamples)
        let hoursBefore = min(before.treated.hours, before.control.hours)
        let hoursAfter = min(after.treated.hours, after.control.hours)
        // Dense histograms once per window for latency; other figures read the hourly arrays.
        let dense = figure.metric == "latency_p95_ms"
            ? [before.treated, after.treated, before.control, after.control].map { DenseHourlyHistograms($0.latency) } : []
        let planBefore = bootstrap.plan(count: hoursBefore, start: before.treated.calendarStart)
        let planAfter = bootstrap.plan(count: hoursAfter, start: after.treated.calendarStart)
        func blocks(_ plan: BlockBootstrap.Plan, _ starts: [Int]) -> [DenseHourlyHistograms.Block] {
            starts.enumerated().map { .init(offset: 0, count: plan.count, start: $1, length: bootstrap.blockLength(plan, block: $0)) }
        }
        for _ in 0..<bootstrap.resamples {
            let startsBefore = bootstrap.blockStarts(planBefore, using: &rng)
            let startsAfter = bootstrap.blockStarts(planAfter, using: &rng)
            let wb = bootstrap.weights(planBefore, starts: startsBefore)
            let wa = bootstrap.weights(planAfter, starts: startsAfter)
            func value(_ index: Int, _ f: WindowFigures, _ w: [Int32]) -> Double? {
                guard !dense.isEmpty else { return figure.value(f, w) }
                let starts = index % 2 == 0 ? startsBefore : startsAfter
                return dense[index].quantiles([0.95], blocks: blocks(index % 2 == 0 ? planBefore : planAfter, starts))?.first
            }
            guard let tb = value(0, before.treated, wb), let ta = value(1, after.treated, wa),
                let cb = value(2, before.control, wb), let ca = value(3, after.control, wa),
                let effect = DifferenceInDifferences.logEffect(treatedBefore: tb, treatedAfter: ta, controlBefore: cb, controlAfter: ca)
            else { continue }
            effects.append(DifferenceInDifferences.effectPct(logEffect: effect))
        }
        effects.sort()
        return bootstrap.interval(sortedChanges: effects, estimate: estimate, before: [planBefore], after: [planAfter])
    }
}
