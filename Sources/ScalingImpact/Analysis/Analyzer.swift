import Dispatch

/// Coverage of one source of data in the before and after windows (0...1).
public struct WindowCoverage: Sendable, Equatable {
    /// Share of the before window covered.
    public var before: Double
    /// Share of the after window covered.
    public var after: Double

    /// Creates a coverage pair.
    public init(before: Double, after: Double) {
        self.before = before
        self.after = after
    }
}

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
    /// Coverage per service and source: `tasks` (share of the time), `requests`, `latency`,
    /// `cost` and `cpu` (share of the hours with data). A source under the configured minimum
    /// makes the figures that depend on it NO DATA.
    public var coverage: [String: [String: WindowCoverage]] = [:]

    /// The sources in ``coverage``, in report order.
    public static let sources = ["tasks", "requests", "latency", "cost", "cpu"]

    /// Whether both windows are whole weeks, so that every weekday (and weekend day) counts
    /// equally before and after. Other lengths compare different mixes of busy and quiet days.
    public var isWholeWeeks: Bool {
        before.duration > 0 && before.duration % 604_800 == 0 && after.duration > 0 && after.duration % 604_800 == 0
    }

    public static func == (lhs: EnvironmentWindows, rhs: EnvironmentWindows) -> Bool {
        lhs.environment == rhs.environment && lhs.before == rhs.before && lhs.after == rhs.after
            && lhs.changeAt == rhs.changeAt && lhs.coverage == rhs.coverage
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
    /// Difference-in-differences estimates against environments not yet changed, in rollout order.
    public var controls: [ControlComparison] = []
    /// The facts read from the database, when the analysis read them (``Analyzer/analyze(database:)``):
    /// they cover the reports' hours too, so that the reports need not read them again.
    public var facts: Facts?

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
    public var bootstrap: BlockBootstrap

    /// Creates an analyzer; without `bootstrap`, the configuration's resamples, block length and
    /// confidence level are used.
    public init(configuration: Configuration, bootstrap: BlockBootstrap? = nil) {
        self.configuration = configuration
        let c = configuration.criteria
        self.bootstrap =
            bootstrap
            ?? BlockBootstrap(
                resamples: c.bootstrapResamples, blockLength: c.bootstrapBlockHours, confidence: c.confidencePct / 100)
    }

    /// The time range the analysis reads: from the earliest before window, less one more
    /// before-window length for the control environments' pre-trend check, to the latest after window.
    public var range: TimeWindow {
        let windows = configuration.environments.map { configuration.windows(for: $0) }
        let start = windows.map { $0.before.start - $0.before.duration }.min() ?? 0
        let end = windows.map(\.after.end).max() ?? 0
        return TimeWindow(start: start, end: end)
    }

    /// Loads the facts from `database` and analyses them.
    public func analyze(database: Database) throws(StorageError) -> AnalysisResult {
        // The analysis range and the reports' hours: one read serves both.
        let reports = TimeSeries.loadRange(configuration)
        let range = TimeWindow(start: min(self.range.start, reports.start), end: max(self.range.end, reports.end))
        // One read transaction: every query sees the same snapshot while an import commits.
        let facts = try database.readTransaction { () throws(StorageError) in
            try Facts.load(from: database, start: range.start, end: range.end)
        }
        var result = analyze(facts: facts)
        result.facts = facts
        return result
    }

    /// One series' figures over `window`.
    func figures(_ facts: Facts, environment: Configuration.Environment, service: Configuration.Service, window: TimeWindow)
        -> WindowFigures
    {
        let key = ServiceKey(environment: environment.name, service: service.name)
        let price = configuration.price(region: environment.region)
        let c = configuration.criteria
        return WindowFigures(
            facts: facts.series[key] ?? SeriesFacts(), window: window, maxCapacity: service.maxCapacity,
            flappingWindowSeconds: Int64(c.flappingWindowMinutes * 60),
            taskHourUSD: price.map { service.vcpu * $0.vcpuHourUSD + service.memoryGB * $0.gbHourUSD },
            cpuThresholdPct: c.cpuTargetPct + Self.cpuMarginPoints)
    }

    /// An environment's total over `window`: its services' figures added hour by hour.
    func totalFigures(_ facts: Facts, environment: Configuration.Environment, window: TimeWindow) -> WindowFigures {
        WindowFigures.total(
            configuration.services.map { figures(facts, environment: environment, service: $0, window: window) }, window: window)
    }

    /// Points above the CPU target at which time counts as "above target".
    static let cpuMarginPoints = 10.0

    /// One table of rows to build: a service, an environment's total or the rollout total.
    struct Group: Sendable {
        var environment: String
        var service: String
        var before: WindowFigures
        var after: WindowFigures
        var taskHourUSD: Double?
        /// The separately resampled windows behind the rollout total.
        var windows: (before: [WindowFigures], after: [WindowFigures])?

        var isTotal: Bool { service == "*" }
    }

    /// Analyses `facts`.
    ///
    /// First every window's figures, then every table's bootstrap (the expensive part, spread
    /// over the processor's cores; each table has its own seeded stream, so the result does not
    /// depend on the order), then the rows.
    public func analyze(facts: Facts) -> AnalysisResult {
        var windows: [EnvironmentWindows] = []
        var groups: [Group] = []
        var allBefore: [WindowFigures] = []
        var allAfter: [WindowFigures] = []
        var totals: [String: (before: WindowFigures, after: WindowFigures)] = [:]
        for environment in configuration.environments {
            let (before, after) = configuration.windows(for: environment)
            var envBefore: [WindowFigures] = []
            var envAfter: [WindowFigures] = []
            var taskCoverage: [String: (Double, Double)] = [:]
            var coverage: [String: [String: WindowCoverage]] = [:]
            let price = configuration.price(region: environment.region)
            for service in configuration.services {
                let b = figures(facts, environment: environment, service: service, window: before)
                let a = figures(facts, environment: environment, service: service, window: after)
                taskCoverage[service.name] = (b.taskCoverage, a.taskCoverage)
                coverage[service.name] = Self.coverage(b, a)
                groups.append(
                    Group(
                        environment: environment.name, service: service.name, before: b, after: a,
                        taskHourUSD: price.map { service.vcpu * $0.vcpuHourUSD + service.memoryGB * $0.gbHourUSD }))
                envBefore.append(b)
                envAfter.append(a)
            }
            let totalBefore = WindowFigures.total(envBefore, window: before)
            let totalAfter = WindowFigures.total(envAfter, window: after)
            coverage["*"] = Self.coverage(totalBefore, totalAfter)
            windows.append(
                EnvironmentWindows(
                    environment: environment.name, changeAt: environment.changeAt, before: before, after: after,
                    taskCoverage: taskCoverage, coverage: coverage))
            groups.append(Group(environment: environment.name, service: "*", before: totalBefore, after: totalAfter))
            allBefore.append(totalBefore)
            allAfter.append(totalAfter)
            totals[environment.name] = (totalBefore, totalAfter)
        }
        let overallBefore = WindowFigures.total(allBefore, window: TimeWindow(start: 0, end: Int64((allBefore.map(\.hours).min() ?? 0) * 3600)))
        let overallAfter = WindowFigures.total(allAfter, window: TimeWindow(start: 0, end: Int64((allAfter.map(\.hours).min() ?? 0) * 3600)))
        groups.append(Group(environment: "*", service: "*", before: overallBefore, after: overallAfter, windows: (allBefore, allAfter)))

        let intervals = Self.parallelMap(groups) { group in
            bootstrapIntervals(
                before: group.windows?.before ?? [group.before], after: group.windows?.after ?? [group.after],
                seed: "\(group.environment)/\(group.service)")
        }
        var rows: [MetricRow] = []
        for (group, intervals) in zip(groups, intervals) {
            if group.isTotal {
                let parts = group.environment == "*" ? rows.filter { $0.service == "*" } : rows.filter { $0.environment == group.environment }
                rows += makeTotalRows(
                    environment: group.environment, service: group.service, before: group.before, after: group.after, parts: parts,
                    windows: group.windows, intervals: intervals)
            } else {
                rows += makeRows(
                    environment: group.environment, service: group.service, before: group.before, after: group.after,
                    taskHourUSD: group.taskHourUSD, modelledCost: nil, isTotal: false, intervals: intervals)
            }
        }
        return AnalysisResult(
            rows: rows, windows: windows, bootstrap: bootstrap, configuration: configuration,
            controls: controlComparisons(facts: facts, totals: totals))
    }

    /// `transform` of every element, computed concurrently; results in the elements' order.
    static func parallelMap<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ transform: @escaping @Sendable (Element) -> Result
    ) -> [Result] {
        var results = [Result?](repeating: nil, count: elements.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = ParallelSlots(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: elements.count) { index in
                slots.buffer[index] = transform(elements[index])
            }
        }
        return results.compactMap { $0 }
    }

    /// Coverage of each source in a pair of windows.
    static func coverage(_ b: WindowFigures, _ a: WindowFigures) -> [String: WindowCoverage] {
        [
            "tasks": WindowCoverage(before: min(b.taskCoverage, WindowFigures.coverage(b.tasks)), after: min(a.taskCoverage, WindowFigures.coverage(a.tasks))),
            "requests": WindowCoverage(before: WindowFigures.coverage(b.requests), after: WindowFigures.coverage(a.requests)),
            "latency": WindowCoverage(before: WindowFigures.coverage(b.latency), after: WindowFigures.coverage(a.latency)),
            "cost": WindowCoverage(before: WindowFigures.coverage(b.cost), after: WindowFigures.coverage(a.cost)),
            "cpu": WindowCoverage(before: WindowFigures.coverage(b.cpu), after: WindowFigures.coverage(a.cpu)),
        ]
    }

    /// Rows for a total: additive money figures are sums of the parts' rows; the rest from the hourly totals.
    func makeTotalRows(
        environment: String, service: String, before: WindowFigures, after: WindowFigures, parts: [MetricRow],
        windows: (before: [WindowFigures], after: [WindowFigures])? = nil, intervals: Intervals? = nil
    ) -> [MetricRow] {
        let partRows = parts.filter { $0.service != "*" || environment == "*" }
        func sum(_ metric: String, _ side: KeyPath<MetricRow, Double?>) -> Double? {
            let values = partRows.filter { $0.metric == metric }.map { $0[keyPath: side] }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { return nil }
            return values.compactMap { $0 }.reduce(0, +)
        }
        let modelled = (sum("cost_modelled_usd", \.before), sum("cost_modelled_usd", \.after))
        return makeRows(
            environment: environment, service: service, before: before, after: after, taskHourUSD: nil,
            modelledCost: modelled, isTotal: true, windows: windows, intervals: intervals)
    }
}

/// Result slots shared by concurrent iterations; each iteration writes only its own slot.
struct ParallelSlots<Value>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Value?>
}
