import Foundation

/// Writes RFC 4180 CSV that spreadsheets open safely.
public enum CSVWriter {
    /// One field: quoted when it holds a comma, quote or line break; text that a spreadsheet would
    /// run as a formula (leading `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'`. Numbers are
    /// written by ``number(_:)`` and never pass through here, so negative values stay numbers.
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// A number with up to `digits` decimals, `.` separator, no exponent, no thousands separator.
    public static func number(_ value: Double?, digits: Int = 4) -> String {
        guard let value, value.isFinite else { return "" }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Like ``number(_:digits:)`` (at most `digits` decimals, trailing zeros dropped, no `-0`), but
    /// without `String(format:)`, which is slow on Linux; for the large hourly files. The value is
    /// rounded half away from zero after scaling, so a rare exact tie may round differently from
    /// `printf`; both are deterministic.
    public static func decimal(_ value: Double?, digits: Int) -> String {
        guard let value, value.isFinite else { return "" }
        let digits = max(0, min(9, digits))
        var unit: Int64 = 1
        for _ in 0..<digits { unit *= 10 }
        let scaled = (abs(value) * Double(unit)).rounded()
        guard scaled < 9e15 else { return number(value, digits: digits) }
        let n = Int64(scaled)
        guard n != 0 else { return "0" }
        var fraction = n % unit
        var width = digits
        while width > 0 && fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var text = (value < 0 ? "-" : "") + String(n / unit)
        if width > 0 {
            let digitsText = String(fraction)
            text += "." + String(repeating: "0", count: width - digitsText.count) + digitsText
        }
        return text
    }

    /// A record: fields joined by commas, CRLF-terminated as RFC 4180 says.
    public static func record(_ fields: [String]) -> String {
        fields.joined(separator: ",") + "\r\n"
    }
}


/// `metrics.csv`: the machine-readable contract (ARCHITECTURE.md).
public enum MetricsCSV {
    /// The contract's header.
    public static let header = [
        "environment", "service", "metric", "unit", "before", "after", "delta", "delta_pct", "ci_low", "ci_high",
        "verdict", "reason",
    ]

    /// The whole file for `result`.
    public static func render(_ result: AnalysisResult) -> String {
        var text = CSVWriter.record(header)
        for row in result.rows {
            text += CSVWriter.record([
                CSVWriter.field(row.environment), CSVWriter.field(row.service), row.metric, row.unit,
                CSVWriter.number(row.before), CSVWriter.number(row.after), CSVWriter.number(row.delta),
                CSVWriter.number(row.deltaPct, digits: 2), CSVWriter.number(row.ciLow, digits: 2),
                CSVWriter.number(row.ciHigh, digits: 2), row.verdict?.rawValue ?? "", CSVWriter.field(row.reason),
            ])
        }
        return text
    }
}
