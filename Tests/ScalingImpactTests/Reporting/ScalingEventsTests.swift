import Foundation
import Testing

@testable import ScalingImpact

@Suite("Scaling events")
struct ScalingEventsTests {
    static let before = TimeWindow(start: 0, end: 10_000)
    static let after = TimeWindow(start: 20_000, end: 30_000)

    static func samples(_ counts: [(Int64, Double)]) -> [(time: Int64, count: Double, period: Int64)] {
        counts.map { ($0.0, $0.1, 300) }
    }

    @Test("changes get direction and counts; a reversal within the flapping window is a flap")
    func flags() {
        let changes = ScalingEvents.changeEvents(
            Self.samples([(20_000, 4), (20_300, 5), (20_600, 4), (22_000, 4), (22_300, 3), (25_000, 4)]),
            windows: (Self.before, Self.after), flapSeconds: 900)
        #expect(changes.map(\.event.time) == [20_300, 20_600, 22_300, 25_000])
        #expect(changes.map(\.event.direction) == ["out", "in", "in", "out"])
        #expect(changes.map(\.event.fromTasks) == [4, 5, 4, 3])
        #expect(changes.map(\.event.toTasks) == [5, 4, 3, 4])
        // 20_600 reverses 20_300 within 900 s; 22_300 goes the same way; 25_000 reverses too late.
        #expect(changes.map(\.event.isFlap) == [false, true, false, false])
        #expect(changes.allSatisfy { $0.event.window == .after })
        #expect(changes.map(\.previousTime) == [20_000, 20_300, 22_000, 22_300])
    }

    @Test("window phases: before, transition, after and outside")
    func phases() {
        let windows = (Self.before, Self.after)
        #expect(WindowPhase(time: 0, windows: windows) == .before)
        #expect(WindowPhase(time: 10_000, windows: windows) == .transition)
        #expect(WindowPhase(time: 19_999, windows: windows) == .transition)
        #expect(WindowPhase(time: 20_000, windows: windows) == .after)
        #expect(WindowPhase(time: 30_000, windows: windows) == .outside)
        #expect(WindowPhase(time: -1, windows: windows) == .outside)
    }

    @Test("a change across a window edge is not counted, as the analysis cuts the series per window")
    func windowEdges() {
        let changes = ScalingEvents.changeEvents(
            Self.samples([(9_700, 4), (10_000, 5), (19_900, 5), (20_000, 4), (20_300, 5)]), windows: (Self.before, Self.after),
            flapSeconds: 900)
        #expect(changes.map(\.event.time) == [20_300])
        #expect(changes.map(\.event.isFlap) == [false])
    }

    @Test("per window, the flap flags add up to the analysis's flap count", arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func flagsMatchFlappingCount(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var counts: [(Int64, Double)] = []
        var t: Int64 = 0
        var value = 5.0
        while t < 30_000 {
            t += Int64(60 + rng.next() % 600)
            if rng.next() % 3 == 0 { value += rng.next() % 2 == 0 ? 1 : -1 }
            counts.append((t, value))
        }
        let windows = (Self.before, Self.after)
        let changes = ScalingEvents.changeEvents(Self.samples(counts), windows: windows, flapSeconds: 900)
        for (phase, window) in [(WindowPhase.before, Self.before), (.after, Self.after)] {
            let inWindow = counts.filter { window.contains($0.0) }.map { (time: $0.0, count: $0.1) }
            let expected = Flapping.count(inWindow, windowSeconds: 900)
            let flagged = changes.filter { $0.event.window == phase }
            #expect(flagged.filter(\.event.isFlap).count == expected.flaps)
            #expect(flagged.count == expected.changes)
        }
    }

    @Test("causes come from the scaling activity behind a change; failed activities do not count")
    func causes() throws {
        let configuration = ReportTestData.configuration(environments: ["prod"], services: ["web"])
        let environment = try #require(configuration.environments.first)
        let (_, after) = configuration.windows(for: environment)
        let t = after.start
        var series = SeriesFacts()
        series.metrics["DesiredTaskCount"] = [
            .init(ts: t, period: 300, value: 4), .init(ts: t + 300, period: 300, value: 6), .init(ts: t + 600, period: 300, value: 5),
            .init(ts: t + 900, period: 300, value: 6),
        ]
        let timeSeries = TimeSeries(facts: Facts(series: [ServiceKey(environment: "prod", service: "web"): series]), configuration: configuration)
        let activities = [
            ScalingActivity(environment: "prod", service: "web", time: t + 200, source: "application-autoscaling", fromCount: 4, toCount: 6, cause: "cpu", status: "Successful"),
            ScalingActivity(environment: "prod", service: "web", time: t + 500, source: "application-autoscaling", fromCount: 6, toCount: 5, cause: "requests", status: "Successful"),
            ScalingActivity(environment: "prod", service: "web", time: t + 800, source: "application-autoscaling", fromCount: 5, toCount: 6, cause: "manual", status: "Failed"),
        ]
        let events = ScalingEvents.make(timeSeries: timeSeries, activities: activities, configuration: configuration)
        #expect(events.map(\.cause) == ["cpu", "requests", "unknown"])
        #expect(events.map(\.isFlap) == [false, true, true])
        #expect(events.allSatisfy { $0.environment == "prod" && $0.service == "web" })
    }

    @Test("a series without task-count datapoints takes its events from the scaling activities")
    func activitiesOnly() throws {
        let configuration = ReportTestData.configuration(environments: ["prod"], services: ["web"])
        let environment = try #require(configuration.environments.first)
        let t = configuration.windows(for: environment).after.start
        let timeSeries = TimeSeries(facts: Facts(), configuration: configuration)
        let activities = [
            ScalingActivity(environment: "prod", service: "web", time: t + 60, source: "application-autoscaling", fromCount: 2, toCount: 3, cause: "cpu", status: "Successful"),
            ScalingActivity(environment: "prod", service: "web", time: t + 400, source: "application-autoscaling", fromCount: 3, toCount: 2, cause: "requests", status: "Successful"),
        ]
        let events = ScalingEvents.make(timeSeries: timeSeries, activities: activities, configuration: configuration)
        #expect(events.map(\.time) == [t + 60, t + 400])
        #expect(events.map(\.direction) == ["out", "in"])
        #expect(events.map(\.cause) == ["cpu", "requests"])
        #expect(events.map(\.isFlap) == [false, true])
    }

    @Test("values that are not task counts are skipped, not trapped on")
    func nonFiniteCounts() {
        let changes = ScalingEvents.changeEvents(
            Self.samples([(20_000, 4), (20_300, .infinity), (20_600, 4), (20_900, 5)]), windows: (Self.before, Self.after),
            flapSeconds: 900)
        #expect(changes.map(\.event.toTasks) == [5])
    }
}
