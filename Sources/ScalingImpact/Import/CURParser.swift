/// AWS Cost and Usage Report, legacy CSV (FORMATS.md §1): Fargate usage and billed cost per hour.
///
/// Only Fargate compute lines count as task cost (`Fargate` in `lineItem/UsageType`, product
/// `AmazonECS` where the column exists); other services, data transfer, taxes and fees are
/// counted as ignored. Rows map to (environment, service) through the task ARN's cluster and the
/// `aws:ecs:clusterName` / `aws:ecs:serviceName` / `user:*` tags.
enum CURParser {
    static func parseLegacy(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        var reader = try CSVReader(path: context.path)
        guard try reader.next() else {
            throw ImportError(.structure, path: context.path, message: "the file is empty")
        }
        let header = CSVHeader(reader.record)
        let format = "legacy CUR"
        let startColumn = try header.require("lineItem/UsageStartDate", path: context.path, format: format)
        let usageTypeColumn = try header.require("lineItem/UsageType", path: context.path, format: format)
        let amountColumn = try header.require("lineItem/UsageAmount", path: context.path, format: format)
        let costColumn = try header.require("lineItem/UnblendedCost", path: context.path, format: format)
        summary.costColumn = "lineItem/UnblendedCost"
        let productColumn = header.index("lineItem/ProductCode")
        let resourceColumn = header.index("lineItem/ResourceId")
        var tagColumns: [(MappingField, Int)] = []
        for (index, name) in header.names.enumerated() {
            if name == "resourceTags/aws:ecs:clusterName" {
                tagColumns.append((.cluster, index))
            } else if name == "resourceTags/aws:ecs:serviceName" {
                tagColumns.append((.service, index))
            } else if name.hasPrefix("resourceTags/user:") {
                tagColumns.append((.tag(String(name.dropFirst("resourceTags/user:".count))), index))
            } else if name.hasPrefix("resourceTags/") {
                tagColumns.append((.tag(String(name.dropFirst("resourceTags/".count))), index))
            }
        }
        let width = header.names.count
        let lastRequiredColumn = max(startColumn, usageTypeColumn, amountColumn, costColumn)
        while try reader.next() {
            let record = reader.record
            // Some writers leave out trailing empty fields (koku's test CUR has one field fewer in every row
            // than in its header): a short row that still has every required column reads the rest as empty.
            guard record.count == width || (record.count > lastRequiredColumn && record.count < width) else {
                throw ImportError(
                    .structure, path: context.path, line: record.line, column: min(record.count, width) + 1,
                    message: "\(record.count) fields where the header has \(width)",
                    hint: "a quote may be unbalanced or the file cut short")
            }
            let usageType = record.string(usageTypeColumn)
            let isECS = productColumn.map { $0 < record.count && record.string($0) == "AmazonECS" } ?? true
            guard isECS, let kind = usageKind(usageType) else {
                summary.rowsIgnored += 1
                continue
            }
            guard let start = UTCTime.parse(record.string(startColumn)) else {
                problems.add(line: record.line, "column lineItem/UsageStartDate: \"\(record.string(startColumn).prefix(40))\" is not a UTC time")
                continue
            }
            guard let amount = record.isNull(amountColumn) ? 0 : record.double(amountColumn) else {
                problems.add(line: record.line, "column lineItem/UsageAmount: \"\(record.string(amountColumn).prefix(40))\" is not a number")
                continue
            }
            guard let cost = record.isNull(costColumn) ? 0 : record.double(costColumn) else {
                problems.add(line: record.line, "column lineItem/UnblendedCost: \"\(record.string(costColumn).prefix(40))\" is not a number")
                continue
            }
            var names: [MappingField: String] = [:]
            if let resourceColumn, resourceColumn < record.count,
                let cluster = clusterName(fromARN: record.string(resourceColumn))
            {
                names[.cluster] = cluster
            }
            for (field, index) in tagColumns where index < record.count && !record.isNull(index) {
                names[field] = record.string(index)
            }
            guard let key = context.key(names: names) else {
                summary.rowsUnmapped += 1
                continue
            }
            let hour = start.seconds - ((start.seconds % 3600) + 3600) % 3600
            sink.addUsage(key, hour: hour, kind: kind, amount: amount, cost: cost)
            summary.rowsAccepted += 1
        }
    }

    /// The usage kind of a Fargate usage type, for any region prefix, or nil when not Fargate compute.
    static func usageKind(_ usageType: String) -> String? {
        guard usageType.contains("Fargate") else { return nil }
        let arm = usageType.contains("-ARM-")
        if usageType.contains("EphemeralStorage") { return "ephemeral_storage" }
        if usageType.contains("vCPU-Hours") { return arm ? "arm_vcpu" : "vcpu" }
        if usageType.contains("GB-Hours") { return arm ? "arm_memory" : "memory" }
        return nil
    }

    /// The cluster in `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>` or `service/<cluster>/<name>`.
    static func clusterName(fromARN arn: String) -> String? {
        guard arn.hasPrefix("arn:aws:ecs:") else { return nil }
        let resource = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).last ?? ""
        let parts = resource.split(separator: "/")
        guard parts.count >= 3, parts[0] == "task" || parts[0] == "service" else { return nil }
        return String(parts[1])
    }
}
