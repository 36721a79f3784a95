import Foundation
import Testing

@testable import ScalingImpact

@Suite("summary.md")
struct SummaryReportTests {
    /// Passing criterion rows for one (environment, service), with `overrides` by metric.
    static func rows(_ environment: String, _ service: String = "*", overrides: [String: MetricRow] = [:]) -> [MetricRow] {
        func row(_ metric: String, _ unit: String, _ before: Double, _ after: Double, ci: (Double, Double)? = nil, _ verdict: Verdict? = .pass) -> MetricRow {
            overrides[metric]
                ?? MetricRow(
                    environment: environment, service: service, metric: metric, unit: unit, before: before, after: after,
                    ciLow: ci?.0, ciHigh: ci?.1, verdict: verdict, reason: "\(metric) fine")
        }
        var rows = [
            row("requests", "count", 1000, 1010, nil),
            row("running_tasks_mean", "tasks", 10, 10.8, ci: (2, 14)),
            row("cost_modelled_usd", "USD", 100, 107, nil),
            row("cost_billed_usd", "USD", 100, 107, ci: (1, 9)),
            row("cost_per_million_requests_usd", "USD", 1, 1.05, nil),
            row("latency_p95_ms", "ms", 200, 180, ci: (-15, -5)),
            row("latency_p99_ms", "ms", 300, 260, ci: (-20, -6)),
            row("error_rate_5xx_pct", "%", 0.03, 0.03),
            row("flaps", "count", 0, 0),
        ]
        let worst = rows.compactMap(\.verdict).max() ?? .noData
        rows.append(MetricRow(environment: environment, service: service, metric: "overall", unit: "", before: nil, after: nil,
                              verdict: worst, reason: worst == .pass ? "every criterion passed" : "something"))
        return rows
    }

    static func result(environments: [String], rows: [MetricRow], criteria: Configuration.Criteria = .init()) -> AnalysisResult {
        let configuration = ReportTestData.configuration(environments: environments, services: ["web", "worker"], criteria: criteria)
        let windows = configuration.environments.map { environment in
            let (before, after) = configuration.windows(for: environment)
            return EnvironmentWindows(
                environment: environment.name, changeAt: environment.changeAt, before: before, after: after,
                taskCoverage: ["web": (1, 1), "worker": (1, 1)])
        }
        return AnalysisResult(rows: rows, windows: windows, bootstrap: BlockBootstrap(), configuration: configuration)
    }

    static func data(_ result: AnalysisResult) -> ReportData {
        ReportData(result: result, imports: [], timeSeries: TimeSeries(series: []), scalingEvents: [])
    }

    static func bullets(_ markdown: String) -> [String] {
        markdown.split(separator: "\n").filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
    }

    @Test("the first line answers the question: cost against the budget, latency, flapping and the verdict")
    func firstLineAnswers() throws {
        let data = ReportTestData.hostileData
        let summary = SummaryReport.render(data)
        let first = try #require(summary.split(separator: "\n").first)
        #expect(first.hasPrefix("**Cost ") && first.hasSuffix(".**"))
        #expect(first.contains("against a 10% budget"))
        #expect(first.contains("P95 ") && first.contains("P99 "))
        #expect(first.contains("flapping in staging/"))
        #expect(first.contains("the rollout"))
    }

    @Test("names every environment and the budget, and fits on one page")
    func onePageWithEveryEnvironment() throws {
        let data = ReportTestData.hostileData
        let summary = SummaryReport.render(data, charts: Charts.render(data))
        for environment in data.result.configuration.environments {
            #expect(summary.contains("| \(Markdown.cell(environment.name)) |"), "\(environment.name) missing from the table")
        }
        #expect(summary.contains("10% budget"))
        let lines = summary.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 40)
        #expect(summary.count <= 5000)
        #expect(!summary.contains("!["), "the summary links charts, it does not embed them")
        let bullets = Self.bullets(summary)
        #expect((3...6).contains(bullets.count))
        #expect(bullets.allSatisfy { $0.count <= 400 })
        #expect(summary.contains("P95 / P99: the time within which 95% / 99% of requests finish"))
        #expect(summary.contains("](charts/daily-cost.svg)") && summary.contains("](charts/latency.svg)"))
    }

    @Test("a hostile name cannot break the table or inject HTML")
    func hostileNamesStayInTheirCells() throws {
        let summary = SummaryReport.render(ReportTestData.hostileData)
        let tableRows = summary.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(tableRows.count == 4)
        for row in tableRows {
            var pipes = 0
            var previous: Character = " "
            for ch in row {
                if ch == "|" && previous != "\\" { pipes += 1 }
                previous = ch
            }
            #expect(pipes == 10, "\(row)")
        }
        #expect(!summary.contains("<script>"))
        #expect(summary.contains("&lt;script&gt;"))
    }

    @Test("with more problems than sentences, every problem is still named, worst first")
    func everyProblemNamed() {
        var rows: [MetricRow] = []
        func failing(_ env: String, _ metric: String, _ unit: String, _ before: Double, _ after: Double, _ verdict: Verdict,
                     ci: (Double, Double)? = nil) -> [String: MetricRow] {
            [metric: MetricRow(environment: env, service: "*", metric: metric, unit: unit, before: before, after: after,
                               ciLow: ci?.0, ciHigh: ci?.1, verdict: verdict, reason: "\(metric) \(verdict.rawValue)")]
        }
        rows += Self.rows("cost-env", overrides: failing("cost-env", "cost_billed_usd", "USD", 100, 115, .fail))
        rows += Self.rows("error-env", overrides: failing("error-env", "error_rate_5xx_pct", "%", 0.01, 0.5, .fail))
        rows += Self.rows("p99-env", overrides: failing("p99-env", "latency_p99_ms", "ms", 300, 330, .warn, ci: (-4, 22)))
        rows += Self.rows("nodata-env", overrides: failing("nodata-env", "latency_p95_ms", "ms", 0, 0, .noData))
        rows += Self.rows("flap-env", overrides: failing("flap-env", "flaps", "count", 0, 40, .warn))
        rows += Self.rows("flap-env", "worker", overrides: failing("flap-env", "flaps", "count", 0, 40, .warn).mapValues {
            var row = $0
            row.service = "worker"
            return row
        })
        rows += Self.rows("task-env", overrides: failing("task-env", "running_tasks_mean", "tasks", 10, 10.1, .warn))
        rows += Self.rows("slow-env", "web", overrides: failing("slow-env", "latency_p95_ms", "ms", 100, 140, .fail, ci: (20, 60)).mapValues {
            var row = $0
            row.service = "web"
            return row
        })
        rows += Self.rows("slow-env")
        rows += Self.rows("*")
        let result = Self.result(
            environments: ["cost-env", "error-env", "p99-env", "nodata-env", "flap-env", "task-env", "slow-env"], rows: rows)
        let sentences = SummaryReport.sentences(result)
        #expect(sentences.count == 6)
        let text = sentences.joined(separator: " ")
        for name in ["cost-env", "error-env", "p99-env", "nodata-env", "flap-env/worker", "task-env", "slow-env/web"] {
            #expect(text.contains(name), "\(name) is not named")
        }
        // Cost and latency come first, then the failures before the warnings.
        #expect(sentences[0].contains("cost"))
        #expect(sentences[1].contains("95% of requests"))
        #expect(sentences[2].contains("slow-env/web") || sentences[2].contains("cost-env"))
        #expect(sentences.last?.hasPrefix("Also: ") == true)
        #expect(SummaryReport.headline(result).contains("slower in slow-env/web"))
    }

    @Test("the planted flapping is named even when cost, latency and tasks all have something to say")
    func flappingNamed() {
        var rows = Self.rows("staging") + Self.rows("prod-us")
        rows += Self.rows("prod-us", "web-ingestion", overrides: [
            "flaps": MetricRow(environment: "prod-us", service: "web-ingestion", metric: "flaps", unit: "count", before: 1, after: 672,
                               verdict: .warn, reason: "672 flaps"),
        ])
        rows = rows.map { row in
            var row = row
            if row.environment == "prod-us" && row.service == "*" && row.metric == "flaps" {
                row.after = 672
                row.verdict = .warn
            }
            return row
        }
        rows += Self.rows("*")
        let result = Self.result(environments: ["staging", "prod-us"], rows: rows)
        let text = SummaryReport.sentences(result).joined(separator: " ")
        #expect(text.contains("prod-us/web-ingestion 672 times (96 a day)"))
        #expect(SummaryReport.headline(result).contains("flapping in prod-us/web-ingestion"))
    }

    @Test("uncertainty is named: a worse P99 whose interval includes no change is 'too little data to tell'")
    func uncertaintyNamed() {
        var rows = Self.rows("prod-hipaa", overrides: [
            "latency_p99_ms": MetricRow(environment: "prod-hipaa", service: "*", metric: "latency_p99_ms", unit: "ms", before: 300,
                                        after: 330, ciLow: -4, ciHigh: 22, verdict: .warn, reason: "P99 +10.0% but..."),
        ])
        rows += Self.rows("*")
        let text = SummaryReport.sentences(Self.result(environments: ["prod-hipaa"], rows: rows)).joined(separator: " ")
        #expect(text.contains("P99 in prod-hipaa (+10.0%, 95% range −4.0% to +22.0%): worse, but too little data to tell."))
    }

    @Test("the overall cost sentence says when its interval reaches past the budget")
    func costUncertainty() {
        var rows = Self.rows("prod")
        rows += Self.rows("*", overrides: [
            "cost_billed_usd": MetricRow(environment: "*", service: "*", metric: "cost_billed_usd", unit: "USD", before: 100, after: 106,
                                         ciLow: -3, ciHigh: 18, verdict: .pass, reason: ""),
        ])
        let first = SummaryReport.sentences(Self.result(environments: ["prod"], rows: rows)).first ?? ""
        #expect(first.hasPrefix("Billed Fargate cost went up 6.0% across all environments"))
        #expect(first.contains("inside the 10% budget"))
        #expect(first.contains("inside the 10% budget, though the 95% range of the change (−3.0% to +18.0%) reaches the budget"))
    }

    @Test("a change just under the budget does not round onto it", arguments: [
        (9.99, 10.0, "+9.99%"), (9.6, 10.0, "+9.6%"), (10.02, 10.0, "+10.02%"), (-3.0, 10.0, "−3.0%"),
    ])
    func costNearBudget(pct: Double, budget: Double, expected: String) {
        #expect(SummaryReport.costPct(pct, budget: budget) == expected)
    }

    @Test("the budget and band come from the configuration")
    func configuredBudget() {
        var criteria = Configuration.Criteria()
        criteria.costBudgetPct = 12
        criteria.taskBandLowPct = 3
        criteria.taskBandHighPct = 20
        let result = Self.result(environments: ["prod"], rows: Self.rows("prod") + Self.rows("*"), criteria: criteria)
        let summary = SummaryReport.render(Self.data(result))
        #expect(summary.contains("against a 12% budget"))
        #expect(summary.contains("| Cost vs 12% budget | Tasks vs +3%..+20% |"))
        #expect(!summary.contains("10%"))
    }

    @Test("the monthly figure is the change of the daily run rate, from each environment's own windows")
    func monthly() throws {
        let rows = Self.rows("a") + Self.rows("b") + Self.rows("*")
        let result = Self.result(environments: ["a", "b"], rows: rows)
        // Each environment: 100 → 107 USD a week = +1 USD a day.
        let month = try #require(SummaryReport.monthlyChange(result))
        #expect(abs(month - 2 * 30.44) < 1e-9)
        #expect(SummaryReport.render(Self.data(result)).contains("**Money:** +$60.88 a month"))
    }

    @Test("without data, the summary says so instead of passing")
    func noData() {
        let result = Self.result(environments: ["prod"], rows: [])
        let summary = SummaryReport.render(Self.data(result))
        #expect(summary.hasPrefix("**Cost: not enough data against the 10% budget; latency: not enough data"))
        #expect(summary.contains("there is not enough data to judge the rollout"))
        #expect(summary.contains("| prod |") && summary.contains("⚪ no data"))
        #expect(!summary.split(separator: "\n").filter { $0.hasPrefix("| ") }.contains { $0.contains("🟢") })
    }
}
