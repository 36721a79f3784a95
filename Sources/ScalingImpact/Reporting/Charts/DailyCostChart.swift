/// Daily cost per environment against the budget: one bar per 24 hours counted from the change
/// (so each bar lies wholly inside one window), the before week's daily average, and the band
/// up to the budget over the after window.
enum DailyCostChart {
    static let fileName = "daily-cost.svg"
    static let title = "Daily cost against the budget"

    /// One 24-hour period's cost.
    struct Day: Equatable {
        var start: Int64
        var cost: Double
        /// Whether every hour of the period has a cost for every service.
        var isComplete: Bool
        var window: WindowPhase
    }

    /// The periods of 24 hours from the change, covering `range`, with the summed cost of `series`.
    static func days(
        _ series: [TimeSeries.Series], range: TimeWindow, changeAt: Int64, billed: Bool,
        windows: (before: TimeWindow, after: TimeWindow)
    ) -> [Day] {
        let day: Int64 = 86_400
        // The last period start at or before the range's start that is a whole number of days from the change.
        let first = range.start - TimeTicks.floorMod(range.start - changeAt, day)
        var days: [Day] = []
        var start = first
        while start < range.end {
            let end = start + day
            var cost = 0.0
            var complete = !series.isEmpty
            var any = false
            for s in series {
                for hour in s.hours where hour.start >= start && hour.start < end {
                    if let value = billed ? hour.billedCostUSD : hour.modelledCostUSD {
                        cost += value
                        any = true
                    } else {
                        complete = false
                    }
                }
            }
            // Hours of the period outside the loaded range are missing too.
            if start < range.start || end > range.end { complete = false }
            if any {
                days.append(Day(start: start, cost: cost, isComplete: complete, window: WindowPhase(time: start, windows: windows)))
            }
            start = end
        }
        return days
    }

    /// Bars are pale so that the average and budget lines over them stand out.
    static let beforeColor = "#C4C4C4"
    static let transitionColor = "#E6E6E6"
    static let afterOpacity = 0.55

    static func render(_ data: ReportData) -> String {
        let result = data.result
        let configuration = result.configuration
        let criteria = configuration.criteria
        let budget = Format.pct(criteria.costBudgetPct)
        let legend: [ChartLayout.LegendItem] = [
            .box(beforeColor, opacity: 1, label: "before"),
            .box(transitionColor, opacity: 1, label: "transition (not compared)"),
            .box(Palette.skyBlue, opacity: afterOpacity, label: "after"),
            .line(Palette.black, dash: nil, width: 1.5, label: "before-week daily average"),
            .line(Palette.bluishGreen, dash: "6 3", width: 2.5, label: "budget: that average +\(budget)"),
            .line(Palette.vermillion, dash: nil, width: 2.5, label: "after-week daily average"),
        ]
        let subtitle = [
            "Fargate cost per 24 hours counted from each environment's change (USD). Pale bars have hours without data.",
            "The budget applies to the week: weekday peaks above the line are expected when the before week had them too.",
        ]
        let panelHeight = 120.0
        let panelStride = panelHeight + 62
        let left = 70.0
        var probe = SVGDocument(width: ChartLayout.width, height: 100, title: title)
        let headerHeight = ChartLayout.header(into: &probe, title: title, subtitle: subtitle, legend: legend)
        let height = headerHeight + Double(configuration.environments.count) * panelStride + 8
        var svg = SVGDocument(width: ChartLayout.width, height: height, title: title)
        var top = ChartLayout.header(into: &svg, title: title, subtitle: subtitle, legend: legend) + 26
        for environment in configuration.environments {
            let range = TimeSeries.range(for: environment, in: configuration)
            let windows = configuration.windows(for: environment)
            let costRow = SummaryReport.costRow(result, environment.name, "*")
            let billed = costRow?.metric == "cost_billed_usd"
            let series = configuration.services.compactMap { data.timeSeries.series(environment.name, $0.name) }
            let days = days(series, range: range, changeAt: environment.changeAt, billed: billed, windows: windows)
            let beforeDaily = costRow?.before.map { $0 / max(1, windows.before.hours / 24) }
            let afterDaily = costRow?.after.map { $0 / max(1, windows.after.hours / 24) }
            let ceiling = beforeDaily.map { $0 * (1 + criteria.costBudgetPct / 100) }
            let peak = ([ceiling, afterDaily].compactMap { $0 } + days.map(\.cost)).max() ?? 1
            let panel = ChartLayout.TimePanel(
                left: left, top: top, width: ChartLayout.width - left - ChartLayout.margin, height: panelHeight,
                start: range.start, end: range.end, yTicks: LinearScale.niceTicks(low: 0, high: max(0.01, peak), count: 4))
            var caption = environment.name + (billed ? " (billed cost)" : " (modelled cost)")
            if let beforeDaily, let afterDaily {
                caption += ": \(money(beforeDaily)) → \(money(afterDaily)) a day"
                if let pct = costRow?.deltaPct {
                    caption += " (\(SummaryReport.costPct(pct, budget: criteria.costBudgetPct)); budget +\(budget))"
                }
            }
            svg.text(SVG.fit(caption, width: panel.width, size: ChartLayout.textSize), x: left, y: top - 8,
                     size: ChartLayout.textSize, weight: "bold")
            panel.drawAxes(into: &svg, yTitle: "USD per day", yFormat: { "$" + Format.number($0) })
            let y = panel.y
            if let beforeDaily, let ceiling {
                let x1 = panel.x(max(range.start, windows.after.start))
                let x2 = panel.x(min(range.end, windows.after.end))
                svg.rect(x: x1, y: y(ceiling), width: x2 - x1, height: y(beforeDaily) - y(ceiling), fill: Palette.bluishGreen,
                         opacity: 0.22)
            }
            for day in days {
                let x1 = panel.x(max(range.start, day.start)) + 1.5
                let x2 = panel.x(min(range.end, day.start + 86_400)) - 1.5
                let color: String
                switch day.window {
                case .after: color = Palette.skyBlue
                case .before: color = beforeColor
                case .transition, .outside: color = transitionColor
                }
                let opacity = (day.window == .after ? afterOpacity : 1) * (day.isComplete ? 1 : 0.45)
                svg.rect(x: x1, y: y(day.cost), width: x2 - x1, height: panel.bottom - y(day.cost), fill: color,
                         opacity: opacity == 1 ? nil : opacity)
            }
            if let beforeDaily {
                svg.line(x1: panel.left, y1: y(beforeDaily), x2: panel.right, y2: y(beforeDaily), stroke: Palette.black, width: 1.5)
            }
            if let ceiling {
                let x1 = panel.x(max(range.start, windows.after.start))
                let x2 = panel.x(min(range.end, windows.after.end))
                svg.line(x1: x1, y1: y(ceiling), x2: x2, y2: y(ceiling), stroke: Palette.bluishGreen, width: 2.5, dash: "6 3")
            }
            if let afterDaily {
                let x1 = panel.x(max(range.start, windows.after.start))
                let x2 = panel.x(min(range.end, windows.after.end))
                svg.line(x1: x1, y1: y(afterDaily), x2: x2, y2: y(afterDaily), stroke: Palette.vermillion, width: 2.5)
            }
            if days.isEmpty {
                svg.text("no cost data", x: panel.left + panel.width / 2, y: panel.top + panel.height / 2,
                         size: ChartLayout.textSize, anchor: "middle", fill: Palette.muted)
            }
            panel.mark(into: &svg, environment.changeAt)
            top += panelStride
        }
        return svg.render()
    }

    static func money(_ value: Double) -> String { SummaryReport.money(value) }
}
