import Foundation

/// `summary.md`: one page for a manager. The first line answers the question; a table gives a
/// mark per criterion and environment; a few plain sentences say what the numbers mean, most
/// important first, and name every problem and every uncertainty that matters.
public enum SummaryReport {
    /// At most this many sentences under the table.
    static let maxSentences = 6

    static func mark(_ verdict: Verdict?) -> String {
        switch verdict {
        case .pass: "🟢"
        case .warn: "🟠"
        case .fail: "🔴"
        case .noData, nil: "⚪"
        }
    }

    static func cell(_ row: MetricRow?) -> String {
        guard let row, let pct = row.deltaPct else { return "⚪ no data" }
        return "\(mark(row.verdict)) \(Format.signedPct(pct))"
    }

    /// The cost row that carries the verdict (billed when the bill covers both windows).
    static func costRow(_ result: AnalysisResult, _ environment: String, _ service: String) -> MetricRow? {
        let billed = result.row(environment, service, "cost_billed_usd")
        if billed?.verdict != nil { return billed }
        return result.row(environment, service, "cost_modelled_usd")
    }

    /// A cost change next to the budget with enough digits that it does not round onto the budget
    /// (`+9.99%`, not `+10.0%`, for a change just under a 10% budget).
    static func costPct(_ pct: Double, budget: Double) -> String {
        let text = Format.signedPct(pct)
        guard abs(pct - budget) < 0.05, pct != budget else { return text }
        return (pct < 0 ? "−" : "+") + String(format: "%.2f", abs(pct)) + "%"
    }

    /// Service-level rows that flap too often, most flaps first.
    static func flappingServices(_ result: AnalysisResult) -> [MetricRow] {
        let rows = result.rows.filter { $0.metric == "flaps" && $0.service != "*" && $0.environment != "*" && $0.verdict == .warn }
        // Ties keep report order, so the same analysis always gives the same sentence.
        return rows.enumerated().sorted { ($0.element.after ?? 0, -$0.offset) > ($1.element.after ?? 0, -$1.offset) }.map(\.element)
    }

    /// Environments and services whose P95 or P99 got significantly worse (FAIL), with the changes.
    static func slowerServices(_ result: AnalysisResult) -> [(name: String, changes: [String])] {
        var out: [(String, [String])] = []
        for row in result.rows where row.environment != "*" && row.verdict == .fail
            && (row.metric == "latency_p95_ms" || row.metric == "latency_p99_ms")
        {
            let name = row.service == "*" ? row.environment : "\(row.environment)/\(row.service)"
            let change = "\(Format.criterionName(row.metric)) \(row.deltaPct.map(Format.signedPct) ?? "worse")"
            if let i = out.firstIndex(where: { $0.0 == name }) { out[i].1.append(change) } else { out.append((name, [change])) }
        }
        return out
    }

    /// `+5%` for a band edge, one decimal only where needed.
    static func bandPct(_ value: Double) -> String {
        (value < 0 ? "−" : "+") + Format.number(abs(value)) + "%"
    }

    /// Milliseconds for a manager: whole numbers from 100 ms, one decimal below.
    static func ms(_ value: Double) -> String {
        value >= 100 ? String(Int64(value.rounded())) : String(format: "%.1f", value)
    }

    /// The headline sentence, plain text (escape it where it lands).
    public static func headline(_ result: AnalysisResult) -> String {
        let budget = Format.pct(result.configuration.criteria.costBudgetPct)
        var parts: [String] = []
        if let cost = costRow(result, "*", "*"), let pct = cost.deltaPct {
            parts.append("Cost \(costPct(pct, budget: result.configuration.criteria.costBudgetPct)) against a \(budget) budget")
        } else {
            parts.append("Cost: not enough data against the \(budget) budget")
        }
        let p95 = result.row("*", "*", "latency_p95_ms")?.deltaPct
        let p99 = result.row("*", "*", "latency_p99_ms")?.deltaPct
        if let p95, let p99 {
            let slower = slowerServices(result).map(\.name)
            parts.append("P95 \(Format.signedPct(p95)), P99 \(Format.signedPct(p99))" + (slower.isEmpty ? "" : " (slower in \(list(slower, limit: 2)))"))
        } else {
            parts.append("latency: not enough data")
        }
        let flapRows = result.rows.filter { $0.metric == "flaps" && $0.service != "*" && $0.environment != "*" }
        let flapping = flappingServices(result).map { "\($0.environment)/\($0.service)" }
        if flapRows.allSatisfy({ $0.verdict == .noData }) {
            parts.append("flapping: no data")
        } else if flapping.isEmpty {
            parts.append("no flapping")
        } else {
            parts.append("flapping in \(list(flapping, limit: 2))")
        }
        let overall = result.row("*", "*", "overall")?.verdict ?? .noData
        let environments = result.rows.filter { $0.metric == "overall" && $0.service == "*" && $0.environment != "*" }
        let conclusion: String
        switch overall {
        case .pass: conclusion = "the rollout met its targets"
        case .warn:
            let names = environments.filter { $0.verdict == .warn }.map(\.environment)
            conclusion = "the rollout met its targets with warnings" + (names.isEmpty ? "" : " in \(list(names, limit: 4))")
        case .fail:
            let names = environments.filter { $0.verdict == .fail }.map(\.environment)
            conclusion = "the rollout missed its targets" + (names.isEmpty ? "" : " in \(list(names, limit: 4))")
        case .noData: conclusion = "there is not enough data to judge the rollout"
        }
        return parts.joined(separator: "; ") + ": " + conclusion + "."
    }

    /// `a, b and c`, or `a, b and 3 more` beyond `limit` names.
    static func list(_ names: [String], limit: Int = 3) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        if names.count > limit {
            return names.prefix(limit).joined(separator: ", ") + " and \(names.count - limit) more"
        }
        return names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
    }

    /// Average days in a month, for monthly run rates.
    static let daysPerMonth = 30.44

    /// Before and after cost per day summed over environments, each from its own windows' lengths.
    static func dailyCost(_ result: AnalysisResult) -> (before: Double, after: Double)? {
        var before = 0.0
        var after = 0.0
        for window in result.windows {
            guard let row = costRow(result, window.environment, "*"), let b = row.before, let a = row.after,
                window.before.hours > 0, window.after.hours > 0
            else { return nil }
            before += b / (window.before.hours / 24)
            after += a / (window.after.hours / 24)
        }
        return result.windows.isEmpty ? nil : (before, after)
    }

    /// Monthly change of the run rate, USD: Σ over environments of (after − before) per day × 30.44.
    static func monthlyChange(_ result: AnalysisResult) -> Double? {
        dailyCost(result).map { ($0.after - $0.before) * daysPerMonth }
    }

    static func money(_ value: Double) -> String {
        if value >= 100 { return "$" + String(Int64(value.rounded())) }
        return "$" + String(format: "%.2f", value)
    }

    /// A problem for the sentences: its severity decides its place; `short` is used when too
    /// many problems must share one sentence.
    struct Problem {
        var verdict: Verdict
        var order: Int
        var text: String
        var short: String
    }

    /// `env/service (+11.3%)` for services whose own cost is over the budget, in `environments`.
    static func servicesOverBudget(_ result: AnalysisResult, in environments: [String]) -> [String] {
        result.rows.filter { row in
            row.service != "*" && environments.contains(row.environment) && row.verdict == .fail
                && costRow(result, row.environment, row.service) == row
        }.map { "\($0.environment)/\($0.service) (\($0.deltaPct.map(Format.signedPct) ?? "?"))" }
    }

    /// Order of criteria of equal severity.
    static let criterionOrder = ["cost", "latency_p95_ms", "latency_p99_ms", "error_rate_5xx_pct", "flaps", "running_tasks_mean"]

    /// The plain sentences under the table, plain text: cost, then latency, then every problem
    /// (worst first), then context and uncertainty while there is room. When problems outnumber
    /// the room, the last sentence names the rest briefly, so none is left out.
    static func sentences(_ result: AnalysisResult) -> [String] {
        let c = result.configuration.criteria
        let budget = Format.pct(c.costBudgetPct)
        let level = Format.number(result.bootstrap.confidence * 100) + "%"
        var lead: [String] = []
        var problems: [Problem] = []
        var optional: [String] = []
        let environmentRows = result.rows.filter { $0.environment != "*" && $0.service == "*" }
        func failing(_ metric: String, _ verdict: Verdict) -> [MetricRow] {
            environmentRows.filter { row in
                (metric == "cost" ? costRow(result, row.environment, "*") == row : row.metric == metric) && row.verdict == verdict
            }
        }
        func range(_ row: MetricRow) -> String? {
            guard let low = row.ciLow, let high = row.ciHigh else { return nil }
            return "\(Format.signedPct(low)) to \(Format.signedPct(high))"
        }

        // 1. Cost overall, with its uncertainty.
        if let cost = costRow(result, "*", "*"), let pct = cost.deltaPct {
            let kind = cost.metric == "cost_billed_usd" ? "Billed Fargate cost" : "Fargate cost (modelled from task-hours and list prices)"
            var s = "\(kind) went \(pct >= 0 ? "up" : "down") \(costPct(pct, budget: c.costBudgetPct).dropFirst()) across all environments"
            if let month = monthlyChange(result) {
                s += " (about \(money(abs(month))) a month \(month >= 0 ? "more" : "less"))"
            }
            let inside = pct < c.costBudgetPct
            s += inside ? ", inside the \(budget) budget" : ", over the \(budget) budget"
            if let low = cost.ciLow, let high = cost.ciHigh, let text = range(cost) {
                if inside && high >= c.costBudgetPct {
                    s += ", though the \(level) range of the change (\(text)) reaches the budget, so it could still be exceeded"
                } else if !inside && low < c.costBudgetPct {
                    s += ", though the \(level) range of the change (\(text)) reaches below it"
                } else {
                    s += " (\(level) range \(text))"
                }
            }
            lead.append(s + ".")
        } else {
            lead.append("There is not enough cost data to compare with the \(budget) budget.")
        }

        // 2. Latency overall.
        if let p95 = result.row("*", "*", "latency_p95_ms"), let p99 = result.row("*", "*", "latency_p99_ms"),
            let d95 = p95.deltaPct, let d99 = p99.deltaPct, let b95 = p95.before, let a95 = p95.after,
            let b99 = p99.before, let a99 = p99.after
        {
            func change(_ d: Double, _ row: MetricRow) -> String {
                let verb = d < 0 ? "fell \(Format.signedPct(d).dropFirst())" : "rose \(Format.signedPct(d).dropFirst())"
                if let low = row.ciLow, let high = row.ciHigh, low < 0, high > 0 { return verb + ", within normal variation" }
                return verb
            }
            let faster = [p95, p99].allSatisfy { ($0.ciHigh ?? 0) < 0 }
            let slower = [p95, p99].contains { ($0.ciLow ?? 0) > 0 }
            let opening = slower ? "Slow requests got slower" : faster ? "Slow requests got faster" : "Response times did not change clearly"
            lead.append(
                "\(opening): the time within which 95% of requests finish (P95) \(change(d95, p95)) "
                    + "(\(ms(b95)) → \(ms(a95)) ms), and the time for 99% (P99) \(change(d99, p99)) "
                    + "(\(ms(b99)) → \(ms(a99)) ms).")
        } else {
            lead.append("There is not enough request data to compare response times.")
        }

        // 3. Problems, one sentence per criterion and verdict.
        for (metric, verdict) in criterionOrder.flatMap({ m in [Verdict.fail, .warn, .noData].map { (m, $0) } }) {
            if metric == "running_tasks_mean" || metric == "flaps" { continue }
            let rows = failing(metric, verdict)
            guard !rows.isEmpty else { continue }
            let order = criterionOrder.firstIndex(of: metric) ?? 0
            let names = rows.map(\.environment)
            let withPct = rows.map { row in "\(row.environment) (\(row.deltaPct.map { costPct($0, budget: c.costBudgetPct) } ?? "no data"))" }
            switch (metric, verdict) {
            case ("cost", .fail):
                problems.append(Problem(verdict: verdict, order: order, text: "Cost is over the \(budget) budget in \(list(withPct)).",
                                        short: "cost over budget in \(list(names))"))
            case ("cost", .warn):
                var text = "Cost is close to the \(budget) budget (within \(Format.number(c.costWarnMarginPct)) points) in \(list(withPct))"
                let over = servicesOverBudget(result, in: names)
                if !over.isEmpty { text += "; some services are over it on their own: \(list(over, limit: 3))" }
                problems.append(Problem(
                    verdict: verdict, order: order, text: text + ".", short: "cost close to budget in \(list(names))"))
            case ("latency_p95_ms", .fail), ("latency_p99_ms", .fail):
                continue  // One sentence for both, services included, below.
            case ("latency_p95_ms", .warn), ("latency_p99_ms", .warn):
                let name = metric == "latency_p95_ms" ? "P95" : "P99"
                let details = rows.map { row in
                    "\(row.environment) (\(row.deltaPct.map(Format.signedPct) ?? "no data")\(range(row).map { ", \(level) range \($0)" } ?? ""))"
                }
                problems.append(Problem(
                    verdict: verdict, order: order, text: "\(name) in \(list(details)): worse, but too little data to tell.",
                    short: "\(name) unclear in \(list(names))"))
            case ("error_rate_5xx_pct", .fail):
                let details = rows.map { row in
                    "\(row.environment) (\(row.before.map { String(format: "%.3f%%", $0) } ?? "?") → \(row.after.map { String(format: "%.3f%%", $0) } ?? "?"))"
                }
                problems.append(Problem(
                    verdict: verdict, order: order, text: "Server errors (5xx) rose significantly in \(list(details)).",
                    short: "more 5xx in \(list(names))"))
            case (_, .noData):
                let what = metric == "cost" ? "Cost" : metric == "error_rate_5xx_pct" ? "Server errors (5xx)" : Format.criterionName(metric)
                problems.append(Problem(
                    verdict: verdict, order: order, text: "\(what) in \(list(names)): not enough data to tell.",
                    short: "\(what.lowercased()) without data in \(list(names))"))
            default:
                let details = rows.map { "\($0.environment): \($0.reason)" }
                problems.append(Problem(
                    verdict: verdict, order: order, text: "\(Format.criterionName(metric)) — \(details.joined(separator: "; ")).",
                    short: "\(Format.criterionName(metric)) in \(list(names))"))
            }
        }

        // Significantly slower responses, environments and services alike.
        let slower = slowerServices(result)
        if !slower.isEmpty {
            let flappingNames = Set(flappingServices(result).map { "\($0.environment)/\($0.service)" })
            let details = slower.map { "\($0.name) (\($0.changes.joined(separator: ", ")))" }
            let alsoFlapping = slower.map(\.name).filter { flappingNames.contains($0) }
            var text = "Requests got significantly slower, beyond normal variation, in \(list(details, limit: 3))"
            if slower.count == 1 && alsoFlapping.count == 1 {
                text += "; it also flaps"
            } else if !alsoFlapping.isEmpty {
                text += "; \(list(alsoFlapping)) also \(alsoFlapping.count == 1 ? "flaps" : "flap")"
            }
            problems.append(Problem(
                verdict: .fail, order: criterionOrder.firstIndex(of: "latency_p95_ms") ?? 0, text: text + ".",
                short: "slower requests in \(list(slower.map(\.name)))"))
        }

        // Flapping: name the services, most flaps first.
        let flapping = flappingServices(result)
        let flapWarnEnvironments = failing("flaps", .warn).map(\.environment)
        if !flapping.isEmpty || !flapWarnEnvironments.isEmpty {
            let days = Format.number(Double(c.afterDays))
            var named = flapping.prefix(3).map { row -> String in
                let count = Int(row.after ?? 0)
                let window = result.windows.first { $0.environment == row.environment }?.after.hours ?? Double(c.afterDays * 24)
                let perDay = Double(count) / max(1, window / 24)
                return "\(row.environment)/\(row.service) \(count) times (\(perDay >= 10 ? String(Int(perDay.rounded())) : String(format: "%.1f", perDay)) a day)"
            }
            if flapping.count > 3 { named.append("\(flapping.count - 3) more services") }
            let unnamed = flapWarnEnvironments.filter { env in !flapping.contains { $0.environment == env } }
            named += unnamed.map { "\($0) (all services together)" }
            problems.append(Problem(
                verdict: .warn, order: criterionOrder.firstIndex(of: "flaps") ?? 0,
                text: "Flapping in the \(days) days after the change: \(list(named, limit: 4)), where more than "
                    + "\(Format.number(c.flapsPerDayWarn)) a day warns.",
                short: "flapping in \(list(flapping.map { "\($0.environment)/\($0.service)" } + unnamed))"))
        }
        let flapNoData = failing("flaps", .noData).map(\.environment)
        if !flapNoData.isEmpty {
            problems.append(Problem(
                verdict: .noData, order: criterionOrder.firstIndex(of: "flaps") ?? 0,
                text: "Flapping in \(list(flapNoData)): no task-count data to tell.", short: "flapping without data in \(list(flapNoData))"))
        }

        // Tasks and traffic in one sentence; a problem when an environment is outside the band.
        let band = "\(bandPct(c.taskBandLowPct)) to \(bandPct(c.taskBandHighPct))"
        if let tasks = result.row("*", "*", "running_tasks_mean")?.deltaPct {
            let inside = tasks >= c.taskBandLowPct && tasks <= c.taskBandHighPct
            var s = "The average number of running tasks \(tasks >= 0 ? "rose" : "fell") \(Format.signedPct(tasks).dropFirst()) overall"
            if let requests = result.row("*", "*", "requests")?.deltaPct {
                s += abs(requests) < 0.05 ? " while traffic stayed the same" : " while traffic \(requests > 0 ? "rose" : "fell") \(Format.signedPct(requests).dropFirst())"
            }
            s += ", \(inside ? "inside" : "outside") the expected \(band)"
            let outside = failing("running_tasks_mean", .warn)
            let missing = failing("running_tasks_mean", .noData)
            if !outside.isEmpty {
                s += "; outside it: \(list(outside.map { "\($0.environment) (\($0.deltaPct.map(Format.signedPct) ?? "?"))" }))"
            }
            if !missing.isEmpty { s += "; not enough data: \(list(missing.map(\.environment)))" }
            let verdict: Verdict = !outside.isEmpty || !inside ? .warn : missing.isEmpty ? .pass : .noData
            if verdict == .pass {
                optional.insert(s + ".", at: 0)
            } else {
                problems.append(Problem(
                    verdict: verdict, order: criterionOrder.firstIndex(of: "running_tasks_mean") ?? 0, text: s + ".",
                    short: "tasks outside \(band) in \(list(outside.map(\.environment) + missing.map(\.environment)))"))
            }
        } else {
            problems.append(Problem(
                verdict: .noData, order: criterionOrder.count, text: "There are not enough running-task counts to check the expected \(band).",
                short: "tasks without data"))
        }

        // Uncertainty: large latency changes whose interval still includes no change.
        var unsure: [String] = []
        for row in environmentRows where row.verdict == .pass && (row.metric == "latency_p95_ms" || row.metric == "latency_p99_ms") {
            guard let pct = row.deltaPct, abs(pct) > c.latencyFailPct, let low = row.ciLow, let high = row.ciHigh, low < 0, high > 0
            else { continue }
            unsure.append("\(Format.criterionName(row.metric)) in \(row.environment) (\(Format.signedPct(pct)), \(level) range \(range(row) ?? ""))")
        }
        if !unsure.isEmpty {
            optional.append("Too little data to be sure of some large changes: \(list(unsure, limit: 4)).")
        }

        problems.sort { ($0.verdict.severity, -$0.order) > ($1.verdict.severity, -$1.order) }
        let room = maxSentences - lead.count
        if problems.count > room {
            let kept = problems.prefix(room - 1).map(\.text)
            let rest = problems.dropFirst(room - 1).map(\.short)
            return lead + kept + ["Also: " + rest.joined(separator: "; ") + "; see details.md."]
        }
        return lead + problems.map(\.text) + optional.prefix(room - problems.count)
    }

    /// The whole page.
    public static func render(_ data: ReportData, charts: [Charts.Chart] = []) -> String {
        let result = data.result
        let c = result.configuration.criteria
        let budget = Format.pct(c.costBudgetPct)
        let band = "\(bandPct(c.taskBandLowPct))..\(bandPct(c.taskBandHighPct))"
        var md = "**\(Markdown.cell(headline(result)))**\n\n"
        let names = result.windows.map { Markdown.cell($0.environment) }
        md += "CPU scaling rollout in \(list(names, limit: names.count)): each environment's \(c.beforeDays) days before its change "
        md += "compared with the \(c.afterDays) days starting \(c.afterOffsetHours) h after it. The plan: cost up less than \(budget), "
        md += "running tasks \(bandPct(c.taskBandLowPct)) to \(bandPct(c.taskBandHighPct)), response times "
        md += "and server errors no worse, no flapping.\n\n"
        md += "| Environment | Changed (UTC) | Cost vs \(budget) budget | Tasks vs \(band) | P95 | P99 | 5xx rate | Flapping | Verdict |\n"
        md += "|---|---|---|---|---|---|---|---|---|\n"
        for name in result.windows.map(\.environment) + ["*"] {
            let window = result.windows.first { $0.environment == name }
            let label = name == "*" ? "**All**" : Markdown.cell(name)
            let changed = window.map { UTCTime.short($0.changeAt) } ?? "staggered"
            let errors = result.row(name, "*", "error_rate_5xx_pct")
            var errorCell = "⚪ no data"
            if let errors, let before = errors.before, let after = errors.after {
                errorCell = "\(mark(errors.verdict)) \(String(format: "%.2f", before))% → \(String(format: "%.2f", after))%"
            }
            var flapCell = "⚪ no data"
            if let flaps = result.row(name, "*", "flaps"), let after = flaps.after {
                let days = window.map { " in \(Format.number($0.after.hours / 24)) days" } ?? " in total"
                flapCell = "\(mark(flaps.verdict)) \(Int(after))\(days)"
            }
            var costCell = "⚪ no data"
            if let cost = costRow(result, name, "*"), let pct = cost.deltaPct {
                costCell = "\(mark(cost.verdict)) \(costPct(pct, budget: c.costBudgetPct))"
            }
            let overall = result.row(name, "*", "overall")?.verdict
            md += "| \(label) | \(changed) | \(costCell) | \(cell(result.row(name, "*", "running_tasks_mean"))) "
            md += "| \(cell(result.row(name, "*", "latency_p95_ms"))) | \(cell(result.row(name, "*", "latency_p99_ms"))) "
            md += "| \(errorCell) | \(flapCell) | \(mark(overall)) **\(overall?.rawValue ?? "NO DATA")** |\n"
        }
        md += "\n🟢 met · 🟠 warning · 🔴 missed · ⚪ not enough data. Changes are after vs before. "
        md += "P95 / P99: the time within which 95% / 99% of requests finish. 5xx: requests that failed with a server error. "
        md += "Flapping: scaling in and straight back out (or the reverse) within \(c.flappingWindowMinutes) minutes.\n\n"
        if let month = monthlyChange(result), let daily = dailyCost(result) {
            md += "**Money:** \(month >= 0 ? "+" : "−")\(money(abs(month))) a month at the after-week's run rate "
            md += "(\(money(daily.before * 7)) → \(money(daily.after * 7)) a week of Fargate across all environments).\n\n"
        }
        md += "## What this means\n\n"
        for sentence in sentences(result) { md += "- \(Markdown.cell(sentence))\n" }
        md += "\n"
        let linked = charts.filter { [DailyCostChart.fileName, LatencyChart.fileName, ScalingTimelineChart.fileName].contains($0.fileName) }
        if !linked.isEmpty {
            md += "**Charts:** " + linked.map { "[\($0.title)](\($0.relativePath))" }.joined(separator: " · ") + "\n\n"
        }
        md += "Details, intervals and methods: [details.md](details.md). For spreadsheets: [metrics.csv](metrics.csv), "
        md += "[timeseries.csv](timeseries.csv), [scaling_events.csv](scaling_events.csv).\n"
        return md
    }
}
