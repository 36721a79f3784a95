/// The windows of one environment and how much of them the data covers.
public struct EnvironmentWindows: Sendable, Equatable {
    /// Environment name.
    public var environment: String
    /// When the change went live.
    public var changeAt: Int64
    /// The before window.
    public var before: TimeWindow
    /// The after window.
    public var after: TimeWindow
    /// Share of each window's time with running-task data, per service.
    public var taskCoverage: [String: (before: Double, after: Double)]

    public static func == (lhs: EnvironmentWindows, rhs: EnvironmentWindows) -> Bool {
        lhs.environment == rhs.environment && lhs.before == rhs.before && lhs.after == rhs.after
            && lhs.changeAt == rhs.changeAt
            && lhs.taskCoverage.keys.sorted() == rhs.taskCoverage.keys.sorted()
            && lhs.taskCoverage.allSatisfy { k, v in rhs.taskCoverage[k].map { $0 == v } ?? false }
    }
}

/// The analysis of a rollout: every metric row with its verdict, and how it was computed.
public struct AnalysisResult: Sendable {
    /// Rows in report order: per service, then the environment total, per environment; then `*,*`.
    public var rows: [MetricRow]
    /// Windows per environment, in rollout order.
    public var windows: [EnvironmentWindows]
    /// The bootstrap used for intervals.
    public var bootstrap: BlockBootstrap
    /// The configuration the analysis used.
    public var configuration: Configuration

    /// The row for (environment, service, metric).
    public func row(_ environment: String, _ service: String, _ metric: String) -> MetricRow? {
        rows.first { $0.environment == environment && $0.service == service && $0.metric == metric }
    }
}

/// Computes before/after figures, intervals and verdicts for every (environment, service),
/// every environment total and the overall total.
public struct Analyzer: Sendable {
    /// The rollout and its criteria.
    public var configuration: Configuration
    /// The bootstrap for intervals.
    public var bootstrap = BlockBootstrap()

    /// Creates an analyzer.
    public init(configuration: Configuration, bootstrap: BlockBootstrap = BlockBootstrap()) {
        self.configuration = configuration
        self.bootstrap = bootstrap
    }

    /// The time range the analysis reads: from the earliest before window to the latest after window.
    public var range: TimeWindow {
        let windows = configuration.environments.map { configuration.windows(for: $0) }
        let start = windows.map(\.before.start).min() ?? 0
        let end = windows.map(\.after.end).max() ?? 0
        return TimeWindow(start: start, end: end)
    }

    /// Loads the facts from `database` and analyses them.
    public func analyze(database: Database) throws(StorageError) -> AnalysisResult {
        let range = self.range
        // One read transaction: every query sees the same snapshot while an import commits.
        let facts = try database.readTransaction { () throws(StorageError) in
            try Facts.load(from: database, start: range.start, end: range.end)
        }
        return analyze(facts: facts)
    }

    /// Analyses `facts`.
    public func analyze(facts: Facts) -> AnalysisResult {
        var rows: [MetricRow] = []
        var windows: [EnvironmentWindows] = []
        var allBefore: [WindowFigures] = []
        var allAfter: [WindowFigures] = []
        let flapSeconds = Int64(configuration.criteria.flappingWindowMinutes * 60)
        for environment in configuration.environments {
            let (before, after) = configuration.windows(for: environment)
            var envBefore: [WindowFigures] = []
            var envAfter: [WindowFigures] = []
            var coverage: [String: (Double, Double)] = [:]
            for service in configuration.services {
                let key = ServiceKey(environment: environment.name, service: service.name)
                let series = facts.series[key] ?? SeriesFacts()
                let b = WindowFigures(facts: series, window: before, maxCapacity: service.maxCapacity, flappingWindowSeconds: flapSeconds)
                let a = WindowFigures(facts: series, window: after, maxCapacity: service.maxCapacity, flappingWindowSeconds: flapSeconds)
                coverage[service.name] = (b.taskCoverage, a.taskCoverage)
                let price = configuration.price(region: environment.region)
                let taskHourUSD = price.map { service.vcpu * $0.vcpuHourUSD + service.memoryGB * $0.gbHourUSD }
                rows += makeRows(
                    environment: environment.name, service: service.name, before: b, after: a,
                    taskHourUSD: taskHourUSD, modelledCost: nil,
                    isTotal: false)
                envBefore.append(b)
                envAfter.append(a)
            }
            windows.append(
                EnvironmentWindows(
                    environment: environment.name, changeAt: environment.changeAt, before: before, after: after,
                    taskCoverage: coverage))
            let totalBefore = WindowFigures.total(envBefore, window: before)
            let totalAfter = WindowFigures.total(envAfter, window: after)
            rows += makeTotalRows(environment: environment.name, service: "*", before: totalBefore, after: totalAfter, parts: rows.filter { $0.environment == environment.name })
            allBefore.append(totalBefore)
            allAfter.append(totalAfter)
        }
        let overallBefore = WindowFigures.total(allBefore, window: TimeWindow(start: 0, end: Int64((allBefore.map(\.hours).min() ?? 0) * 3600)))
        let overallAfter = WindowFigures.total(allAfter, window: TimeWindow(start: 0, end: Int64((allAfter.map(\.hours).min() ?? 0) * 3600)))
        rows += makeTotalRows(environment: "*", service: "*", before: overallBefore, after: overallAfter, parts: rows.filter { $0.service == "*" })
        return AnalysisResult(rows: rows, windows: windows, bootstrap: bootstrap, configuration: configuration)
    }

    /// 95% intervals of the relative change of every bootstrapped figure, from one resampling
    /// pass: each resample draws one set of hour weights per window and computes every figure
    /// from it, so the figures' intervals are consistent with each other.
    func bootstrapIntervals(before b: WindowFigures, after a: WindowFigures, seed: String) -> [String: (low: Double, high: Double)] {
        var rng = SplitMix64(seed: SplitMix64.seed("\(seed)/bootstrap"))
        let denseBefore = DenseHourlyHistograms(b.latency)
        let denseAfter = DenseHourlyHistograms(a.latency)
        let hasLatency = !denseBefore.hours.isEmpty && !denseAfter.hours.isEmpty
        let names = ["requests", "tasks", "cost", "p50", "p95", "p99"]
        var changes = [[Double]](repeating: [], count: names.count)
        func add(_ index: Int, _ before: Double?, _ after: Double?) {
            guard let before, let after, before != 0 else { return }
            changes[index].append(100 * (after / before - 1))
        }
        for _ in 0..<bootstrap.resamples {
            let wb = bootstrap.weights(count: b.hours, using: &rng)
            let wa = bootstrap.weights(count: a.hours, using: &rng)
            add(0, WindowFigures.scaledSum(b.requests, weights: wb), WindowFigures.scaledSum(a.requests, weights: wa))
            add(1, WindowFigures.mean(b.tasks, weights: wb), WindowFigures.mean(a.tasks, weights: wa))
            add(2, WindowFigures.scaledSum(b.cost, weights: wb), WindowFigures.scaledSum(a.cost, weights: wa))
            if hasLatency, let qb = denseBefore.quantiles([0.5, 0.95, 0.99], weights: wb),
                let qa = denseAfter.quantiles([0.5, 0.95, 0.99], weights: wa)
            {
                for i in 0..<3 { add(3 + i, qb[i], qa[i]) }
            }
        }
        var result: [String: (low: Double, high: Double)] = [:]
        let tail = (1 - bootstrap.confidence) / 2
        for (i, name) in names.enumerated() where changes[i].count >= bootstrap.resamples / 2 {
            let sorted = changes[i].sorted()
            if let low = Percentiles.linearSorted(sorted, tail), let high = Percentiles.linearSorted(sorted, 1 - tail) {
                result[name] = (low, high)
            }
        }
        return result
    }

    // MARK: Rows

    /// Rows for a total: additive money figures are sums of the parts' rows; the rest from the hourly totals.
    func makeTotalRows(environment: String, service: String, before: WindowFigures, after: WindowFigures, parts: [MetricRow]) -> [MetricRow] {
        let partRows = parts.filter { $0.service != "*" || environment == "*" }
        func sum(_ metric: String, _ side: KeyPath<MetricRow, Double?>) -> Double? {
            let values = partRows.filter { $0.metric == metric }.map { $0[keyPath: side] }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { return nil }
            return values.compactMap { $0 }.reduce(0, +)
        }
        let modelled = (sum("cost_modelled_usd", \.before), sum("cost_modelled_usd", \.after))
        return makeRows(
            environment: environment, service: service, before: before, after: after, taskHourUSD: nil,
            modelledCost: modelled, isTotal: true)
    }

    /// Rows for one (environment, service) or a total.
    func makeRows(
        environment: String, service: String, before b: WindowFigures, after a: WindowFigures,
        taskHourUSD: Double?, modelledCost: (Double?, Double?)?, isTotal: Bool
    ) -> [MetricRow] {
        let c = configuration.criteria
        let minCoverage = c.minCoveragePct / 100
        let seedBase = "\(environment)/\(service)"
        var rows: [MetricRow] = []
        func row(_ metric: String, _ unit: String, _ before: Double?, _ after: Double?, ci: (low: Double, high: Double)? = nil,
                 verdict: Verdict? = nil, reason: String = "") {
            rows.append(MetricRow(environment: environment, service: service, metric: metric, unit: unit, before: before,
                                  after: after, ciLow: ci?.low, ciHigh: ci?.high, verdict: verdict, reason: reason))
        }
        func covered(_ value: Double?, _ coverage: Double) -> Double? { coverage >= minCoverage ? value : nil }
        let intervals = bootstrapIntervals(before: b, after: a, seed: seedBase)
        func interval(_ name: String) -> (low: Double, high: Double)? { intervals[name] }

        // Traffic.
        let requestsBefore = covered(WindowFigures.scaledSum(b.requests), WindowFigures.coverage(b.requests))
        let requestsAfter = covered(WindowFigures.scaledSum(a.requests), WindowFigures.coverage(a.requests))
        row("requests", "count", requestsBefore.map { $0.rounded() }, requestsAfter.map { $0.rounded() },
            ci: requestsBefore != nil && requestsAfter != nil ? interval("requests") : nil,
            reason: requestsBefore == nil || requestsAfter == nil ? "too little request data in a window" : "")

        // Tasks.
        let tasksBefore = covered(WindowFigures.mean(b.tasks), min(b.taskCoverage, WindowFigures.coverage(b.tasks)))
        let tasksAfter = covered(WindowFigures.mean(a.tasks), min(a.taskCoverage, WindowFigures.coverage(a.tasks)))
        let tasksCI = tasksBefore != nil && tasksAfter != nil ? interval("tasks") : nil
        var taskVerdict = Verdict.noData
        var taskReason = "running task counts cover less than \(Int(c.minCoveragePct))% of a window"
        if let tasksBefore, let tasksAfter, tasksBefore > 0 {
            let pct = 100 * (tasksAfter / tasksBefore - 1)
            if pct >= c.taskBandLowPct && pct <= c.taskBandHighPct {
                taskVerdict = .pass
                taskReason = "mean running tasks \(Format.signedPct(pct)) is inside the expected \(Format.signedPct(c.taskBandLowPct))..\(Format.signedPct(c.taskBandHighPct))"
            } else {
                taskVerdict = .warn
                taskReason = "mean running tasks \(Format.signedPct(pct)) is outside the expected \(Format.signedPct(c.taskBandLowPct))..\(Format.signedPct(c.taskBandHighPct))"
            }
        }
        row("running_tasks_mean", "tasks", tasksBefore, tasksAfter, ci: tasksCI, verdict: taskVerdict, reason: taskReason)
        row("running_tasks_p95", "tasks",
            tasksBefore == nil ? nil : Percentiles.linear(b.taskValues, 0.95),
            tasksAfter == nil ? nil : Percentiles.linear(a.taskValues, 0.95))
        let taskHoursBefore = tasksBefore.map { $0 * b.window.hours }
        let taskHoursAfter = tasksAfter.map { $0 * a.window.hours }
        row("task_hours", "task-h", taskHoursBefore, taskHoursAfter, ci: tasksCI)
        row("time_at_max_capacity_pct", "%",
            isTotal || tasksBefore == nil ? nil : b.atMaxShare.map { $0 * 100 },
            isTotal || tasksAfter == nil ? nil : a.atMaxShare.map { $0 * 100 })

        // Cost.
        let modelledBefore: Double?
        let modelledAfter: Double?
        if let modelledCost {
            (modelledBefore, modelledAfter) = modelledCost
        } else {
            modelledBefore = taskHoursBefore.flatMap { th in taskHourUSD.map { th * $0 } }
            modelledAfter = taskHoursAfter.flatMap { th in taskHourUSD.map { th * $0 } }
        }
        let billedBefore = covered(WindowFigures.scaledSum(b.cost), WindowFigures.coverage(b.cost))
        let billedAfter = covered(WindowFigures.scaledSum(a.cost), WindowFigures.coverage(a.cost))
        let hasBilled = billedBefore != nil && billedAfter != nil
        let costCI = hasBilled ? interval("cost") : tasksCI
        let (costBefore, costAfter) = hasBilled ? (billedBefore, billedAfter) : (modelledBefore, modelledAfter)
        var costVerdict = Verdict.noData
        var costReason = "no cost in a window (no bill and no running task counts)"
        if let costBefore, let costAfter, costBefore > 0 {
            let pct = 100 * (costAfter / costBefore - 1)
            let basis = hasBilled ? "billed" : "modelled"
            if pct >= c.costBudgetPct {
                costVerdict = .fail
                costReason = "\(basis) cost \(Format.signedPct(pct)) is over the \(Format.pct(c.costBudgetPct)) budget"
            } else if pct >= c.costBudgetPct - c.costWarnMarginPct {
                costVerdict = .warn
                costReason = "\(basis) cost \(Format.signedPct(pct)) is within \(Format.number(c.costWarnMarginPct)) points of the \(Format.pct(c.costBudgetPct)) budget"
            } else {
                costVerdict = .pass
                costReason = "\(basis) cost \(Format.signedPct(pct)) is under the \(Format.pct(c.costBudgetPct)) budget"
            }
        }
        row("cost_modelled_usd", "USD", modelledBefore, modelledAfter, ci: hasBilled ? nil : tasksCI,
            verdict: hasBilled ? nil : costVerdict, reason: hasBilled ? "" : costReason)
        row("cost_billed_usd", "USD", billedBefore, billedAfter, ci: hasBilled ? costCI : nil,
            verdict: hasBilled ? costVerdict : nil, reason: hasBilled ? costReason : "no billed cost for both windows; the verdict uses modelled cost")
        func perMillion(_ cost: Double?, _ requests: Double?) -> Double? {
            guard let cost, let requests, requests > 0 else { return nil }
            return cost / requests * 1_000_000
        }
        row("cost_per_million_requests_usd", "USD", perMillion(costBefore, requestsBefore), perMillion(costAfter, requestsAfter),
            reason: hasBilled ? "billed cost" : "modelled cost")

        // CPU.
        row("cpu_mean_pct", "%", covered(WindowFigures.mean(b.cpu), WindowFigures.coverage(b.cpu)),
            covered(WindowFigures.mean(a.cpu), WindowFigures.coverage(a.cpu)))

        // Latency.
        let latencyCovered = WindowFigures.coverage(b.latency) >= minCoverage && WindowFigures.coverage(a.latency) >= minCoverage
        let mergedBefore = b.mergedLatency()
        let mergedAfter = a.mergedLatency()
        var latencyIntervals: [Double: (low: Double, high: Double)] = [:]
        if latencyCovered {
            latencyIntervals[0.5] = interval("p50")
            latencyIntervals[0.95] = interval("p95")
            latencyIntervals[0.99] = interval("p99")
        }
        for (metric, q) in [("latency_p50_ms", 0.5), ("latency_p95_ms", 0.95), ("latency_p99_ms", 0.99)] {
            let before = latencyCovered ? mergedBefore?.quantile(q) : nil
            let after = latencyCovered ? mergedAfter?.quantile(q) : nil
            let ci = latencyIntervals[q]
            var verdict: Verdict? = nil
            var reason = ""
            if q > 0.5 {
                let name = q == 0.95 ? "P95" : "P99"
                if let before, let after, before > 0 {
                    let pct = 100 * (after / before - 1)
                    let significant = (ci?.low ?? -1) > 0
                    if pct > c.latencyFailPct && significant {
                        verdict = .fail
                        reason = "\(name) \(Format.signedPct(pct)), significantly worse (95% interval \(Format.interval(ci)))"
                    } else if pct > c.latencyFailPct {
                        verdict = .warn
                        reason = "\(name) \(Format.signedPct(pct)) but the 95% interval \(Format.interval(ci)) includes no change: too little data to tell"
                    } else if let ci, ci.high < 0 {
                        verdict = .pass
                        reason = "\(name) improved \(Format.signedPct(pct)) (95% interval \(Format.interval(ci)))"
                    } else {
                        verdict = .pass
                        reason = "\(name) stable: \(Format.signedPct(pct)) (95% interval \(Format.interval(ci)))"
                    }
                } else {
                    verdict = .noData
                    reason = "per-request latency covers less than \(Int(c.minCoveragePct))% of the hours of a window"
                }
            }
            row(metric, "ms", before, after, ci: ci, verdict: verdict, reason: reason)
        }

        // 5xx.
        let errorsBefore = covered(WindowFigures.scaledSum(b.errors), WindowFigures.coverage(b.errors))
        let errorsAfter = covered(WindowFigures.scaledSum(a.errors), WindowFigures.coverage(a.errors))
        var rateBefore: Double?
        var rateAfter: Double?
        var errorVerdict = Verdict.noData
        var errorReason = "no request counts for a window"
        if let eb = errorsBefore, let ea = errorsAfter, let rb = requestsBefore, let ra = requestsAfter, rb > 0, ra > 0 {
            rateBefore = 100 * eb / rb
            rateAfter = 100 * ea / ra
            let wb = Intervals.wilson(successes: Int64(eb.rounded()), trials: Int64(rb.rounded()))
            let wa = Intervals.wilson(successes: Int64(ea.rounded()), trials: Int64(ra.rounded()))
            if let wb, let wa, wa.low > wb.high {
                errorVerdict = .fail
                errorReason = "5xx rate rose from \(Format.rate(eb / rb)) to \(Format.rate(ea / ra)); the 95% Wilson intervals do not overlap"
            } else if eb == 0 && ea == 0 {
                errorVerdict = .pass
                errorReason = "no 5xx before or after"
            } else {
                errorVerdict = .pass
                errorReason = "5xx rate \(Format.rate(eb / rb)) before, \(Format.rate(ea / ra)) after: not significantly higher"
            }
        }
        row("error_rate_5xx_pct", "%", rateBefore, rateAfter, verdict: errorVerdict, reason: errorReason)

        // Scaling.
        let daysBefore = b.window.hours / 24
        let daysAfter = a.window.hours / 24
        let eventsBefore = b.scaling.map { Double($0.changes) / daysBefore }
        let eventsAfter = a.scaling.map { Double($0.changes) / daysAfter }
        row("scale_events_per_day", "events/day", eventsBefore, eventsAfter)
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

        // Overall: the worst criterion; missing data is never a PASS.
        let criteria = rows.compactMap { r -> (String, Verdict, String)? in
            guard let v = r.verdict else { return nil }
            return (r.metric, v, r.reason)
        }
        let worst = criteria.map(\.1).max() ?? .noData
        let named = criteria.filter { $0.1 == worst && worst != .pass }.map { "\(Format.criterionName($0.0)): \($0.2)" }
        let overallReason = worst == .pass ? "every criterion passed" : named.joined(separator: "; ")
        row("overall", "", nil, nil, verdict: worst, reason: overallReason)
        return rows
    }
}
