import Foundation

/// `details.md`: for engineers. Windows and coverage, charts, per (environment, service) tables
/// with intervals, verdicts and reasons, control environments, modelled vs billed cost, methods,
/// assumptions, data quality and what the CSV files hold.
public enum DetailsReport {
    static let metricTitles: [String: String] = [
        "requests": "Requests", "running_tasks_mean": "Running tasks (mean)", "running_tasks_p95": "Running tasks (P95)",
        "task_hours": "Task-hours", "time_at_max_capacity_pct": "Time at max capacity (%)",
        "cost_modelled_usd": "Cost, modelled (USD)", "cost_billed_usd": "Cost, billed (USD)",
        "cost_per_million_requests_usd": "Cost per 1M requests (USD)", "cpu_mean_pct": "CPU mean (%)",
        "latency_p50_ms": "Latency P50 (ms)", "latency_p95_ms": "Latency P95 (ms)", "latency_p99_ms": "Latency P99 (ms)",
        "error_rate_5xx_pct": "5xx rate (%)", "scale_events_per_day": "Scale events per day", "flaps": "Flaps",
        "overall": "Overall",
        "task_hours_per_1k_requests": "Task-hours per 1k requests", "cost_monthly_usd": "Cost per month (USD)",
        "cpu_above_target_pct": "Time above CPU target + 10 (%)", "scale_reversals": "Scaling reversals",
        "scale_outs_cpu": "Scale-outs by CPU rule", "scale_outs_requests": "Scale-outs by request rule",
        "scale_outs_other": "Scale-outs, other causes",
        "target_response_time_p50_median_ms": "CloudWatch p50, median of hours (ms)",
        "target_response_time_p95_median_ms": "CloudWatch p95, median of hours (ms)",
        "target_response_time_p99_median_ms": "CloudWatch p99, median of hours (ms)",
        "locust_response_time_p50_median_ms": "Locust p50, median of hours (ms)",
        "locust_response_time_p95_median_ms": "Locust p95, median of hours (ms)",
        "locust_response_time_p99_median_ms": "Locust p99, median of hours (ms)",
    ]

    /// A value for a table: integers for counts, cents for money, enough digits for rates;
    /// negative values with a real minus sign, as the percentages have.
    static func value(_ v: Double?, unit: String) -> String {
        guard let v, v.isFinite else { return "—" }
        let text: String
        switch unit {
        case "count", "task-h":
            text = abs(v) >= 1000 ? String(Int64(abs(v).rounded())) : Format.number(abs(v))
        case "USD": text = String(format: "%.2f", abs(v))
        case "%": text = String(format: "%.3f", abs(v))
        default: text = String(format: "%.2f", abs(v))
        }
        let isZero = !text.contains { $0 != "0" && $0 != "." }
        return v < 0 && !isZero ? "−" + text : text
    }

    /// A price with up to six decimals and no exponent: `0.04048`.
    static func decimal(_ v: Double) -> String {
        var text = String(format: "%.6f", v)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func table(_ rows: [MetricRow], level: String) -> String {
        var md = "| Metric | Before | After | Δ | Δ% | \(level) interval of Δ% | Verdict | Reason |\n"
        md += "|---|---:|---:|---:|---:|---|---|---|\n"
        for row in rows {
            let title = metricTitles[row.metric] ?? Markdown.cell(row.metric)
            let interval = row.ciLow.flatMap { low in row.ciHigh.map { Format.interval((low, $0)) } } ?? ""
            md += "| \(title) | \(value(row.before, unit: row.unit)) | \(value(row.after, unit: row.unit)) "
            md += "| \(value(row.delta, unit: row.unit)) | \(row.deltaPct.map(Format.signedPct) ?? "—") | \(interval) "
            md += "| \(row.verdict?.rawValue ?? "") | \(Markdown.cell(row.reason)) |\n"
        }
        return md
    }

    /// The whole document.
    public static func render(_ data: ReportData, charts: [Charts.Chart] = []) -> String {
        let result = data.result
        let c = result.configuration.criteria
        let b = result.bootstrap
        let level = Format.number(b.confidence * 100) + "%"
        var md = "# CPU scaling rollout: engineering details\n\n"
        md += "Generated from the imported exports by `scaling-impact report`. All times are UTC; windows are half-open `[start, end)`. "
        md += "Intervals are \(level) intervals; the verdicts and the figures in the tables are those of [metrics.csv](metrics.csv). "
        md += "The management summary is [summary.md](summary.md).\n\n"

        md += "## Windows and coverage\n\n"
        md += "| Environment | Change | Before window | After window | Task-count coverage before / after (min over services) |\n"
        md += "|---|---|---|---|---|\n"
        for w in result.windows {
            let before = w.taskCoverage.values.map(\.before).min() ?? 0
            let after = w.taskCoverage.values.map(\.after).min() ?? 0
            md += "| \(Markdown.cell(w.environment)) | \(UTCTime.short(w.changeAt)) | \(UTCTime.short(w.before.start)) → \(UTCTime.short(w.before.end)) "
            md += "| \(UTCTime.short(w.after.start)) → \(UTCTime.short(w.after.end)) | \(String(format: "%.1f", before * 100))% / \(String(format: "%.1f", after * 100))% |\n"
        }
        md += "\nDefault windows: the \(c.beforeDays) days ending at the change, and the \(c.afterDays) days starting \(c.afterOffsetHours) h after it "
        md += "(the transition is left out); explicit windows in the configuration replace them. "
        md += "A window whose data covers less than \(Format.pct(c.minCoveragePct)) of its time gives NO DATA for the figures that depend on it. "
        md += "Totals scale each series from the hours it has; an hour counts for a total only when every service has it.\n\n"
        let uneven = result.windows.filter { !$0.isWholeWeeks }.map { Markdown.cell($0.environment) }
        if !uneven.isEmpty {
            md += "**Not whole weeks:** the windows of \(uneven.joined(separator: ", ")) are not whole weeks, so before and after hold different "
            md += "mixes of weekdays and weekends; traffic-driven figures (requests, tasks, cost) then move with the calendar as well as with the change.\n\n"
        }

        if !charts.isEmpty {
            md += "## Charts\n\n"
            for chart in charts { md += "![\(chart.title)](\(chart.relativePath))\n\n" }
        }

        for environment in result.windows.map(\.environment) + ["*"] {
            let services = result.configuration.services.map(\.name) + ["*"]
            md += environment == "*" ? "## All environments\n\n" : "## \(Markdown.cell(environment))\n\n"
            for service in services where environment != "*" || service == "*" {
                let rows = result.rows.filter { $0.environment == environment && $0.service == service }
                guard !rows.isEmpty else { continue }
                md += service == "*" ? "### \(environment == "*" ? "Rollout total" : "Environment total")\n\n" : "### \(Markdown.cell(service))\n\n"
                md += table(rows, level: level) + "\n"
            }
        }

        md += controlsSection(result)
        md += costSection(result)
        md += methodsSection(result)
        md += assumptionsSection(result)
        md += dataQualitySection(data)
        md += filesSection(result)
        return md
    }

    /// Modelled and billed cost side by side, and how far the bill is from the model.
    static func costSection(_ result: AnalysisResult) -> String {
        var md = "## Modelled vs billed cost\n\n"
        md += "Modelled cost is task-hours × the list price of the task's vCPU and memory; billed cost is what the bill charged for "
        md += "the service's Fargate usage in the same hours. They differ when the price paid is not the list price (Savings Plans, Spot, "
        md += "credits), when tasks ran that the task counts do not show (deployments, one-off tasks), or when the bill's tags map differently. "
        md += "The verdict uses billed cost where the bill covers both windows.\n\n"
        md += "| Environment | Service | Modelled before | Billed before | Bill vs model | Modelled after | Billed after | Bill vs model | Verdict on |\n"
        md += "|---|---|---:|---:|---:|---:|---:|---:|---|\n"
        func gap(_ billed: Double?, _ modelled: Double?) -> String {
            guard let billed, let modelled, modelled > 0 else { return "—" }
            return Format.signedPct(100 * (billed / modelled - 1))
        }
        var pairs: [(String, String)] = []
        for environment in result.windows.map(\.environment) {
            for service in result.configuration.services.map(\.name) + ["*"] { pairs.append((environment, service)) }
        }
        pairs.append(("*", "*"))
        for (environment, service) in pairs {
            let modelled = result.row(environment, service, "cost_modelled_usd")
            let billed = result.row(environment, service, "cost_billed_usd")
            guard modelled != nil || billed != nil else { continue }
            let basis = billed?.verdict != nil ? "billed" : modelled?.verdict != nil ? "modelled" : ""
            let env = environment == "*" ? "**All**" : Markdown.cell(environment)
            let svc = service == "*" ? "**all**" : Markdown.cell(service)
            md += "| \(env) | \(svc) | \(value(modelled?.before, unit: "USD")) | \(value(billed?.before, unit: "USD")) "
            md += "| \(gap(billed?.before, modelled?.before)) | \(value(modelled?.after, unit: "USD")) | \(value(billed?.after, unit: "USD")) "
            md += "| \(gap(billed?.after, modelled?.after)) | \(basis) |\n"
        }
        return md + "\n"
    }

    static func methodsSection(_ result: AnalysisResult) -> String {
        let c = result.configuration.criteria
        let b = result.bootstrap
        let level = Format.number(b.confidence * 100) + "%"
        var md = "## Methods\n\n"
        md += "- **Percentiles** of request latency are window percentiles over every request, computed from merged per-minute histograms with log-spaced buckets "
        md += "(relative accuracy α = \(LatencyHistogram.relativeAccuracy), γ = (1+α)/(1−α), bucket ⌈ln(x)/ln γ⌉, representative 2γᵏ/(1+γ)) and interpolated as numpy's default "
        md += "`percentile(method=\"linear\")` (Hyndman–Fan type 7) over the bucket representatives; each is within 0.5% of the exact value.\n"
        md += "- **Intervals** (confidence level \(level)) come from a block bootstrap over hours: \(b.resamples) resamples of blocks of "
        md += "\(b.blockLength) consecutive hours (so the daily cycle stays inside a block and hour-to-hour correlation is kept). Each block starts at the "
        md += "same hour of day and on the same kind of day (Monday–Friday or weekend, UTC) as the hours it replaces, so a resampled week keeps "
        md += "its mix of busy and quiet days; the overall total resamples each environment on its own calendar. Before and after windows are "
        md += "resampled independently; the interval bounds the relative change after/before − 1. The percentile interval's ends are moved away "
        md += "from the estimate by √(blocks / degrees of freedom) · t/z (for two weeks of days ×\(b.widening(before: [b.plan(count: 168, start: 0)], after: [b.plan(count: 168, start: 0)]).map { String(format: "%.2f", $0) } ?? "—")): "
        md += "resampling a handful of blocks underestimates the variance, and a simulation test shows a nominal 95% interval then covers the truth "
        md += "about 94% of the time on autocorrelated hourly data (85% without the correction, about 65% when single hours are resampled). "
        md += "One resampling pass per environment and service gives every interval of that table together, seeded from the names so reports are reproducible.\n"
        md += "- **Latency verdicts**: FAIL when P95 or P99 is worse by more than \(Format.pct(c.latencyFailPct)) and significantly so by both tests: "
        md += "the bootstrap interval lies above zero, and the per-period percentiles are High by a Mann-Whitney / Hodges-Lehmann classifier in the "
        md += "manner of Kayenta's judge (\(Format.number(c.significanceConfidencePct))% interval of the shift after − before, High when its lower bound "
        md += "exceeds \(Format.number(c.significanceTolerance)) × |estimate|, Low when its upper bound is below −\(Format.number(c.significanceTolerance)) × |estimate|, "
        md += "else Pass; normal approximation with tie and continuity corrections, as R's `wilcox.test`). The periods are the shortest of 1–24 hours "
        md += "whose median holds enough requests for a distribution-free bound on the percentile (72 for P95, 368 for P99); where no period "
        md += "length has enough, the bootstrap decides alone and the reason says so. WARN when worse by more than \(Format.pct(c.latencyFailPct)) "
        md += "without that evidence; PASS otherwise. Per-period percentiles that arrive pre-computed (CloudWatch `TargetResponseTime` p95, Locust) are "
        md += "reported as the median of their hourly values (`*_median_ms` rows), never as a window percentile.\n"
        md += "- **5xx rate** = Σ 5xx / Σ requests (CloudWatch `HTTPCode_Target_5XX_Count` / `RequestCount`, else per-request data); "
        md += "FAIL when the after rate's \(level) Wilson score interval lies wholly above the before rate's. With no 5xx before, the before window "
        md += "only bounds the rate from above (Wilson upper bound), and the reason says so. The interval column is the bootstrap interval of the rate's change.\n"
        md += "- **Cost**: billed cost is the sum of the bill's Fargate usage lines in the window; modelled cost is task-hours × (vCPU × vCPU price + GB × GB price). "
        md += "The cost verdict uses billed cost when the bill covers both windows, else modelled cost: FAIL at +\(Format.pct(c.costBudgetPct)) or more "
        md += "when the interval lies above zero (WARN when it does not: over budget, but not distinguishable from no change), "
        md += "WARN within \(Format.number(c.costWarnMarginPct)) points of it. Cost per million requests and task-hours per 1,000 requests show "
        md += "whether cost moved with traffic; `cost_monthly_usd` is each window's cost per day × \(Format.number(Analyzer.daysPerMonth)). "
        md += "Where billed and modelled cost differ by more than \(Format.pct(c.costModelTolerancePct)), the modelled row's reason warns (prices or task sizes). The summary's monthly figure is the change of the daily run rate × \(Format.number(SummaryReport.daysPerMonth)) days.\n"
        md += "- **Tasks**: time-weighted mean of CloudWatch `RunningTaskCount`; task-hours = mean × window hours; P95 over the datapoints. "
        md += "WARN when the change of the mean is outside \(Format.signedPct(c.taskBandLowPct))..\(Format.signedPct(c.taskBandHighPct)).\n"
        md += "- **Scaling**: a scale event is a change of the desired task count (`DesiredTaskCount`, else `RunningTaskCount`) between consecutive datapoints; "
        md += "a flap is a change followed by the opposite change within \(c.flappingWindowMinutes) minutes; "
        md += "WARN above \(Format.number(c.flapsPerDayWarn)) flaps a day in the after window. `scale_reversals` counts changes of direction; "
        md += "`cpu_above_target_pct` is the share of CPU datapoint time above the \(Format.pct(c.cpuTargetPct)) target + 10 points; where scaling "
        md += "activities were imported, `scale_outs_cpu`, `scale_outs_requests` and `scale_outs_other` count successful scale-outs by the policy that triggered them.\n"
        md += "- **Overall** per row: the worst criterion (FAIL > WARN > NO DATA > PASS); missing data is never a PASS.\n"
        md += "- **Hourly series** (`timeseries.csv`, charts): time-weighted hourly means of task counts and CPU, hourly sums of requests, 5xx and cost, "
        md += "and each hour's own P95/P99 from its merged histogram (hourly percentiles are noisier than the window's and are not averaged into it).\n\n"
        return md
    }

    static func assumptionsSection(_ result: AnalysisResult) -> String {
        var md = "## Assumptions\n\n"
        md += "Fargate list prices used for modelled cost, with the date they were taken:\n\n"
        md += "| Region | vCPU-hour (USD) | GB-hour (USD) | Price taken on | Source | Environments |\n|---|---:|---:|---|---|---|\n"
        for p in result.configuration.prices {
            let environments = result.configuration.environments.filter { $0.region == p.region }.map { Markdown.cell($0.name) }
            md += "| \(Markdown.cell(p.region)) | \(decimal(p.vcpuHourUSD)) | \(decimal(p.gbHourUSD)) | \(Markdown.cell(p.takenOn)) "
            md += "| \(Markdown.cell(p.source)) | \(environments.joined(separator: ", ")) |\n"
        }
        let unpriced = result.configuration.environments.filter { result.configuration.price(region: $0.region) == nil }
        if !unpriced.isEmpty {
            md += "\nNo price for \(unpriced.map { "\(Markdown.cell($0.name)) (\(Markdown.cell($0.region)))" }.joined(separator: ", ")): their modelled cost is missing.\n"
        }
        md += "\nTask sizes and capacity limits:\n\n"
        md += "| Service | vCPU | Memory (GB) | Task-hour at list price (USD, first region) | Min tasks | Max tasks |\n|---|---:|---:|---:|---:|---:|\n"
        let firstPrice = result.configuration.prices.first
        for s in result.configuration.services {
            let taskHour = firstPrice.map { decimal(s.vcpu * $0.vcpuHourUSD + s.memoryGB * $0.gbHourUSD) } ?? "—"
            md += "| \(Markdown.cell(s.name)) | \(Format.number(s.vcpu)) | \(Format.number(s.memoryGB)) | \(taskHour) | \(s.minCapacity) | \(s.maxCapacity) |\n"
        }
        return md + "\n"
    }

    /// Imports with their hashes and row counts, and the hours each window lacks.
    static func dataQualitySection(_ data: ReportData) -> String {
        var md = "## Data quality\n\n"
        let imports = data.imports
        if imports.isEmpty {
            md += "Nothing has been imported.\n\n"
        } else {
            let sum = { (path: KeyPath<ImportRecord, Int>) in imports.map { $0[keyPath: path] }.reduce(0, +) }
            md += "\(imports.count) files imported: \(sum(\.rowsAccepted)) rows used, \(sum(\.rowsRejected)) rejected (bad values), "
            md += "\(sum(\.rowsUnmapped)) unmapped (no mapping rule matched their names), \(sum(\.rowsIgnored)) ignored (valid rows that are not ECS/Fargate data). "
            md += "SHA-256 is of each file's bytes as imported; compare with `sha256sum`.\n\n"
            md += "| File | Format | SHA-256 | Rows | Rejected | Unmapped | Ignored | Time range |\n|---|---|---|---:|---:|---:|---:|---|\n"
            for i in imports {
                let range = i.firstTs.flatMap { f in i.lastTs.map { "\(UTCTime.short(f)) → \(UTCTime.short($0))" } } ?? "—"
                md += "| \(Markdown.cell(i.path)) | \(Markdown.cell(i.format)) | `\(i.sha256.filter(\.isHexDigit))` | \(i.rowsAccepted) "
                md += "| \(i.rowsRejected) | \(i.rowsUnmapped) | \(i.rowsIgnored) | \(range) |\n"
            }
            md += "\n"
        }
        md += "### Gaps\n\n"
        let gaps = gapRows(data)
        if gaps.isEmpty {
            md += "Every hour of every before and after window has running-task counts, requests, latency and billed cost for every service.\n\n"
        } else {
            md += "Hours of each window without data, per source (only series with gaps are listed; a whole window missing reads as all its hours). "
            md += "Figures from a window with less than \(Format.pct(data.result.configuration.criteria.minCoveragePct)) coverage are NO DATA.\n\n"
            md += "| Environment | Service | Window | Hours | Running tasks | Requests | Latency | Billed cost |\n|---|---|---|---:|---:|---:|---:|---:|\n"
            for gap in gaps {
                md += "| \(Markdown.cell(gap.environment)) | \(Markdown.cell(gap.service)) | \(gap.window) | \(gap.hours) "
                md += "| \(gap.missing.map { $0 == 0 ? "—" : String($0) }.joined(separator: " | ")) |\n"
            }
            md += "\n"
        }
        return md
    }

    /// Missing hours per (environment, service, window) and source: tasks, requests, latency, billed cost.
    static func gapRows(_ data: ReportData) -> [(environment: String, service: String, window: String, hours: Int, missing: [Int])] {
        var rows: [(String, String, String, Int, [Int])] = []
        let configuration = data.result.configuration
        for series in data.timeSeries.series {
            guard let environment = configuration.environment(named: series.key.environment) else { continue }
            let windows = configuration.windows(for: environment)
            for (name, window) in [("before", windows.before), ("after", windows.after)] {
                let hours = series.hours.filter { window.contains($0.start) }
                let missing = [
                    hours.count { $0.runningTasks == nil }, hours.count { $0.requests == nil },
                    hours.count { $0.latencyP95Ms == nil }, hours.count { $0.billedCostUSD == nil },
                ]
                if missing.contains(where: { $0 > 0 }) {
                    rows.append((series.key.environment, series.key.service, name, hours.count, missing))
                }
            }
        }
        return rows
    }

    /// What each file of the report folder holds.
    static func filesSection(_ result: AnalysisResult) -> String {
        var md = "## Files\n\n"
        md += "CSV files are RFC 4180 (comma-separated, CRLF line ends, quotes where needed), UTF-8 without a byte-order mark, `.` as the decimal separator, "
        md += "times as `YYYY-MM-DD HH:MM` UTC; an empty cell means no data. Text cells that a spreadsheet would run as a formula (starting with "
        md += "`=`, `+`, `-` or `@`) are prefixed with `'`. Excel shows non-ASCII names correctly when the file is opened with Data → From Text/CSV.\n\n"
        md += "- [metrics.csv](metrics.csv): the contract: one row per environment, service and metric with before, after, delta, interval and verdict.\n"
        md += "- [timeseries.csv](timeseries.csv): one row per hour, environment and service over each environment's before window, transition and after window: "
        md += "`running_tasks`, `desired_tasks` (hourly means), `cpu_pct`, `requests`, `latency_p95_ms`, `latency_p99_ms` (the hour's own percentiles), "
        md += "`errors_5xx`, `cost_billed_usd`, `cost_modelled_usd`; `window` says which window the hour starts in.\n"
        md += "- [scaling_events.csv](scaling_events.csv): one row per change of a service's desired task count (from CloudWatch datapoints; from imported "
        md += "scaling activities where there are none), with the counts before and after, `direction` (`out` adds tasks, `in` removes them), the `cause` "
        md += "of a matching scaling activity (`unknown` without one), and `is_flap` = 1 when it reverses the previous change within "
        md += "\(result.configuration.criteria.flappingWindowMinutes) minutes. The `is_flap` values of a window add up to its `flaps` in metrics.csv.\n"
        md += "- `charts/`: the SVG charts above.\n"
        return md
    }
}
