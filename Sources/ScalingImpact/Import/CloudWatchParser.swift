import Foundation

/// CloudWatch `get-metric-data` output (FORMATS.md §6).
///
/// Accepts one response object or an array of them (pages). Each `MetricDataResults` entry is one
/// series; its metric, statistic and (environment, service) come from its `Label` (and `Id`):
/// the label's words are matched against known metric names, statistics (`Average`, `Sum`,
/// `p95`, ...), environment and service names, and the mapping rules (`label` is the whole label,
/// `cluster` its first word, `service` its second). The recommended label is
/// `"<cluster> <service> <Metric> <Statistic>"`. The period is the spacing of the timestamps.
enum CloudWatchParser {
    /// Metrics the analysis uses, and their default statistic.
    static let knownMetrics: [String: String] = [
        "RunningTaskCount": "Average", "DesiredTaskCount": "Average", "PendingTaskCount": "Average",
        "CPUUtilization": "Average", "MemoryUtilization": "Average", "RequestCount": "Sum",
        "HTTPCode_Target_5XX_Count": "Sum", "HTTPCode_ELB_5XX_Count": "Sum", "TargetResponseTime": "Average",
        "RequestCountPerTarget": "Sum", "CpuUtilized": "Average", "CpuReserved": "Average",
    ]
    static let statistics = ["Average", "Sum", "Minimum", "Maximum", "SampleCount"]

    /// A datapoint value as written: a number, or whatever else stood there (reported, not stored).
    enum Value: Decodable {
        case number(Double)
        case invalid(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let b = try? container.decode(Bool.self) {
                self = .invalid(String(b))
            } else if let d = try? container.decode(Double.self) {
                self = d.isFinite ? .number(d) : .invalid(String(d))
            } else if let s = try? container.decode(String.self) {
                self = .invalid("\"\(s.prefix(40))\"")
            } else {
                self = .invalid("null")
            }
        }
    }

    struct Result: Decodable {
        var Id: String?
        var Label: String?
        var Timestamps: [String]
        var Values: [Value]
        var StatusCode: String?
    }

    struct Page: Decodable {
        var MetricDataResults: [Result]
        var NextToken: String?
    }

    static func parseGetMetricData(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let bytes = try ByteSource(path: context.path).readAll()
        let pages = try decodePages(bytes, path: context.path)
        var series = 0
        for (pageIndex, page) in pages.enumerated() {
            if pageIndex == pages.count - 1, let token = page.NextToken, !token.isEmpty {
                summary.warnings.append("the last page has a NextToken: more data exists than this file holds; export every page")
            }
            for result in page.MetricDataResults {
                series += 1
                try parseResult(result, context: context, sink: &sink, summary: &summary, problems: &problems)
            }
        }
        if series == 0 { summary.warnings.append("the file holds no metric series") }
    }

    static func decodePages(_ bytes: [UInt8], path: String) throws(ImportError) -> [Page] {
        // Syntax first, so a broken file is reported with its line and column.
        let root = try parseJSON(bytes, path: path)
        let decoder = JSONDecoder()
        do {
            if root is [Any] { return try decoder.decode([Page].self, from: Data(bytes)) }
            return [try decoder.decode(Page.self, from: Data(bytes))]
        } catch let DecodingError.keyNotFound(key, context) {
            throw ImportError(
                .structure, path: path,
                message: "\(codingPath(context.codingPath)) has no \(key.stringValue); this is not get-metric-data output")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ImportError(.structure, path: path, message: "\(codingPath(context.codingPath)) has the wrong type: \(context.debugDescription)")
        } catch {
            throw ImportError(.structure, path: path, message: "not get-metric-data output: \(error)")
        }
    }

    static func codingPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "the document" : text
    }

    static func parseResult(
        _ result: Result, context: ParseContext, sink: inout FactSink, summary: inout ImportSummary,
        problems: inout RowProblems
    ) throws(ImportError) {
        let id = result.Id ?? ""
        let label = result.Label ?? id
        let status = result.StatusCode ?? "Complete"
        let timestamps = result.Timestamps
        let values = result.Values
        guard timestamps.count == values.count else {
            throw ImportError(
                .structure, path: context.path,
                message: "series \"\(label)\" has \(timestamps.count) timestamps but \(values.count) values")
        }
        if status != "Complete" {
            summary.warnings.append("series \"\(label)\" has StatusCode \(status): its data may be incomplete")
        }
        let words = label.split(whereSeparator: { " /,|:\t".contains($0) }).map(String.init)
        guard let metric = words.first(where: { knownMetrics[$0] != nil }) ?? knownMetrics.keys.sorted().first(where: { id.contains($0) })
        else {
            summary.rowsIgnored += values.count
            summary.warnings.append("series \"\(label)\": no known metric name in its label; ignored")
            return
        }
        let statistic =
            words.first(where: { statistics.contains($0) || isPercentile($0) }) ?? knownMetrics[metric] ?? "Average"
        var names: [MappingField: String] = [.label: label]
        if words.count > 0 { names[.cluster] = words[0] }
        if words.count > 1 { names[.service] = words[1] }
        for word in words { names[.tag("word:\(word)")] = word }
        let key = context.key(names: names)
        var points: [(Int64, Double)] = []
        points.reserveCapacity(values.count)
        for (index, (text, value)) in zip(timestamps, values).enumerated() {
            guard let time = UTCTime.parse(text) else {
                problems.add(line: 0, "series \"\(label)\" point \(index + 1): timestamp \"\(text.prefix(40))\" is not an ISO-8601 time")
                continue
            }
            switch value {
            case .number(let number): points.append((time.seconds, number))
            case .invalid(let raw):
                problems.add(line: 0, "series \"\(label)\" point \(index + 1): value \(raw) is not a finite number")
            }
        }
        guard let key else {
            summary.rowsUnmapped += points.count
            return
        }
        let period = inferPeriod(points.map(\.0))
        for (time, value) in points {
            sink.addMetric(key, metric: metric, statistic: statistic, period: period, ts: time, value: value)
        }
        summary.rowsAccepted += points.count
    }

    static func isPercentile(_ word: String) -> Bool {
        guard word.count >= 2, word.first == "p" else { return false }
        return Double(word.dropFirst()) != nil
    }

    /// The smallest spacing between distinct timestamps (60 s for a single point).
    static func inferPeriod(_ times: [Int64]) -> Int64 {
        let sorted = Set(times).sorted()
        var best: Int64 = .max
        for (a, b) in zip(sorted, sorted.dropFirst()) where b - a < best { best = b - a }
        return best == .max ? 60 : best
    }

    /// Parses JSON, turning Foundation's error into one with line and column.
    static func parseJSON(_ bytes: [UInt8], path: String) throws(ImportError) -> Any {
        guard !bytes.isEmpty else { throw ImportError(.structure, path: path, message: "the file is empty") }
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            let text = "\((error as NSError).userInfo)"
            var line: Int?
            var column: Int?
            if let range = text.range(of: #"character (\d+)"#, options: .regularExpression),
                let offset = Int(text[range].dropFirst("character ".count))
            {
                let before = bytes.prefix(offset)
                line = before.filter { $0 == 10 }.count + 1
                column = offset - (before.lastIndex(of: 10).map { $0 + 1 } ?? 0) + 1
            }
            throw ImportError(
                .structure, path: path, line: line, column: column,
                message: "not valid JSON (broken or truncated)", hint: "export the metrics again")
        }
    }
}
