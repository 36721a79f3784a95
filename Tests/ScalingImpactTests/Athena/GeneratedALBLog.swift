import Foundation

@testable import ScalingImpact

/// Deterministic ALB access log lines that exercise every rule the Athena query repeats: the
/// three processing times at millisecond and microsecond precision, latencies on both sides of
/// bucket boundaries and at the zero bucket, `-1` in some or all times, load balancer answers,
/// 5xx from the load balancer or the target, lines mapped by load balancer, by target group and by
/// a name equal to an environment, unmapped lines, lines the local importer rejects, and the
/// field layouts of older (25 fields) and newer (30 fields, trace id) logs.
struct GeneratedALBLog {
    static let account = "123456789012"
    /// Load balancers: two mapped by rule, one whose name is an environment, one nothing maps.
    static let loadBalancers = ["prod-eu-public", "prod-us-public", "staging", "shared-edge"]
    static let services = ["web", "web-ingestion", "web-iso"]

    /// The configuration: the template plus rules on the load balancers' names, and a `?` glob.
    static func configuration() throws -> Configuration {
        let text = Configuration.template + """

            [[mapping]]
            field = "load_balancer"
            pattern = "prod-eu-*"
            environment = "prod-eu"

            [[mapping]]
            field = "load_balancer"
            pattern = "prod-us-*"
            environment = "prod-us"

            [[mapping]]
            field = "target_group"
            pattern = "edge-?pi"
            service = "web"

            """
        return try Configuration.parse(text)
    }

    /// The UTC day the lines start on.
    static let start = UTCTime.seconds(year: 2026, month: 9, day: 14)
    /// How many days the lines span.
    static let days: Int64 = 2

    /// The lines, one file's text.
    var text = ""
    var lines = 0

    init(lines count: Int, seed: UInt64 = 20_260_914) {
        var random = SplitMix64(seed: seed)
        let gamma = LatencyHistogram.gamma
        for index in 0..<count {
            let second = Int64.random(in: 0..<(Self.days * 86_400), using: &random)
            let micros = Int.random(in: 0..<1_000_000, using: &random)
            let time = UTCTime.iso8601(Self.start + second).dropLast() + "." + Self.pad(micros, 6) + "Z"
            let lb = Self.loadBalancers[Int.random(in: 0..<Self.loadBalancers.count, using: &random)]
            let environment = lb.hasPrefix("prod-eu") ? "prod-eu" : lb.hasPrefix("prod-us") ? "prod-us" : lb
            let service = Self.services[Int.random(in: 0..<Self.services.count, using: &random)]
            var targetGroup = "arn:aws:elasticloadbalancing:eu-west-1:\(Self.account):targetgroup/\(environment)-\(service)/73e2d6bc24d8a067"
            var times: String
            var elbStatus = "200"
            var targetStatus = "200"
            let kind = Double.random(in: 0..<1, using: &random)
            switch kind {
            case ..<0.02:
                // A redirect or fixed response the load balancer answers itself: no target group.
                times = "-1 -1 -1"
                elbStatus = ["301", "302", "200", "404"][Int.random(in: 0..<4, using: &random)]
                targetStatus = "-"
                targetGroup = "-"
            case ..<0.04:
                // Not dispatched, timed out or the target closed the connection.
                times = ["-1 -1 -1", "0.001 -1 -1", "-1 -1 0.000"][Int.random(in: 0..<3, using: &random)]
                elbStatus = ["460", "502", "503", "504"][Int.random(in: 0..<4, using: &random)]
                targetStatus = "-"
            case ..<0.07:
                // Latencies just below and above a bucket boundary, at microsecond precision.
                let k = Int.random(in: -200...1700, using: &random)
                let boundary = pow(gamma, Double(k)) * 1000
                let total = max(0, Int64(boundary.rounded(.down)) + Int64.random(in: -1...2, using: &random))
                let request = total / 3
                times = "\(Self.seconds(micros: request)) \(Self.seconds(micros: total - request)) 0.000000"
            case ..<0.08:
                // The zero bucket and its edge: 0, 1 and 2 µs.
                times = ["0.000 0.000 0.000", "0.000001 0.000000 0.000000", "0.000001 0.000001 0.000000"][
                    Int.random(in: 0..<3, using: &random)]
            case ..<0.10:
                // Errors with a latency: a 5xx from the target (and the load balancer), or from the target only.
                times = "0.001 \(Self.seconds(micros: Int64.random(in: 1...30_000, using: &random) * 1000)) 0.000"
                (elbStatus, targetStatus) = [("500", "500"), ("502", "-"), ("200", "503")][Int.random(in: 0..<3, using: &random)]
            case ..<0.101:
                // Values the local importer rejects (left out of both imports and counted).
                switch Int.random(in: 0..<3, using: &random) {
                case 0: times = "-2.000 0.001 0.000"
                case 1:
                    times = "0.000 0.001 0.000"
                    targetStatus = "099"
                default:
                    times = "0.000 0.001 0.000"
                    targetGroup = "not-an-arn"
                }
            case ..<0.12:
                // A target group no rule maps (its load balancer may still give the environment).
                times = "0.000 0.004 0.000"
                targetGroup = "arn:aws:elasticloadbalancing:eu-west-1:\(Self.account):targetgroup/batch-jobs/0a1b2c3d4e5f6a7b"
            case ..<0.13:
                // A target group mapped by the `edge-?pi` rule.
                times = "0.000 0.012 0.001"
                targetGroup = "arn:aws:elasticloadbalancing:eu-west-1:\(Self.account):targetgroup/edge-api/0a1b2c3d4e5f6a7b"
            default:
                let request = Int64.random(in: 0...3, using: &random)
                let target = max(1, Int64((40 * exp(0.8 * Double.random(in: -2...2.5, using: &random))).rounded()))
                let response = Int64.random(in: 0...1, using: &random)
                times = "\(Self.seconds(micros: request * 1000)) \(Self.seconds(micros: target * 1000)) \(Self.seconds(micros: response * 1000))"
            }
            let target = targetStatus == "-" && elbStatus != "502" ? "-" : "10.0.\(index % 7).\(index % 200):8080"
            let request = "\"GET https://\(lb).example.com:443/api/v1/items/\(index)?q=a b&page=\(index % 9) HTTP/1.1\""
            let agent = "\"Mozilla/5.0 (X11; Linux x86_64) probe/\(index % 13)\""
            var line =
                "https \(time) app/\(lb)/50dc6c495c0c9188 203.0.113.\(index % 250):\(40_000 + index % 20_000) \(target) "
                + "\(times) \(elbStatus) \(targetStatus) \(200 + index % 300) \(400 + index % 900) \(request) \(agent) "
                + "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 \(targetGroup) \"Root=1-58337262-36d228ad5d99923122bb\(index)\" "
                + "\"\(lb).example.com\" \"arn:aws:acm:eu-west-1:\(Self.account):certificate/12345678-1234\" 1 \(time) "
                + "\"forward\" \"-\" \"-\""
            if index % 2 == 0 {
                // Newer logs: target:port list, status list, classification, reason and the trace id.
                line += " \"\(target)\" \"\(targetStatus)\" \"-\" \"-\" TID_\(String(index, radix: 16))"
            }
            text += line + "\n"
            lines += 1
        }
    }

    /// Seconds with six decimals for a whole number of microseconds (0 ≤ micros).
    static func seconds(micros: Int64) -> String {
        "\(micros / 1_000_000).\(pad(Int(micros % 1_000_000), 6))"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
