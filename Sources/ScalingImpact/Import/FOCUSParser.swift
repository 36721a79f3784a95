/// FinOps FOCUS 1.0–1.2 cost and usage CSV (FORMATS.md §5): Fargate usage and billed cost per hour.
///
/// A row is ECS Fargate compute when its provider is AWS, its `ServiceName` is
/// `Amazon Elastic Container Service` (or `x_ServiceCode` is `AmazonECS`), and its AWS usage type
/// (`x_UsageType`, where the provider adds it) or else its `ChargeDescription`
/// (`AWS Fargate - vCPU - ...`, `AWS Fargate - ARM - Memory - ...`) names Fargate vCPU, memory or
/// ephemeral storage; `PricingUnit` is `Hours` for both, so the description tells them apart. Only
/// `ChargeCategory` `Usage` counts; purchases, taxes, credits and adjustments are ignored.
///
/// The cost column is `BilledCost`, what the invoice says: Savings Plan covered rows
/// (`PricingCategory` `Committed`) bill 0 there, their commitment is billed on `Purchase` rows.
/// The usage amount is `ConsumedQuantity` (`UsageQuantity` in 1.0-preview, else `PricingQuantity`).
/// Timestamps may lack `T` and `Z` and nulls may be `NULL`, as in the FOCUS sample data. Rows map
/// through the task ARN in `ResourceId` and the JSON `Tags` object.
enum FOCUSParser {
    static let ecsServiceName = "Amazon Elastic Container Service"

    static func parse(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        var reader = try CSVReader(path: context.path)
        guard try reader.next() else {
            throw ImportError(.structure, path: context.path, message: "the file is empty")
        }
        let header = CSVHeader(reader.record)
        let format = "FOCUS"
        let startColumn = try header.require("ChargePeriodStart", path: context.path, format: format)
        let costColumn = try header.require("BilledCost", path: context.path, format: format)
        let serviceColumn = try header.require("ServiceName", path: context.path, format: format)
        let descriptionColumn = header.index("ChargeDescription")
        let usageTypeColumn = header.index(anyOf: ["x_UsageType", "x_usage_type"])
        let serviceCodeColumn = header.index(anyOf: ["x_ServiceCode", "x_service_code"])
        guard descriptionColumn != nil || usageTypeColumn != nil else {
            throw ImportError(
                .structure, path: context.path, line: 1,
                message: "the FOCUS header has neither ChargeDescription nor x_UsageType, so Fargate vCPU and memory cannot be told apart",
                hint: "export with the ChargeDescription column")
        }
        let endColumn = header.index("ChargePeriodEnd")
        let amountColumn = header.index(anyOf: ["ConsumedQuantity", "UsageQuantity", "PricingQuantity"])
        let categoryColumn = header.index("ChargeCategory")
        let providerColumn = header.index(anyOf: ["ServiceProviderName", "ProviderName"])
        let resourceColumn = header.index("ResourceId")
        let tagsColumn = header.index("Tags")
        let currencyColumn = header.index("BillingCurrency")
        var currencies = FargateCost.Currencies()
        let width = header.names.count
        var unreadableTags = 0
        while try reader.next() {
            let record = reader.record
            guard record.count == width else {
                throw ImportError(
                    .structure, path: context.path, line: record.line, column: min(record.count, width) + 1,
                    message: "\(record.count) fields where the header has \(width)",
                    hint: "a quote may be unbalanced or the file cut short")
            }
            func text(_ column: Int?) -> String {
                guard let column, !record.isNull(column) else { return "" }
                return record.string(column)
            }
            let provider = text(providerColumn)
            let isECS =
                (provider.isEmpty || provider == "AWS" || provider == "Amazon Web Services")
                && (record.string(serviceColumn) == ecsServiceName || text(serviceCodeColumn) == "AmazonECS")
            let category = text(categoryColumn)
            guard isECS, category.isEmpty || category == "Usage",
                let kind = FargateCost.usageKind(text(usageTypeColumn))
                    ?? FargateCost.usageKind(chargeDescription: text(descriptionColumn))
            else {
                summary.rowsIgnored += 1
                continue
            }
            guard let start = UTCTime.parse(record.string(startColumn)) else {
                problems.add(line: record.line, "column ChargePeriodStart: \"\(record.string(startColumn).prefix(40))\" is not a UTC time")
                continue
            }
            var end: Int64?
            if !text(endColumn).isEmpty {
                guard let parsed = UTCTime.parse(text(endColumn)) else {
                    problems.add(line: record.line, "column ChargePeriodEnd: \"\(text(endColumn).prefix(40))\" is not a UTC time")
                    continue
                }
                end = parsed.seconds
            }
            guard let cost = record.isNull(costColumn) ? 0 : record.double(costColumn) else {
                problems.add(line: record.line, "column BilledCost: \"\(record.string(costColumn).prefix(40))\" is not a number")
                continue
            }
            var amount = 0.0
            if let amountColumn, !record.isNull(amountColumn) {
                guard let value = record.double(amountColumn) else {
                    problems.add(
                        line: record.line,
                        "column \(header.names[amountColumn]): \"\(record.string(amountColumn).prefix(40))\" is not a number")
                    continue
                }
                amount = value
            }
            currencies.see(text(currencyColumn))
            var names = FargateCost.names(fromARN: text(resourceColumn))
            if let tagsColumn {
                if let tags = FargateCost.parseMap(text(tagsColumn)) {
                    for (key, value) in tags { FargateCost.addTag(key: key, value: value, to: &names) }
                } else {
                    unreadableTags += 1
                }
            }
            let line = FargateCost.Line(
                line: record.line, start: start.seconds, end: end, kind: kind, amount: amount, cost: cost, names: names)
            FargateCost.add(line, context: context, sink: &sink, summary: &summary, problems: &problems)
        }
        summary.costColumn = "BilledCost"
        currencies.warn(&summary, column: "BillingCurrency")
        if unreadableTags > 0 {
            summary.warnings.append(
                "\(unreadableTags) Fargate rows have a Tags value that is not a JSON object; their tags were not used for mapping")
        }
    }
}
