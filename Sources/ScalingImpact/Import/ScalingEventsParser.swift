import Foundation

/// Scaling events (FORMATS.md §11) into `scaling_events`: Application Auto Scaling
/// `describe-scaling-activities` and ECS `describe-services` events.
///
/// Activities: one event per ECS `DesiredCount` activity at its `StartTime` (CLI v1 epoch seconds
/// or v2 ISO-8601); `to_count` from `Description` ("Setting desired count to 5."), `from_count`
/// from the service's previous successful activity in the file; the cause is `cpu` when the
/// triggering policy or alarm name mentions CPU (`...ECSServiceAverageCPUUtilization`),
/// `requests` when it mentions requests (`ALBRequestCountPerTarget`), `manual` for scheduled
/// actions and capacity changes made by hand, else `unknown`. `ResourceId`
/// `service/<cluster>/<service>` gives the mapping names `cluster` and `service`.
///
/// Service events: "has started N tasks" and "has stopped N running tasks" messages; counts are
/// derived by walking back from the service's `runningCount` at export time (ECS keeps only the
/// last 100 events, newest first). These include deployments and replaced tasks, and ECS does not
/// say why, so their cause is `unknown`. Other events (steady state, target registration) are
/// counted as ignored.
enum ScalingEventsParser {
    static let activitiesSource = "application-autoscaling"
    static let serviceEventsSource = "ecs-events"

    /// The JSON pages of a file: one response object or an array of them.
    static func pages(_ context: ParseContext, key: String, command: String) throws(ImportError) -> [[String: Any]] {
        let bytes = try ByteSource(path: context.path).readAll()
        let root = try CloudWatchParser.parseJSON(bytes, path: context.path)
        let pages: [[String: Any]]
        if let list = root as? [Any] {
            pages = list.compactMap { $0 as? [String: Any] }
            guard pages.count == list.count else {
                throw ImportError(.structure, path: context.path, message: "the array holds something other than \(command) responses")
            }
        } else if let object = root as? [String: Any] {
            pages = [object]
        } else {
            pages = []
        }
        for (index, page) in pages.enumerated() where !(page[key] is [Any]) {
            throw ImportError(
                .structure, path: context.path,
                message: "response \(index + 1) has no \(key) array; this is not \(command) output")
        }
        return pages
    }

    // MARK: describe-scaling-activities

    static func parseScalingActivities(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let pages = try pages(context, key: "ScalingActivities", command: "describe-scaling-activities")
        if let token = pages.last?["NextToken"] as? String, !token.isEmpty {
            summary.warnings.append("the last page has a NextToken: more activities exist than this file holds; export every page")
        }
        struct Activity {
            var number: Int
            var key: ServiceKey
            var ts: Int64
            var toCount: Int64?
            var cause: String
            var status: String
        }
        var activities: [Activity] = []
        var number = 0
        for page in pages {
            for case let item as [String: Any] in page["ScalingActivities"] as? [Any] ?? [] {
                number += 1
                let namespace = item["ServiceNamespace"] as? String ?? "ecs"
                let dimension = item["ScalableDimension"] as? String ?? "ecs:service:DesiredCount"
                let notScaled = (item["NotScaledReasons"] as? [Any])?.isEmpty == false
                guard namespace == "ecs", dimension == "ecs:service:DesiredCount", !notScaled else {
                    summary.rowsIgnored += 1
                    continue
                }
                let resource = item["ResourceId"] as? String ?? ""
                let parts = resource.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 3, parts[0] == "service", !parts[1].isEmpty, !parts[2].isEmpty else {
                    problems.add(line: 0, "activity \(number): ResourceId \"\(resource.prefix(60))\" is not service/<cluster>/<service>")
                    continue
                }
                let start = ExportTime(any: item["StartTime"])
                guard let ts = start.seconds else {
                    problems.add(line: 0, "activity \(number): StartTime \(start) is not epoch seconds or an ISO-8601 time")
                    continue
                }
                guard let key = context.key(names: [.cluster: parts[1], .service: parts[2]]) else {
                    summary.rowsUnmapped += 1
                    continue
                }
                let description = item["Description"] as? String ?? ""
                let message = item["StatusMessage"] as? String ?? ""
                activities.append(
                    Activity(
                        number: number, key: key, ts: ts,
                        toCount: desiredCount(in: description) ?? desiredCount(in: message),
                        cause: cause(item["Cause"] as? String ?? ""), status: item["StatusCode"] as? String ?? "unknown"))
            }
        }
        var previous: [ServiceKey: Int64] = [:]
        for activity in activities.sorted(by: { ($0.key, $0.ts, $0.number) < ($1.key, $1.ts, $1.number) }) {
            let event = FactSink.ScalingEvent(
                fromCount: previous[activity.key], toCount: activity.toCount, cause: activity.cause, status: activity.status)
            sink.addScalingEvent(activity.key, ts: activity.ts, source: activitiesSource, event: event)
            if activity.status == "Successful", let to = activity.toCount { previous[activity.key] = to }
            summary.rowsAccepted += 1
        }
        if number == 0 { summary.warnings.append("the file holds no scaling activities") }
    }

    /// N in "Setting desired count to N." or "Successfully set desired count to N. ...".
    static func desiredCount(in text: String) -> Int64? {
        guard let range = text.range(of: "desired count to ") else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int64(digits)
    }

    /// The cause of an activity from its `Cause` text: the policy name, then the alarm name.
    static func cause(_ text: String) -> String {
        let lower = text.lowercased()
        var names: [String] = []
        if let range = lower.range(of: "triggered policy ") { names.append(String(lower[range.upperBound...])) }
        if let range = lower.range(of: "monitor alarm ") {
            let rest = lower[range.upperBound...]
            names.append(String(rest[..<(rest.range(of: " in state ")?.lowerBound ?? rest.endIndex)]))
        }
        for name in names {
            if name.contains("cpu") { return "cpu" }
            if name.contains("request") { return "requests" }
        }
        if !names.isEmpty { return "unknown" }
        let manual = ["scheduled action", "user request", "minimum capacity", "maximum capacity", "min capacity", "max capacity"]
        return manual.contains { lower.contains($0) } ? "manual" : "unknown"
    }

    // MARK: describe-services

    static func parseServiceEvents(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let pages = try pages(context, key: "services", command: "ecs describe-services")
        var services = 0
        var events = 0
        for page in pages {
            for case let service as [String: Any] in page["services"] as? [Any] ?? [] {
                services += 1
                var names = FargateCost.names(fromARN: service["serviceArn"] as? String ?? "")
                for (field, value) in FargateCost.names(fromARN: service["clusterArn"] as? String ?? "") { names[field] = value }
                if let name = service["serviceName"] as? String, !name.isEmpty { names[.service] = name }
                let serviceName = names[.service] ?? "service \(services)"
                var changes: [(ts: Int64, delta: Int64, number: Int)] = []
                var unmappedChanges = 0
                let key = context.key(names: names)
                for case let item as [String: Any] in service["events"] as? [Any] ?? [] {
                    events += 1
                    guard let delta = taskCountChange(in: item["message"] as? String ?? "") else {
                        summary.rowsIgnored += 1
                        continue
                    }
                    let created = ExportTime(any: item["createdAt"])
                    guard let ts = created.seconds else {
                        problems.add(line: 0, "\(serviceName) event \(events): createdAt \(created) is not epoch seconds or an ISO-8601 time")
                        continue
                    }
                    guard key != nil else {
                        unmappedChanges += 1
                        continue
                    }
                    changes.append((ts, delta, events))
                }
                summary.rowsUnmapped += unmappedChanges
                guard let key else { continue }
                // Newest first: walk back from the running count at export time while the counts stay possible.
                var count = (service["runningCount"] as? NSNumber)?.int64Value
                var derived: [Int: (from: Int64?, to: Int64?)] = [:]
                // Events are listed newest first, so at equal times the lower number is the newer one.
                for change in changes.sorted(by: { ($0.ts, $1.number) > ($1.ts, $0.number) }) {
                    if let to = count, to - change.delta >= 0 {
                        derived[change.number] = (to - change.delta, to)
                        count = to - change.delta
                    } else {
                        derived[change.number] = (nil, nil)
                        count = nil
                    }
                }
                for change in changes.sorted(by: { ($0.ts, $1.number) < ($1.ts, $0.number) }) {
                    let counts = derived[change.number] ?? (nil, nil)
                    sink.addScalingEvent(
                        key, ts: change.ts, source: serviceEventsSource,
                        event: .init(fromCount: counts.from, toCount: counts.to, cause: "unknown", status: "Successful"))
                    summary.rowsAccepted += 1
                }
            }
        }
        if services == 0 {
            summary.warnings.append("the file holds no services")
        } else if summary.rowsAccepted == 0 && summary.rowsUnmapped == 0 && problems.count == 0 {
            summary.warnings.append(
                "none of the \(events) service events starts or stops tasks, so no scaling events were stored")
        }
    }

    /// +N for "(service web) has started N tasks: ...", −N for "... has stopped N running tasks: ...".
    static func taskCountChange(in message: String) -> Int64? {
        for (phrase, sign) in [("has started ", Int64(1)), ("has stopped ", -1)] {
            guard let range = message.range(of: phrase) else { continue }
            let digits = message[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
            guard let n = Int64(digits), n > 0 else { return nil }
            return sign * n
        }
        return nil
    }
}
