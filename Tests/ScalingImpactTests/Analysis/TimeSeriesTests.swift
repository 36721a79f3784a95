import Foundation
import Testing

@testable import ScalingImpact

@Suite("Hourly time series for reports")
struct TimeSeriesTests {
    static let change = UTCTime.seconds(year: 2026, month: 10, day: 10, hour: 10, minute: 30)

    static func configuration() -> Configuration {
        Configuration(
            environments: [.init(name: "prod", region: "eu-west-1", changeAt: change)],
            services: [.init(name: "web", vcpu: 0.5, memoryGB: 1, minCapacity: 1, maxCapacity: 10)],
            prices: [.init(region: "eu-west-1", vcpuHourUSD: 0.04, gbHourUSD: 0.005, takenOn: "2026-10-01", source: "test")],
            criteria: .init(), mappingRules: [])
    }

    @Test("the range runs from the before window's start to the after window's end, in whole hours")
    func range() throws {
        let configuration = Self.configuration()
        let environment = try #require(configuration.environments.first)
        let range = TimeSeries.range(for: environment, in: configuration)
        #expect(range.start == Self.change - 7 * 86_400 - 30 * 60)
        #expect(range.end == Self.change + 8 * 86_400 + 30 * 60)
        #expect(range.start % 3600 == 0 && range.end % 3600 == 0)
        #expect(TimeSeries.loadRange(configuration) == range)
    }

    @Test("hourly figures: time-weighted means, sums, percentiles, costs; missing hours stay nil")
    func hourlyFigures() throws {
        let configuration = Self.configuration()
        let environment = try #require(configuration.environments.first)
        let start = TimeSeries.range(for: environment, in: configuration).start
        var series = SeriesFacts()
        // Hour 0: 4 tasks for 45 minutes, 8 for 15 → 5. Hour 1: no data at all.
        series.metrics["RunningTaskCount"] = [
            .init(ts: start, period: 2700, value: 4), .init(ts: start + 2700, period: 900, value: 8),
            .init(ts: start + 7200, period: 3600, value: 3),
        ]
        series.metrics["DesiredTaskCount"] = [.init(ts: start, period: 3600, value: 6), .init(ts: start + 7200, period: 3600, value: 3)]
        series.metrics["CPUUtilization"] = [.init(ts: start, period: 1800, value: 30), .init(ts: start + 1800, period: 1800, value: 50)]
        series.metrics["RequestCount"] = [
            .init(ts: start, period: 300, value: 100), .init(ts: start + 300, period: 300, value: 50),
            .init(ts: start + 7200, period: 300, value: 10),
        ]
        series.metrics["HTTPCode_Target_5XX_Count"] = [.init(ts: start + 300, period: 300, value: 2)]
        var histogram = LatencyHistogram()
        for v in 1...100 { histogram.add(Double(v)) }
        series.latencyByHour[start] = histogram
        series.billedCostByHour[start] = 0.25
        let facts = Facts(series: [ServiceKey(environment: "prod", service: "web"): series])
        let timeSeries = TimeSeries(facts: facts, configuration: configuration)
        let web = try #require(timeSeries.series("prod", "web"))
        #expect(web.hours.count == 15 * 24 + 1)
        let first = web.hours[0]
        #expect(first.start == start)
        #expect(first.runningTasks == 5)
        #expect(first.desiredTasks == 6)
        #expect(first.cpuPct == 40)
        #expect(first.requests == 150)
        #expect(first.errors5xx == 2)
        #expect(first.latencyP95Ms == histogram.quantile(0.95))
        #expect(first.latencyP99Ms == histogram.quantile(0.99))
        #expect(first.billedCostUSD == 0.25)
        let taskHour = 0.5 * 0.04 + 1 * 0.005
        #expect(abs((first.modelledCostUSD ?? 0) - 5 * taskHour) < 1e-12)
        let empty = web.hours[1]
        #expect(empty.runningTasks == nil && empty.requests == nil && empty.errors5xx == nil && empty.latencyP95Ms == nil)
        #expect(empty.billedCostUSD == nil && empty.modelledCostUSD == nil && empty.cpuPct == nil)
        // CloudWatch leaves out zero 5xx datapoints: an hour with requests and no 5xx point had none.
        #expect(web.hours[2].requests == 10 && web.hours[2].errors5xx == 0)
        #expect(web.taskCountPoints.map(\.value) == [6, 3])
        #expect(!web.taskCountsAreRunning && web.requestsFromMetrics)
    }

    @Test("without CloudWatch requests, per-request counts are used; without desired counts, running counts")
    func fallbacks() throws {
        let configuration = Self.configuration()
        let environment = try #require(configuration.environments.first)
        let start = TimeSeries.range(for: environment, in: configuration).start
        var series = SeriesFacts()
        series.metrics["RunningTaskCount"] = [.init(ts: start, period: 60, value: 2), .init(ts: start + 60, period: 60, value: 3)]
        series.requestsByHour[start + 3600] = (requests: 40, errors: 3)
        let timeSeries = TimeSeries(facts: Facts(series: [ServiceKey(environment: "prod", service: "web"): series]), configuration: configuration)
        let web = try #require(timeSeries.series.first)
        #expect(web.hours[1].requests == 40 && web.hours[1].errors5xx == 3)
        #expect(web.hours[0].requests == nil)
        #expect(web.taskCountsAreRunning && !web.requestsFromMetrics)
        #expect(web.taskCountPoints.count == 2)
    }

    @Test("a series without any facts has every hour and no figures")
    func emptySeries() throws {
        let timeSeries = TimeSeries(facts: Facts(), configuration: Self.configuration())
        let web = try #require(timeSeries.series("prod", "web"))
        #expect(web.hours.count == 361)
        #expect(web.hours.allSatisfy { $0.runningTasks == nil && $0.billedCostUSD == nil })
        #expect(timeSeries.series("prod", "nope") == nil)
    }
}
