import Foundation

/// `summary.md`: one page for a manager. The first line answers the question; a table gives a
/// mark per criterion and environment; a few plain sentences say what the numbers mean.
public enum SummaryReport {
    static func mark(_ verdict: Verdict?) -> String {
        switch verdict {
        case .pass: "🟢"
        case .warn: "🟠"
        case .fail: "🔴"
        case .noData, nil: "⚪"
        }
    }

    static func cell(_ row: MetricRow?, pct: Bool = true) -> String {
        guard let row else { return "⚪ no data" }
        let value = row.deltaPct.map(Format.signedPct) ?? "no data"
        return "\(mark(row.verdict)) \(value)"
    }

    /// The cost row that carries the verdict (billed when the bill covers both windows).
    static func costRow(_ result: AnalysisResult, _ environment: String, _ service: String) -> MetricRow? {
        let billed = result.row(environment, service, "cost_billed_usd")
        if billed?.verdict != nil { return billed }
        return result.row(environment, service, "cost_modelled_usd")
    }

    /// The headline sentence.
    public static func headline(_ result: AnalysisResult) -> String {
        let budget = Format.pct(result.configuration.criteria.costBudgetPct)
        var parts: [String] = []
        if let cost = costRow(result, "*", "*"), let pct = cost.deltaPct {
            parts.append("Cost \(Format.signedPct(pct)) against a \(budget) budget")
        } else {
            parts.append("Cost: not enough data against the \(budget) budget")
        }
        let p95 = result.row("*", "*", "latency_p95_ms")?.deltaPct
        let p99 = result.row("*", "*", "latency_p99_ms")?.deltaPct
        if let p95, let p99 {
            parts.append("P95 \(Format.signedPct(p95)), P99 \(Format.signedPct(p99))")
        } else {
            parts.append("latency: not enough data")
        }
        let flapRows = result.rows.filter { $0.metric == "flaps" && $0.service != "*" && $0.environment != "*" }
        let flapping = flapRows.filter { $0.verdict == .warn }.map { "\($0.environment)/\($0.service)" }
        if flapRows.allSatisfy({ $0.verdict == .noData }) {
            parts.append("flapping: no data")
        } else if flapping.isEmpty {
            parts.append("no flapping")
        } else {
            parts.append("flapping in \(flapping.joined(separator: ", "))")
        }
        let overall = result.row("*", "*", "overall")?.verdict ?? .noData
        let environments = result.rows.filter { $0.metric == "overall" && $0.service == "*" && $0.environment != "*" }
        let conclusion: String
        switch overall {
        case .pass: conclusion = "the rollout met its targets"
        case .warn:
            let names = environments.filter { $0.verdict == .warn }.map(\.environment)
            conclusion = "the rollout met its targets with warnings" + (names.isEmpty ? "" : " in \(names.joined(separator: ", "))")
        case .fail:
            let names = environments.filter { $0.verdict == .fail }.map(\.environment)
            conclusion = "the rollout missed its targets" + (names.isEmpty ? "" : " in \(names.joined(separator: ", "))")
        case .noData: conclusion = "there is not enough data to judge the rollout"
        }
        return parts.joined(separator: "; ") + ": " + conclusion + "."
    }

    /// Monthly run-rate of a weekly cost delta (30.44 days a month).
    static func monthly(_ row: MetricRow?) -> Double? {
        guard let row, let delta = row.delta else { return nil }
        let windowDays = 7.0
        return delta / windowDays * 30.44
    }

    /// The plain sentences under the table.
    static func sentences(_ result: AnalysisResult) -> [String] {
        var out: [String] = []
        let c = result.configuration.criteria
        if let cost = costRow(result, "*", "*"), let pct = cost.deltaPct {
            let kind = cost.metric == "cost_billed_usd" ? "Billed Fargate cost" : "Fargate cost (modelled from task-hours and list prices)"
            var s = "\(kind) went \(pct >= 0 ? "up" : "down") \(Format.signedPct(pct).dropFirst()) across all environments"
            if let month = monthly(cost) {
                s += ", about \(money(abs(month))) a month \(month >= 0 ? "more" : "less")"
            }
            if let low = cost.ciLow, let high = cost.ciHigh {
                s += " (95% interval \(Format.signedPct(low)) to \(Format.signedPct(high)))"
            }
            s += pct < c.costBudgetPct ? ", inside the \(Format.pct(c.costBudgetPct)) budget." : ", over the \(Format.pct(c.costBudgetPct)) budget."
            out.append(s)
        }
        if let requests = result.row("*", "*", "requests")?.deltaPct,
            let perMillion = result.row("*", "*", "cost_per_million_requests_usd")?.deltaPct
        {
            out.append(
                "Traffic changed \(Format.signedPct(requests)) between the weeks compared, so cost per million requests changed \(Format.signedPct(perMillion)).")
        }
        if let tasks = result.row("*", "*", "running_tasks_mean")?.deltaPct {
            let band = "\(Format.signedPct(c.taskBandLowPct)) to \(Format.signedPct(c.taskBandHighPct))"
            let inside = tasks >= c.taskBandLowPct && tasks <= c.taskBandHighPct
            out.append("The average number of running tasks changed \(Format.signedPct(tasks)), \(inside ? "inside" : "outside") the expected \(band).")
        }
        if let p95 = result.row("*", "*", "latency_p95_ms"), let p99 = result.row("*", "*", "latency_p99_ms"),
            let d95 = p95.deltaPct, let d99 = p99.deltaPct
        {
            let verb = { (d: Double) in d < 0 ? "fell \(Format.signedPct(d).dropFirst())" : "rose \(Format.signedPct(d).dropFirst())" }
            out.append(
                "Slow requests got \(d95 < 0 && d99 < 0 ? "faster" : "no faster"): the 95th-percentile response time \(verb(d95)) "
                    + "(\(Format.number(p95.before ?? 0)) → \(Format.number(p95.after ?? 0)) ms) and the 99th \(verb(d99)).")
        }
        // Name what did not pass, environment by environment, in plain words.
        for row in result.rows where row.environment != "*" && row.service == "*" {
            guard let verdict = row.verdict, verdict != .pass, row.metric != "overall" else { continue }
            let what = Format.criterionName(row.metric)
            switch verdict {
            case .noData: out.append("\(what) in \(row.environment): not enough data to tell.")
            case .warn where row.metric.hasPrefix("latency"):
                out.append("\(what) in \(row.environment): too little data to tell (\(row.reason)).")
            default: out.append("\(what) in \(row.environment): \(row.reason).")
            }
        }
        // Say so where a latency change is large but its interval still includes no change.
        for row in result.rows where row.environment != "*" && row.service == "*" && row.verdict == .pass
            && (row.metric == "latency_p95_ms" || row.metric == "latency_p99_ms")
        {
            guard let pct = row.deltaPct, abs(pct) > 5, let low = row.ciLow, let high = row.ciHigh, low < 0, high > 0 else { continue }
            out.append(
                "\(Format.criterionName(row.metric)) in \(row.environment): too little data to tell (\(Format.signedPct(pct)), "
                    + "95% interval \(Format.signedPct(low)) to \(Format.signedPct(high))).")
        }
        let serviceWarnings = result.rows.filter {
            $0.service != "*" && $0.environment != "*" && $0.metric == "flaps" && $0.verdict == .warn
        }
        for row in serviceWarnings {
            out.append("\(row.environment)/\(row.service) scales in and out repeatedly: \(row.reason).")
        }
        return Array(out.prefix(6))
    }

    static func money(_ value: Double) -> String {
        if value >= 100 { return "$" + String(Int(value.rounded())) }
        return "$" + String(format: "%.2f", value)
    }

    /// The whole page.
    public static func render(_ result: AnalysisResult, charts: [String] = []) -> String {
        let c = result.configuration.criteria
        var md = "# CPU scaling rollout: cost and latency\n\n"
        md += "**\(headline(result))**\n\n"
        md += "Each environment's \(c.beforeDays) days before its change are compared with the \(c.afterDays) days "
        md += "starting \(c.afterOffsetHours) h after it. Budget: cost up less than \(Format.pct(c.costBudgetPct)); "
        md += "expected task change \(Format.signedPct(c.taskBandLowPct)) to \(Format.signedPct(c.taskBandHighPct)).\n\n"
        md += "| Environment | Changed (UTC) | Cost vs \(Format.pct(c.costBudgetPct)) budget | Tasks | P95 | P99 | 5xx rate | Flapping | Verdict |\n"
        md += "|---|---|---|---|---|---|---|---|---|\n"
        let names = result.windows.map(\.environment) + ["*"]
        for name in names {
            let label = name == "*" ? "**All**" : Markdown.cell(name)
            let changed = result.windows.first { $0.environment == name }.map { UTCTime.short($0.changeAt) } ?? "staggered"
            let errors = result.row(name, "*", "error_rate_5xx_pct")
            let errorCell: String
            if let errors, let before = errors.before, let after = errors.after {
                errorCell = "\(mark(errors.verdict)) \(String(format: "%.2f", before))% → \(String(format: "%.2f", after))%"
            } else {
                errorCell = "⚪ no data"
            }
            let flaps = result.row(name, "*", "flaps")
            let flapCell = flaps.flatMap { r in r.after.map { "\(mark(r.verdict)) \(Int($0)) in 7 days" } } ?? "⚪ no data"
            let overall = result.row(name, "*", "overall")?.verdict
            md += "| \(label) | \(changed) | \(cell(costRow(result, name, "*"))) | \(cell(result.row(name, "*", "running_tasks_mean"))) "
            md += "| \(cell(result.row(name, "*", "latency_p95_ms"))) | \(cell(result.row(name, "*", "latency_p99_ms"))) "
            md += "| \(errorCell) | \(flapCell) | \(mark(overall)) **\(overall?.rawValue ?? "NO DATA")** |\n"
        }
        md += "\n🟢 met · 🟠 warning · 🔴 missed · ⚪ not enough data. Changes are after vs before.\n\n"
        if let cost = costRow(result, "*", "*"), let month = monthly(cost) {
            md += "**Money:** \(month >= 0 ? "+" : "−")\(money(abs(month))) a month at the after-week's run rate "
            md += "(\(money(cost.before ?? 0)) → \(money(cost.after ?? 0)) a week across all environments).\n\n"
        }
        md += "## What this means\n\n"
        for sentence in sentences(result) { md += "- \(sentence)\n" }
        md += "\n"
        if !charts.isEmpty {
            for chart in charts { md += chart + "\n\n" }
        }
        md += "Details, intervals and methods: [details.md](details.md). Numbers for spreadsheets: [metrics.csv](metrics.csv).\n"
        return md
    }
}
