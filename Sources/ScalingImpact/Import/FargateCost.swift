import Foundation

/// What the cost importers (legacy CUR, CUR 2.0 / Athena, FOCUS) share: which lines are Fargate
/// compute, which names in a line can map it, and how a line becomes hourly facts.
enum FargateCost {
    /// One Fargate bill line, whatever format it came from.
    struct Line {
        /// 1-based line in the file.
        var line: Int
        /// Start of the charge period, UTC seconds.
        var start: Int64
        /// End of the charge period (exclusive), when the export has it.
        var end: Int64?
        /// `vcpu`, `memory`, `arm_vcpu`, `arm_memory` or `ephemeral_storage`.
        var kind: String
        /// vCPU-hours or GB-hours.
        var amount: Double
        /// USD from the chosen cost column.
        var cost: Double
        /// Names that can map the line (cluster and service from ARNs and tags, tags).
        var names: [MappingField: String]
    }

    /// Counts Fargate lines billed in a currency other than USD: their cost is stored as given, and said so.
    struct Currencies {
        var other: [String: Int] = [:]

        mutating func see(_ code: String) {
            if !code.isEmpty && code != "USD" { other[code, default: 0] += 1 }
        }

        func warn(_ summary: inout ImportSummary, column: String) {
            guard !other.isEmpty else { return }
            let list = other.sorted { $0.key < $1.key }.map { "\($0.value) in \($0.key)" }.joined(separator: ", ")
            summary.warnings.append(
                "Fargate lines billed in another currency than USD (\(list), column \(column)) are stored as given, "
                    + "not converted: billed cost figures mix currencies")
        }
    }

    /// The longest charge period a line may spread over (a little more than a year of hours).
    static let maxSpreadHours: Int64 = 24 * 372

    /// Maps `line` and adds it to `sink`, hour by hour.
    ///
    /// A line whose charge period is longer than an hour (daily or monthly granularity exports)
    /// is spread evenly over the hours of `[start, end)`, so that its total is kept and windows
    /// that start mid-day get their share.
    static func add(
        _ line: Line, context: ParseContext, sink: inout FactSink, summary: inout ImportSummary,
        problems: inout RowProblems
    ) {
        let hour = line.start - ((line.start % 3600) + 3600) % 3600
        var hours: Int64 = 1
        if let end = line.end, end > hour + 3600 {
            hours = (end - hour + 3599) / 3600
            guard hours <= maxSpreadHours else {
                problems.add(
                    line: line.line,
                    "the charge period \(UTCTime.iso8601(line.start)) to \(UTCTime.iso8601(end)) is longer than a year")
                return
            }
        }
        guard let key = context.key(names: line.names) else {
            summary.rowsUnmapped += 1
            return
        }
        let share = 1 / Double(hours)
        for h in 0..<hours {
            sink.addUsage(
                key, hour: hour + h * 3600, kind: line.kind, amount: hours == 1 ? line.amount : line.amount * share,
                cost: hours == 1 ? line.cost : line.cost * share)
        }
        summary.rowsAccepted += 1
    }

    /// The usage kind of a Fargate usage type, for any region prefix, or nil when not Fargate compute.
    ///
    /// Matches by substring (FORMATS.md §1): `USE1-Fargate-vCPU-Hours:perCPU`,
    /// `EU-Fargate-GB-Hours` (eu-west-1 has no digit), `EUC1-SpotUsage-Fargate-ARM-vCPU-Hours:perCPU`,
    /// `USW2-Fargate-EphemeralStorage-GB-Hours`, Windows variants. The Windows OS licence
    /// (`Fargate-Windows-OS-Hours`) is a fee, not compute.
    static func usageKind(_ usageType: String) -> String? {
        guard usageType.contains("Fargate") else { return nil }
        let arm = usageType.contains("-ARM-")
        if usageType.contains("EphemeralStorage") { return "ephemeral_storage" }
        if usageType.contains("vCPU-Hours") { return arm ? "arm_vcpu" : "vcpu" }
        if usageType.contains("GB-Hours") { return arm ? "arm_memory" : "memory" }
        return nil
    }

    /// The usage kind of a FOCUS `ChargeDescription` such as `AWS Fargate - vCPU  - US West 2 (Oregon)`,
    /// `AWS Fargate - ARM - Memory - US West (Oregon)` or `AWS Fargate - Ephemeral Storage - ...`.
    static func usageKind(chargeDescription text: String) -> String? {
        let words = Set(text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
        guard words.contains("fargate") else { return nil }
        let arm = words.contains("arm")
        if words.contains(where: { $0.hasPrefix("ephemeral") }) || words.contains("storage") { return "ephemeral_storage" }
        if words.contains("vcpu") { return arm ? "arm_vcpu" : "vcpu" }
        if words.contains("memory") || words.contains("gb") { return arm ? "arm_memory" : "memory" }
        return nil
    }

    /// Cluster and service named by an ECS ARN: `task/<cluster>/<id>`, `service/<cluster>/<name>`,
    /// `service/<name>` (old format), `cluster/<name>`, in any partition (`aws`, `aws-cn`, `aws-us-gov`).
    static func names(fromARN arn: String) -> [MappingField: String] {
        let fields = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", fields[1].hasPrefix("aws"), fields[2] == "ecs" else { return [:] }
        let parts = fields[5].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let type = parts.first else { return [:] }
        switch (type, parts.count) {
        case ("task", 3), ("container-instance", 3), ("task-set", 4):
            return parts[1].isEmpty ? [:] : [.cluster: parts[1]]
        case ("service", 3):
            var names: [MappingField: String] = [:]
            if !parts[1].isEmpty { names[.cluster] = parts[1] }
            if !parts[2].isEmpty { names[.service] = parts[2] }
            return names
        case ("service", 2):
            return parts[1].isEmpty ? [:] : [.service: parts[1]]
        case ("cluster", 2):
            return parts[1].isEmpty ? [:] : [.cluster: parts[1]]
        default:
            return [:]
        }
    }

    /// Adds a resource tag to `names`: the ECS tags become cluster and service, `user:` / `user_`
    /// prefixes are dropped, and the key is also added in snake_case (as Athena writes it).
    ///
    /// `aws:ecs:clusterName`, `aws_ecs_cluster_name` → cluster; `aws:ecs:serviceName`,
    /// `aws_ecs_service_name` → service; `user:CostCenter` → `tag:CostCenter` and `tag:cost_center`.
    static func addTag(key rawKey: String, value: String, to names: inout [MappingField: String]) {
        guard !value.isEmpty, !rawKey.isEmpty else { return }
        let compact = rawKey.lowercased().filter { $0.isLetter || $0.isNumber }
        if compact == "awsecsclustername" {
            names[.cluster] = value
            return
        }
        if compact == "awsecsservicename" {
            names[.service] = value
            return
        }
        var key = rawKey
        if key.hasPrefix("user:") || key.hasPrefix("user_") { key.removeFirst(5) }
        guard !key.isEmpty else { return }
        names[.tag(key)] = value
        let snake = snakeCase(key)
        if snake != key { names[.tag(snake)] = value }
    }

    /// `CostCenter` → `cost_center`, `aws:createdBy` → `aws_created_by`: the column naming of Athena CUR tables.
    static func snakeCase(_ text: String) -> String {
        var out = ""
        var previousWasLowerOrDigit = false
        for c in text {
            if c.isUppercase {
                if previousWasLowerOrDigit { out.append("_") }
                out += c.lowercased()
                previousWasLowerOrDigit = false
            } else if c.isLetter || c.isNumber {
                out.append(c)
                previousWasLowerOrDigit = true
            } else {
                if !out.hasSuffix("_") && !out.isEmpty { out.append("_") }
                previousWasLowerOrDigit = false
            }
        }
        return out
    }

    /// A map written into one CSV cell: JSON (`{"k": "v"}`, CUR 2.0 and FOCUS `Tags`) or Athena's
    /// `{k=v, k2=v2}` rendering. Nil when the text is neither; an empty or null cell is an empty map.
    static func parseMap(_ text: String) -> [String: String]? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "NULL" || trimmed == "null" || trimmed == "{}" { return [:] }
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}") else { return nil }
        if let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] {
            var map: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case let s as String: map[key] = s
                case let n as NSNumber: map[key] = n.stringValue
                default: continue
                }
            }
            return map
        }
        // Athena's map rendering: no quotes, so neither keys nor values may hold ", " or "=".
        let body = trimmed.dropFirst().dropLast()
        var map: [String: String] = [:]
        for pair in body.components(separatedBy: ", ") {
            guard let equals = pair.firstIndex(of: "=") else { return nil }
            map[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return map
    }
}
