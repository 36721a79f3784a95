import Foundation
import Testing

@testable import ScalingImpact

@Suite("Charts")
struct ChartTests {
    @Test("every chart is well-formed SVG 800 px wide, with a title, and hostile names appear only as text")
    func chartsAreValidSVG() throws {
        let data = ReportTestData.hostileData
        let charts = Charts.render(data)
        #expect(charts.count == 4)
        #expect(Set(charts.map(\.fileName)).count == 4)
        for chart in charts {
            let parsed = XMLCheck.parse(chart.svg)
            #expect(parsed.error == nil, "\(chart.fileName): \(String(describing: parsed.error))")
            #expect(parsed.check.elements.first == "svg")
            #expect(!parsed.check.elements.contains("script"), "\(chart.fileName)")
            #expect(chart.svg.contains("width=\"800\""))
            #expect(parsed.check.texts.contains(chart.title))
            #expect(chart.relativePath == "charts/" + chart.fileName)
        }
        // Names from the data reach the charts that show them, escaped.
        let byName = Dictionary(uniqueKeysWithValues: charts.map { ($0.fileName, $0) })
        for name in [RunningTasksChart.fileName, LatencyChart.fileName, ScalingTimelineChart.fileName] {
            let chart = try #require(byName[name])
            let texts = XMLCheck.parse(chart.svg).check.texts.joined(separator: "\n")
            #expect(texts.contains(ReportTestData.hostileService) || texts.contains("=HYPERLINK"), "\(name)")
            #expect(!chart.svg.contains("<script>"))
        }
    }

    @Test("the same data gives the same bytes")
    func deterministic() {
        let first = Charts.render(ReportTestData.hostile())
        let second = Charts.render(ReportTestData.hostile())
        #expect(first == second)
    }

    @Test("the flapping service's flaps are drawn and counted on the timeline")
    func timelineCountsFlaps() throws {
        let data = ReportTestData.hostileData
        let flaps = data.scalingEvents.filter {
            $0.environment == "staging" && $0.service == ReportTestData.hostileService && $0.window == .after && $0.isFlap
        }.count
        #expect(flaps > 100)
        let svg = ScalingTimelineChart.render(data)
        let texts = XMLCheck.parse(svg).check.texts
        #expect(texts.contains(String(flaps)))
        #expect(svg.contains("stroke=\"\(Palette.vermillion)\""))
    }

    @Test("a year of hourly data still makes a small chart: lines are thinned to one point per pixel")
    func longRangesStaySmall() throws {
        var criteria = Configuration.Criteria()
        criteria.beforeDays = 180
        criteria.afterDays = 180
        let configuration = ReportTestData.configuration(environments: ["prod"], services: ["web"], criteria: criteria)
        var facts = Facts()
        let range = TimeSeries.loadRange(configuration)
        var series = SeriesFacts()
        series.metrics["RunningTaskCount"] = stride(from: range.start, to: range.end, by: 3600).map {
            SeriesFacts.Point(ts: $0, period: 3600, value: Double(4 + ($0 / 3600) % 5))
        }
        facts.series[ServiceKey(environment: "prod", service: "web")] = series
        let timeSeries = TimeSeries(facts: facts, configuration: configuration)
        #expect(try #require(timeSeries.series.first).hours.count > 8000)
        let result = AnalysisResult(rows: [], windows: [], bootstrap: BlockBootstrap(), configuration: configuration)
        let data = ReportData(result: result, imports: [], timeSeries: timeSeries, scalingEvents: [])
        let svg = RunningTasksChart.render(data)
        #expect(XMLCheck.parse(svg).error == nil)
        #expect(svg.utf8.count < 40_000)
    }

    @Test("decimation averages into pixel columns and keeps gaps")
    func decimation() {
        let values: [Double?] = [1, 3, nil, nil, 5, 7]
        let points = ChartLayout.decimate(values, start: 0, step: 10, columns: 3)
        #expect(points.map(\.value) == [2, nil, 6])
        let untouched = ChartLayout.decimate([1, nil], start: 0, step: 10, columns: 5)
        #expect(untouched.map(\.value) == [1, nil])
        let path = ChartLayout.linePath(points, x: { Double($0) }, y: { $0 })
        #expect(path.data.filter { $0 == "M" }.count == 2)
    }

    @Test(
        "nice ticks cover the range with 1, 2 or 5 × 10ⁿ steps",
        arguments: [
            (0.0, 7.0, [0.0, 2, 4, 6, 8]),
            (0.0, 40.0, [0.0, 10, 20, 30, 40]),
            (0.0, 0.37, [0.0, 0.1, 0.2, 0.3, 0.4]),
            (0.0, 0.0, [0.0, 0.5, 1]),
        ])
    func niceTicks(low: Double, high: Double, expected: [Double]) {
        #expect(LinearScale.niceTicks(low: low, high: high, count: 4) == expected)
    }

    @Test("time ticks fall on whole days or hours and are labelled in UTC")
    func timeTicks() {
        let start = UTCTime.seconds(year: 2026, month: 10, day: 6, hour: 10)
        let days = TimeTicks.ticks(start: start, end: start + 15 * 86_400, maxTicks: 8)
        #expect(days.first?.label == "Oct 8")
        #expect(days.allSatisfy { $0.time % 86_400 == 0 })
        let hours = TimeTicks.ticks(start: start, end: start + 86_400, maxTicks: 5)
        #expect(hours.first?.label == "Oct 6 12:00")
        #expect(TimeTicks.label(start + 30 * 60, withTime: true) == "Oct 6 10:30")
    }

    @Test("daily cost periods are 24 hours from the change and know their window")
    func dailyCostPeriods() throws {
        let configuration = ReportTestData.configuration(environments: ["prod"], services: ["web"])
        let facts = ReportTestData.facts(configuration)
        let timeSeries = TimeSeries(facts: facts, configuration: configuration)
        let environment = try #require(configuration.environments.first)
        let range = TimeSeries.range(for: environment, in: configuration)
        let days = DailyCostChart.days(
            timeSeries.series, range: range, changeAt: environment.changeAt, billed: true,
            windows: configuration.windows(for: environment))
        #expect(days.count == 15)
        #expect(days.filter { $0.window == .before }.count == 7)
        #expect(days.filter { $0.window == .after }.count == 7)
        #expect(days.filter { $0.window == .transition }.count == 1)
        #expect(days.allSatisfy { ($0.start - environment.changeAt) % 86_400 == 0 && $0.isComplete })
        let hourly = try #require(timeSeries.series.first).hours.filter { $0.start >= days[0].start && $0.start < days[0].start + 86_400 }
        #expect(abs(days[0].cost - hourly.compactMap(\.billedCostUSD).reduce(0, +)) < 1e-9)
    }
}
