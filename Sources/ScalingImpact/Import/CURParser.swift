/// AWS Cost and Usage Reports (FORMATS.md §1–2): legacy CSV (`lineItem/UsageType`) and the
/// snake_case layouts of CUR 2.0 Data Exports and Athena/Parquet CUR tables
/// (`line_item_usage_type`). Fargate usage and billed cost per hour.
///
/// Only Fargate compute lines of ECS count as task cost (`Fargate` in the usage type, product
/// `AmazonECS` where known). EKS Fargate (`AmazonEKS`, operation `FargatePod`) bills pods, not ECS
/// tasks, and is ignored with other services, data transfer, taxes, fees, credits and discounts.
///
/// The cost column: `NetUnblendedCost` when the export has it (it includes discounts), else
/// `UnblendedCost`. Savings Plan covered usage (`SavingsPlanCoveredUsage`) is priced at its
/// `SavingsPlanEffectiveCost` when that column exists, and its `SavingsPlanNegation` line is then
/// left out; without that column the negation line is summed, so covered usage nets to what
/// was billed for it. Which column was used is recorded in `imports.cost_column`.
///
/// Rows map to (environment, service) through the task or service ARN in the resource id, the
/// `aws:ecs:clusterName` / `aws:ecs:serviceName` tags and other resource tags (`tag:<key>` rules).
enum CURParser {
    /// The column names of one CUR layout.
    struct Schema {
        var formatName: String
        var start: String
        var end: String
        var usageType: String
        var amount: String
        var unblendedCost: String
        var netUnblendedCost: String
        var lineItemType: String
        var productCode: String
        var resourceID: String
        var savingsPlanEffectiveCost: String
        var savingsPlanNetEffectiveCost: String
        var currency: String
        /// Prefix of one-column-per-tag columns (`resourceTags/user:env`, `resource_tags_user_env`).
        var tagColumnPrefix: String
        /// A column holding every tag as one map (CUR 2.0 `resource_tags`).
        var tagMapColumn: String?
        /// A column holding product attributes as one map (CUR 2.0 `product`).
        var productMapColumn: String?

        static let legacy = Schema(
            formatName: "legacy CUR", start: "lineItem/UsageStartDate", end: "lineItem/UsageEndDate",
            usageType: "lineItem/UsageType", amount: "lineItem/UsageAmount", unblendedCost: "lineItem/UnblendedCost",
            netUnblendedCost: "lineItem/NetUnblendedCost", lineItemType: "lineItem/LineItemType",
            productCode: "lineItem/ProductCode", resourceID: "lineItem/ResourceId",
            savingsPlanEffectiveCost: "savingsPlan/SavingsPlanEffectiveCost",
            savingsPlanNetEffectiveCost: "savingsPlan/NetSavingsPlanEffectiveCost", currency: "lineItem/CurrencyCode",
            tagColumnPrefix: "resourceTags/",
            tagMapColumn: nil, productMapColumn: nil)

        static let snakeCase = Schema(
            formatName: "CUR 2.0 / Athena", start: "line_item_usage_start_date", end: "line_item_usage_end_date",
            usageType: "line_item_usage_type", amount: "line_item_usage_amount",
            unblendedCost: "line_item_unblended_cost", netUnblendedCost: "line_item_net_unblended_cost",
            lineItemType: "line_item_line_item_type", productCode: "line_item_product_code",
            resourceID: "line_item_resource_id", savingsPlanEffectiveCost: "savings_plan_savings_plan_effective_cost",
            savingsPlanNetEffectiveCost: "savings_plan_net_savings_plan_effective_cost", currency: "line_item_currency_code",
            tagColumnPrefix: "resource_tags_", tagMapColumn: "resource_tags", productMapColumn: "product")
    }

    /// How a line item type enters the billed cost.
    enum Role {
        case usage
        case covered
        case negation
    }

    static func role(lineItemType: String) -> Role? {
        switch lineItemType {
        case "", "Usage", "DiscountedUsage": .usage
        case "SavingsPlanCoveredUsage": .covered
        case "SavingsPlanNegation": .negation
        default: nil
        }
    }

    static func parseLegacy(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        try parse(schema: .legacy, context, sink: &sink, summary: &summary, problems: &problems)
    }

    static func parseSnakeCase(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        try parse(schema: .snakeCase, context, sink: &sink, summary: &summary, problems: &problems)
    }

    static func parse(
        schema: Schema, _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary,
        problems: inout RowProblems
    ) throws(ImportError) {
        var reader = try CSVReader(path: context.path)
        guard try reader.next() else {
            throw ImportError(.structure, path: context.path, message: "the file is empty")
        }
        let header = CSVHeader(reader.record)
        let format = schema.formatName
        let startColumn = try header.require(schema.start, path: context.path, format: format)
        let usageTypeColumn = try header.require(schema.usageType, path: context.path, format: format)
        let amountColumn = try header.require(schema.amount, path: context.path, format: format)
        let netColumn = header.index(schema.netUnblendedCost)
        let costName = netColumn == nil ? schema.unblendedCost : schema.netUnblendedCost
        let costColumn: Int
        if let netColumn {
            costColumn = netColumn
        } else {
            costColumn = try header.require(schema.unblendedCost, path: context.path, format: format)
        }
        let netEffective = netColumn == nil ? nil : header.index(schema.savingsPlanNetEffectiveCost)
        let effectiveName = netEffective == nil ? schema.savingsPlanEffectiveCost : schema.savingsPlanNetEffectiveCost
        let effectiveColumn = netEffective ?? header.index(schema.savingsPlanEffectiveCost)
        let endColumn = header.index(schema.end)
        let typeColumn = header.index(schema.lineItemType)
        let productColumn = header.index(schema.productCode)
        let resourceColumn = header.index(schema.resourceID)
        let currencyColumn = header.index(schema.currency)
        var currencies = FargateCost.Currencies()
        let tagMapColumn = schema.tagMapColumn.flatMap { header.index($0) }
        let productMapColumn = schema.productMapColumn.flatMap { header.index($0) }
        var tagColumns: [(key: String, index: Int)] = []
        for (index, name) in header.names.enumerated() where name.hasPrefix(schema.tagColumnPrefix) {
            tagColumns.append((String(name.dropFirst(schema.tagColumnPrefix.count)), index))
        }
        let width = header.names.count
        let lastRequiredColumn = max(startColumn, usageTypeColumn, amountColumn, costColumn)
        var coveredLines = 0
        var coveredAtEffectiveCost = 0
        var unreadableMaps = 0
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
            func text(_ column: Int?) -> String {
                guard let column, column < record.count, !record.isNull(column) else { return "" }
                return record.string(column)
            }
            guard let kind = FargateCost.usageKind(record.string(usageTypeColumn)),
                let role = role(lineItemType: text(typeColumn))
            else {
                summary.rowsIgnored += 1
                continue
            }
            var product = text(productColumn)
            if product.isEmpty, let productMapColumn {
                product = FargateCost.parseMap(text(productMapColumn))?["servicecode"] ?? ""
            }
            guard product.isEmpty || product == "AmazonECS" else {
                summary.rowsIgnored += 1
                continue
            }
            guard let start = UTCTime.parse(record.string(startColumn)) else {
                problems.add(line: record.line, "column \(schema.start): \"\(record.string(startColumn).prefix(40))\" is not a UTC time")
                continue
            }
            var end: Int64?
            if !text(endColumn).isEmpty {
                guard let parsed = UTCTime.parse(text(endColumn)) else {
                    problems.add(line: record.line, "column \(schema.end): \"\(text(endColumn).prefix(40))\" is not a UTC time")
                    continue
                }
                end = parsed.seconds
            }
            guard var amount = record.isNull(amountColumn) ? 0 : record.double(amountColumn) else {
                problems.add(line: record.line, "column \(schema.amount): \"\(record.string(amountColumn).prefix(40))\" is not a number")
                continue
            }
            var cost: Double
            var costSource = costName
            var column = costColumn
            if role == .covered, let effectiveColumn, !text(effectiveColumn).isEmpty {
                column = effectiveColumn
                costSource = effectiveName
            }
            if column < record.count && record.isNull(column) {
                cost = 0
            } else if column < record.count, let value = record.double(column) {
                cost = value
            } else {
                problems.add(line: record.line, "column \(costSource): \"\(text(column).prefix(40))\" is not a number")
                continue
            }
            switch role {
            case .usage: break
            case .covered:
                coveredLines += 1
                if column != costColumn { coveredAtEffectiveCost += 1 }
            case .negation:
                // The usage is on the covered line; with the effective cost used there, the negation is superseded.
                amount = 0
                if effectiveColumn != nil { cost = 0 }
            }
            currencies.see(text(currencyColumn))
            var names: [MappingField: String] = [:]
            for (field, value) in FargateCost.names(fromARN: text(resourceColumn)) { names[field] = value }
            for (key, index) in tagColumns {
                FargateCost.addTag(key: key, value: text(index), to: &names)
            }
            if let tagMapColumn {
                if let map = FargateCost.parseMap(text(tagMapColumn)) {
                    for (key, value) in map { FargateCost.addTag(key: key, value: value, to: &names) }
                } else {
                    unreadableMaps += 1
                }
            }
            let line = FargateCost.Line(
                line: record.line, start: start.seconds, end: end, kind: kind, amount: amount, cost: cost, names: names)
            FargateCost.add(line, context: context, sink: &sink, summary: &summary, problems: &problems)
        }
        summary.costColumn = costName
        if coveredAtEffectiveCost > 0 {
            summary.costColumn = "\(costName); \(effectiveName) for Savings Plan covered usage"
        } else if coveredLines > 0 {
            summary.costColumn = "\(costName); Savings Plan covered usage netted by its SavingsPlanNegation lines"
        }
        currencies.warn(&summary, column: schema.currency)
        if unreadableMaps > 0 {
            summary.warnings.append(
                "\(unreadableMaps) Fargate lines have a resource_tags value that is not a map; their tags were not used for mapping")
        }
    }

    /// The usage kind of a Fargate usage type (see ``FargateCost/usageKind(_:)``).
    static func usageKind(_ usageType: String) -> String? { FargateCost.usageKind(usageType) }

    /// The cluster in `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>` or `service/<cluster>/<name>`.
    static func clusterName(fromARN arn: String) -> String? { FargateCost.names(fromARN: arn)[.cluster] }
}
