import Foundation

/// CloudWatch `get-metric-data` and `get-metric-statistics` output (FORMATS.md §6).
///
/// get-metric-data: one response object or an array of them (pages). Each `MetricDataResults`
/// entry is one series (entries with the same `Id` on several pages are one series); its metric,
/// statistic and (environment, service) come from its `Label` (and `Id`): the label's words are
/// matched against known metric names, statistics (`Average`, `Sum`, `p95`, ...), environment and
/// service names, and the mapping rules (`label` is the whole label, `cluster` its first word,
/// `service` its second). The recommended label is `"<cluster> <service> <Metric> <Statistic>"`.
///
/// get-metric-statistics: one response or an array of them. Its `Label` is the metric name only,
/// so environment and service come from `--environment`/`--service` or `label` rules. Every
/// statistic of a datapoint (`Average`, ..., and `ExtendedStatistics` such as `p95`, `p99`) is
/// stored; datapoints may come in any order.
///
/// The period is the spacing of the timestamps. `TargetResponseTime`, which CloudWatch gives in
/// seconds, is stored in milliseconds as `TargetResponseTime_ms`.
enum CloudWatchParser {
    /// Metrics the analysis uses, and their default statistic.
    static let knownMetrics: [String: String] = [
        "RunningTaskCount": "Average", "DesiredTaskCount": "Average", "PendingTaskCount": "Average",
        "CPUUtilization": "Average", "MemoryUtilization": "Average", "RequestCount": "Sum",
        "HTTPCode_Target_5XX_Count": "Sum", "HTTPCode_ELB_5XX_Count": "Sum", "TargetResponseTime": "Average",
        "RequestCountPerTarget": "Sum", "CpuUtilized": "Average", "CpuReserved": "Average",
        "MemoryUtilized": "Average", "MemoryReserved": "Average",
    ]

    /// The stored name of `TargetResponseTime`, whose values are converted from seconds to milliseconds.
    static let targetResponseTimeMs = "TargetResponseTime_ms"

    /// The metric name and value as stored: `TargetResponseTime` becomes milliseconds under
    /// ``targetResponseTimeMs`` (unless its unit already is `Milliseconds`); others are kept.
    static func stored(metric: String, unit: String?, value: Double) -> (metric: String, value: Double) {
        guard metric == "TargetResponseTime" else { return (metric, value) }
        return (targetResponseTimeMs, unit == "Milliseconds" ? value : value * 1000)
    }
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
        var Timestamps: [ExportTime]
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
        if let token = pages.last?.NextToken, !token.isEmpty {
            summary.warnings.append("the last page has a NextToken: more data exists than this file holds; export every page")
        }
        // A series continues over pages under the same Id: join it before inferring its period.
        var order: [String] = []
        var joined: [String: Result] = [:]
        for page in pages {
            for result in page.MetricDataResults {
                let id = result.Id ?? result.Label ?? ""
                guard result.Timestamps.count == result.Values.count else {
                    throw ImportError(
                        .structure, path: context.path,
                        message: "series \"\(result.Label ?? id)\" has \(result.Timestamps.count) timestamps but \(result.Values.count) values")
                }
                if var earlier = joined[id] {
                    earlier.Timestamps += result.Timestamps
                    earlier.Values += result.Values
                    earlier.StatusCode = result.StatusCode
                    joined[id] = earlier
                } else {
                    order.append(id)
                    joined[id] = result
                }
            }
        }
        for id in order {
            guard let result = joined[id] else { continue }
            try parseResult(result, context: context, sink: &sink, summary: &summary, problems: &problems)
        }
        if order.isEmpty { summary.warnings.append("the file holds no metric series") }
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
        for (index, (stamp, value)) in zip(timestamps, values).enumerated() {
            guard let time = stamp.seconds else {
                problems.add(line: 0, "series \"\(label)\" point \(index + 1): timestamp \(stamp) is not an ISO-8601 time")
                continue
            }
            switch value {
            case .number(let number): points.append((time, number))
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
            let stored = stored(metric: metric, unit: nil, value: value)
            sink.addMetric(key, metric: stored.metric, statistic: statistic, period: period, ts: time, value: stored.value)
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

extension CloudWatchParser {
    /// One datapoint of `get-metric-statistics`.
    struct Datapoint: Decodable {
        var Timestamp: ExportTime
        var Average: Value?
        var Sum: Value?
        var Minimum: Value?
        var Maximum: Value?
        var SampleCount: Value?
        var ExtendedStatistics: [String: Value]?
        var Unit: String?

        /// Every statistic present, standard ones first, percentiles in name order.
        var statistics: [(String, Value)] {
            var list: [(String, Value)] = []
            for (name, value) in [("Average", Average), ("Sum", Sum), ("Minimum", Minimum), ("Maximum", Maximum), ("SampleCount", SampleCount)] {
                if let value { list.append((name, value)) }
            }
            for (name, value) in (ExtendedStatistics ?? [:]).sorted(by: { $0.key < $1.key }) { list.append((name, value)) }
            return list
        }
    }

    /// One `get-metric-statistics` response.
    struct StatisticsResponse: Decodable {
        var Label: String?
        var Datapoints: [Datapoint]
    }

    static func parseGetMetricStatistics(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let bytes = try ByteSource(path: context.path).readAll()
        let root = try parseJSON(bytes, path: context.path)
        let responses: [StatisticsResponse]
        do {
            if root is [Any] {
                responses = try JSONDecoder().decode([StatisticsResponse].self, from: Data(bytes))
            } else {
                responses = [try JSONDecoder().decode(StatisticsResponse.self, from: Data(bytes))]
            }
        } catch let DecodingError.keyNotFound(key, context_) {
            throw ImportError(
                .structure, path: context.path,
                message: "\(codingPath(context_.codingPath)) has no \(key.stringValue); this is not get-metric-statistics output")
        } catch let DecodingError.typeMismatch(_, context_) {
            throw ImportError(
                .structure, path: context.path,
                message: "\(codingPath(context_.codingPath)) has the wrong type: \(context_.debugDescription)")
        } catch {
            throw ImportError(.structure, path: context.path, message: "not get-metric-statistics output: \(error)")
        }
        for (index, response) in responses.enumerated() {
            try parseStatistics(
                response, number: index + 1, context: context, sink: &sink, summary: &summary, problems: &problems)
        }
        if responses.allSatisfy({ $0.Datapoints.isEmpty }) {
            summary.warnings.append("the file holds no datapoints")
        }
    }

    static func parseStatistics(
        _ response: StatisticsResponse, number: Int, context: ParseContext, sink: inout FactSink,
        summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let label = response.Label ?? ""
        let words = label.split(whereSeparator: { " /,|:\t".contains($0) }).map(String.init)
        let values = response.Datapoints.reduce(0) { $0 + $1.statistics.count }
        guard let metric = words.first(where: { knownMetrics[$0] != nil }) else {
            summary.rowsIgnored += values
            summary.warnings.append("response \(number) \"\(label)\": no known metric name in its Label; ignored")
            return
        }
        var names: [MappingField: String] = [.label: label]
        if words.count > 1 {
            names[.cluster] = words[0]
            names[.service] = words[1]
        }
        for word in words { names[.tag("word:\(word)")] = word }
        guard let key = context.key(names: names) else {
            // get-metric-statistics output names no environment or service: the importer's warning says what to pass.
            summary.rowsUnmapped += values
            return
        }
        var points: [(ts: Int64, statistic: String, value: Double, unit: String?)] = []
        for (index, datapoint) in response.Datapoints.enumerated() {
            guard let time = datapoint.Timestamp.seconds else {
                problems.add(
                    line: 0,
                    "response \(number) datapoint \(index + 1): Timestamp \(datapoint.Timestamp) is not an ISO-8601 time")
                continue
            }
            for (statistic, value) in datapoint.statistics {
                switch value {
                case .number(let number): points.append((time, statistic, number, datapoint.Unit))
                case .invalid(let raw):
                    problems.add(
                        line: 0, "response \(number) datapoint \(index + 1): \(statistic) \(raw) is not a finite number")
                }
            }
        }
        let period = inferPeriod(points.map(\.ts))
        for point in points {
            let stored = stored(metric: metric, unit: point.unit, value: point.value)
            sink.addMetric(key, metric: stored.metric, statistic: point.statistic, period: period, ts: point.ts, value: stored.value)
        }
        summary.rowsAccepted += points.count
    }
}
