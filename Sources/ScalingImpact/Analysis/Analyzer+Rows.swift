/// The rows of one (environment, service) pair or total, built section by section.
struct RowBuilder {
    var environment: String
    var service: String
    var before: WindowFigures
    var after: WindowFigures
    var criteria: Configuration.Criteria
    var intervals: Analyzer.Intervals
    /// Confidence level of the bootstrap and Wilson intervals (0.95).
    var confidence: Double
    var isTotal: Bool
    var rows: [MetricRow] = []

    var minCoverage: Double { criteria.minCoveragePct / 100 }
    /// `95%`.
    var level: String { Format.pct(confidence * 100) }

    mutating func row(
        _ metric: String, _ unit: String, _ before: Double?, _ after: Double?, ci: (low: Double, high: Double)? = nil,
        verdict: Verdict? = nil, reason: String = ""
    ) {
        rows.append(
            MetricRow(
                environment: environment, service: service, metric: metric, unit: unit, before: before, after: after,
                ciLow: ci?.low, ciHigh: ci?.high, verdict: verdict, reason: reason))
    }

    func covered(_ value: Double?, _ coverage: Double) -> Double? { coverage >= minCoverage ? value : nil }

    /// The interval of `name` when both sides exist.
    func interval(_ name: String, _ before: Double?, _ after: Double?) -> (low: Double, high: Double)? {
        before != nil && after != nil ? intervals[name] : nil
    }

    /// ` (95% interval [−1.0%, +3.0%])`, or nothing without an interval.
    func intervalClause(_ ci: (low: Double, high: Double)?) -> String {
        ci.map { " (\(level) interval \(Format.interval($0)))" } ?? ""
    }

    static func ratio(_ numerator: Double?, _ denominator: Double?, scale: Double) -> Double? {
        guard let numerator, let denominator, denominator > 0 else { return nil }
        return numerator / denominator * scale
    }
}

extension Analyzer {
    /// Days in an average month, for monthly run-rates (365.25 / 12, rounded as the summary does).
    static let daysPerMonth = 30.44

    /// Rows for one (environment, service) or a total. `windows` are the separately resampled
    /// windows behind an overall total (each environment's own), when not just `b` and `a`;
    /// `intervals` the bootstrap's, when already computed.
    func makeRows(
        environment: String, service: String, before b: WindowFigures, after a: WindowFigures,
        taskHourUSD: Double?, modelledCost: (Double?, Double?)?, isTotal: Bool,
        windows: (before: [WindowFigures], after: [WindowFigures])? = nil, intervals: Intervals? = nil
    ) -> [MetricRow] {
        var r = RowBuilder(
            environment: environment, service: service, before: b, after: a, criteria: configuration.criteria,
            intervals: intervals
                ?? bootstrapIntervals(before: windows?.before ?? [b], after: windows?.after ?? [a], seed: "\(environment)/\(service)"),
            confidence: bootstrap.confidence, isTotal: isTotal)
        let requests = r.trafficAndTaskRows()
        r.costRows(requests: requests, taskHourUSD: taskHourUSD, modelledCost: modelledCost)
        r.cpuRows()
        r.latencyRows(classifier: LatencySignificance(classifier: classifier))
        r.errorRows(requests: requests)
        r.scalingRows()
        r.overallRow()
        return r.rows
    }

    /// The Mann-Whitney classifier at the configured confidence and tolerance.
    var classifier: MannWhitneyClassifier {
        MannWhitneyClassifier(
            confidence: configuration.criteria.significanceConfidencePct / 100,
            tolerance: configuration.criteria.significanceTolerance)
    }
}

extension RowBuilder {
    // MARK: Traffic and tasks

    /// Requests, tasks, task-hours and task-hours per 1k requests; returns the request counts.
    mutating func trafficAndTaskRows() -> (before: Double?, after: Double?) {
        let b = before
        let a = after
        let c = criteria
        let requestsBefore = covered(WindowFigures.scaledSum(b.requests), WindowFigures.coverage(b.requests))
        let requestsAfter = covered(WindowFigures.scaledSum(a.requests), WindowFigures.coverage(a.requests))
        row(
            "requests", "count", requestsBefore.map { $0.rounded() }, requestsAfter.map { $0.rounded() },
            ci: interval("requests", requestsBefore, requestsAfter),
            reason: requestsBefore == nil || requestsAfter == nil ? "too little request data in a window" : "")

        let tasksBefore = covered(WindowFigures.mean(b.tasks), min(b.taskCoverage, WindowFigures.coverage(b.tasks)))
        let tasksAfter = covered(WindowFigures.mean(a.tasks), min(a.taskCoverage, WindowFigures.coverage(a.tasks)))
        let tasksCI = interval("tasks", tasksBefore, tasksAfter)
        var taskVerdict = Verdict.noData
        var taskReason = "running task counts cover less than \(Int(c.minCoveragePct))% of a window"
        if let tasksBefore, let tasksAfter, tasksBefore > 0 {
            let pct = 100 * (tasksAfter / tasksBefore - 1)
            let band = "\(Format.signedPct(c.taskBandLowPct))..\(Format.signedPct(c.taskBandHighPct))"
            let inside = pct >= c.taskBandLowPct && pct <= c.taskBandHighPct
            taskVerdict = inside ? .pass : .warn
            taskReason = "mean running tasks \(Format.signedPct(pct)) is \(inside ? "inside" : "outside") the expected \(band)"
        }
        row("running_tasks_mean", "tasks", tasksBefore, tasksAfter, ci: tasksCI, verdict: taskVerdict, reason: taskReason)
        row(
            "running_tasks_p95", "tasks",
            tasksBefore == nil ? nil : Percentiles.linear(b.taskValues, 0.95),
            tasksAfter == nil ? nil : Percentiles.linear(a.taskValues, 0.95))
        let taskHoursBefore = tasksBefore.map { $0 * b.window.hours }
        let taskHoursAfter = tasksAfter.map { $0 * a.window.hours }
        row("task_hours", "task-h", taskHoursBefore, taskHoursAfter, ci: tasksCI)
        let perThousandBefore = Self.ratio(taskHoursBefore, requestsBefore, scale: 1000)
        let perThousandAfter = Self.ratio(taskHoursAfter, requestsAfter, scale: 1000)
        row(
            "task_hours_per_1k_requests", "task-h", perThousandBefore, perThousandAfter,
            ci: interval("tasksPerRequest", perThousandBefore, perThousandAfter))
        row(
            "time_at_max_capacity_pct", "%",
            isTotal || tasksBefore == nil ? nil : b.atMaxShare.map { $0 * 100 },
            isTotal || tasksAfter == nil ? nil : a.atMaxShare.map { $0 * 100 })
        return (requestsBefore, requestsAfter)
    }

    // MARK: Cost

    /// Modelled and billed cost (the verdict on billed when the bill covers both windows), cost
    /// per million requests, and the monthly run-rate.
    mutating func costRows(requests: (before: Double?, after: Double?), taskHourUSD: Double?, modelledCost: (Double?, Double?)?) {
        let b = before
        let a = after
        let c = criteria
        let modelledBefore: Double?
        let modelledAfter: Double?
        if let modelledCost {
            (modelledBefore, modelledAfter) = modelledCost
        } else {
            let taskHours = rows.first { $0.metric == "task_hours" }
            modelledBefore = taskHours?.before.flatMap { th in taskHourUSD.map { th * $0 } }
            modelledAfter = taskHours?.after.flatMap { th in taskHourUSD.map { th * $0 } }
        }
        let billedBefore = covered(WindowFigures.scaledSum(b.cost), WindowFigures.coverage(b.cost))
        let billedAfter = covered(WindowFigures.scaledSum(a.cost), WindowFigures.coverage(a.cost))
        let hasBilled = billedBefore != nil && billedAfter != nil
        let basis = hasBilled ? "billed" : "modelled"
        let costCI = hasBilled ? intervals["cost"] : interval("modelled", modelledBefore, modelledAfter)
        let (costBefore, costAfter) = hasBilled ? (billedBefore, billedAfter) : (modelledBefore, modelledAfter)
        var costVerdict = Verdict.noData
        var costReason = "no cost in a window (no bill and no running task counts)"
        if let costBefore, let costAfter, costBefore > 0 {
            let pct = 100 * (costAfter / costBefore - 1)
            let budget = Format.pct(c.costBudgetPct)
            if pct >= c.costBudgetPct {
                if let costCI, costCI.low <= 0 {
                    // Over the budget at the point estimate, but not significantly more than before.
                    costVerdict = .warn
                    costReason = "\(basis) cost \(Format.signedPct(pct)) is over the \(budget) budget, but the \(level) interval \(Format.interval(costCI)) includes no increase: too little data to tell"
                } else {
                    costVerdict = .fail
                    costReason = "\(basis) cost \(Format.signedPct(pct)) is over the \(budget) budget\(intervalClause(costCI))"
                }
            } else if pct >= c.costBudgetPct - c.costWarnMarginPct {
                costVerdict = .warn
                costReason = "\(basis) cost \(Format.signedPct(pct)) is within \(Format.number(c.costWarnMarginPct)) points of the \(budget) budget\(intervalClause(costCI))"
            } else {
                costVerdict = .pass
                costReason = "\(basis) cost \(Format.signedPct(pct)) is under the \(budget) budget\(intervalClause(costCI))"
            }
        }
        row(
            "cost_modelled_usd", "USD", modelledBefore, modelledAfter, ci: hasBilled ? nil : costCI,
            verdict: hasBilled ? nil : costVerdict,
            reason: hasBilled ? modelCheck(billed: (billedBefore, billedAfter), modelled: (modelledBefore, modelledAfter)) : costReason)
        row(
            "cost_billed_usd", "USD", billedBefore, billedAfter, ci: hasBilled ? costCI : nil,
            verdict: hasBilled ? costVerdict : nil,
            reason: hasBilled ? costReason : "no billed cost for both windows; the verdict uses modelled cost")
        let perMillionBefore = Self.ratio(costBefore, requests.before, scale: 1_000_000)
        let perMillionAfter = Self.ratio(costAfter, requests.after, scale: 1_000_000)
        row(
            "cost_per_million_requests_usd", "USD", perMillionBefore, perMillionAfter,
            ci: interval(hasBilled ? "costPerRequest" : "modelledPerRequest", perMillionBefore, perMillionAfter),
            reason: "\(basis) cost")
        // Monthly run-rate: each window's daily cost × the days of an average month.
        let daysBefore = b.window.hours / 24
        let daysAfter = a.window.hours / 24
        let monthlyBefore = daysBefore > 0 ? costBefore.map { $0 / daysBefore * Analyzer.daysPerMonth } : nil
        let monthlyAfter = daysAfter > 0 ? costAfter.map { $0 / daysAfter * Analyzer.daysPerMonth } : nil
        // The run-rates' ratio is the cost ratio × (before days / after days).
        let scale = daysAfter > 0 ? daysBefore / daysAfter : 1
        let monthlyCI = costCI.map { ci in (low: ((1 + ci.low / 100) * scale - 1) * 100, high: ((1 + ci.high / 100) * scale - 1) * 100) }
        row(
            "cost_monthly_usd", "USD", monthlyBefore, monthlyAfter,
            ci: monthlyBefore != nil && monthlyAfter != nil ? monthlyCI : nil,
            reason: "\(basis) cost per \(Format.number(Analyzer.daysPerMonth))-day month at each window's rate; delta is the monthly run-rate of the change")
    }

    /// A warning when billed and modelled cost differ by more than the tolerance in either window.
    func modelCheck(billed: (Double?, Double?), modelled: (Double?, Double?)) -> String {
        guard let bb = billed.0, let ba = billed.1, let mb = modelled.0, let ma = modelled.1, mb > 0, ma > 0 else { return "" }
        let differenceBefore = 100 * (bb / mb - 1)
        let differenceAfter = 100 * (ba / ma - 1)
        let tolerance = criteria.costModelTolerancePct
        guard abs(differenceBefore) > tolerance || abs(differenceAfter) > tolerance else { return "" }
        return "billed cost differs from modelled by \(Format.signedPct(differenceBefore)) before and \(Format.signedPct(differenceAfter)) after "
            + "(more than \(Format.pct(tolerance))): check the prices and task sizes in the configuration"
    }

    // MARK: CPU

    /// Mean CPU and the share of time above the target + 10 points.
    mutating func cpuRows() {
        let b = before
        let a = after
        let coveredBefore = WindowFigures.coverage(b.cpu)
        let coveredAfter = WindowFigures.coverage(a.cpu)
        row("cpu_mean_pct", "%", covered(WindowFigures.mean(b.cpu), coveredBefore), covered(WindowFigures.mean(a.cpu), coveredAfter))
        func share(_ figures: WindowFigures, _ coverage: Double) -> Double? {
            guard figures.cpuAbove.covered > 0 else { return nil }
            return covered(100 * figures.cpuAbove.seconds / figures.cpuAbove.covered, coverage)
        }
        let threshold = criteria.cpuTargetPct + Analyzer.cpuMarginPoints
        row(
            "cpu_above_target_pct", "%", share(b, coveredBefore), share(a, coveredAfter),
            reason: "share of CPUUtilization datapoint time above \(Format.pct(threshold)) (target \(Format.pct(criteria.cpuTargetPct)) + \(Format.number(Analyzer.cpuMarginPoints)) points)")
    }

    // MARK: Latency

    /// Window percentiles with the bootstrap interval and the Mann-Whitney classification of
    /// per-period percentiles; then the per-period percentile series, where imported.
    mutating func latencyRows(classifier significance: LatencySignificance) {
        let b = before
        let a = after
        let c = criteria
        let latencyCovered = WindowFigures.coverage(b.latency) >= minCoverage && WindowFigures.coverage(a.latency) >= minCoverage
        let mergedBefore = b.mergedLatency()
        let mergedAfter = a.mergedLatency()
        for (metric, q, key) in [("latency_p50_ms", 0.5, "p50"), ("latency_p95_ms", 0.95, "p95"), ("latency_p99_ms", 0.99, "p99")] {
            let valueBefore = latencyCovered ? mergedBefore?.quantile(q) : nil
            let valueAfter = latencyCovered ? mergedAfter?.quantile(q) : nil
            let ci = latencyCovered ? intervals[key] : nil
            guard q > 0.5 else {
                row(metric, "ms", valueBefore, valueAfter, ci: ci)
                continue
            }
            let name = q == 0.95 ? "P95" : "P99"
            guard let valueBefore, let valueAfter, valueBefore > 0 else {
                row(
                    metric, "ms", valueBefore, valueAfter, ci: ci, verdict: .noData,
                    reason: "per-request latency covers less than \(Int(c.minCoveragePct))% of the hours of a window")
                continue
            }
            let pct = 100 * (valueAfter / valueBefore - 1)
            let test = significance.classify(before: b.latency, after: a.latency, q: q)
            let testClause = significance.describe(test, name: name)
            let intervalText = "\(level) interval \(Format.interval(ci))"
            var verdict = Verdict.pass
            var reason: String
            if pct > c.latencyFailPct {
                let bootstrapHigher = (ci?.low ?? -1) > 0
                var classifierHigher = true
                if case .compared(let outcome) = test { classifierHigher = outcome.classification.label == .high }
                if bootstrapHigher && classifierHigher {
                    verdict = .fail
                    reason = "\(name) \(Format.signedPct(pct)), significantly worse: \(intervalText); \(testClause)"
                } else {
                    verdict = .warn
                    reason = "\(name) \(Format.signedPct(pct)) but not significantly worse: \(intervalText); \(testClause)"
                }
            } else if let ci, ci.high < 0 {
                reason = "\(name) improved \(Format.signedPct(pct)) (\(intervalText)); \(testClause)"
            } else {
                reason = "\(name) stable: \(Format.signedPct(pct)) (\(intervalText)); \(testClause)"
            }
            row(metric, "ms", valueBefore, valueAfter, ci: ci, verdict: verdict, reason: reason)
        }
        // Per-period percentiles (CloudWatch p95, Locust): a series, never a window percentile.
        for name in PercentileSeries.rowNames where b.percentileSeries[name] != nil || a.percentileSeries[name] != nil {
            let hourlyBefore = b.percentileSeries[name] ?? []
            let hourlyAfter = a.percentileSeries[name] ?? []
            let valueBefore = covered(Percentiles.linear(hourlyBefore.compactMap { $0 }, 0.5), WindowFigures.coverage(hourlyBefore))
            let valueAfter = covered(Percentiles.linear(hourlyAfter.compactMap { $0 }, 0.5), WindowFigures.coverage(hourlyAfter))
            var reason = PercentileSeries.describe(name)
            if valueBefore != nil && valueAfter != nil {
                let outcome = LatencySignificance.Outcome(
                    periodHours: 1,
                    classification: significance.classifier.classify(after: hourlyAfter.compactMap { $0 }, before: hourlyBefore.compactMap { $0 }))
                reason += "; " + significance.describe(.compared(outcome), name: "value")
            } else {
                reason += "; the series covers less than \(Int(criteria.minCoveragePct))% of the hours of a window"
            }
            row(name, "ms", valueBefore, valueAfter, ci: interval(name, valueBefore, valueAfter), reason: reason)
        }
    }

    // MARK: 5xx

    /// Σ5xx / Σrequests with Wilson intervals; FAIL only when the after rate is significantly higher.
    mutating func errorRows(requests: (before: Double?, after: Double?)) {
        let b = before
        let a = after
        let errorsBefore = covered(WindowFigures.scaledSum(b.errors), WindowFigures.coverage(b.errors))
        let errorsAfter = covered(WindowFigures.scaledSum(a.errors), WindowFigures.coverage(a.errors))
        var rateBefore: Double?
        var rateAfter: Double?
        var verdict = Verdict.noData
        var reason = "no request counts for a window"
        let z = NormalDistribution.twoSidedCritical(confidence: confidence)
        if let eb = errorsBefore, let ea = errorsAfter, let rb = requests.before, let ra = requests.after, rb > 0, ra > 0 {
            rateBefore = 100 * eb / rb
            rateAfter = 100 * ea / ra
            let wb = Intervals.wilson(successes: Int64(eb.rounded()), trials: Int64(rb.rounded()), z: z)
            let wa = Intervals.wilson(successes: Int64(ea.rounded()), trials: Int64(ra.rounded()), z: z)
            let higher = (wb?.high).flatMap { bh in (wa?.low).map { $0 > bh } } ?? false
            func wilson(_ interval: (low: Double, high: Double)?) -> String {
                interval.map { "[\(Format.rate($0.low)), \(Format.rate($0.high))]" } ?? "not computed"
            }
            if eb.rounded() == 0 && ea.rounded() == 0 {
                verdict = .pass
                reason = "no 5xx before or after"
            } else if eb.rounded() == 0 {
                // A zero baseline: the before window only bounds the rate from above.
                verdict = higher ? .fail : .pass
                let bound = "no 5xx in \(Int64(rb.rounded())) requests before (\(level) upper bound \(Format.rate(wb?.high ?? 0)))"
                reason = higher
                    ? "\(bound); \(Format.rate(ea / ra)) after (\(level) Wilson \(wilson(wa))): significantly higher"
                    : "\(bound); \(Format.rate(ea / ra)) after: not significantly higher than a zero baseline of this size allows"
            } else if higher {
                verdict = .fail
                reason = "5xx rate rose from \(Format.rate(eb / rb)) to \(Format.rate(ea / ra)); the \(level) Wilson intervals \(wilson(wb)) and \(wilson(wa)) do not overlap"
            } else {
                verdict = .pass
                reason = "5xx rate \(Format.rate(eb / rb)) before, \(Format.rate(ea / ra)) after: not significantly higher"
            }
        }
        row(
            "error_rate_5xx_pct", "%", rateBefore, rateAfter, ci: interval("errorRate", rateBefore, rateAfter), verdict: verdict,
            reason: reason)
    }

    // MARK: Scaling

    /// Scale events per day, reversals, flaps, and scale-outs by the rule that caused them.
    mutating func scalingRows() {
        let b = before
        let a = after
        let c = criteria
        let daysBefore = b.window.hours / 24
        let daysAfter = a.window.hours / 24
        row(
            "scale_events_per_day", "events/day", b.scaling.map { Double($0.changes) / daysBefore },
            a.scaling.map { Double($0.changes) / daysAfter })
        row("scale_reversals", "count", b.scaling.map { Double($0.reversals) }, a.scaling.map { Double($0.reversals) })
        var flapVerdict = Verdict.noData
        var flapReason = "no task-count series for a window"
        if let flaps = a.scaling?.flaps {
            let perDay = Double(flaps) / daysAfter
            if perDay > c.flapsPerDayWarn {
                flapVerdict = .warn
                flapReason = "\(flaps) flaps in the after window (\(Format.number(perDay)) a day, above \(Format.number(c.flapsPerDayWarn)))"
            } else {
                flapVerdict = .pass
                flapReason = flaps == 0 ? "no flapping" : "\(flaps) flaps in the after window (\(Format.number(perDay)) a day, within \(Format.number(c.flapsPerDayWarn)))"
            }
        }
        row("flaps", "count", b.scaling.map { Double($0.flaps) }, a.scaling.map { Double($0.flaps) }, verdict: flapVerdict, reason: flapReason)
        guard b.scaleOuts != nil || a.scaleOuts != nil else { return }
        for (cause, metric, text) in [
            ("cpu", "scale_outs_cpu", "scale-outs triggered by the CPU policy or alarm"),
            ("requests", "scale_outs_requests", "scale-outs triggered by the request-count policy or alarm"),
            ("other", "scale_outs_other", "scale-outs by other or unnamed causes (manual, scheduled, ECS service events)"),
        ] {
            row(metric, "count", b.scaleOuts.map { Double($0[cause] ?? 0) }, a.scaleOuts.map { Double($0[cause] ?? 0) }, reason: text)
        }
    }

    // MARK: Overall

    /// The worst criterion; missing data is never a PASS.
    mutating func overallRow() {
        let criteria = rows.compactMap { r -> (String, Verdict, String)? in
            guard let v = r.verdict else { return nil }
            return (r.metric, v, r.reason)
        }
        let worst = criteria.map(\.1).max() ?? .noData
        let named = criteria.filter { $0.1 == worst && worst != .pass }.map { "\(Format.criterionName($0.0)): \($0.2)" }
        let overallReason = worst == .pass ? "every criterion passed" : named.joined(separator: "; ")
        row("overall", "", nil, nil, verdict: worst, reason: overallReason)
    }
}
