import Foundation
import Testing

@testable import ScalingImpact

/// Difference-in-differences against environments not yet changed, with the parallel-trends check.
@Suite struct DifferenceInDifferencesTests {
    @Test func logEffectMatchesTheReference() throws {
        let vector = try StatisticalVectors.load().differenceInDifferences
        let effect = try #require(
            DifferenceInDifferences.logEffect(
                treatedBefore: vector.treatedBefore, treatedAfter: vector.treatedAfter, controlBefore: vector.controlBefore,
                controlAfter: vector.controlAfter))
        #expect(Approx.equal(effect, vector.logEffect, relative: 1e-12))
        #expect(Approx.equal(DifferenceInDifferences.effectPct(logEffect: effect), vector.effectPct, relative: 1e-12))
        #expect(DifferenceInDifferences.logEffect(treatedBefore: 0, treatedAfter: 1, controlBefore: 1, controlAfter: 1) == nil)
    }

    /// prod-eu changes on 13 October; prod-us only on 3 November, after prod-eu's after window.
    static func configuration() throws -> Configuration {
        try SyntheticConfiguration.make(environments: [("prod-eu", "2026-10-13T10:00:00Z"), ("prod-us", "2026-11-03T10:00:00Z")])
    }

    /// Facts for both environments from prod-eu's pre-period to prod-us's after window.
    static func facts(_ configuration: Configuration, treated: SyntheticService, control: SyntheticService) throws -> Facts {
        let range = Analyzer(configuration: configuration).range
        let hours = Int(range.duration / 3600)
        return Facts(series: [
            ServiceKey(environment: "prod-eu", service: "web"): treated.facts(start: range.start, hours: hours),
            ServiceKey(environment: "prod-us", service: "web"): control.facts(start: range.start, hours: hours),
        ])
    }

    @Test func controlRemovesWhatMovedBothEnvironments() throws {
        let configuration = try Self.configuration()
        let prodEU = try #require(configuration.environment(named: "prod-eu"))
        // A campaign lifts traffic, and so tasks and cost, by 20% in both environments from the day
        // prod-eu changes; prod-eu's change adds 10% to its tasks and takes 10% off its latency.
        var treated = SyntheticService(seed: 102, trafficSD: 0.005, changeAt: prodEU.changeAt, taskEffect: 1.10, latencyEffect: 0.9)
        treated.sharedShock = 1.2
        treated.sharedShockAt = prodEU.changeAt
        var control = SyntheticService(seed: 103, trafficSD: 0.005)
        control.sharedShock = 1.2
        control.sharedShockAt = prodEU.changeAt
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 300))
            .analyze(facts: try Self.facts(configuration, treated: treated, control: control))

        // Before vs after alone mixes the campaign into the change: +32%.
        let own = try #require(result.row("prod-eu", "*", "cost_billed_usd"))
        #expect(abs(try #require(own.deltaPct) - 32) < 2)

        // Only prod-eu has a control; prod-us changed last.
        #expect(Set(result.controls.map(\.environment)) == ["prod-eu"])
        #expect(result.controls.map(\.metric) == ["cost_billed_usd", "latency_p95_ms"])
        let cost = try #require(result.controls.first { $0.metric == "cost_billed_usd" })
        #expect(cost.control == "prod-us")
        #expect(abs(cost.effectPct - 10) < 2, "\(cost)")
        #expect(try #require(cost.ciLow) < 10 && 10 < (try #require(cost.ciHigh)))
        // The estimate is the closed form of the four window figures.
        let closed = try #require(
            DifferenceInDifferences.logEffect(
                treatedBefore: cost.treatedBefore, treatedAfter: cost.treatedAfter, controlBefore: cost.controlBefore,
                controlAfter: cost.controlAfter))
        #expect(closed == cost.logEffect)
        #expect(Approx.equal(cost.treatedBefore, try #require(own.before), relative: 1e-12))
        // The week before moved both alike: parallel trends, and said so.
        #expect(cost.preTrend.status == .parallel, "\(cost.preTrend.reason)")
        #expect(cost.preTrend.window.end == configuration.windows(for: prodEU).before.start)
        #expect(cost.preTrend.reason.contains("within ±5%: trends were parallel"))

        let latency = try #require(result.controls.first { $0.metric == "latency_p95_ms" })
        #expect(try #require(latency.ciLow) < -10 && -10 < (try #require(latency.ciHigh)))
        #expect(latency.preTrend.status != .notParallel)
    }

    @Test func controlThatDriftedBeforeTheChangeIsFlagged() throws {
        let configuration = try Self.configuration()
        let prodEU = try #require(configuration.environment(named: "prod-eu"))
        let before = configuration.windows(for: prodEU).before
        let treated = SyntheticService(seed: 31, trafficSD: 0.005, changeAt: prodEU.changeAt, taskEffect: 1.1)
        // The control lost 30% of its traffic when prod-eu's before window began: it does not track prod-eu.
        var control = SyntheticService(seed: 32, trafficSD: 0.005)
        control.sharedShock = 0.7
        control.sharedShockAt = before.start
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 300))
            .analyze(facts: try Self.facts(configuration, treated: treated, control: control))
        let cost = try #require(result.controls.first { $0.metric == "cost_billed_usd" })
        #expect(cost.preTrend.status == .notParallel)
        let placebo = try #require(cost.preTrend.effectPct)
        let expected: Double = (1 / 0.7 - 1) * 100
        #expect(abs(placebo - expected) < 3)
        #expect(cost.preTrend.reason.contains("do not trust the estimate"))
    }

    @Test func withoutDataBeforeTheBeforeWindowTheCheckIsNotMade() throws {
        let configuration = try Self.configuration()
        let prodEU = try #require(configuration.environment(named: "prod-eu"))
        var facts = try Self.facts(
            configuration, treated: SyntheticService(seed: 41, changeAt: prodEU.changeAt), control: SyntheticService(seed: 42))
        let before = configuration.windows(for: prodEU).before
        for key in facts.series.keys {
            guard var series = facts.series[key] else { continue }
            for (metric, points) in series.metrics { series.metrics[metric] = points.filter { $0.ts >= before.start } }
            series.billedCostByHour = series.billedCostByHour.filter { $0.key >= before.start }
            series.latencyByHour = series.latencyByHour.filter { $0.key >= before.start }
            facts.series[key] = series
        }
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 200)).analyze(facts: facts)
        #expect(result.controls.count == 2)
        for comparison in result.controls {
            #expect(comparison.preTrend.status == .notChecked)
            #expect(comparison.preTrend.effectPct == nil)
            #expect(comparison.ciLow != nil)
        }
    }

    @Test func environmentsChangedWithinEachOthersWindowsHaveNoControl() throws {
        // The template's rollout: a day apart, so every other environment changes inside each one's windows.
        let configuration = try Configuration.parse(Configuration.template)
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 100)).analyze(facts: Facts())
        #expect(result.controls.isEmpty)
        let section = DetailsReport.controlsSection(result)
        #expect(section.contains("No environment had a control"))
        #expect(section.contains("staging 2026-10-13 10:00"))
    }
}
