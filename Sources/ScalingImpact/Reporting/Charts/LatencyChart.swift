/// P95 and P99 before vs after per (environment, service): a dumbbell per row from the before
/// value (open circle) to the after value (filled), with the 95% interval of the after value.
enum LatencyChart {
    static let fileName = "latency.svg"
    static let title = "Response times before and after the change"

    struct Row {
        var label: String
        var isHeader: Bool
        var environment: String
        var service: String
    }

    static func rows(_ result: AnalysisResult) -> [Row] {
        var rows: [Row] = []
        for environment in result.windows.map(\.environment) {
            rows.append(Row(label: environment, isHeader: true, environment: environment, service: ""))
            for service in result.configuration.services.map(\.name) {
                rows.append(Row(label: service, isHeader: false, environment: environment, service: service))
            }
            rows.append(Row(label: "all services", isHeader: false, environment: environment, service: "*"))
        }
        rows.append(Row(label: "All environments", isHeader: true, environment: "*", service: ""))
        rows.append(Row(label: "all services", isHeader: false, environment: "*", service: "*"))
        return rows
    }

    static func render(_ data: ReportData) -> String {
        let result = data.result
        let confidence = Format.number(result.bootstrap.confidence * 100)
        let legend: [ChartLayout.LegendItem] = [
            .dot(fill: "#FFFFFF", stroke: Palette.axis, label: "before"),
            .dot(fill: Palette.blue, stroke: nil, label: "after: faster"),
            .dot(fill: Palette.vermillion, stroke: nil, label: "after: slower"),
            .box(Palette.blue, opacity: 0.25, label: "\(confidence)% interval of the after value"),
        ]
        let subtitle = [
            "P95: the time within which 95% of requests finish; P99: the same for 99%. Lower is better.",
            "Percentiles over every request of the \(result.configuration.criteria.beforeDays)-day before and "
                + "\(result.configuration.criteria.afterDays)-day after windows.",
        ]
        let rows = rows(result)
        let rowHeight = 21.0
        var probe = SVGDocument(width: ChartLayout.width, height: 100, title: title)
        let headerHeight = ChartLayout.header(into: &probe, title: title, subtitle: subtitle, legend: legend)
        let top = headerHeight + 34
        let height = top + Double(rows.count) * rowHeight + 34
        var svg = SVGDocument(width: ChartLayout.width, height: height, title: title)
        _ = ChartLayout.header(into: &svg, title: title, subtitle: subtitle, legend: legend)
        let labelRight = 150.0
        let panels: [(metric: String, name: String, left: Double)] = [
            ("latency_p95_ms", "P95 (ms)", 165), ("latency_p99_ms", "P99 (ms)", 475),
        ]
        let panelWidth = 250.0
        let bottom = top + Double(rows.count) * rowHeight
        // Zebra stripes per environment group, so rows read across both panels.
        var groupIndex = 0
        for (i, row) in rows.enumerated() {
            if row.isHeader { groupIndex += 1 }
            let y = top + Double(i) * rowHeight
            if groupIndex % 2 == 0 {
                svg.rect(x: ChartLayout.margin, y: y, width: ChartLayout.width - 2 * ChartLayout.margin, height: rowHeight,
                         fill: "#F6F6F6")
            }
            let label = SVG.fit(row.label, width: labelRight - (row.isHeader ? 16 : 28), size: ChartLayout.textSize)
            svg.text(label, x: row.isHeader ? ChartLayout.margin + 4 : ChartLayout.margin + 16, y: y + 15,
                     size: ChartLayout.textSize, weight: row.isHeader ? "bold" : nil)
        }
        for panel in panels {
            var values: [Double] = []
            for row in rows where !row.isHeader {
                guard let r = result.row(row.environment, row.service, panel.metric) else { continue }
                values += [r.before, r.after].compactMap { $0 }
            }
            let ticks = LinearScale.niceTicks(low: 0, high: max(1, values.max() ?? 1), count: 4)
            let x = LinearScale(domain: (0, ticks.last ?? 1), range: (panel.left, panel.left + panelWidth))
            svg.text(panel.name, x: panel.left + panelWidth / 2, y: top - 22, size: ChartLayout.textSize, anchor: "middle",
                     weight: "bold")
            svg.text("change", x: panel.left + panelWidth + 52, y: top - 22, size: ChartLayout.smallSize, anchor: "end",
                     fill: Palette.axis)
            for tick in ticks {
                svg.line(x1: x(tick), y1: top - 4, x2: x(tick), y2: bottom, stroke: Palette.grid)
                svg.text(Format.number(tick), x: x(tick), y: top - 7, size: ChartLayout.smallSize, anchor: "middle",
                         fill: Palette.axis)
                svg.text(Format.number(tick), x: x(tick), y: bottom + 14, size: ChartLayout.smallSize, anchor: "middle",
                         fill: Palette.axis)
            }
            svg.text("milliseconds", x: panel.left + panelWidth / 2, y: bottom + 28, size: ChartLayout.smallSize,
                     anchor: "middle", fill: Palette.axis)
            let limit = ticks.last ?? 1
            for (i, row) in rows.enumerated() where !row.isHeader {
                let cy = top + Double(i) * rowHeight + rowHeight / 2
                guard let r = result.row(row.environment, row.service, panel.metric), let before = r.before,
                    let after = r.after
                else {
                    svg.text("no data", x: panel.left + 4, y: cy + 4, size: ChartLayout.smallSize, fill: Palette.muted)
                    continue
                }
                let color = after > before ? Palette.vermillion : Palette.blue
                if let low = r.ciLow, let high = r.ciHigh {
                    let x1 = x(min(limit, max(0, before * (1 + low / 100))))
                    let x2 = x(min(limit, max(0, before * (1 + high / 100))))
                    svg.rect(x: x1, y: cy - 4, width: x2 - x1, height: 8, fill: color, opacity: 0.25)
                }
                svg.line(x1: x(before), y1: cy, x2: x(after), y2: cy, stroke: color, width: 2)
                svg.circle(cx: x(before), cy: cy, r: 4.5, fill: "#FFFFFF", stroke: Palette.axis)
                svg.circle(cx: x(after), cy: cy, r: 4.5, fill: color)
                if let pct = r.deltaPct {
                    svg.text(Format.signedPct(pct), x: panel.left + panelWidth + 52, y: cy + 4, size: ChartLayout.smallSize,
                             anchor: "end", fill: after > before ? Palette.vermillion : "#222222")
                }
            }
        }
        return svg.render()
    }
}
