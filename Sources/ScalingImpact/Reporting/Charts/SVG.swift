import Foundation

/// A small SVG writer for the report charts.
///
/// Output is deterministic: elements are written in the order they are added, attributes in the
/// order given, and numbers with at most two decimals (trailing zeros dropped, no `-0`), so the
/// same data gives the same bytes. Every text and attribute value is escaped, so names from the
/// data cannot inject markup.
struct SVGDocument {
    /// Width in px.
    let width: Double
    /// Height in px.
    let height: Double
    private var body: [String] = []

    /// A document of `width` × `height` px with a white background (readable in dark mode too);
    /// `title` becomes the accessible name.
    init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        body.append("<title>\(SVG.escape(title))</title>")
        rect(x: 0, y: 0, width: width, height: height, fill: "#FFFFFF")
    }

    /// Adds an element; `attributes` in order; `content` is escaped.
    mutating func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) {
        var tag = "<" + name
        for (key, value) in attributes { tag += " \(key)=\"\(SVG.escape(value))\"" }
        if let content {
            tag += ">" + SVG.escape(content) + "</\(name)>"
        } else {
            tag += "/>"
        }
        body.append(tag)
    }

    /// Opens a group with `attributes`; close it with ``endGroup()``.
    mutating func beginGroup(_ attributes: [(String, String)]) {
        var tag = "<g"
        for (key, value) in attributes { tag += " \(key)=\"\(SVG.escape(value))\"" }
        body.append(tag + ">")
    }

    /// Closes the innermost group.
    mutating func endGroup() { body.append("</g>") }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double? = nil, stroke: String? = nil
    ) {
        var attributes = [("x", SVG.number(x)), ("y", SVG.number(y)), ("width", SVG.number(max(0, width))),
                          ("height", SVG.number(max(0, height))), ("fill", fill)]
        if let opacity { attributes.append(("fill-opacity", SVG.number(opacity))) }
        if let stroke { attributes.append(("stroke", stroke)) }
        element("rect", attributes)
    }

    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil
    ) {
        var attributes = [("x1", SVG.number(x1)), ("y1", SVG.number(y1)), ("x2", SVG.number(x2)), ("y2", SVG.number(y2)),
                          ("stroke", stroke), ("stroke-width", SVG.number(width))]
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        element("line", attributes)
    }

    /// A stroked path (no fill) from `path`; nothing when the path is empty.
    mutating func path(_ path: SVGPath, stroke: String, width: Double = 1.5, dash: String? = nil, opacity: Double? = nil) {
        guard !path.isEmpty else { return }
        var attributes = [("d", path.data), ("fill", "none"), ("stroke", stroke), ("stroke-width", SVG.number(width)),
                          ("stroke-linejoin", "round")]
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        if let opacity { attributes.append(("stroke-opacity", SVG.number(opacity))) }
        element("path", attributes)
    }

    mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1.5) {
        var attributes = [("cx", SVG.number(cx)), ("cy", SVG.number(cy)), ("r", SVG.number(r)), ("fill", fill)]
        if let stroke { attributes += [("stroke", stroke), ("stroke-width", SVG.number(strokeWidth))] }
        element("circle", attributes)
    }

    /// Text at (x, y) baseline; `anchor` is `start`, `middle` or `end`.
    mutating func text(
        _ string: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", weight: String? = nil,
        fill: String = "#222222", rotate: Double? = nil
    ) {
        var attributes = [("x", SVG.number(x)), ("y", SVG.number(y)), ("font-size", SVG.number(size))]
        if anchor != "start" { attributes.append(("text-anchor", anchor)) }
        if let weight { attributes.append(("font-weight", weight)) }
        attributes.append(("fill", fill))
        if let rotate { attributes.append(("transform", "rotate(\(SVG.number(rotate)) \(SVG.number(x)) \(SVG.number(y)))")) }
        element("text", attributes, content: string)
    }

    /// The document.
    func render() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(SVG.number(width))\" height=\"\(SVG.number(height))\" "
        out += "viewBox=\"0 0 \(SVG.number(width)) \(SVG.number(height))\" role=\"img\" "
        out += "font-family=\"Helvetica, Arial, sans-serif\">\n"
        for line in body { out += line + "\n" }
        return out + "</svg>\n"
    }
}

/// Path data built from points, with numbers formatted like the rest of the document.
struct SVGPath {
    private(set) var data = ""

    /// Whether nothing has been drawn.
    var isEmpty: Bool { data.isEmpty }

    /// Starts a new sub-path at (x, y).
    mutating func move(_ x: Double, _ y: Double) { append("M\(SVG.number(x)) \(SVG.number(y))") }

    /// A straight line to (x, y).
    mutating func line(_ x: Double, _ y: Double) { append("L\(SVG.number(x)) \(SVG.number(y))") }

    /// A vertical segment from (x, y1) to (x, y2).
    mutating func vertical(x: Double, from y1: Double, to y2: Double) {
        append("M\(SVG.number(x)) \(SVG.number(y1))V\(SVG.number(y2))")
    }

    private mutating func append(_ command: String) {
        if !data.isEmpty { data += " " }
        data += command
    }
}

/// Escaping, numbers and text measures for SVG.
enum SVG {
    /// `text` safe in XML content and attribute values: `&`, `<`, `>`, `"` and `'` become
    /// entities; characters XML 1.0 forbids (most control characters, U+FFFE, U+FFFF) become U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A coordinate or size: at most two decimals, trailing zeros dropped, `0` for `-0` and for
    /// values that are not finite (which no layout should produce).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return CSVWriter.decimal(value, digits: 2)
    }

    /// Approximate rendered width of `text` at `size` px (an average glyph is about 0.58 em in
    /// Helvetica, Arial and DejaVu Sans), for laying out legends and labels.
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.58
    }

    /// `text` shortened with `…` to fit `width` px at `size` px.
    static func fit(_ text: String, width: Double, size: Double) -> String {
        guard textWidth(text, size: size) > width else { return text }
        let keep = max(1, Int(width / (size * 0.58)) - 1)
        return String(text.prefix(keep)) + "…"
    }
}

/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"): distinguishable with the
/// common colour-vision deficiencies.
enum Palette {
    static let black = "#000000"
    static let orange = "#E69F00"
    static let skyBlue = "#56B4E9"
    static let bluishGreen = "#009E73"
    static let yellow = "#F0E442"
    static let blue = "#0072B2"
    static let vermillion = "#D55E00"
    static let reddishPurple = "#CC79A7"
    /// Neutral greys for axes, grid and the before period.
    static let grid = "#DDDDDD"
    static let axis = "#555555"
    static let muted = "#666666"
    static let beforeShade = "#F0F0F0"
    static let afterShade = "#E4F1FA"

    /// Colours for series in order (yellow last: weakest on white).
    static let series = [blue, orange, bluishGreen, reddishPurple, skyBlue, vermillion, black, yellow]

    /// Colour and dash pattern of the `index`th series; after eight colours, dashes tell them apart.
    static func style(_ index: Int) -> (color: String, dash: String?) {
        let color = series[index % series.count]
        let dashes: [String?] = [nil, "6 3", "2 2", "8 3 2 3"]
        return (color, dashes[(index / series.count) % dashes.count])
    }
}
