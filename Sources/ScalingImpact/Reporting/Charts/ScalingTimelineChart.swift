/// Scaling events and flaps on one timeline: a row per (environment, service), a tick per change
/// of the task count (up for scale-out, down for scale-in), flaps in red-orange, the change dashed.
enum ScalingTimelineChart {
    static let fileName = "scaling-events.svg"
    static let title = "Scaling events and flapping"

    static func render(_ data: ReportData) -> String {
        let configuration = data.result.configuration
        let minutes = configuration.criteria.flappingWindowMinutes
        let legend: [ChartLayout.LegendItem] = [
            .tick(Palette.blue, label: "scale-out (up) / scale-in (down)"),
            .tick(Palette.vermillion, label: "flap: reversed within \(minutes) min"),
            .line(Palette.black, dash: "5 3", width: 1.5, label: "change"),
            .box(Palette.beforeShade, opacity: 1, label: "before window"),
            .box(Palette.afterShade, opacity: 1, label: "after window"),
        ]
        let subtitle = ["Changes of each service's desired task count (UTC). Counts on the right are for the after window."]
        let headerRow = 20.0
        let serviceRow = 26.0
        let rowsHeight = Double(configuration.environments.count) * (headerRow + Double(configuration.services.count) * serviceRow)
        var probe = SVGDocument(width: ChartLayout.width, height: 100, title: title)
        let headerHeight = ChartLayout.header(into: &probe, title: title, subtitle: subtitle, legend: legend)
        let top = headerHeight + 22
        let height = top + rowsHeight + 34
        var svg = SVGDocument(width: ChartLayout.width, height: height, title: title)
        _ = ChartLayout.header(into: &svg, title: title, subtitle: subtitle, legend: legend)
        let range = TimeSeries.loadRange(configuration)
        let panel = ChartLayout.TimePanel(
            left: 160, top: top, width: 510, height: rowsHeight, start: range.start, end: range.end, yTicks: [])
        let changesX = 730.0
        let flapsX = 784.0
        svg.text("changes", x: changesX, y: top - 6, size: ChartLayout.smallSize, anchor: "end", fill: Palette.axis)
        svg.text("flaps", x: flapsX, y: top - 6, size: ChartLayout.smallSize, anchor: "end", fill: Palette.axis)
        let ticks = TimeTicks.ticks(start: range.start, end: range.end, maxTicks: 9)
        for tick in ticks {
            let px = panel.x(tick.time)
            svg.line(x1: px, y1: top, x2: px, y2: panel.bottom, stroke: Palette.grid)
            svg.line(x1: px, y1: panel.bottom, x2: px, y2: panel.bottom + 4, stroke: Palette.axis)
            svg.text(tick.label, x: px, y: panel.bottom + 16, size: ChartLayout.smallSize, anchor: "middle", fill: Palette.axis)
        }
        svg.line(x1: panel.left, y1: panel.bottom, x2: panel.right, y2: panel.bottom, stroke: Palette.axis)
        var eventsByKey: [ServiceKey: [TaskCountChange]] = [:]
        for event in data.scalingEvents {
            eventsByKey[ServiceKey(environment: event.environment, service: event.service), default: []].append(event)
        }
        var y = top
        for environment in configuration.environments {
            svg.text(SVG.fit(environment.name, width: 140, size: ChartLayout.textSize), x: ChartLayout.margin + 4, y: y + 15,
                     size: ChartLayout.textSize, weight: "bold")
            y += headerRow
            let windows = configuration.windows(for: environment)
            for service in configuration.services {
                let rowTop = y + 3
                let rowHeight = serviceRow - 6
                let mid = rowTop + rowHeight / 2
                svg.text(SVG.fit(service.name, width: 128, size: ChartLayout.textSize), x: ChartLayout.margin + 16, y: mid + 4,
                         size: ChartLayout.textSize)
                for (window, color) in [(windows.before, Palette.beforeShade), (windows.after, Palette.afterShade)] {
                    let x1 = panel.x(max(range.start, min(range.end, window.start)))
                    let x2 = panel.x(max(range.start, min(range.end, window.end)))
                    svg.rect(x: x1, y: rowTop, width: x2 - x1, height: rowHeight, fill: color)
                }
                let events = eventsByKey[ServiceKey(environment: environment.name, service: service.name)] ?? []
                // One tick per pixel column and kind, so months of flapping stay a small file.
                var ups = Set<Int>()
                var downs = Set<Int>()
                var flaps = Set<Int>()
                for event in events where range.contains(event.time) {
                    let column = Int((panel.x(event.time) * 2).rounded())
                    if event.isFlap { flaps.insert(column) }
                    if event.direction == "out" { ups.insert(column) } else if event.direction == "in" { downs.insert(column) }
                }
                var changes = SVGPath()
                for column in ups.sorted() { changes.vertical(x: Double(column) / 2, from: mid, to: mid - 8) }
                for column in downs.sorted() { changes.vertical(x: Double(column) / 2, from: mid, to: mid + 8) }
                svg.path(changes, stroke: Palette.blue, width: 1)
                var flapPath = SVGPath()
                for column in flaps.sorted() { flapPath.vertical(x: Double(column) / 2, from: rowTop, to: rowTop + rowHeight) }
                svg.path(flapPath, stroke: Palette.vermillion, width: 1)
                if environment.changeAt >= range.start && environment.changeAt <= range.end {
                    let px = panel.x(environment.changeAt)
                    svg.line(x1: px, y1: rowTop - 2, x2: px, y2: rowTop + rowHeight + 2, stroke: Palette.black, width: 1.5, dash: "4 2")
                }
                let after = events.filter { $0.window == .after }
                let afterFlaps = after.filter(\.isFlap).count
                svg.text(String(after.count), x: changesX, y: mid + 4, size: ChartLayout.smallSize, anchor: "end")
                svg.text(String(afterFlaps), x: flapsX, y: mid + 4, size: ChartLayout.smallSize, anchor: "end",
                         weight: afterFlaps > 0 ? "bold" : nil, fill: afterFlaps > 0 ? Palette.vermillion : "#222222")
                y += serviceRow
            }
        }
        return svg.render()
    }
}
