import Foundation
import Testing

@testable import ScalingImpact

/// A month of ALB access logs for 4 environments × 3 services, written the way AWS lays them out
/// (`AWSLogs/<account>/elasticloadbalancing/<region>/<yyyy>/<mm>/<dd>/*.log[.gz]`), with what an
/// exact reader should find in them.
struct ALBLogMonth {
    /// What was written for one (environment, service).
    struct Series {
        var requests: Int64 = 0
        var errors: Int64 = 0
        /// Latencies (ms) of the requests that have one.
        var latencies: [Double] = []
    }

    static let account = "123456789012"
    static let environments = [
        ("staging", "us-east-1"), ("prod-eu", "eu-west-1"), ("prod-us", "us-east-1"), ("prod-hipaa", "us-east-2"),
    ]
    static let services = [("web", 40.0, 0.5), ("web-ingestion", 120.0, 0.3), ("web-iso", 250.0, 0.2)]
    /// Text that must never reach the database or a message.
    static let secrets = [
        "203.0.113.77", "patients/98765", "ssn=123-45-6789", "SecretAgent", "Root=1-deadbeef-0123456789abcdef", "TID_feedface",
    ]

    /// The configuration: the template plus rules naming each environment's load balancer.
    static func configuration() throws -> Configuration {
        var text = Configuration.template
        for (environment, _) in environments {
            text += """

                [[mapping]]
                field = "load_balancer"
                pattern = "\(environment)-public"
                environment = "\(environment)"

                """
        }
        return try Configuration.parse(text)
    }

    var expected: [ServiceKey: Series] = [:]
    var unmapped: Int64 = 0
    var files: [String] = []
    var lines = 0

    /// Writes `days` days from 2026-09-01, one file per environment and day, `linesPerFile` lines each.
    init(root: String, days: Int, linesPerFile: Int, seed: UInt64 = 20_260_901) throws {
        var random = SplitMix64(seed: seed)
        let start = UTCTime.seconds(year: 2026, month: 9, day: 1)
        let fm = FileManager.default
        // AWS writes this marker when access logging is switched on; importing the folder skips it.
        try fm.createDirectory(atPath: "\(root)/AWSLogs/\(Self.account)", withIntermediateDirectories: true)
        try Data("Enable AccessLog for ELB: prod-eu-public at 2026-08-31T12:00:00.000Z".utf8)
            .write(to: URL(fileURLWithPath: "\(root)/AWSLogs/\(Self.account)/ELBAccessLogTestFile"))
        for day in 0..<days {
            let dayStart = start + Int64(day) * 86_400
            let f = UTCTime.fields(dayStart)
            for (e, (environment, region)) in Self.environments.enumerated() {
                let folder = "\(root)/AWSLogs/\(Self.account)/elasticloadbalancing/\(region)/\(f.year)/\(Self.pad(f.month, 2))/\(Self.pad(f.day, 2))"
                try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let lb = "\(environment)-public"
                let stamp = "\(f.year)\(Self.pad(f.month, 2))\(Self.pad(f.day, 2))T0000Z"
                let compressed = (day + e) % 3 == 0
                let name = "\(Self.account)_elasticloadbalancing_\(region)_app.\(lb).50dc6c495c0c918\(e)_\(stamp)_10.0.\(e).1_\(day)x\(e).log"
                var text = ""
                text.reserveCapacity(linesPerFile * 420)
                for i in 0..<linesPerFile {
                    text += makeLine(
                        environment: environment, loadBalancer: lb, region: region, dayStart: dayStart, index: i,
                        random: &random)
                    text += "\n"
                }
                let path = "\(folder)/\(name)\(compressed ? ".gz" : "")"
                if compressed {
                    let writer = try GzipWriter(path: path)
                    try writer.write(text)
                    try writer.close()
                } else {
                    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
                }
                files.append(path)
                lines += linesPerFile
            }
        }
    }

    private mutating func makeLine(
        environment: String, loadBalancer: String, region: String, dayStart: Int64, index: Int, random: inout SplitMix64
    ) -> String {
        let pick = random.uniform()
        var s = 0
        var cumulative = 0.0
        for (k, service) in Self.services.enumerated() {
            cumulative += service.2
            if pick < cumulative || k == Self.services.count - 1 {
                s = k
                break
            }
        }
        let (service, median, _) = Self.services[s]
        let second = Int64(random.uniform() * 86_400)
        let micros = Int(random.uniform() * 1_000_000)
        let time = UTCTime.iso8601(dayStart + second).dropLast() + "." + Self.pad(micros, 6) + "Z"
        let kind = random.uniform()
        var targetGroup = "arn:aws:elasticloadbalancing:\(region):\(Self.account):targetgroup/\(environment)-\(service)/73e2d6bc24d8a06\(s)"
        var times: String
        var elbStatus = "200"
        var targetStatus = "200"
        var key: ServiceKey? = ServiceKey(environment: environment, service: service)
        var latency: Double?
        var isError = false
        if kind < 0.004 {
            // An HTTP→HTTPS redirect the load balancer answers itself: no target group, so no service.
            times = "-1 -1 -1"
            elbStatus = "301"
            targetStatus = "-"
            targetGroup = "-"
            key = nil
        } else if kind < 0.009 {
            // Never dispatched or timed out: no latency, an error.
            times = "-1 -1 -1"
            elbStatus = ["504", "460", "502", "503"][Int(random.uniform() * 4)]
            targetStatus = "-"
            isError = true
        } else {
            let requestMs = Int(random.uniform() * 3)
            let targetMs = max(1, Int((median * exp(0.6 * random.normal())).rounded()))
            let responseMs = Int(random.uniform() * 2)
            times = "\(Self.seconds(requestMs)) \(Self.seconds(targetMs)) \(Self.seconds(responseMs))"
            latency = Double(requestMs + targetMs + responseMs)
            if kind < 0.02 {
                elbStatus = "500"
                targetStatus = "500"
                isError = true
            }
        }
        if let key {
            expected[key, default: Series()].requests += 1
            if isError { expected[key, default: Series()].errors += 1 }
            if let latency { expected[key, default: Series()].latencies.append(latency) }
        } else {
            unmapped += 1
        }
        let agent = index % 7 == 0 ? "SecretAgent/1.0 (with \\\"quotes\\\" inside)" : "curl/8.5.0"
        let request = "GET https://api.example.com:443/patients/98765/records?ssn=123-45-6789&page=\(index) HTTP/1.1"
        var line =
            "https \(time) app/\(loadBalancer)/50dc6c495c0c9188 203.0.113.77:\(40_000 + index % 20_000) 10.0.1.\(s):8080 "
            + "\(times) \(elbStatus) \(targetStatus) 312 \(1000 + index % 900) \"\(request)\" \"\(agent)\" "
            + "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 \(targetGroup) \"Root=1-deadbeef-0123456789abcdef\" "
            + "\"api.example.com\" \"-\" 10 \(time) \"forward\" \"-\" \"-\""
        // AWS appends fields over the years: 25, 29, 30 and 32 fields all occur.
        switch index % 4 {
        case 1: line += " \"10.0.1.\(s):8080\" \"\(targetStatus)\" \"-\" \"-\""
        case 2: line += " \"10.0.1.\(s):8080\" \"\(targetStatus)\" \"-\" \"-\" TID_feedface"
        case 3: line += " \"10.0.1.\(s):8080\" \"\(targetStatus)\" \"-\" \"-\" TID_feedface \"-\" \"-\""
        default: break
        }
        return line
    }

    /// `ms` as ALB writes seconds: `0.042`.
    static func seconds(_ ms: Int) -> String { "\(ms / 1000).\(pad(ms % 1000, 3))" }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
