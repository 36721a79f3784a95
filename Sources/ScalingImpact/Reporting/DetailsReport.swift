import Foundation

/// `details.md`: for engineers. Windows and coverage, per (environment, service) tables with
/// intervals, verdicts and reasons, methods, assumptions and data quality.
public enum DetailsReport {
    static let metricTitles: [String: String] = [
        "requests": "Requests", "running_tasks_mean": "Running tasks (mean)", "running_tasks_p95": "Running tasks (P95)",
        "task_hours": "Task-hours", "time_at_max_capacity_pct": "Time at max capacity (%)",
        "cost_modelled_usd": "Cost, modelled (USD)", "cost_billed_usd": "Cost, billed (USD)",
        "cost_per_million_requests_usd": "Cost per 1M requests (USD)", "cpu_mean_pct": "CPU mean (%)",
        "latency_p50_ms": "Latency P50 (ms)", "latency_p95_ms": "Latency P95 (ms)", "latency_p99_ms": "Latency P99 (ms)",
        "error_rate_5xx_pct": "5xx rate (%)", "scale_events_per_day": "Scale events per day", "flaps": "Flaps",
        "overall": "Overall",
    ]

    static func value(_ v: Double?, unit: String) -> String {
        guard let v else { return "—" }
        switch unit {
        case "count", "task-h":
            return abs(v) >= 1000 ? String(Int64(v.rounded())) : Format.number(v)
        case "USD": return String(format: "%.2f", v)
        case "%": return String(format: "%.3f", v)
        default: return String(format: "%.2f", v)
        }
    }

    static func table(_ rows: [MetricRow]) -> String {
        var md = "| Metric | Before | After | Δ | Δ% | 95% interval of Δ% | Verdict | Reason |\n"
        md += "|---|---:|---:|---:|---:|---|---|---|\n"
        for row in rows {
            let title = metricTitles[row.metric] ?? row.metric
            let interval = row.ciLow.flatMap { low in row.ciHigh.map { Format.interval((low, $0)) } } ?? ""
            md += "| \(title) | \(value(row.before, unit: row.unit)) | \(value(row.after, unit: row.unit)) "
            md += "| \(value(row.delta, unit: row.unit)) | \(row.deltaPct.map(Format.signedPct) ?? "—") | \(interval) "
            md += "| \(row.verdict?.rawValue ?? "") | \(Markdown.cell(row.reason)) |\n"
        }
        return md
    }

    /// The whole document.
    public static func render(_ result: AnalysisResult, imports: [ImportRecord], charts: [String] = []) -> String {
        let c = result.configuration.criteria
        let b = result.bootstrap
        var md = "# CPU scaling rollout: engineering details\n\n"
        md += "Generated from the imported exports by `scaling-impact report`. All times are UTC; windows are half-open `[start, end)`.\n\n"
        md += "## Windows and coverage\n\n"
        md += "| Environment | Change | Before window | After window | Task-count coverage before / after (min over services) |\n"
        md += "|---|---|---|---|---|\n"
        for w in result.windows {
            let before = w.taskCoverage.values.map(\.before).min() ?? 0
            let after = w.taskCoverage.values.map(\.after).min() ?? 0
            md += "| \(Markdown.cell(w.environment)) | \(UTCTime.short(w.changeAt)) | \(UTCTime.short(w.before.start)) → \(UTCTime.short(w.before.end)) "
            md += "| \(UTCTime.short(w.after.start)) → \(UTCTime.short(w.after.end)) | \(String(format: "%.1f", before * 100))% / \(String(format: "%.1f", after * 100))% |\n"
        }
        md += "\nA window whose data covers less than \(Format.pct(c.minCoveragePct)) of its time gives NO DATA for the figures that depend on it. "
        md += "Totals scale each series from the hours it has; an hour counts for a total only when every service has it.\n\n"
        for chart in charts { md += chart + "\n\n" }
        for environment in result.windows.map(\.environment) + ["*"] {
            let services = result.configuration.services.map(\.name) + ["*"]
            md += environment == "*" ? "## All environments\n\n" : "## \(Markdown.cell(environment))\n\n"
            for service in services where environment != "*" || service == "*" {
                let rows = result.rows.filter { $0.environment == environment && $0.service == service }
                guard !rows.isEmpty else { continue }
                md += service == "*" ? "### \(environment == "*" ? "Rollout total" : "Environment total")\n\n" : "### \(Markdown.cell(service))\n\n"
                md += table(rows) + "\n"
            }
        }
        md += "## Methods\n\n"
        md += "- **Percentiles** of request latency are window percentiles over every request, computed from merged per-minute histograms with log-spaced buckets "
        md += "(relative accuracy α = \(LatencyHistogram.relativeAccuracy), γ = (1+α)/(1−α), bucket ⌈ln(x)/ln γ⌉) and interpolated as numpy's default "
        md += "`percentile(method=\"linear\")` (Hyndman–Fan type 7); each is within 0.5% of the exact value.\n"
        md += "- **Intervals** are 95% percentile intervals from a circular block bootstrap over hours: \(b.resamples) resamples, blocks of "
        md += "\(b.blockLength) consecutive hours (a day, so the daily cycle stays inside a block), seeded per figure so reports are reproducible. "
        md += "Before and after windows are resampled independently; the interval bounds the relative change after/before − 1.\n"
        md += "- **Latency verdicts**: FAIL when P95 or P99 is worse by more than \(Format.pct(c.latencyFailPct)) and the interval lies above zero; "
        md += "WARN when worse by more than \(Format.pct(c.latencyFailPct)) but the interval includes no change; PASS otherwise.\n"
        md += "- **5xx rate** = Σ 5xx / Σ requests (CloudWatch `HTTPCode_Target_5XX_Count` / `RequestCount`, else per-request data); "
        md += "FAIL when the after rate's 95% Wilson interval lies wholly above the before rate's.\n"
        md += "- **Cost**: billed cost is the sum of Fargate usage lines of the bill in the window; modelled cost is task-hours × (vCPU × vCPU price + GB × GB price). "
        md += "The cost verdict uses billed cost when the bill covers both windows, else modelled cost: FAIL at +\(Format.pct(c.costBudgetPct)) or more, "
        md += "WARN within \(Format.number(c.costWarnMarginPct)) points of it.\n"
        md += "- **Tasks**: time-weighted mean of CloudWatch `RunningTaskCount`; task-hours = mean × window hours; P95 over the datapoints. "
        md += "WARN when the change of the mean is outside \(Format.signedPct(c.taskBandLowPct))..\(Format.signedPct(c.taskBandHighPct)).\n"
        md += "- **Scaling**: a scale event is a change of the desired task count between consecutive datapoints; a flap is a scale-in followed by a "
        md += "scale-out (or the reverse) within \(c.flappingWindowMinutes) minutes; WARN above \(Format.number(c.flapsPerDayWarn)) flaps a day in the after window.\n"
        md += "- **Overall** per row: the worst criterion (FAIL > WARN > NO DATA > PASS); missing data is never a PASS.\n\n"
        md += "## Assumptions\n\n"
        md += "| Region | vCPU-hour (USD) | GB-hour (USD) | Price taken on | Source |\n|---|---:|---:|---|---|\n"
        for p in result.configuration.prices {
            md += "| \(Markdown.cell(p.region)) | \(p.vcpuHourUSD) | \(p.gbHourUSD) | \(Markdown.cell(p.takenOn)) | \(Markdown.cell(p.source)) |\n"
        }
        md += "\n| Service | vCPU | Memory (GB) | Min tasks | Max tasks |\n|---|---:|---:|---:|---:|\n"
        for s in result.configuration.services {
            md += "| \(Markdown.cell(s.name)) | \(Format.number(s.vcpu)) | \(Format.number(s.memoryGB)) | \(s.minCapacity) | \(s.maxCapacity) |\n"
        }
        md += "\n## Data quality\n\n"
        if imports.isEmpty {
            md += "Nothing has been imported.\n"
        } else {
            md += "| File | Format | SHA-256 | Rows | Rejected | Unmapped | Ignored | Time range |\n|---|---|---|---:|---:|---:|---:|---|\n"
            for i in imports {
                let range = i.firstTs.flatMap { f in i.lastTs.map { "\(UTCTime.short(f)) → \(UTCTime.short($0))" } } ?? "—"
                md += "| \(Markdown.cell(i.path)) | \(i.format) | `\(i.sha256.prefix(12))` | \(i.rowsAccepted) | \(i.rowsRejected) | \(i.rowsUnmapped) | \(i.rowsIgnored) | \(range) |\n"
            }
        }
        return md
    }
}
