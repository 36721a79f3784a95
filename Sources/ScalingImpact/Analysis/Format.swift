import Foundation

/// Number formatting shared by verdict reasons and reports: fixed `.` decimals, no locale.
public enum Format {
    /// `+6.1%` / `−3.0%` style, one decimal.
    public static func signedPct(_ value: Double) -> String {
        let text = String(format: "%.1f", abs(value))
        if text == "0.0" { return "0.0%" }
        return (value < 0 ? "−" : "+") + text + "%"
    }

    /// `+12.3 ms` / `−4.0 ms`, one decimal.
    public static func signedMs(_ value: Double) -> String {
        let text = String(format: "%.1f", abs(value))
        if text == "0.0" { return "0.0 ms" }
        return (value < 0 ? "−" : "+") + text + " ms"
    }

    /// `10%` or `2.5%`.
    public static func pct(_ value: Double) -> String { number(value) + "%" }

    /// A number with at most two decimals, trailing zeros dropped.
    public static func number(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `[−12.0%, +3.4%]`, or `not computed`.
    public static func interval(_ ci: (low: Double, high: Double)?) -> String {
        guard let ci else { return "not computed" }
        return "[\(signedPct(ci.low)), \(signedPct(ci.high))]"
    }

    /// A proportion as a percentage with enough digits for small rates: `0.052%`.
    public static func rate(_ fraction: Double) -> String {
        String(format: "%.3f%%", fraction * 100)
    }

    /// A criterion's name in plain words.
    public static func criterionName(_ metric: String) -> String {
        switch metric {
        case "running_tasks_mean": "tasks"
        case "cost_billed_usd", "cost_modelled_usd": "cost"
        case "latency_p95_ms": "P95"
        case "latency_p99_ms": "P99"
        case "error_rate_5xx_pct": "5xx"
        case "flaps": "flapping"
        default: metric
        }
    }
}
