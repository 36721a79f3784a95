import Foundation

/// The summary's numbers and verdicts as JSON, for scripts and CI (`report --format json`).
///
/// Keys are snake_case and sorted, numbers are rounded to four decimals, and a missing figure
/// is `null` (never absent), so the same analysis gives the same bytes and `jq` paths always exist.
public enum SummaryJSON {
    /// One criterion of one environment (or of the whole rollout).
    struct Criterion: Encodable {
        var criterion: String
        var metric: String
        var unit: String
        var before: Double?
        var after: Double?
        var deltaPct: Double?
        var ciLow: Double?
        var ciHigh: Double?
        var verdict: String
        var reason: String

        enum CodingKeys: String, CodingKey {
            case criterion, metric, unit, before, after, verdict, reason
            case deltaPct = "delta_pct"
            case ciLow = "ci_low"
            case ciHigh = "ci_high"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(criterion, forKey: .criterion)
            try c.encode(metric, forKey: .metric)
            try c.encode(unit, forKey: .unit)
            try c.encode(SummaryJSON.round(before), forKey: .before)
            try c.encode(SummaryJSON.round(after), forKey: .after)
            try c.encode(SummaryJSON.round(deltaPct), forKey: .deltaPct)
            try c.encode(SummaryJSON.round(ciLow), forKey: .ciLow)
            try c.encode(SummaryJSON.round(ciHigh), forKey: .ciHigh)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(reason, forKey: .reason)
        }
    }

    struct Environment: Encodable {
        var name: String
        var changeAt: String?
        var beforeWindow: [String]?
        var afterWindow: [String]?
        var verdict: String
        var reason: String
        var criteria: [Criterion]

        enum CodingKeys: String, CodingKey {
            case name, verdict, reason, criteria
            case changeAt = "change_at"
            case beforeWindow = "before_window"
            case afterWindow = "after_window"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(changeAt, forKey: .changeAt)
            try c.encode(beforeWindow, forKey: .beforeWindow)
            try c.encode(afterWindow, forKey: .afterWindow)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(reason, forKey: .reason)
            try c.encode(criteria, forKey: .criteria)
        }
    }

    struct Problem: Encodable {
        var environment: String
        var service: String
        var criterion: String
        var verdict: String
        var reason: String
    }

    struct Document: Encodable {
        var headline: String
        var verdict: String
        var costBudgetPct: Double
        var taskBandPct: [Double]
        var confidenceLevel: Double
        var costPerWeekUSD: [String: Double?]
        var monthlyCostChangeUSD: Double?
        var sentences: [String]
        var environments: [Environment]
        var total: Environment
        var problems: [Problem]

        enum CodingKeys: String, CodingKey {
            case headline, verdict, sentences, environments, total, problems
            case costBudgetPct = "cost_budget_pct"
            case taskBandPct = "task_band_pct"
            case confidenceLevel = "confidence_level"
            case costPerWeekUSD = "cost_per_week_usd"
            case monthlyCostChangeUSD = "monthly_cost_change_usd"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(headline, forKey: .headline)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(costBudgetPct, forKey: .costBudgetPct)
            try c.encode(taskBandPct, forKey: .taskBandPct)
            try c.encode(confidenceLevel, forKey: .confidenceLevel)
            try c.encode(costPerWeekUSD, forKey: .costPerWeekUSD)
            try c.encode(SummaryJSON.round(monthlyCostChangeUSD), forKey: .monthlyCostChangeUSD)
            try c.encode(sentences, forKey: .sentences)
            try c.encode(environments, forKey: .environments)
            try c.encode(total, forKey: .total)
            try c.encode(problems, forKey: .problems)
        }
    }

    /// The criteria of the summary table, in its order: (name in JSON, metric).
    static let criteria = [
        ("cost", "cost"), ("tasks", "running_tasks_mean"), ("latency_p95", "latency_p95_ms"),
        ("latency_p99", "latency_p99_ms"), ("error_rate_5xx", "error_rate_5xx_pct"), ("flapping", "flaps"),
    ]

    static func round(_ value: Double?) -> Double? {
        guard let value, value.isFinite else { return nil }
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == 0 ? 0 : rounded
    }

    static func environment(_ result: AnalysisResult, _ name: String) -> Environment {
        let window = result.windows.first { $0.environment == name }
        let criteria = Self.criteria.compactMap { criterion, metric -> Criterion? in
            let row = metric == "cost" ? SummaryReport.costRow(result, name, "*") : result.row(name, "*", metric)
            guard let row else { return nil }
            return Criterion(
                criterion: criterion, metric: row.metric, unit: row.unit, before: row.before, after: row.after,
                deltaPct: row.deltaPct, ciLow: row.ciLow, ciHigh: row.ciHigh, verdict: (row.verdict ?? .noData).rawValue,
                reason: row.reason)
        }
        let overall = result.row(name, "*", "overall")
        return Environment(
            name: name, changeAt: window.map { UTCTime.iso8601($0.changeAt) },
            beforeWindow: window.map { [UTCTime.iso8601($0.before.start), UTCTime.iso8601($0.before.end)] },
            afterWindow: window.map { [UTCTime.iso8601($0.after.start), UTCTime.iso8601($0.after.end)] },
            verdict: (overall?.verdict ?? .noData).rawValue, reason: overall?.reason ?? "", criteria: criteria)
    }

    /// The document for `result`, pretty-printed with sorted keys, ending in a newline.
    public static func render(_ result: AnalysisResult) -> String {
        let c = result.configuration.criteria
        let daily = SummaryReport.dailyCost(result)
        let problems = result.rows.compactMap { row -> Problem? in
            guard let verdict = row.verdict, verdict != .pass, row.metric != "overall" else { return nil }
            let name = criteria.first { $0.1 == row.metric }?.0 ?? (row.metric.hasPrefix("cost_") ? "cost" : row.metric)
            return Problem(environment: row.environment, service: row.service, criterion: name, verdict: verdict.rawValue, reason: row.reason)
        }
        let document = Document(
            headline: SummaryReport.headline(result),
            verdict: (result.row("*", "*", "overall")?.verdict ?? .noData).rawValue,
            costBudgetPct: c.costBudgetPct, taskBandPct: [c.taskBandLowPct, c.taskBandHighPct],
            confidenceLevel: result.bootstrap.confidence,
            costPerWeekUSD: ["before": round(daily.map { $0.before * 7 }), "after": round(daily.map { $0.after * 7 })],
            monthlyCostChangeUSD: SummaryReport.monthlyChange(result), sentences: SummaryReport.sentences(result),
            environments: result.windows.map { environment(result, $0.environment) }, total: environment(result, "*"),
            problems: problems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and finite numbers cannot fail; say so rather than crash if it ever does.
        guard let data = try? encoder.encode(document), let text = String(data: data, encoding: .utf8) else {
            return "{\"error\": \"the summary could not be encoded as JSON\"}\n"
        }
        return text + "\n"
    }
}
