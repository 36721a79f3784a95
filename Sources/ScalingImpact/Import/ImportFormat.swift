/// An export format the importer understands.
public enum ImportFormat: String, CaseIterable, Sendable, CustomStringConvertible {
    /// JMeter results, CSV (any delimiter, columns bound by header name).
    case jmeterJTL = "jmeter-jtl"
    /// `aws cloudwatch get-metric-data` JSON output (one response, or an array of pages).
    case cloudWatchGetMetricData = "cloudwatch-get-metric-data"
    /// AWS Cost and Usage Report, legacy CSV (`lineItem/...` columns), plain or gzip.
    case curLegacy = "cur-legacy"

    public var description: String { rawValue }

    /// Guesses the format from the first bytes of the (decompressed) content.
    public static func detect(prefix: [UInt8]) -> ImportFormat? {
        var text = String(decoding: prefix.prefix(65_536), as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if trimmed.first == "{" || trimmed.first == "[" {
            if text.contains("\"MetricDataResults\"") { return .cloudWatchGetMetricData }
            return nil
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" }
        if firstLine.contains("lineItem/UsageType") || firstLine.contains("lineItem/UnblendedCost") { return .curLegacy }
        if firstLine.contains("timeStamp") && firstLine.contains("elapsed") { return .jmeterJTL }
        return nil
    }
}
