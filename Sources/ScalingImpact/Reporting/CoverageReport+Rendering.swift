import Foundation

extension CoverageReport {
    /// A plain-text report for the terminal: totals, one line per (environment, service, source), then the imports.
    public func renderText() -> String {
        let records = imports.map(\.record)
        var out = "Imports: \(records.count) files, \(records.map(\.rowsAccepted).reduce(0, +)) rows imported, "
        out += "\(records.map(\.rowsRejected).reduce(0, +)) rejected, \(records.map(\.rowsUnmapped).reduce(0, +)) unmapped, "
        out += "\(records.map(\.rowsIgnored).reduce(0, +)) ignored (not ECS/Fargate)\n"
        out += "Totals: billed Fargate cost \(Self.number(totals.billedCostUSD)) USD, \(Self.number(totals.vcpuHours)) vCPU-hours, "
        out += "\(Self.number(totals.gbHours)) GB-hours, \(totals.requests) requests\n"
        if !costColumns.isEmpty {
            out += "Billed cost from: \(costColumns.joined(separator: " | "))\n"
        }
        var table = [["environment", "service", "source", "rows", "from (UTC)", "to (UTC)", "gaps", "rejected", "unmapped"]]
        for l in lines {
            table.append([
                l.environment, l.service, l.source, String(l.rows), l.first.map(UTCTime.short) ?? "-",
                l.end.map(UTCTime.short) ?? "-", l.period > 0 ? String(l.gaps) : "-", String(l.rowsRejected),
                String(l.rowsUnmapped),
            ])
        }
        // Columns separated by two spaces, not padded: one line per series reads the same in a terminal and in grep.
        out += "\n" + table.map { $0.joined(separator: "  ") }.joined(separator: "\n") + "\n"
        let gapped = lines.filter { !$0.gapList.isEmpty }
        if !gapped.isEmpty {
            out += "\nGaps (two or more periods without data; first 20 per line):\n"
            for l in gapped {
                let list = l.gapList.map { "\(UTCTime.short($0.start))–\(UTCTime.short($0.end))" }.joined(separator: ", ")
                out += "  \(l.environment) \(l.service) \(l.source): \(list)\(l.gaps > l.gapList.count ? ", ..." : "")\n"
            }
        }
        out += "\nFiles:\n"
        var files = [["path", "format", "sha256", "rows", "rejected", "unmapped", "ignored", "stored", "cost from"]]
        for i in imports {
            let r = i.record
            files.append([
                r.path, r.format, String(r.sha256.prefix(12)), String(r.rowsAccepted), String(r.rowsRejected),
                String(r.rowsUnmapped), String(r.rowsIgnored), String(i.factsStored), r.costColumn ?? "",
            ])
        }
        out += Self.align(files, rightAligned: [3, 4, 5, 6, 7], indent: "  ")
        return out
    }

    /// The same as JSON, with the totals `billed_cost_usd_total`, `vcpu_hours_total`,
    /// `gb_hours_total` and `requests_total` at the top level. Times are ISO-8601 UTC; `to` is exclusive.
    public func renderJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(JSONReport(self))
        return String(decoding: data, as: UTF8.self)
    }

    static func number(_ value: Double) -> String {
        let text = String(format: "%.6f", value)
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        if trimmed.hasSuffix(".") { trimmed.removeLast() }
        return String(trimmed)
    }

    static func align(_ rows: [[String]], rightAligned: Set<Int>, indent: String = "") -> String {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i >= widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        var out = ""
        for row in rows {
            var cells: [String] = []
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                cells.append(rightAligned.contains(i) ? pad + cell : (i == row.count - 1 ? cell : cell + pad))
            }
            out += indent + cells.joined(separator: "  ") + "\n"
        }
        return out
    }
}

/// The JSON shape of `status --format json` (documented in README).
struct JSONReport: Encodable {
    struct Gap: Encodable {
        var from: String
        var to: String
    }

    struct Line: Encodable {
        var environment: String
        var service: String
        var source: String
        var rows: Int
        var from: String?
        var to: String?
        var period_s: Int64
        var gaps: Int
        var gap_list: [Gap]
        var rows_rejected: Int
        var rows_unmapped: Int
        var billed_cost_usd: Double?
        var vcpu_hours: Double?
        var gb_hours: Double?
        var requests: Int64?
    }

    struct Import: Encodable {
        var path: String
        var sha256: String
        var format: String
        var rows_accepted: Int
        var rows_rejected: Int
        var rows_unmapped: Int
        var rows_ignored: Int
        var facts_stored: Int
        var cost_column: String?
        var first: String?
        var last: String?
    }

    var billed_cost_usd_total: Double
    var vcpu_hours_total: Double
    var gb_hours_total: Double
    var requests_total: Int64
    var rows_accepted_total: Int
    var rows_rejected_total: Int
    var rows_unmapped_total: Int
    var rows_ignored_total: Int
    var cost_columns: [String]
    var coverage: [Line]
    var imports: [Import]

    init(_ report: CoverageReport) {
        let records = report.imports.map(\.record)
        billed_cost_usd_total = report.totals.billedCostUSD
        vcpu_hours_total = report.totals.vcpuHours
        gb_hours_total = report.totals.gbHours
        requests_total = report.totals.requests
        rows_accepted_total = records.map(\.rowsAccepted).reduce(0, +)
        rows_rejected_total = records.map(\.rowsRejected).reduce(0, +)
        rows_unmapped_total = records.map(\.rowsUnmapped).reduce(0, +)
        rows_ignored_total = records.map(\.rowsIgnored).reduce(0, +)
        cost_columns = report.costColumns
        coverage = report.lines.map { l in
            Line(
                environment: l.environment, service: l.service, source: l.source, rows: l.rows,
                from: l.first.map(UTCTime.iso8601), to: l.end.map(UTCTime.iso8601), period_s: l.period, gaps: l.gaps,
                gap_list: l.gapList.map { Gap(from: UTCTime.iso8601($0.start), to: UTCTime.iso8601($0.end)) },
                rows_rejected: l.rowsRejected, rows_unmapped: l.rowsUnmapped, billed_cost_usd: l.billedCostUSD,
                vcpu_hours: l.vcpuHours, gb_hours: l.gbHours, requests: l.requests)
        }
        imports = report.imports.map { i in
            let r = i.record
            return Import(
                path: r.path, sha256: r.sha256, format: r.format, rows_accepted: r.rowsAccepted, rows_rejected: r.rowsRejected,
                rows_unmapped: r.rowsUnmapped, rows_ignored: r.rowsIgnored, facts_stored: i.factsStored,
                cost_column: r.costColumn, first: r.firstTs.map(UTCTime.iso8601), last: r.lastTs.map(UTCTime.iso8601))
        }
    }
}
