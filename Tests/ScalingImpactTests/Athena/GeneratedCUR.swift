import Foundation

@testable import ScalingImpact

/// Deterministic CUR line items in the two Athena table layouts (CUR 2.0 with map columns, and
/// the legacy integration's `resource_tags_*` columns), as CSV the local importer reads and the
/// DuckDB fixture loads as a table: Fargate x86, ARM and ephemeral storage usage for any region
/// prefix, Savings Plan covered usage and its negation, daily lines spread over their hours,
/// lines mapped by task ARN, service ARN, ECS tags and a `tag:team` rule, lines nothing maps,
/// and lines that are not ECS Fargate compute (EKS Fargate pods, the Windows licence, tax).
struct GeneratedCUR {
    static let start = UTCTime.seconds(year: 2026, month: 9, day: 14)
    static let hours: Int64 = 48

    /// The configuration: the template (clusters name environments) plus a rule on the `team` tag.
    static func configuration() throws -> Configuration {
        try Configuration.parse(
            Configuration.template + """

                [[mapping]]
                field = "tag:team"
                pattern = "iso*"
                service = "web-iso"

                """)
    }

    struct Item {
        var type: String
        var start: Int64
        var end: Int64
        var product: String
        var usageType: String
        var resource: String
        var amount: Double
        var unblended: Double
        var net: Double
        var effective: String
        var netEffective: String
        var clusterTag: String
        var serviceTag: String
        var team: String
    }

    var items: [Item] = []

    init(count: Int, seed: UInt64 = 20_260_915) {
        var random = SplitMix64(seed: seed)
        let clusters = ["prod-eu-main", "prod-us-blue", "staging-1", "sandbox"]
        let services = ["web", "web-ingestion", "web-iso"]
        let usageTypes = [
            "EUW1-Fargate-vCPU-Hours:perCPU", "EU-Fargate-GB-Hours", "USE1-Fargate-ARM-vCPU-Hours:perCPU",
            "USE2-Fargate-ARM-GB-Hours", "APN1-Fargate-EphemeralStorage-GB-Hours", "EUC1-SpotUsage-Fargate-vCPU-Hours:perCPU",
        ]
        for i in 0..<count {
            let hour = Self.start + Int64.random(in: 0..<Self.hours, using: &random) * 3600
            let cluster = clusters[Int.random(in: 0..<clusters.count, using: &random)]
            let service = services[Int.random(in: 0..<services.count, using: &random)]
            let amount = Double(Int.random(in: 1...40_000, using: &random)) / 10_000
            let rate = [0.04048, 0.004445, 0.03238, 0.00356, 0.000111, 0.0125][Int.random(in: 0..<6, using: &random)]
            var item = Item(
                type: "Usage", start: hour, end: hour + 3600, product: "AmazonECS",
                usageType: usageTypes[Int.random(in: 0..<usageTypes.count, using: &random)],
                resource: "arn:aws:ecs:eu-west-1:123456789012:task/\(cluster)/\(String(i, radix: 16))", amount: amount,
                unblended: amount * rate, net: amount * rate * 0.93, effective: "", netEffective: "", clusterTag: "",
                serviceTag: service, team: "")
            switch Double.random(in: 0..<1, using: &random) {
            case ..<0.08:
                item.type = "SavingsPlanCoveredUsage"
                item.effective = "\(amount * rate * 0.7)"
                item.netEffective = "\(amount * rate * 0.65)"
            case ..<0.14:
                item.type = "SavingsPlanNegation"
                item.unblended = -item.unblended
                item.net = -item.net
            case ..<0.18:
                // A daily line, spread evenly over its 24 hours.
                item.start = hour - hour % 86_400
                item.end = item.start + 86_400
            case ..<0.22:
                item.resource = "arn:aws:ecs:eu-west-1:123456789012:service/\(cluster)/\(service)"
                item.serviceTag = ""
            case ..<0.26:
                item.resource = ""
                item.clusterTag = cluster
            case ..<0.30:
                item.team = "iso-platform"
            case ..<0.33:
                item.product = "AmazonEKS"
            case ..<0.35:
                item.usageType = "USE1-Fargate-Windows-OS-Hours:perCPU"
            case ..<0.37:
                item.type = "Tax"
            case ..<0.40:
                item.resource = ""
                item.serviceTag = ""
            case ..<0.42:
                item.product = ""
            default:
                break
            }
            items.append(item)
        }
    }

    static func timestamp(_ seconds: Int64) -> String { UTCTime.iso8601(seconds) }

    /// Double-quotes a field when it needs it.
    static func csv(_ text: String) -> String {
        text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static let commonHeader =
        "line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,"
        + "line_item_usage_type,line_item_resource_id,line_item_usage_amount,line_item_unblended_cost,"
        + "line_item_net_unblended_cost,savings_plan_savings_plan_effective_cost,savings_plan_net_savings_plan_effective_cost"

    func common(_ item: Item) -> String {
        [
            item.type, Self.timestamp(item.start), Self.timestamp(item.end), item.product, item.usageType, item.resource,
            "\(item.amount)", "\(item.unblended)", "\(item.net)", item.effective, item.netEffective,
        ].map(Self.csv).joined(separator: ",")
    }

    /// CUR 2.0: `product` and `resource_tags` as JSON maps, and the `billing_period` partition.
    var cur2: String {
        var text = Self.commonHeader + ",product,resource_tags,billing_period\n"
        for item in items {
            var tags: [String] = []
            if !item.clusterTag.isEmpty { tags.append("\"aws_ecs_cluster_name\": \"\(item.clusterTag)\"") }
            if !item.serviceTag.isEmpty { tags.append("\"aws_ecs_service_name\": \"\(item.serviceTag)\"") }
            if !item.team.isEmpty { tags.append("\"user_team\": \"\(item.team)\"") }
            let product = item.product.isEmpty ? "{\"servicecode\": \"AmazonECS\"}" : "{\"servicecode\": \"\(item.product)\"}"
            let f = UTCTime.fields(item.start)
            text += common(item) + "," + Self.csv(product) + "," + Self.csv("{" + tags.joined(separator: ", ") + "}")
                + ",\(f.year)-\(f.month < 10 ? "0" : "")\(f.month)\n"
        }
        return text
    }

    /// The legacy CUR's Athena table: a column per activated tag, and the `year`/`month` partitions.
    var legacy: String {
        var text = Self.commonHeader
            + ",resource_tags_aws_ecs_cluster_name,resource_tags_aws_ecs_service_name,resource_tags_user_team,year,month\n"
        for item in items {
            let f = UTCTime.fields(item.start)
            text += common(item) + ",\(item.clusterTag),\(item.serviceTag),\(item.team),\(f.year),\(f.month)\n"
        }
        return text
    }
}
