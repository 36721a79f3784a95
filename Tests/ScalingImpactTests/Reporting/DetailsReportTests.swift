import Foundation
import Testing

@testable import ScalingImpact

@Suite("details.md")
struct DetailsReportTests {
    @Test("states every window, the methods and the confidence levels")
    func windowsMethodsConfidence() throws {
        let data = ReportTestData.hostileData
        let details = DetailsReport.render(data, charts: Charts.render(data))
        for window in data.result.windows {
            #expect(details.contains("| \(Markdown.cell(window.environment)) | \(UTCTime.short(window.changeAt)) | \(UTCTime.short(window.before.start)) → \(UTCTime.short(window.before.end)) | \(UTCTime.short(window.after.start)) → \(UTCTime.short(window.after.end)) |"))
        }
        #expect(details.contains("half-open `[start, end)`"))
        #expect(details.contains("## Methods"))
        #expect(details.contains("numpy's default `percentile(method=\"linear\")`"))
        #expect(details.contains("relative accuracy α = 0.005"))
        #expect(details.contains("Intervals** (confidence level 95%)"))
        #expect(details.contains("block bootstrap over hours: 60 resamples of blocks of 24 consecutive hours"))
        #expect(details.contains("95% Wilson score interval"))
        #expect(details.contains("within 15 minutes"))
        #expect(details.contains("| Metric | Before | After | Δ | Δ% | 95% interval of Δ% | Verdict | Reason |"))
        #expect(details.contains("## Control environments and difference-in-differences"))
        #expect(details.contains("## Modelled vs billed cost"))
        #expect(details.contains("## Assumptions") && details.contains("| us-east-1 | 0.04048 | 0.004445 | 2026-10-01 | test |"))
    }

    @Test("embeds every chart by relative path and describes every file")
    func chartsAndFiles() {
        let data = ReportTestData.hostileData
        let charts = Charts.render(data)
        let details = DetailsReport.render(data, charts: charts)
        for chart in charts { #expect(details.contains("![\(chart.title)](charts/\(chart.fileName))")) }
        for file in ["metrics.csv", "timeseries.csv", "scaling_events.csv"] { #expect(details.contains("[\(file)](\(file))")) }
        #expect(details.contains("without a byte-order mark"))
    }

    @Test("data quality: every import with its full hash and row counts; names escaped")
    func dataQuality() {
        let data = ReportTestData.hostileData
        let details = DetailsReport.render(data)
        #expect(details.contains("1 files imported: 10 rows used, 1 rejected (bad values), 2 unmapped"))
        #expect(details.contains("| exports/&lt;b&gt;\\|bill\\|&lt;/b&gt;.csv | cur-legacy | `\(String(repeating: "ab", count: 32))` | 10 | 1 | 2 | 3 |"))
        #expect(details.contains("Every hour of every before and after window has"))
        #expect(!details.contains("<script>"))
        #expect(!details.contains("<b>"))
    }

    @Test("gaps: the hours a window lacks are counted per source")
    func gaps() throws {
        let configuration = ReportTestData.configuration(environments: ["prod"], services: ["web"])
        var facts = ReportTestData.facts(configuration)
        let key = ServiceKey(environment: "prod", service: "web")
        let environment = try #require(configuration.environments.first)
        let after = configuration.windows(for: environment).after
        // Drop the bill for the first five hours of the after window.
        for h in 0..<5 { facts.series[key]?.billedCostByHour[after.start + Int64(h) * 3600] = nil }
        let data = ReportTestData.reportData(configuration, facts: facts)
        let rows = DetailsReport.gapRows(data)
        #expect(rows.count == 1)
        #expect(rows.first?.window == "after")
        #expect(rows.first?.missing == [0, 0, 0, 5])
        #expect(DetailsReport.render(data).contains("| prod | web | after | 168 | — | — | — | 5 |"))
    }

    @Test("table values: real minus signs, cents for money, no -0")
    func values() {
        #expect(DetailsReport.value(-2.345, unit: "%") == "−2.345")
        #expect(DetailsReport.value(-0.0001, unit: "%") == "0.000")
        #expect(DetailsReport.value(1234.6, unit: "count") == "1235")
        #expect(DetailsReport.value(12.5, unit: "USD") == "12.50")
        #expect(DetailsReport.value(nil, unit: "ms") == "—")
        #expect(DetailsReport.decimal(0.004445) == "0.004445")
        #expect(DetailsReport.decimal(2) == "2")
    }
}
