/// Shared layout of the report charts: 800 px wide, title and legend on top, panels below.
enum ChartLayout {
    static let width = 800.0
    static let margin = 16.0
    static let titleSize = 17.0
    static let textSize = 12.0
    static let smallSize = 11.0

    /// One legend entry.
    enum LegendItem {
        /// A line sample (colour, dash pattern, width).
        case line(String, dash: String?, width: Double, label: String)
        /// A filled box (colour, opacity).
        case box(String, opacity: Double, label: String)
        /// A circle (fill, stroke).
        case dot(fill: String, stroke: String?, label: String)
        /// A short vertical tick (colour).
        case tick(String, label: String)

        var label: String {
            switch self {
            case .line(_, _, _, let label), .box(_, _, let label), .dot(_, _, let label), .tick(_, let label): label
            }
        }
    }

    /// Draws the title, a subtitle line or two and the legend; returns the y where content may start.
    static func header(
        into svg: inout SVGDocument, title: String, subtitle: [String], legend: [LegendItem]
    ) -> Double {
        svg.text(title, x: margin, y: 26, size: titleSize, weight: "bold", fill: "#111111")
        var y = 26.0
        for line in subtitle {
            y += 17
            svg.text(line, x: margin, y: y, size: textSize, fill: "#444444")
        }
        guard !legend.isEmpty else { return y + 14 }
        y += 22
        var x = margin
        for item in legend {
            let itemWidth = 22 + SVG.textWidth(item.label, size: smallSize) + 16
            if x + itemWidth > width - margin && x > margin {
                x = margin
                y += 18
            }
            let mid = y - 4
            switch item {
            case .line(let color, let dash, let lineWidth, _):
                svg.line(x1: x, y1: mid, x2: x + 18, y2: mid, stroke: color, width: lineWidth, dash: dash)
            case .box(let color, let opacity, _):
                svg.rect(x: x, y: mid - 6, width: 18, height: 12, fill: color, opacity: opacity, stroke: Palette.grid)
            case .dot(let fill, let stroke, _):
                svg.circle(cx: x + 9, cy: mid, r: 4.5, fill: fill, stroke: stroke)
            case .tick(let color, _):
                svg.line(x1: x + 9, y1: mid - 6, x2: x + 9, y2: mid + 6, stroke: color, width: 2)
            }
            svg.text(item.label, x: x + 22, y: y, size: smallSize, fill: "#333333")
            x += itemWidth
        }
        return y + 16
    }

    /// A plot area with a UTC time x-axis and a linear y-axis.
    struct TimePanel {
        var left: Double
        var top: Double
        var width: Double
        var height: Double
        var start: Int64
        var end: Int64
        var yTicks: [Double]

        var bottom: Double { top + height }
        var right: Double { left + width }

        var y: LinearScale {
            LinearScale(domain: (yTicks.first ?? 0, yTicks.last ?? 1), range: (bottom, top))
        }

        func x(_ time: Int64) -> Double {
            LinearScale(domain: (Double(start), Double(end)), range: (left, right))(Double(time))
        }

        /// Grid, y tick labels (`yFormat`), y-axis title, x-axis with date ticks.
        func drawAxes(into svg: inout SVGDocument, yTitle: String, yFormat: (Double) -> String) {
            let scale = y
            for tick in yTicks {
                let py = scale(tick)
                svg.line(x1: left, y1: py, x2: right, y2: py, stroke: Palette.grid, width: 1)
                svg.text(yFormat(tick), x: left - 6, y: py + 4, size: ChartLayout.smallSize, anchor: "end", fill: Palette.axis)
            }
            svg.text(yTitle, x: left - 44, y: top + height / 2, size: ChartLayout.smallSize, anchor: "middle",
                     fill: Palette.axis, rotate: -90)
            svg.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: Palette.axis, width: 1)
            for tick in TimeTicks.ticks(start: start, end: end, maxTicks: max(2, Int(width / 90))) {
                let px = x(tick.time)
                svg.line(x1: px, y1: bottom, x2: px, y2: bottom + 4, stroke: Palette.axis, width: 1)
                svg.text(tick.label, x: px, y: bottom + 16, size: ChartLayout.smallSize, anchor: "middle", fill: Palette.axis)
            }
        }

        /// Shades `window` (clipped to the panel) and writes `label` at its top.
        func shade(into svg: inout SVGDocument, _ window: TimeWindow, color: String, label: String) {
            let x1 = x(max(start, min(end, window.start)))
            let x2 = x(max(start, min(end, window.end)))
            guard x2 > x1 else { return }
            svg.rect(x: x1, y: top, width: x2 - x1, height: height, fill: color)
            if x2 - x1 > SVG.textWidth(label, size: ChartLayout.smallSize) + 8 {
                svg.text(label, x: (x1 + x2) / 2, y: top + 13, size: ChartLayout.smallSize, anchor: "middle", fill: Palette.muted)
            }
        }

        /// A dashed vertical line at `time`.
        func mark(into svg: inout SVGDocument, _ time: Int64) {
            guard time >= start && time <= end else { return }
            let px = x(time)
            svg.line(x1: px, y1: top, x2: px, y2: bottom, stroke: Palette.black, width: 1.5, dash: "5 3")
        }
    }

    /// Averages `values` (hourly, starting at `start`) into at most one point per pixel column,
    /// so a chart's size does not grow with months of data; gaps stay gaps.
    static func decimate(_ values: [Double?], start: Int64, step: Int64, columns: Int) -> [(time: Int64, value: Double?)] {
        guard values.count > columns, columns > 0 else {
            return values.enumerated().map { (start + Int64($0.offset) * step + step / 2, $0.element) }
        }
        var out: [(Int64, Double?)] = []
        let perColumn = Double(values.count) / Double(columns)
        for column in 0..<columns {
            let lo = Int((Double(column) * perColumn).rounded(.down))
            let hi = min(values.count, Int((Double(column + 1) * perColumn).rounded(.down)))
            guard hi > lo else { continue }
            let present = values[lo..<hi].compactMap { $0 }
            let mid = start + Int64(Double(lo + hi) / 2 * Double(step))
            out.append((mid, present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)))
        }
        return out
    }

    /// A line through the non-nil points, broken at gaps.
    static func linePath(_ points: [(time: Int64, value: Double?)], x: (Int64) -> Double, y: (Double) -> Double) -> SVGPath {
        var path = SVGPath()
        var drawing = false
        for point in points {
            guard let value = point.value else {
                drawing = false
                continue
            }
            if drawing { path.line(x(point.time), y(value)) } else { path.move(x(point.time), y(value)) }
            drawing = true
        }
        return path
    }
}
