import Foundation

/// Application Load Balancer access logs (FORMATS.md §7): one request per line, `.log` or
/// `.log.gz`, as AWS writes them under `AWSLogs/<account>/elasticloadbalancing/<region>/…`.
///
/// - Latency is the time the load balancer spent on the request:
///   `request_processing_time + target_processing_time + response_processing_time`, in ms. That
///   is what a client behind the ALB waits for (minus its own network), and the figure an SRE
///   means by "request latency"; CloudWatch `TargetResponseTime` is `target_processing_time`
///   alone, which leaves out time queued in the load balancer before a target took the request.
/// - A `-1` in any of the three (not dispatched, timed out, target closed the connection) keeps
///   the request out of the percentiles and counts it as an error, unless the load balancer
///   answered by itself without an error (a redirect or fixed-response action, status < 400).
///   A 5xx `elb_status_code` or `target_status_code` is an error too.
/// - The request's minute is that of `time` (when the response was sent), the timestamp AWS
///   files and partitions the logs by.
/// - Rows are assigned to (environment, service) by the `[[mapping]]` rules over the load
///   balancer's name (`app/<name>/<id>`) and the target group's name (`…:targetgroup/<name>/<id>`).
///
/// Privacy: client addresses, URLs, user agents and trace ids are only ever byte ranges of the
/// line buffer; they are not decoded, stored or quoted in any message (problems name the line,
/// the column and the field).
enum ALBLogParser {
    /// Fields up to `target_group_arn`; older logs end after 17 to 24 fields, newer after 25 to 30+.
    static let minimumFields = 17

    /// Names of the fields used, for messages (1-based field number = index + 1).
    static let fieldNames = [
        1: "time", 5: "request_processing_time", 6: "target_processing_time", 7: "response_processing_time",
        8: "elb_status_code", 9: "target_status_code", 16: "target_group_arn",
    ]

    static func parse(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let reader = LineReader(source: try ByteSource(path: context.path))
        var tokenizer = ALBLogTokenizer()
        var names = ALBNameCache()
        var sawLine = false
        while let line = try reader.next() {
            let lineNumber = reader.lineNumber
            if let failure = tokenizer.tokenize(line) {
                throw ImportError(
                    .structure, path: context.path, line: lineNumber, column: failure.column, message: failure.message,
                    hint: "the file may be cut short or not an ALB access log")
            }
            if tokenizer.count == 0 { continue }
            sawLine = true
            guard isRequestType(tokenizer.field(0, of: line)) else {
                throw ImportError(
                    .structure, path: context.path, line: lineNumber, column: 1,
                    message: "not an ALB access log line: the first field is not a request type (http, https, h2, grpcs, ws, wss)",
                    hint: "check that this is an Application Load Balancer access log, or name the format with --format")
            }
            guard tokenizer.count >= minimumFields else {
                throw ImportError(
                    .structure, path: context.path, line: lineNumber, column: tokenizer.ends[tokenizer.count - 1] + 1,
                    message: "\(tokenizer.count) fields where an ALB access log line has at least \(minimumFields) "
                        + "(type … target_group_arn)",
                    hint: "the line may be cut short")
            }
            guard let time = UTCTime.parse(bytes: tokenizer.field(1, of: line)) else {
                problems.add(line: lineNumber, message(tokenizer, 1, line, "is not an ISO-8601 time"))
                continue
            }
            var totalMicros: Int64 = 0
            var isDispatched = true
            var bad: String?
            for index in 5...7 {
                guard let micros = ALBLogTokenizer.micros(tokenizer.field(index, of: line)) else {
                    bad = message(tokenizer, index, line, "is not a number of seconds")
                    break
                }
                if micros == -1_000_000 {
                    isDispatched = false
                } else if micros < 0 {
                    bad = message(tokenizer, index, line, "is negative (only -1 is allowed, for a request that was not dispatched)")
                    break
                } else {
                    totalMicros += micros
                }
            }
            if let bad {
                problems.add(line: lineNumber, bad)
                continue
            }
            let elbStatusField = tokenizer.field(8, of: line)
            let elbStatus = ALBLogTokenizer.statusCode(elbStatusField)
            if elbStatus == nil && !isDash(elbStatusField) {
                problems.add(line: lineNumber, message(tokenizer, 8, line, "is not an HTTP status code"))
                continue
            }
            let targetStatusField = tokenizer.field(9, of: line)
            let targetStatus = ALBLogTokenizer.statusCode(targetStatusField)
            if targetStatus == nil && !isDash(targetStatusField) {
                problems.add(line: lineNumber, message(tokenizer, 9, line, "is not an HTTP status code"))
                continue
            }
            let arn = tokenizer.field(16, of: line)
            guard let targetGroup = targetGroupName(arn) else {
                // Never quoted: when a quoted field before it holds a stray quote, this may be part of a URL.
                problems.add(
                    line: lineNumber,
                    "field 17 (target_group_arn) at column \(tokenizer.starts[16] + 1) is not a target group ARN or -; "
                        + "a quoted field before it may hold an unescaped quote")
                continue
            }
            let key = names.key(
                loadBalancer: loadBalancerName(tokenizer.field(2, of: line)), targetGroup: targetGroup, context: context)
            guard let key else {
                summary.rowsUnmapped += 1
                continue
            }
            let answeredByLoadBalancer = elbStatus.map { $0 < 400 } ?? false
            let isError =
                (!isDispatched && !answeredByLoadBalancer) || (elbStatus ?? 0) >= 500 || (targetStatus ?? 0) >= 500
            sink.addRequest(
                key, time: time.seconds, latency: isDispatched ? Double(totalMicros) / 1000 : nil, isError: isError)
            summary.rowsAccepted += 1
        }
        if !sawLine {
            throw ImportError(.structure, path: context.path, message: "the file holds no log lines", hint: "check the export")
        }
        summary.warnings.append(contentsOf: names.unmappedWarnings())
    }

    /// A problem naming the field and its column; quotes the value (only fields that are times,
    /// durations or status codes, never addresses, URLs or agents).
    static func message(
        _ tokenizer: ALBLogTokenizer, _ index: Int, _ line: UnsafeBufferPointer<UInt8>, _ what: String
    ) -> String {
        let value = String(decoding: tokenizer.field(index, of: line).prefix(40), as: UTF8.self)
        return "field \(index + 1) (\(fieldNames[index] ?? "?")) at column \(tokenizer.starts[index] + 1): \"\(value)\" \(what)"
    }

    /// `http`, `https`, `h2`, `grpcs`, `ws`, `wss`, or another short lowercase token AWS may add.
    static func isRequestType(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (1...8).contains(bytes.count) else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }

    static func isDash(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { bytes.count == 1 && bytes[0] == 45 }

    /// `<name>` of `app/<name>/<id>` (the whole field when it has another shape).
    static func loadBalancerName(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var first = 0
        while first < bytes.count && bytes[first] != 47 { first += 1 }
        var last = bytes.count - 1
        while last > first && bytes[last] != 47 { last -= 1 }
        guard first < last else { return bytes }
        return UnsafeBufferPointer(rebasing: bytes[(first + 1)..<last])
    }

    private static let resourcePrefix = Array("targetgroup/".utf8)

    /// `<name>` of `arn:…:targetgroup/<name>/<id>`; empty for `-`; nil when the field is neither.
    static func targetGroupName(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        if isDash(bytes) { return UnsafeBufferPointer(rebasing: bytes[0..<0]) }
        let n = bytes.count
        guard n > 4, bytes[0] == 97, bytes[1] == 114, bytes[2] == 110, bytes[3] == 58, let base = bytes.baseAddress
        else { return nil }
        var colon = n - 1
        while colon > 3 && bytes[colon] != 58 { colon -= 1 }
        let nameStart = colon + 1 + resourcePrefix.count
        guard nameStart <= n,
            resourcePrefix.withUnsafeBytes({ prefix in
                prefix.baseAddress.map { memcmp(base + colon + 1, $0, prefix.count) == 0 } ?? false
            })
        else { return nil }
        var nameEnd = nameStart
        while nameEnd < n && bytes[nameEnd] != 47 { nameEnd += 1 }
        return UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
    }
}

/// The (environment, service) of each (load balancer, target group) pair seen, so that the
/// mapping rules run once per pair rather than once per line, and the names of unmapped pairs
/// for the import's warnings.
struct ALBNameCache {
    private struct Entry {
        var loadBalancer: [UInt8]
        var targetGroup: [UInt8]
        var key: ServiceKey?
        var rows = 0
    }

    private var entries: [Entry] = []
    private var last = -1
    /// Distinct pairs kept; a file with more (unusual) maps the rest without caching.
    private let limit = 4096
    private var uncachedUnmapped = 0

    mutating func key(
        loadBalancer: UnsafeBufferPointer<UInt8>, targetGroup: UnsafeBufferPointer<UInt8>, context: ParseContext
    ) -> ServiceKey? {
        if last >= 0 && matches(entries[last], loadBalancer, targetGroup) {
            entries[last].rows += 1
            return entries[last].key
        }
        for i in entries.indices where matches(entries[i], loadBalancer, targetGroup) {
            last = i
            entries[i].rows += 1
            return entries[i].key
        }
        var names: [MappingField: String] = [.loadBalancer: String(decoding: loadBalancer, as: UTF8.self)]
        if !targetGroup.isEmpty { names[.targetGroup] = String(decoding: targetGroup, as: UTF8.self) }
        let key = context.key(names: names)
        if entries.count < limit {
            entries.append(Entry(loadBalancer: Array(loadBalancer), targetGroup: Array(targetGroup), key: key, rows: 1))
            last = entries.count - 1
        } else if key == nil {
            uncachedUnmapped += 1
        }
        return key
    }

    private func matches(_ entry: Entry, _ lb: UnsafeBufferPointer<UInt8>, _ tg: UnsafeBufferPointer<UInt8>) -> Bool {
        Self.equal(entry.targetGroup, tg) && Self.equal(entry.loadBalancer, lb)
    }

    private static func equal(_ stored: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == bytes.count else { return false }
        guard let b = bytes.baseAddress, !stored.isEmpty else { return true }
        return stored.withUnsafeBytes { s in s.baseAddress.map { memcmp($0, b, stored.count) == 0 } ?? false }
    }

    /// One warning per unmapped pair (the five with most rows), naming the load balancer and target group.
    func unmappedWarnings() -> [String] {
        let unmapped = entries.filter { $0.key == nil }.sorted { $0.rows > $1.rows }
        var warnings = unmapped.prefix(5).map { entry in
            let tg = entry.targetGroup.isEmpty ? "no target group" : "target group \"\(String(decoding: entry.targetGroup, as: UTF8.self))\""
            return "\(entry.rows) rows of load balancer \"\(String(decoding: entry.loadBalancer, as: UTF8.self))\", \(tg): "
                + "no [[mapping]] rule (field load_balancer or target_group) gives their environment and service"
        }
        let others = unmapped.dropFirst(5).reduce(0) { $0 + $1.rows } + uncachedUnmapped
        if others > 0 { warnings.append("\(others) more unmapped rows of other load balancers and target groups") }
        return warnings
    }
}
