/// The query behind `scaling-impact athena-sql cost`: Fargate usage and billed cost per
/// (environment, service, hour, usage kind) from a CUR table in Athena, as ``CURParser`` computes
/// them from the same line items.
///
/// Two table layouts: CUR 2.0 (Data Exports; `product` and `resource_tags` are map columns,
/// partitioned by `billing_period` `YYYY-MM`) and the legacy CUR's Athena integration (a
/// `resource_tags_<key>` column per activated tag, partitioned by `year` and `month`, the month
/// without a leading zero). Both have the `line_item_*` columns; times are `timestamp`.
///
/// The local importer's rules, line for line: Fargate compute usage types for any region prefix
/// (`…Fargate…vCPU-Hours…`, `…GB-Hours`, ARM, ephemeral storage; the Windows licence is a fee),
/// line item types Usage, DiscountedUsage, SavingsPlanCoveredUsage and SavingsPlanNegation,
/// product `AmazonECS` (or none); the net unblended cost, or the unblended cost; Savings Plan
/// covered usage at its effective cost (and its negation line left out) when the table has the
/// Savings Plan columns; a line longer than an hour spread evenly over its hours. Lines map by the
/// cluster and service in the task or service ARN, the `aws:ecs:clusterName` /
/// `aws:ecs:serviceName` tags and `tag:<key>` rules.
public struct AthenaCostQuery: Sendable {
    /// How the CUR table is laid out.
    public enum Layout: String, CaseIterable, Sendable {
        /// CUR 2.0 (Data Exports): map columns `product` and `resource_tags`.
        case cur2
        /// The legacy CUR's Athena integration: one `resource_tags_<key>` column per tag.
        case legacy
    }

    /// Which bill column gives the billed cost.
    public enum CostColumn: String, CaseIterable, Sendable {
        /// `line_item_net_unblended_cost` (after discounts); the local importer's choice when present.
        case net
        /// `line_item_unblended_cost`.
        case unblended
    }

    /// The result's columns, in order; the importer recognises the format by them.
    public static let columns = [
        "outcome", "environment", "service", "period_start", "usage_kind", "usage_amount", "billed_cost_usd",
        "line_items", "cluster", "ecs_service", "cost_column",
    ]

    /// The longest charge period a line may spread over, as the local importer allows.
    static let maxSpreadHours = FargateCost.maxSpreadHours

    /// The UTC range `[start, end)` of the hours to return.
    public var range: TimeWindow
    /// The CUR table.
    public var table: String
    /// The table's layout.
    public var layout: Layout
    /// The billed cost column.
    public var costColumn: CostColumn
    /// Whether the table has the Savings Plan effective cost columns.
    public var hasSavingsPlanColumns: Bool
    /// Whether a legacy table has the `resource_tags_aws_ecs_cluster_name` and `…_service_name` columns.
    public var hasECSTagColumns: Bool
    /// Whether to restrict the scan to the range's partitions.
    public var isPartitioned: Bool
    /// The engine the SQL is written for.
    public var dialect: SQLDialect

    /// A query; the range must be non-empty whole hours. Defaults follow the layout: CUR 2.0 has
    /// every column, a legacy table only those its account's bill needed.
    public init(
        range: TimeWindow, table: String = "cur", layout: Layout = .cur2, costColumn: CostColumn? = nil,
        hasSavingsPlanColumns: Bool? = nil, hasECSTagColumns: Bool = true, isPartitioned: Bool = false,
        dialect: SQLDialect = .trino
    ) throws(AthenaSQLError) {
        try AthenaLatencyQuery.validate(range, period: 3600, name: "hour")
        self.range = range
        self.table = table
        self.layout = layout
        self.costColumn = costColumn ?? (layout == .cur2 ? .net : .unblended)
        self.hasSavingsPlanColumns = hasSavingsPlanColumns ?? (layout == .cur2)
        self.hasECSTagColumns = hasECSTagColumns
        self.isPartitioned = isPartitioned
        self.dialect = dialect
    }

    var costColumnName: String {
        costColumn == .net ? "line_item_net_unblended_cost" : "line_item_unblended_cost"
    }

    var effectiveCostColumnName: String {
        costColumn == .net ? "savings_plan_net_savings_plan_effective_cost" : "savings_plan_savings_plan_effective_cost"
    }

    /// What `imports.cost_column` records, as the local importer words it.
    var costColumnDescription: String {
        hasSavingsPlanColumns
            ? "\(costColumnName); \(effectiveCostColumnName) for Savings Plan covered usage" : costColumnName
    }

    /// The SQL text, mapping line items with `configuration`'s rules.
    public func render(configuration: Configuration) throws(AthenaSQLError) -> String {
        let d = dialect
        let table = try SQLText.tableName(self.table)
        let names = try tagExpressions(configuration)
        var tagColumns = names.columns.map { "\($0.expression) AS \($0.alias)" }
        if layout == .cur2 { tagColumns.append("resource_tags") }
        let product =
            layout == .cur2
            ? "coalesce(nullif(line_item_product_code, ''), \(d.mapValue("product", key: "servicecode")), '')"
            : "coalesce(line_item_product_code, '')"
        let effective = hasSavingsPlanColumns ? effectiveCostColumnName : "CAST(NULL AS DOUBLE)"
        var conditions = [
            "line_item_usage_type LIKE '%Fargate%'",
            "line_item_usage_start_date < \(d.timestamp(range.end))",
            "(line_item_usage_end_date > \(d.timestamp(range.start)) OR line_item_usage_start_date >= \(d.timestamp(range.start)))",
        ]
        if isPartitioned { conditions.append(partitionCondition()) }
        let arn = "resource_id"
        let prefix = "^arn:aws[^:]*:ecs:[^:]*:[^:]*:"
        func extract(_ pattern: String, _ group: Int) -> String {
            "nullif(\(d.regexpExtract(arn, prefix + pattern, group: group)), '')"
        }
        let arnCluster = [
            extract("(task|container-instance)/([^/]*)/[^/]*$", 2), extract("task-set/([^/]*)/[^/]*/[^/]*$", 1),
            extract("service/([^/]*)/[^/]*$", 1), extract("cluster/([^/]*)$", 1),
        ]
        let arnService = [extract("service/[^/]*/([^/]*)$", 1), extract("service/([^/]*)$", 1)]
        var mappingNames: [MappingField: String] = [.cluster: "cluster_name", .service: "service_name"]
        for (field, alias) in names.fields { mappingNames[field] = alias }
        var environmentFallbacks = ["cluster_name", "service_name"] + names.columns.map(\.alias)
        if layout == .cur2 {
            environmentFallbacks.append(d.mapValue("resource_tags", among: configuration.environments.map(\.name)))
        }
        var serviceFallbacks = ["service_name"]
        if let serviceTag = names.fields[.tag("service")] { serviceFallbacks.append(serviceTag) }
        let mapping = MappingSQL(
            names: mappingNames, environmentFallbacks: environmentFallbacks, serviceFallbacks: serviceFallbacks)
        let fromSeconds = range.start
        // With the effective cost on covered lines, their negation lines would take it off again.
        let negation = hasSavingsPlanColumns ? "\n      WHEN role = 'negation' THEN 0" : ""
        let hourExpression = "hour_s + h * 3600"
        return """
            -- scaling-impact athena-sql cost (\(d == .trino ? "Trino / Amazon Athena" : "DuckDB"))
            -- Fargate usage and billed cost (\(costColumnDescription)) of the \(layout == .cur2 ? "CUR 2.0" : "legacy CUR")
            -- table \(table), per (environment, service, hour, usage kind), for the hours in
            -- [\(UTCTime.iso8601(range.start)), \(UTCTime.iso8601(range.end))). Save the result as CSV and import it:
            --   scaling-impact import <result>.csv
            WITH items AS (
              SELECT
                \(d.epochSeconds("line_item_usage_start_date")) AS start_s,
                \(d.epochSeconds("line_item_usage_end_date")) AS end_s,
                line_item_usage_type AS usage_type,
                coalesce(line_item_line_item_type, '') AS line_item_type,
                \(product) AS product_code,
                coalesce(line_item_resource_id, '') AS resource_id,
                coalesce(line_item_usage_amount, 0) AS amount,
                coalesce(\(costColumnName), 0) AS cost,
                \(effective) AS effective_cost\(tagColumns.isEmpty ? "" : ",\n    " + tagColumns.joined(separator: ",\n    "))
              FROM \(table)
              WHERE \(conditions.joined(separator: "\n    AND "))
            ),
            named AS (
              SELECT *,
                coalesce(\(names.clusterTag.map { $0 + ", " } ?? "")\(arnCluster.joined(separator: ", "))) AS cluster_name,
                coalesce(\(names.serviceTag.map { $0 + ", " } ?? "")\(arnService.joined(separator: ", "))) AS service_name,
                start_s - (start_s % 3600) AS hour_s
              FROM items
            ),
            classified AS (
              SELECT *,
                CASE
                  WHEN usage_type LIKE '%EphemeralStorage%' THEN 'ephemeral_storage'
                  WHEN usage_type LIKE '%vCPU-Hours%' THEN CASE WHEN usage_type LIKE '%-ARM-%' THEN 'arm_vcpu' ELSE 'vcpu' END
                  WHEN usage_type LIKE '%GB-Hours%' THEN CASE WHEN usage_type LIKE '%-ARM-%' THEN 'arm_memory' ELSE 'memory' END
                END AS usage_kind,
                CASE
                  WHEN line_item_type IN ('', 'Usage', 'DiscountedUsage') THEN 'usage'
                  WHEN line_item_type = 'SavingsPlanCoveredUsage' THEN 'covered'
                  WHEN line_item_type = 'SavingsPlanNegation' THEN 'negation'
                END AS role,
                CASE WHEN end_s > hour_s + 3600 THEN \(d.integerDivide("end_s - hour_s + 3599", "3600")) ELSE 1 END AS hours,
                \(mapping.environment(configuration)) AS environment,
                \(mapping.service(configuration)) AS service
              FROM named
            ),
            outcomes AS (
              SELECT *,
                CASE
                  WHEN usage_kind IS NULL OR role IS NULL OR product_code NOT IN ('', 'AmazonECS') THEN 'ignored'
                  WHEN start_s IS NULL OR hours > \(Self.maxSpreadHours) THEN 'rejected'
                  WHEN environment IS NULL OR service IS NULL THEN 'unmapped'
                  ELSE 'ok'
                END AS outcome,
                CASE WHEN role = 'negation' THEN 0 ELSE amount END AS line_amount,
                CASE
                  WHEN role = 'covered' AND effective_cost IS NOT NULL THEN effective_cost\(negation)
                  ELSE cost
                END AS line_cost
              FROM classified
            ),
            hourly AS (
              SELECT o.*, h, \(hourExpression) AS hour_start,
                CASE WHEN o.hours = 1 THEN o.line_amount ELSE o.line_amount * (CAST(1 AS DOUBLE) / o.hours) END AS hour_amount,
                CASE WHEN o.hours = 1 THEN o.line_cost ELSE o.line_cost * (CAST(1 AS DOUBLE) / o.hours) END AS hour_cost
              FROM outcomes o
              \(d.crossJoinSeries(count: "CASE WHEN o.outcome = 'ok' THEN o.hours ELSE 1 END", alias: "h"))
            )
            SELECT
              outcome,
              CASE WHEN outcome = 'ok' THEN environment END AS environment,
              CASE WHEN outcome = 'ok' THEN service END AS service,
              CASE WHEN outcome = 'ok' THEN \(d.iso8601(epochSeconds: "hour_start")) END AS period_start,
              CASE WHEN outcome = 'ok' THEN usage_kind END AS usage_kind,
              sum(CASE WHEN outcome = 'ok' THEN hour_amount END) AS usage_amount,
              sum(CASE WHEN outcome = 'ok' THEN hour_cost END) AS billed_cost_usd,
              sum(CASE WHEN h = 0 OR hour_start = \(fromSeconds) THEN 1 ELSE 0 END) AS line_items,
              CASE WHEN outcome = 'unmapped' THEN cluster_name END AS cluster,
              CASE WHEN outcome = 'unmapped' THEN service_name END AS ecs_service,
              \(SQLText.literal(costColumnDescription)) AS cost_column
            FROM hourly
            WHERE hour_start >= \(fromSeconds) AND hour_start < \(range.end)
            GROUP BY 1, 2, 3, 4, 5, 9, 10
            ORDER BY 1, 2, 3, 4, 5, 9, 10

            """
    }

    /// Tag names as SQL: the ECS cluster and service tags, and each `tag:<key>` a rule or the
    /// service fallback reads, as an aliased column of `items`.
    struct TagNames {
        var clusterTag: String?
        var serviceTag: String?
        /// (SQL over the table, alias in later steps).
        var columns: [(expression: String, alias: String)] = []
        /// The alias of each tag field.
        var fields: [MappingField: String] = [:]
    }

    func tagExpressions(_ configuration: Configuration) throws(AthenaSQLError) -> TagNames {
        var names = TagNames()
        var keys: [String] = []
        for rule in configuration.mappingRules {
            if case .tag(let key) = rule.field, !keys.contains(key) { keys.append(key) }
        }
        if layout == .cur2, !keys.contains("service") { keys.append("service") }
        func nonEmpty(_ expression: String) -> String { "nullif(\(expression), '')" }
        switch layout {
        case .cur2:
            func anyKey(_ candidates: [String]) -> String {
                "coalesce(" + candidates.map { nonEmpty(dialect.mapValue("resource_tags", key: $0)) }.joined(separator: ", ") + ")"
            }
            names.columns.append((anyKey(["aws:ecs:clusterName", "aws_ecs_cluster_name"]), "tag_ecs_cluster"))
            names.columns.append((anyKey(["aws:ecs:serviceName", "aws_ecs_service_name"]), "tag_ecs_service"))
            names.clusterTag = "tag_ecs_cluster"
            names.serviceTag = "tag_ecs_service"
            for (i, key) in keys.enumerated() {
                let alias = "tag_\(i + 1)"
                names.columns.append((anyKey(["user_\(key)", "user:\(key)", key]), alias))
                names.fields[.tag(key)] = alias
            }
        case .legacy:
            if hasECSTagColumns {
                names.columns.append((nonEmpty("resource_tags_aws_ecs_cluster_name"), "tag_ecs_cluster"))
                names.columns.append((nonEmpty("resource_tags_aws_ecs_service_name"), "tag_ecs_service"))
                names.clusterTag = "tag_ecs_cluster"
                names.serviceTag = "tag_ecs_service"
            }
            for (i, key) in keys.enumerated() {
                // Athena names a tag's column in lowercase snake_case: only such keys can match,
                // as in the local importer, which reads the key from the column name.
                guard key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
                else {
                    throw AthenaSQLError(
                        message: "mapping rule field \"tag:\(key)\": a legacy CUR table has a column per tag named in "
                            + "lowercase snake_case (resource_tags_user_<key>)",
                        hint: "write the rule's key as the column names it, e.g. tag:\(FargateCost.snakeCase(key))")
                }
                let column = key.hasPrefix("aws_") ? "resource_tags_\(key)" : "resource_tags_user_\(key)"
                let alias = "tag_\(i + 1)"
                names.columns.append((nonEmpty(column), alias))
                names.fields[.tag(key)] = alias
            }
        }
        return names
    }

    /// Partition pruning for the months of the range.
    func partitionCondition() -> String {
        var months: [(year: Int, month: Int)] = []
        var f = UTCTime.fields(range.start)
        let last = UTCTime.fields(range.end - 1)
        while (f.year, f.month) <= (last.year, last.month) {
            months.append((f.year, f.month))
            f.month += 1
            if f.month > 12 {
                f.month = 1
                f.year += 1
            }
        }
        switch layout {
        case .cur2:
            let list = months.map { SQLText.literal("\($0.year)-\($0.month < 10 ? "0" : "")\($0.month)") }
            return "billing_period IN (\(list.joined(separator: ", ")))"
        case .legacy:
            let terms = months.map { "(year = '\($0.year)' AND month = '\($0.month)')" }
            return "(" + terms.joined(separator: " OR ") + ")"
        }
    }
}
