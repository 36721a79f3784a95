import Foundation
import Testing

@testable import ScalingImpact

/// The analyzer's windows, rows and verdicts on synthetic facts built in the test.
@Suite struct VerdictTests {
    static let changeAt = "2026-10-13T10:00:00Z"

    static func configuration(criteria: String = "") throws -> Configuration {
        try SyntheticConfiguration.make(environments: [("staging", changeAt)], criteria: criteria)
    }

    /// Facts for `staging/web` covering the before window, the transition day and the after window.
    static func facts(_ service: SyntheticService, configuration: Configuration) throws -> Facts {
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        let hours = Int((after.end - before.start) / 3600)
        return Facts(series: [ServiceKey(environment: "staging", service: "web"): service.facts(start: before.start, hours: hours)])
    }

    /// The rows of `staging/web` alone (no totals), which is all most tests need and a third of the work.
    static func serviceRows(_ facts: Facts, _ configuration: Configuration, resamples: Int = 300) throws -> [MetricRow] {
        let analyzer = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: resamples))
        let environment = try #require(configuration.environment(named: "staging"))
        let service = try #require(configuration.service(named: "web"))
        let (before, after) = configuration.windows(for: environment)
        let b = analyzer.figures(facts, environment: environment, service: service, window: before)
        let a = analyzer.figures(facts, environment: environment, service: service, window: after)
        return analyzer.makeRows(
            environment: "staging", service: "web", before: b, after: a, taskHourUSD: 0.05, modelledCost: nil, isTotal: false)
    }

    static func row(_ rows: [MetricRow], _ metric: String) throws -> MetricRow {
        try #require(rows.first { $0.metric == metric }, "no \(metric) row")
    }

    // MARK: No change

    /// Twenty before/after pairs of the same autocorrelated process: the week-to-week noise moves
    /// P95 and P99 by more than 5% in a good share of them, yet at most 1 in 20 of the 60
    /// latency and cost comparisons may come out FAIL.
    @Test func sameProcessBeforeAndAfterRarelyFails() throws {
        let configuration = try Self.configuration()
        var fails: [String] = []
        var naiveFails = 0
        var comparisons = 0
        for seed in 1...20 {
            let service = SyntheticService(seed: UInt64(seed))
            let rows = try Self.serviceRows(try Self.facts(service, configuration: configuration), configuration)
            for metric in ["latency_p95_ms", "latency_p99_ms", "cost_billed_usd"] {
                let row = try Self.row(rows, metric)
                comparisons += 1
                if row.verdict == .fail { fails.append("seed \(seed) \(metric): \(row.reason)") }
                // What a rule on the point estimate alone would have said.
                if let pct = row.deltaPct, pct > (metric == "cost_billed_usd" ? 10 : 5) { naiveFails += 1 }
            }
        }
        #expect(comparisons == 60)
        #expect(fails.count <= comparisons / 20, "\(fails)")
        // The noise is real: judged on the point estimate alone, many more would fail.
        #expect(naiveFails >= 6, "only \(naiveFails) comparisons moved by more than the thresholds")
    }

    // MARK: Planted effects

    @Test func plantedLatencyIncreaseFailsAndImprovementPasses() throws {
        let configuration = try Self.configuration()
        let changeAt = try #require(configuration.environment(named: "staging")).changeAt
        let slower = SyntheticService(seed: 7, changeAt: changeAt, latencyEffect: 1.3)
        let rows = try Self.serviceRows(try Self.facts(slower, configuration: configuration), configuration)
        let p95 = try Self.row(rows, "latency_p95_ms")
        #expect(p95.verdict == .fail)
        #expect(p95.reason.contains("significantly worse"))
        #expect(p95.reason.contains("High (Mann-Whitney, 98%"))
        #expect(try #require(p95.ciLow) > 0)
        // The true +30% lies inside the interval.
        #expect(try #require(p95.ciLow) < 30 && 30 < (try #require(p95.ciHigh)))
        #expect(try Self.row(rows, "overall").verdict == .fail)

        let faster = SyntheticService(seed: 7, changeAt: changeAt, latencyEffect: 0.8)
        let improved = try Self.row(try Self.serviceRows(try Self.facts(faster, configuration: configuration), configuration), "latency_p95_ms")
        #expect(improved.verdict == .pass)
        #expect(improved.reason.hasPrefix("P95 improved"))
        #expect(improved.reason.contains("Low (Mann-Whitney"))
    }

    @Test func latencyWorseButNotSignificantWarns() throws {
        // Few requests per hour and a small real change: the point estimate can pass 5%, the tests cannot confirm it.
        let configuration = try Self.configuration()
        let changeAt = try #require(configuration.environment(named: "staging")).changeAt
        var found = false
        for seed in 1...12 {
            var service = SyntheticService(seed: UInt64(100 + seed), changeAt: changeAt, latencyEffect: 1.04)
            service.latencySamplesPerHour = 20
            service.latencyLevelSD = 0.08
            let p95 = try Self.row(try Self.serviceRows(try Self.facts(service, configuration: configuration), configuration), "latency_p95_ms")
            guard let pct = p95.deltaPct, pct > 5 else { continue }
            if p95.verdict == .warn {
                #expect(p95.reason.contains("but not significantly worse"))
                found = true
                break
            }
        }
        #expect(found)
    }

    @Test func costOverBudgetFailsOnlyWhenSignificant() throws {
        let configuration = try Self.configuration()
        let changeAt = try #require(configuration.environment(named: "staging")).changeAt
        // +20% tasks on calm traffic: over budget and clearly so.
        let calm = SyntheticService(seed: 3, trafficSD: 0.005, changeAt: changeAt, taskEffect: 1.2)
        let fail = try Self.row(try Self.serviceRows(try Self.facts(calm, configuration: configuration), configuration), "cost_billed_usd")
        #expect(fail.verdict == .fail)
        #expect(fail.reason.hasPrefix("billed cost +"))
        #expect(fail.reason.contains("is over the 10% budget (95% interval [+"))
        #expect(try #require(fail.ciLow) > 0)
        // A real +12% on very noisy traffic: where the interval still reaches below zero, the rise
        // cannot be told from no change, so it is a WARN, not a FAIL.
        var warned = 0
        var failed = 0
        for seed in 1...6 {
            let noisy = SyntheticService(seed: UInt64(seed), phi: 0.5, trafficSD: 0.3, changeAt: changeAt, taskEffect: 1.12)
            let row = try Self.row(try Self.serviceRows(try Self.facts(noisy, configuration: configuration), configuration), "cost_billed_usd")
            guard let pct = row.deltaPct, pct >= 10, let low = row.ciLow else { continue }
            if low <= 0 {
                #expect(row.verdict == .warn, "\(row.reason)")
                #expect(row.reason.contains("includes no increase: too little data to tell"))
                warned += 1
            } else {
                #expect(row.verdict == .fail, "\(row.reason)")
                failed += 1
            }
        }
        #expect(failed > 0)
        let found = warned > 0
        #expect(found)
    }

    // MARK: 5xx

    @Test func zeroBaselineIsNamedAndFailsOnlyWhenSignificant() throws {
        let configuration = try Self.configuration()
        let changeAt = try #require(configuration.environment(named: "staging")).changeAt
        // No 5xx before; 0.1% after over millions of requests: significantly higher.
        var service = SyntheticService(seed: 5, errorRate: 0, changeAt: changeAt)
        var facts = try Self.facts(service, configuration: configuration)
        let key = ServiceKey(environment: "staging", service: "web")
        let afterErrors = try #require(facts.series[key]?.metrics["RequestCount"]).map {
            SeriesFacts.Point(ts: $0.ts, period: $0.period, value: $0.ts >= changeAt ? ($0.value * 0.001).rounded() : 0)
        }
        facts.series[key]?.metrics["HTTPCode_Target_5XX_Count"] = afterErrors
        let fail = try Self.row(try Self.serviceRows(facts, configuration), "error_rate_5xx_pct")
        #expect(fail.verdict == .fail)
        #expect(fail.reason.hasPrefix("no 5xx in "))
        #expect(fail.reason.contains("significantly higher"))
        #expect(fail.before == 0)
        #expect(fail.deltaPct == nil && fail.ciLow == nil)

        // Two 5xx after millions of requests: not significantly higher than a zero baseline allows.
        let two = try #require(facts.series[key]?.metrics["RequestCount"]).enumerated().map { index, point in
            SeriesFacts.Point(ts: point.ts, period: point.period, value: point.ts >= changeAt && index % 100 == 0 ? 1 : 0)
        }
        facts.series[key]?.metrics["HTTPCode_Target_5XX_Count"] = two
        let pass = try Self.row(try Self.serviceRows(facts, configuration), "error_rate_5xx_pct")
        #expect(pass.verdict == .pass)
        #expect(pass.reason.contains("not significantly higher than a zero baseline"))

        // None at all: said plainly.
        service.errorRate = 0
        let none = try Self.row(try Self.serviceRows(try Self.facts(service, configuration: configuration), configuration), "error_rate_5xx_pct")
        #expect(none.verdict == .pass && none.reason == "no 5xx before or after")

        // A doubled rate on a real baseline: FAIL with both Wilson intervals named, and a bootstrap interval of the change.
        let doubled = SyntheticService(seed: 5, errorRate: 0.002, changeAt: changeAt, errorEffect: 2)
        let row = try Self.row(try Self.serviceRows(try Self.facts(doubled, configuration: configuration), configuration), "error_rate_5xx_pct")
        #expect(row.verdict == .fail)
        #expect(row.reason.contains("do not overlap"))
        #expect(try #require(row.ciLow) > 50 && (try #require(row.ciHigh)) < 150)
    }

    // MARK: Windows and coverage

    @Test func defaultWindowsAreWholeWeeksAroundTheTransitionDay() throws {
        let configuration = try Self.configuration()
        let staging = try #require(configuration.environment(named: "staging"))
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 100))
            .analyze(facts: try Self.facts(SyntheticService(seed: 1), configuration: configuration))
        let windows = try #require(result.windows.first)
        #expect(windows.before == TimeWindow(start: staging.changeAt - 7 * 86_400, end: staging.changeAt))
        #expect(windows.after == TimeWindow(start: staging.changeAt + 86_400, end: staging.changeAt + 8 * 86_400))
        #expect(windows.isWholeWeeks)
        for source in EnvironmentWindows.sources {
            #expect(windows.coverage["web"]?[source] == WindowCoverage(before: 1, after: 1), "\(source)")
            #expect(windows.coverage["*"]?[source] == WindowCoverage(before: 1, after: 1), "\(source)")
        }
        // Ten-day windows compare different mixes of weekdays: flagged.
        let uneven = try Self.configuration(criteria: "after_days = 10")
        let unevenResult = Analyzer(configuration: uneven, bootstrap: BlockBootstrap(resamples: 100))
            .analyze(facts: try Self.facts(SyntheticService(seed: 1), configuration: uneven))
        #expect(try #require(unevenResult.windows.first).isWholeWeeks == false)
        // ... and details.md says so, where whole weeks say nothing.
        func details(_ result: AnalysisResult, _ facts: Facts) -> String {
            DetailsReport.render(
                ReportData(result: result, imports: [], timeSeries: TimeSeries(facts: facts, configuration: result.configuration), scalingEvents: []))
        }
        let unevenFacts = try Self.facts(SyntheticService(seed: 1), configuration: uneven)
        #expect(details(unevenResult, unevenFacts).contains("**Not whole weeks:** the windows of staging are not whole weeks"))
        #expect(!details(result, try Self.facts(SyntheticService(seed: 1), configuration: configuration)).contains("Not whole weeks"))
    }

    @Test func windowUnderTheCoverageThresholdGivesNoData() throws {
        let configuration = try Self.configuration()
        var facts = try Self.facts(SyntheticService(seed: 2), configuration: configuration)
        let staging = try #require(configuration.environment(named: "staging"))
        let after = configuration.windows(for: staging).after
        // Drop the after window's last 40% of hours from every source: 60% < 80% coverage.
        let cut = after.start + Int64(Double(after.duration) * 0.6)
        let key = ServiceKey(environment: "staging", service: "web")
        var series = try #require(facts.series[key])
        for (metric, points) in series.metrics { series.metrics[metric] = points.filter { $0.ts < cut } }
        series.latencyByHour = series.latencyByHour.filter { $0.key < cut }
        series.billedCostByHour = series.billedCostByHour.filter { $0.key < cut }
        facts.series[key] = series
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 100)).analyze(facts: facts)
        let coverage = try #require(result.windows.first?.coverage["web"]?["latency"])
        #expect(abs(coverage.after - 0.6) < 0.01 && coverage.before == 1)
        for metric in ["running_tasks_mean", "latency_p95_ms", "latency_p99_ms", "error_rate_5xx_pct"] {
            let row = try #require(result.row("staging", "web", metric))
            #expect(row.verdict == .noData, "\(metric): \(row.verdict?.rawValue ?? "nil") \(row.reason)")
            #expect(row.after == nil, "\(metric)")
        }
        // No bill and no task counts for the after window: cost is NO DATA too, and so is no row a PASS.
        #expect(try #require(result.row("staging", "web", "cost_modelled_usd")).verdict == .noData)
        #expect(try #require(result.row("staging", "web", "overall")).verdict == .noData)
        #expect(try #require(result.row("staging", "*", "overall")).verdict == .noData)
        #expect(try #require(result.row("*", "*", "overall")).verdict == .noData)
    }

    // MARK: Normalisation and money

    @Test func normalisationAndMonthlyRunRateFollowTheClosedForms() throws {
        let vector = try TestFixtures.vectors().normalisation
        let configuration = try SyntheticConfiguration.make(environments: [("staging", Self.changeAt)], taskHourUSD: vector.costPerTaskHour)
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        var series = SeriesFacts()
        for (window, taskHours, requests) in [
            (before, vector.taskHoursBefore, vector.requestsBefore), (after, vector.taskHoursAfter, vector.requestsAfter),
        ] {
            for ts in stride(from: window.start, to: window.end, by: 3600) {
                series.metrics["RunningTaskCount", default: []].append(.init(ts: ts, period: 3600, value: taskHours / 168))
                series.metrics["RequestCount", default: []].append(.init(ts: ts, period: 3600, value: requests / 168))
            }
        }
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 100))
            .analyze(facts: Facts(series: [ServiceKey(environment: "staging", service: "web"): series]))
        for service in ["web", "*"] {
            let perThousand = try #require(result.row("staging", service, "task_hours_per_1k_requests"))
            #expect(Approx.equal(perThousand.before, vector.taskHoursPer1kRequests[0], relative: 1e-9))
            #expect(Approx.equal(perThousand.after, vector.taskHoursPer1kRequests[1], relative: 1e-9))
            let perMillion = try #require(result.row("staging", service, "cost_per_million_requests_usd"))
            #expect(Approx.equal(perMillion.before, vector.costPerMillionRequests[0], relative: 1e-9))
            #expect(Approx.equal(perMillion.after, vector.costPerMillionRequests[1], relative: 1e-9))
            // Constant hours: the intervals collapse onto the exact changes.
            let expectedPct = 100 * (vector.taskHoursPer1kRequests[1] / vector.taskHoursPer1kRequests[0] - 1)
            #expect(Approx.equal(perThousand.ciLow, expectedPct, relative: 1e-9) && Approx.equal(perThousand.ciHigh, expectedPct, relative: 1e-9))
            // Seven days at 1680 and 1512 task-hours × $0.05: $12 and $10.80 a day, × 30.44 a month.
            let monthly = try #require(result.row("staging", service, "cost_monthly_usd"))
            #expect(Approx.equal(monthly.before, vector.taskHoursBefore * vector.costPerTaskHour / 7 * 30.44, relative: 1e-9))
            #expect(Approx.equal(monthly.after, vector.taskHoursAfter * vector.costPerTaskHour / 7 * 30.44, relative: 1e-9))
            #expect(Approx.equal(monthly.delta, (vector.taskHoursAfter - vector.taskHoursBefore) * vector.costPerTaskHour / 7 * 30.44, relative: 1e-9))
        }
        // Traffic is reported beside them: +16%.
        #expect(Approx.equal(try #require(result.row("staging", "web", "requests")).deltaPct, 16, relative: 1e-9))
    }

    @Test func monthlyRunRateScalesUnequalWindows() throws {
        let configuration = try Self.configuration(criteria: "after_days = 14")
        let rows = try Self.serviceRows(try Self.facts(SyntheticService(seed: 4, trafficSD: 0.001), configuration: configuration), configuration, resamples: 100)
        let billed = try Self.row(rows, "cost_billed_usd")
        let monthly = try Self.row(rows, "cost_monthly_usd")
        #expect(Approx.equal(monthly.before, try #require(billed.before) / 7 * 30.44, relative: 1e-12))
        #expect(Approx.equal(monthly.after, try #require(billed.after) / 14 * 30.44, relative: 1e-12))
        // Twice the days, about the same daily cost: the billed total doubles, the run-rate does not.
        #expect(try #require(billed.deltaPct) > 80)
        #expect(abs(try #require(monthly.deltaPct)) < 10)
        #expect(try #require(monthly.ciLow) < (try #require(monthly.deltaPct)) && (try #require(monthly.deltaPct)) < (try #require(monthly.ciHigh)))
    }

    @Test func billedCostFarFromTheModelWarns() throws {
        let configuration = try Self.configuration()
        // The bill charges 8% more than task-hours × list price.
        var service = SyntheticService(seed: 6)
        service.costPerTaskHour = 0.054
        let rows = try Self.serviceRows(try Self.facts(service, configuration: configuration), configuration, resamples: 100)
        let modelled = try Self.row(rows, "cost_modelled_usd")
        #expect(modelled.reason.hasPrefix("billed cost differs from modelled by +8.0% before and +8.0% after (more than 5%)"))
        #expect(modelled.verdict == nil)
        // Within 5%: nothing to say.
        service.costPerTaskHour = 0.051
        let close = try Self.row(try Self.serviceRows(try Self.facts(service, configuration: configuration), configuration, resamples: 100), "cost_modelled_usd")
        #expect(close.reason == "")
    }

    // MARK: Scaling behaviour

    @Test func cpuAboveTargetIsTheShareOfTimeAboveTargetPlusTen() throws {
        let configuration = try Self.configuration(criteria: "cpu_target_pct = 60")
        var facts = try Self.facts(SyntheticService(seed: 8), configuration: configuration)
        let key = ServiceKey(environment: "staging", service: "web")
        // One hour in four above 70% (target 60 + 10) before; none after.
        let staging = try #require(configuration.environment(named: "staging"))
        let changeAt = staging.changeAt
        let cpu = try #require(facts.series[key]?.metrics["CPUUtilization"]).map {
            SeriesFacts.Point(ts: $0.ts, period: $0.period, value: $0.ts < changeAt && ($0.ts / 3600) % 4 == 0 ? 75 : 65)
        }
        facts.series[key]?.metrics["CPUUtilization"] = cpu
        let row = try Self.row(try Self.serviceRows(facts, configuration, resamples: 100), "cpu_above_target_pct")
        #expect(Approx.equal(row.before, 25, relative: 1e-12))
        #expect(row.after == 0)
        #expect(row.reason.contains("above 70% (target 60% + 10 points)"))
    }

    @Test func scaleOutsAreCountedByTheirCause() throws {
        let configuration = try Self.configuration()
        var facts = try Self.facts(SyntheticService(seed: 9), configuration: configuration)
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        let key = ServiceKey(environment: "staging", service: "web")
        func event(_ ts: Int64, _ from: Int64?, _ to: Int64?, _ cause: String, _ status: String = "Successful") -> ScalingEvent {
            ScalingEvent(ts: ts, source: "application-autoscaling", fromCount: from, toCount: to, cause: cause, status: status)
        }
        facts.series[key]?.scalingEvents = [
            event(before.start + 3600, 4, 6, "requests"), event(before.start + 7200, 6, 5, "requests"),
            event(after.start + 3600, 4, 6, "cpu"), event(after.start + 7200, 6, 8, "cpu"),
            event(after.start + 9000, 8, 9, "requests"), event(after.start + 9600, 9, 10, "manual"),
            event(after.start + 9900, 10, 12, "cpu", "Failed"), event(after.start + 9999, nil, 12, "cpu"),
        ]
        let rows = try Self.serviceRows(facts, configuration, resamples: 100)
        #expect(try Self.row(rows, "scale_outs_cpu").before == 0 && (try Self.row(rows, "scale_outs_cpu").after) == 2)
        #expect(try Self.row(rows, "scale_outs_requests").before == 1 && (try Self.row(rows, "scale_outs_requests").after) == 1)
        #expect(try Self.row(rows, "scale_outs_other").before == 0 && (try Self.row(rows, "scale_outs_other").after) == 1)
        // Without imported scaling activities the rows are left out rather than claiming zero.
        let plain = try Self.serviceRows(try Self.facts(SyntheticService(seed: 9), configuration: configuration), configuration, resamples: 100)
        #expect(!plain.contains { $0.metric.hasPrefix("scale_outs_") })
        #expect(plain.contains { $0.metric == "scale_reversals" })
    }

    @Test func reversalsFollowTheFlappingDefinition() throws {
        let configuration = try Self.configuration()
        var facts = try Self.facts(SyntheticService(seed: 10), configuration: configuration)
        let after = configuration.windows(for: try #require(configuration.environment(named: "staging"))).after
        let key = ServiceKey(environment: "staging", service: "web")
        // The reference series of vectors.json, in the after window.
        let vector = try TestFixtures.vectors().flapping
        facts.series[key]?.metrics["DesiredTaskCount"] = vector.series.map {
            SeriesFacts.Point(ts: after.start + Int64($0[0]) * 60, period: 60, value: $0[1])
        }
        let rows = try Self.serviceRows(facts, configuration, resamples: 100)
        #expect(try Self.row(rows, "scale_reversals").after == Double(vector.reversals))
        #expect(try Self.row(rows, "scale_events_per_day").after == 6.0 / 7)
    }

    // MARK: Per-period percentiles

    @Test func perPeriodPercentilesAreASeriesNeverAWindowPercentile() throws {
        let configuration = try Self.configuration()
        var facts = try Self.facts(SyntheticService(seed: 11), configuration: configuration)
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        let key = ServiceKey(environment: "staging", service: "web")
        // CloudWatch p95 per minute: 100 ms before, 90 ms after (one minute an hour at 500 ms, which a median ignores).
        var points: [SeriesFacts.Point] = []
        for window in [before, after] {
            for ts in stride(from: window.start, to: window.end, by: 60) {
                let value = ts % 3600 == 0 ? 500.0 : (window == before ? 100 : 90)
                points.append(.init(ts: ts, period: 60, value: value))
            }
        }
        facts.series[key]?.percentilePoints["target_response_time_p95_median_ms"] = points
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 100)).analyze(facts: facts)
        let row = try #require(result.row("staging", "web", "target_response_time_p95_median_ms"))
        #expect(row.before == 100 && row.after == 90)
        #expect(row.verdict == nil)
        #expect(row.reason.contains("not a window percentile"))
        #expect(row.reason.contains("Low (Mann-Whitney"))
        // The window percentile rows are untouched, and totals never combine per-period percentiles.
        #expect(try #require(result.row("staging", "web", "latency_p95_ms")).before != 100)
        #expect(result.row("staging", "*", "target_response_time_p95_median_ms") == nil)
        // Without such data there is no such row.
        let plain = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 100))
            .analyze(facts: try Self.facts(SyntheticService(seed: 11), configuration: configuration))
        #expect(!plain.rows.contains { $0.metric.hasSuffix("_median_ms") })
    }

    @Test func percentileMetricsAreRecognisedByNameAndUnit() {
        #expect(PercentileSeries.name(metric: "TargetResponseTime_ms", statistic: "p95")?.name == "target_response_time_p95_median_ms")
        #expect(PercentileSeries.name(metric: "TargetResponseTime", statistic: "p99")?.toMilliseconds == 1000)
        #expect(PercentileSeries.name(metric: "LocustResponseTime", statistic: "p50")?.name == "locust_response_time_p50_median_ms")
        #expect(PercentileSeries.name(metric: "LocustResponseTime", statistic: "p66") == nil)
        #expect(PercentileSeries.name(metric: "TargetResponseTime", statistic: "Average") == nil)
        #expect(PercentileSeries.name(metric: "CPUUtilization", statistic: "p95") == nil)
    }

    @Test func factsLoadPercentilePointsAndScalingEvents() throws {
        let database = try Database(path: ":memory:")
        try database.execute(
            """
            INSERT INTO imports (id, path, sha256, format, rows_accepted, rows_rejected, imported_at) VALUES (1, 'x', 'h', 'f', 0, 0, 0);
            INSERT INTO metric_points (environment, service, metric, statistic, period_s, ts, value, import_id) VALUES
                ('staging', 'web', 'TargetResponseTime', 'p95', 60, 3600, 0.25, 1),
                ('staging', 'web', 'LocustResponseTime', 'p99', 10, 3610, 420, 1),
                ('staging', 'web', 'LocustResponseTime', 'p66', 10, 3610, 300, 1);
            INSERT INTO scaling_events (environment, service, ts, source, import_id, from_count, to_count, cause, status) VALUES
                ('staging', 'web', 3700, 'application-autoscaling', 1, 4, 6, 'cpu', 'Successful'),
                ('staging', 'web', 3800, 'ecs-events', 1, NULL, 7, 'unknown', 'Successful');
            """)
        let facts = try Facts.load(from: database, start: 0, end: 10_000)
        let series = try #require(facts.series[ServiceKey(environment: "staging", service: "web")])
        #expect(series.percentilePoints["target_response_time_p95_median_ms"]?.map(\.value) == [250])
        #expect(series.percentilePoints["locust_response_time_p99_median_ms"]?.map(\.value) == [420])
        #expect(series.percentilePoints.count == 2)
        #expect(series.scalingEvents.count == 2)
        #expect(series.scalingEvents[0] == ScalingEvent(ts: 3700, source: "application-autoscaling", fromCount: 4, toCount: 6, cause: "cpu", status: "Successful"))
        #expect(series.scalingEvents[0].isScaleOut)
        #expect(series.scalingEvents[1].fromCount == nil && !series.scalingEvents[1].isScaleOut)
    }

    // MARK: Configuration

    @Test func criteriaConfigureTheIntervalsAndTheClassifier() throws {
        let configuration = try Self.configuration(
            criteria: """
                confidence_pct = 90
                significance_confidence_pct = 95
                significance_tolerance = 0.5
                bootstrap_resamples = 500
                bootstrap_block_hours = 12
                """)
        let analyzer = Analyzer(configuration: configuration)
        #expect(analyzer.bootstrap.resamples == 500 && analyzer.bootstrap.blockLength == 12 && analyzer.bootstrap.confidence == 0.9)
        #expect(analyzer.classifier == MannWhitneyClassifier(confidence: 0.95, tolerance: 0.5))
        // The template's defaults are the plan's: 95% intervals, Kayenta's 98% and 0.25, 2,000 resamples of days.
        let template = Analyzer(configuration: try Configuration.parse(Configuration.template))
        #expect(template.bootstrap.resamples == 2000 && template.bootstrap.blockLength == 24 && template.bootstrap.confidence == 0.95)
        #expect(template.classifier == MannWhitneyClassifier())
        #expect(throws: ConfigurationError.self) { try Self.configuration(criteria: "confidence_pct = 100") }
        #expect(throws: ConfigurationError.self) { try Self.configuration(criteria: "bootstrap_block_hours = 0") }
    }
}
