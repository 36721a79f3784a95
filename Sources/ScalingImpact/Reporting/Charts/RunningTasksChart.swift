/// Running tasks over time, one panel per environment, one line per service; the change is a
/// dashed line and the windows compared are shaded.
enum RunningTasksChart {
    static let fileName = "running-tasks.svg"
    static let title = "Running tasks per environment, before and after the change"

    static func render(_ data: ReportData) -> String {
        let configuration = data.result.configuration
        let services = configuration.services
        let panelHeight = 130.0
        let panelStride = panelHeight + 62
        let left = 70.0
        var legend: [ChartLayout.LegendItem] = services.enumerated().map { i, service in
            let style = Palette.style(i)
            return .line(style.color, dash: style.dash, width: 2, label: service.name)
        }
        legend += [
            .line(Palette.black, dash: "5 3", width: 1.5, label: "change"),
            .box(Palette.beforeShade, opacity: 1, label: "before window"),
            .box(Palette.afterShade, opacity: 1, label: "after window"),
        ]
        // The header is drawn twice: once to learn its height, once for real.
        var probe = SVGDocument(width: ChartLayout.width, height: 100, title: title)
        let headerHeight = header(into: &probe, legend: legend)
        let height = headerHeight + Double(configuration.environments.count) * panelStride + 8
        var svg = SVGDocument(width: ChartLayout.width, height: height, title: title)
        var top = header(into: &svg, legend: legend) + 26
        for environment in configuration.environments {
            let range = TimeSeries.range(for: environment, in: configuration)
            let windows = configuration.windows(for: environment)
            let series = services.map { data.timeSeries.series(environment.name, $0.name) }
            let peak = series.compactMap { $0?.hours.compactMap(\.runningTasks).max() }.max() ?? 1
            let panel = ChartLayout.TimePanel(
                left: left, top: top, width: ChartLayout.width - left - ChartLayout.margin, height: panelHeight,
                start: range.start, end: range.end, yTicks: LinearScale.niceTicks(low: 0, high: max(1, peak), count: 4))
            var caption = "\(environment.name), changed \(TimeTicks.label(environment.changeAt, withTime: true))"
            if let row = data.result.row(environment.name, "*", "running_tasks_mean"), let before = row.before, let after = row.after {
                caption += ": mean \(Format.number(before)) → \(Format.number(after)) tasks"
                if let pct = row.deltaPct { caption += " (\(Format.signedPct(pct)))" }
            }
            svg.text(SVG.fit(caption, width: panel.width, size: ChartLayout.textSize), x: left, y: top - 8,
                     size: ChartLayout.textSize, weight: "bold")
            panel.shade(into: &svg, windows.before, color: Palette.beforeShade, label: "before")
            panel.shade(into: &svg, windows.after, color: Palette.afterShade, label: "after")
            panel.drawAxes(into: &svg, yTitle: "tasks", yFormat: Format.number)
            for (i, s) in series.enumerated() {
                guard let s, let first = s.hours.first else { continue }
                let points = ChartLayout.decimate(
                    s.hours.map(\.runningTasks), start: first.start, step: 3600, columns: Int(panel.width))
                let style = Palette.style(i)
                svg.path(ChartLayout.linePath(points, x: panel.x, y: panel.y.callAsFunction), stroke: style.color, width: 1.5,
                         dash: style.dash)
            }
            panel.mark(into: &svg, environment.changeAt)
            if series.allSatisfy({ $0?.hours.allSatisfy { $0.runningTasks == nil } ?? true }) {
                svg.text("no running-task data", x: panel.left + panel.width / 2, y: panel.top + panel.height / 2,
                         size: ChartLayout.textSize, anchor: "middle", fill: Palette.muted)
            }
            top += panelStride
        }
        return svg.render()
    }

    static func header(into svg: inout SVGDocument, legend: [ChartLayout.LegendItem]) -> Double {
        ChartLayout.header(
            into: &svg, title: title,
            subtitle: ["Hourly mean of CloudWatch RunningTaskCount per service. Times are UTC."], legend: legend)
    }
}
