extension DetailsReport {
    /// Control environments and difference-in-differences.
    ///
    /// Kept in its own file so the statistics that compare the changed environments with
    /// unchanged ones can fill it in without touching the rest of the document.
    static func controlsSection(_ result: AnalysisResult) -> String {
        let c = result.configuration.criteria
        let level = Format.number(result.bootstrap.confidence * 100) + "%"
        var md = "## Control environments and difference-in-differences\n\n"
        md += "The tables above compare each environment's after window with its own before window, so anything else that changed "
        md += "between the two windows (traffic mix, releases, prices) is part of each change. Because the rollout was staggered, an "
        md += "environment that had not changed yet can serve as a control for one that had: over the changed environment's own windows, "
        md += "the difference in differences log(treated after / treated before) − log(control after / control before) removes what moved "
        md += "both alike, leaving the change's effect, provided the two would otherwise have moved in parallel. Here a control is an "
        md += "environment whose change came only after the other's after window ended. Cost is billed cost where the bill covers all "
        md += "four windows, else modelled; latency is the window P95 of all services' requests. Intervals are \(level) block-bootstrap "
        md += "intervals that resample the same hours of both environments together. The parallel-trends check repeats the comparison "
        md += "one window earlier (the period as long as the before window that ends where it starts, against the before window), where "
        md += "no change happened: trends count as parallel when that placebo effect's interval lies within ±\(Format.pct(c.parallelTrendsTolerancePct)).\n\n"
        guard !result.controls.isEmpty else {
            let windows = result.windows
            if windows.count < 2 {
                md += "With a single environment there is no control.\n\n"
            } else {
                md += "No environment had a control: every other environment's change fell within or before its windows "
                md += "(changes: \(windows.map { "\(Markdown.cell($0.environment)) \(UTCTime.short($0.changeAt))" }.joined(separator: ", "))). "
                md += "To get one, compare shorter windows or leave an environment unchanged for longer.\n\n"
            }
            return md
        }
        md += "| Changed | Control | Figure | Changed before → after | Control before → after | Effect | \(level) interval | Pre-trend | Parallel-trends check |\n"
        md += "|---|---|---|---:|---:|---:|---|---|---|\n"
        for comparison in result.controls {
            let unit = comparison.metric == "latency_p95_ms" ? "ms" : "USD"
            let figure = comparison.metric == "latency_p95_ms" ? "P95 latency (ms)" : comparison.metric == "cost_billed_usd" ? "billed cost (USD)" : "modelled cost (USD)"
            let interval = comparison.ciLow.flatMap { low in comparison.ciHigh.map { Format.interval((low, $0)) } } ?? "not computed"
            md += "| \(Markdown.cell(comparison.environment)) | \(Markdown.cell(comparison.control)) | \(figure) "
            md += "| \(value(comparison.treatedBefore, unit: unit)) → \(value(comparison.treatedAfter, unit: unit)) "
            md += "| \(value(comparison.controlBefore, unit: unit)) → \(value(comparison.controlAfter, unit: unit)) "
            md += "| \(Format.signedPct(comparison.effectPct)) | \(interval) | \(comparison.preTrend.status.rawValue) "
            md += "| \(Markdown.cell(comparison.preTrend.reason)) |\n"
        }
        return md + "\n"
    }
}
