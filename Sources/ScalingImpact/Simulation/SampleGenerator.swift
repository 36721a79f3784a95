import Foundation

/// Generates `sample-data/`: five weeks of a simulated four-environment rollout in real export formats.
///
/// Each (environment, service) is simulated minute by minute: traffic with a daily and weekly
/// cycle, CPU-heavy episodes (reports, ingestion batches) in which CPU per request rises while
/// request counts stay under the scale-out threshold, and an autoscaler that follows the request
/// rule before the environment's change and the request-or-CPU rule after it. Latency rises with
/// CPU utilization. The output is deterministic for a seed: the same seed gives the same bytes.
public struct SampleGenerator: Sendable {
    /// The seed of every random stream.
    public var seed: UInt64 = 20_261_005
    /// First simulated minute (a Monday).
    public var start: Int64 = UTCTime.seconds(year: 2026, month: 10, day: 5)
    /// Number of simulated days.
    public var days = 35
    /// The rollout; its environments, services, change times and prices drive the simulation.
    public var configuration: Configuration

    /// Creates a generator for `configuration` (by default the template's rollout).
    public init(configuration: Configuration, seed: UInt64 = 20_261_005, days: Int = 35) {
        self.configuration = configuration
        self.seed = seed
        self.days = days
    }

    /// Per-environment traffic and behaviour.
    struct EnvironmentProfile {
        var trafficScale: Double
        var utcOffsetHours: Int
        /// Sampled requests per hour per service in the JMeter probe results.
        var probesPerHour: Double
        var cluster: String
    }

    /// Per-service behaviour.
    struct ServiceProfile {
        var peakRPM: Double
        var targetRPMPerTask: Double
        var medianMS: Double
        /// Share of days with a CPU-heavy episode, and its CPU-per-request factor.
        var episodeFactor: Double
        var episodeHoursPerDay: Double
        var label: String
    }

    func environmentProfile(_ name: String, index: Int) -> EnvironmentProfile {
        switch name {
        case "staging": EnvironmentProfile(trafficScale: 0.3, utcOffsetHours: -5, probesPerHour: 8, cluster: "staging-main")
        case "prod-eu": EnvironmentProfile(trafficScale: 0.7, utcOffsetHours: 1, probesPerHour: 14, cluster: "prod-eu-main")
        case "prod-us": EnvironmentProfile(trafficScale: 1.0, utcOffsetHours: -5, probesPerHour: 16, cluster: "prod-us-main")
        case "prod-hipaa": EnvironmentProfile(trafficScale: 0.2, utcOffsetHours: -5, probesPerHour: 3, cluster: "prod-hipaa-main")
        default: EnvironmentProfile(trafficScale: 0.3, utcOffsetHours: 0, probesPerHour: 8, cluster: "\(name)-main")
        }
    }

    func serviceProfile(_ name: String) -> ServiceProfile {
        switch name {
        case "web":
            ServiceProfile(peakRPM: 21_000, targetRPMPerTask: 1_200, medianMS: 48, episodeFactor: 1.42, episodeHoursPerDay: 5, label: "web GET /api/v2/projects")
        case "web-ingestion":
            ServiceProfile(peakRPM: 15_000, targetRPMPerTask: 1_500, medianMS: 85, episodeFactor: 1.35, episodeHoursPerDay: 6, label: "web-ingestion POST /ingest/events")
        case "web-iso":
            ServiceProfile(peakRPM: 3_600, targetRPMPerTask: 420, medianMS: 130, episodeFactor: 1.45, episodeHoursPerDay: 4, label: "web-iso GET /iso/render")
        default:
            ServiceProfile(peakRPM: 3_000, targetRPMPerTask: 600, medianMS: 60, episodeFactor: 1.4, episodeHoursPerDay: 4, label: "\(name) GET /")
        }
    }

    /// One simulated minute of one service.
    struct MinuteState {
        var requests: Double
        var errors: Double
        var running: Int
        var desired: Int
        var cpu: Double
    }

    /// Writes the sample data into `directory` (created when missing) and returns the files written.
    public func write(to directory: String) throws(SimulationError) -> [String] {
        let fm = FileManager.default
        var written: [String] = []
        func makeDirectory(_ path: String) throws(SimulationError) {
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
                throw SimulationError(message: "cannot create \(path): \(error.localizedDescription)")
            }
        }
        try makeDirectory(directory)
        for sub in ["billing", "cloudwatch", "latency"] { try makeDirectory("\(directory)/\(sub)") }
        let minutes = days * 1440
        // Simulate every series first; billing needs all of them at once.
        var simulated: [ServiceKey: [MinuteState]] = [:]
        for (envIndex, environment) in configuration.environments.enumerated() {
            let envProfile = environmentProfile(environment.name, index: envIndex)
            for service in configuration.services {
                let key = ServiceKey(environment: environment.name, service: service.name)
                simulated[key] = simulate(key: key, environment: environment, envProfile: envProfile, service: service, minutes: minutes)
            }
            // CloudWatch get-metric-data, one file per environment.
            let cwPath = "\(directory)/cloudwatch/\(environment.name)-metrics.json.gz"
            try writeMetrics(path: cwPath, environment: environment, cluster: envProfile.cluster, simulated: simulated)
            written.append(cwPath)
            // JMeter probe results, one folder per environment (JTL carries no environment).
            try makeDirectory("\(directory)/latency/\(environment.name)")
            let jtlPath = "\(directory)/latency/\(environment.name)/probes.jtl.gz"
            try writeProbes(path: jtlPath, environment: environment, envProfile: envProfile, simulated: simulated)
            written.append(jtlPath)
        }
        var month = (year: UTCTime.fields(start).year, month: UTCTime.fields(start).month)
        let end = start + Int64(minutes) * 60
        while true {
            let monthStart = UTCTime.seconds(year: month.year, month: month.month, day: 1)
            if monthStart >= end { break }
            let next = month.month == 12 ? (month.year + 1, 1) : (month.year, month.month + 1)
            let monthEnd = UTCTime.seconds(year: next.0, month: next.1, day: 1)
            let name = String(format: "cur-%04d-%02d.csv.gz", month.year, month.month)
            let path = "\(directory)/billing/\(name)"
            try writeCUR(path: path, from: max(monthStart, start), to: min(monthEnd, end), simulated: simulated)
            written.append(path)
            month = next
        }
        let configPath = "\(directory)/impact.toml"
        do { try Configuration.template.write(toFile: configPath, atomically: true, encoding: .utf8) } catch {
            throw SimulationError(message: "cannot write \(configPath)")
        }
        written.append(configPath)
        return written
    }

    // MARK: Simulation

    func simulate(
        key: ServiceKey, environment: Configuration.Environment, envProfile: EnvironmentProfile,
        service: Configuration.Service, minutes: Int
    ) -> [MinuteState] {
        var rng = SplitMix64(seed: seed ^ SplitMix64.seed(key.description))
        let profile = serviceProfile(service.name)
        // The one planted misconfiguration: prod-us web-ingestion's CPU rule scales in after only
        // 3 quiet minutes, so its ingestion bursts make it flap after the change.
        let fastScaleIn = key.environment == "prod-us" && key.service == "web-ingestion"
        var states: [MinuteState] = []
        states.reserveCapacity(minutes)
        var noise = 0.0
        var desired = service.minCapacity
        var running = service.minCapacity
        var pendingStarts: [(minute: Int, count: Int)] = []
        var aboveRequest = 0
        var aboveCPU = 0
        var belowAll = 0
        var lastScaleOut = -1000
        var cpuNoise = 0.0
        // Episodes: per day, a CPU-heavy stretch starting at a random local hour.
        var episodeStart = [Int](repeating: 0, count: days)
        var episodeLength = [Int](repeating: 0, count: days)
        for day in 0..<days {
            episodeStart[day] = 9 * 60 + Int(rng.next() % UInt64(8 * 60))
            let hours = profile.episodeHoursPerDay * (0.6 + 0.8 * rng.uniform())
            episodeLength[day] = Int(hours * 60)
        }
        var lastCPU = 40.0
        for m in 0..<minutes {
            let time = start + Int64(m) * 60
            let isAfter = time >= environment.changeAt
            let localMinute = ((m + envProfile.utcOffsetHours * 60) % 1440 + 1440) % 1440
            let localDay = (m + envProfile.utcOffsetHours * 60 + 1440 * 7) / 1440 % 7  // 0 = Monday
            let day = min(days - 1, max(0, (m + envProfile.utcOffsetHours * 60) / 1440))
            let hour = Double(localMinute) / 60
            // Daily cycle: low at night, peak in the afternoon; weekends lighter; slow growth.
            let diurnal = 0.25 + 0.75 * pow(max(0, sin(Double.pi * (hour - 6) / 16)), 1.5) * (hour >= 6 && hour <= 22 ? 1 : 0)
            let weekly = localDay >= 5 ? 0.55 : 1.0
            let growth = 1 + 0.01 * Double(m) / 10_080
            noise = 0.97 * noise + 0.03 * rng.normal() * 1.2
            var rpm = profile.peakRPM * envProfile.trafficScale * max(0.08, diurnal) * weekly * growth * exp(0.08 * noise)
            // Ingestion batches: an hourly burst everywhere; the planted case also pulses every 10 minutes.
            if key.service == "web-ingestion" {
                if fastScaleIn && m % 12 < 5 { rpm *= 1.5 } else if m % 60 < 4 { rpm *= 1.12 }
            }
            let inEpisode = localMinute >= episodeStart[day] && localMinute < episodeStart[day] + episodeLength[day] && localDay < 5
            let heavy = inEpisode ? profile.episodeFactor : 1.0
            // Tasks started a few minutes ago come up now.
            let ready = pendingStarts.filter { $0.minute <= m }.map(\.count).reduce(0, +)
            pendingStarts.removeAll { $0.minute <= m }
            running = min(desired, running + ready)
            if running > desired { running = desired }
            let perTask = rpm / Double(max(1, running))
            cpuNoise = 0.9 * cpuNoise + 0.1 * rng.normal() * 3
            let cpu = min(100, max(1, 8 + 60 * perTask / profile.targetRPMPerTask * heavy + cpuNoise))
            lastCPU = cpu
            let utilization = cpu / 100
            let errorProbability = 0.0003 + 0.04 * pow(max(0, utilization - 0.85), 2)
            let errors = poisson(rpm * errorProbability, using: &rng)
            states.append(MinuteState(requests: rpm.rounded(), errors: errors, running: running, desired: desired, cpu: cpu))

            // Target tracking: scale out when any rule is above target for 3 minutes; scale in
            // only when every rule has been below target for 15 minutes (3 in the planted case).
            let requestDesired = Int((rpm / profile.targetRPMPerTask).rounded(.up))
            let cpuDesired = Int((Double(running) * cpu / 70).rounded(.up))
            aboveRequest = requestDesired > desired ? aboveRequest + 1 : 0
            aboveCPU = isAfter && cpu > 70 ? aboveCPU + 1 : 0
            let wanted = max(requestDesired, isAfter ? cpuDesired : 0)
            belowAll = wanted < desired ? belowAll + 1 : 0
            let clamp = { (n: Int) in min(service.maxCapacity, max(service.minCapacity, n)) }
            if aboveRequest >= 3 || aboveCPU >= 3 {
                let target = clamp(wanted)
                if target > desired {
                    pendingStarts.append((m + 2, target - desired))
                    desired = target
                    lastScaleOut = m
                }
                aboveRequest = 0
                aboveCPU = 0
            } else if belowAll >= (fastScaleIn && isAfter ? 3 : 15) && m - lastScaleOut >= (fastScaleIn && isAfter ? 3 : 5) {
                let target = clamp(max(wanted, desired - max(1, desired / 10)))
                if target < desired {
                    desired = target
                    running = min(running, desired)
                }
                belowAll = 0
            }
        }
        _ = lastCPU
        return states
    }

    func poisson(_ lambda: Double, using rng: inout SplitMix64) -> Double {
        guard lambda > 0 else { return 0 }
        if lambda > 30 { return max(0, (lambda + lambda.squareRoot() * rng.normal()).rounded()) }
        let limit = exp(-lambda)
        var k = 0.0
        var p = rng.uniform()
        while p > limit {
            k += 1
            p *= rng.uniform()
        }
        return k
    }

    // MARK: Writers

    func writeMetrics(
        path: String, environment: Configuration.Environment, cluster: String, simulated: [ServiceKey: [MinuteState]]
    ) throws(SimulationError) {
        let out = try GzipWriter(path: path)
        try out.write("{\"MetricDataResults\":[")
        var first = true
        for service in configuration.services {
            let key = ServiceKey(environment: environment.name, service: service.name)
            guard let states = simulated[key] else { continue }
            let idBase = "\(environment.name)_\(service.name)".replacingOccurrences(of: "-", with: "_")
            let series: [(id: String, metric: String, stat: String, period: Int, value: (ArraySlice<MinuteState>) -> Double)] = [
                ("running", "RunningTaskCount", "Average", 5, { s in s.map { Double($0.running) }.reduce(0, +) / Double(s.count) }),
                ("desired", "DesiredTaskCount", "Maximum", 5, { s in Double(s.map(\.desired).max() ?? 0) }),
                ("cpu", "CPUUtilization", "Average", 5, { s in s.map(\.cpu).reduce(0, +) / Double(s.count) }),
                ("requests", "RequestCount", "Sum", 60, { s in s.map(\.requests).reduce(0, +) }),
                ("errors", "HTTPCode_Target_5XX_Count", "Sum", 60, { s in s.map(\.errors).reduce(0, +) }),
            ]
            for item in series {
                if !first { try out.write(",") }
                first = false
                let label = "\(cluster) \(service.name) \(item.metric) \(item.stat)"
                var times: [String] = []
                var values: [String] = []
                // Newest first, as get-metric-data returns by default.
                var index = (states.count / item.period - 1) * item.period
                while index >= 0 {
                    let slice = states[index..<min(states.count, index + item.period)]
                    let value = item.value(slice)
                    // CloudWatch leaves out Sum datapoints with nothing to count.
                    if !(item.metric == "HTTPCode_Target_5XX_Count" && value == 0) {
                        times.append("\"\(Self.cloudWatchTime(start + Int64(index) * 60))\"")
                        values.append(Self.decimal(value))
                    }
                    index -= item.period
                }
                try out.write(
                    "{\"Id\":\"m_\(idBase)_\(item.id)\",\"Label\":\"\(label)\",\"Timestamps\":[\(times.joined(separator: ","))],"
                        + "\"Values\":[\(values.joined(separator: ","))],\"StatusCode\":\"Complete\"}")
            }
        }
        try out.write("],\"Messages\":[]}\n")
        try out.close()
    }

    func writeProbes(
        path: String, environment: Configuration.Environment, envProfile: EnvironmentProfile,
        simulated: [ServiceKey: [MinuteState]]
    ) throws(SimulationError) {
        let out = try GzipWriter(path: path)
        try out.write("timeStamp,elapsed,label,responseCode,success,bytes,Latency,Connect\n")
        var rng = SplitMix64(seed: seed ^ SplitMix64.seed("probes/\(environment.name)"))
        var rows: [(Int64, String)] = []
        for service in configuration.services {
            let key = ServiceKey(environment: environment.name, service: service.name)
            guard let states = simulated[key] else { continue }
            let profile = serviceProfile(service.name)
            for (m, state) in states.enumerated() {
                // Probe samples are a thin random sample of real requests.
                let expected = envProfile.probesPerHour / 60
                let count = poisson(expected, using: &rng)
                guard count > 0 else { continue }
                for _ in 0..<Int(count) {
                    let u = state.cpu / 100
                    let queueing = 0.6 / (1 - 0.8 * min(u, 0.97))
                    let sigma = 0.42 + 0.9 * max(0, u - 0.72)
                    let latency = max(1, profile.medianMS * queueing * exp(sigma * rng.normal()))
                    let ms = Int64(latency.rounded())
                    let timestamp = (start + Int64(m) * 60) * 1000 + Int64(rng.next() % 60_000)
                    let isError = rng.uniform() < state.errors / max(1, state.requests)
                    let code = isError ? "503" : "200"
                    let bytes = 800 + Int(rng.next() % 4000)
                    let ttfb = max(1, ms - Int64(rng.next() % UInt64(max(1, ms / 5 + 1))))
                    let connect = Int(rng.next() % 3)
                    rows.append((timestamp, "\(timestamp),\(ms),\(profile.label),\(code),\(isError ? "false" : "true"),\(bytes),\(ttfb),\(connect)\n"))
                }
            }
        }
        rows.sort { $0.0 < $1.0 }
        for row in rows { try out.write(row.1) }
        try out.close()
    }

    func writeCUR(path: String, from: Int64, to: Int64, simulated: [ServiceKey: [MinuteState]]) throws(SimulationError) {
        let out = try GzipWriter(path: path)
        let columns = [
            "identity/TimeInterval", "bill/PayerAccountId", "lineItem/UsageAccountId", "lineItem/LineItemType",
            "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode", "lineItem/UsageType",
            "lineItem/Operation", "lineItem/ResourceId", "lineItem/UsageAmount", "lineItem/CurrencyCode",
            "lineItem/UnblendedRate", "lineItem/UnblendedCost", "lineItem/LineItemDescription", "product/region",
            "pricing/unit", "resourceTags/aws:ecs:clusterName", "resourceTags/aws:ecs:serviceName",
            "resourceTags/user:team",
        ]
        try out.write(columns.joined(separator: ",") + "\n")
        let prefixes = ["us-east-1": "USE1", "us-east-2": "USE2", "eu-west-1": "EU", "eu-central-1": "EUC1", "us-west-2": "USW2"]
        let account = "123456789012"
        var hour = from
        while hour < to {
            let interval = "\(UTCTime.iso8601(hour))/\(UTCTime.iso8601(hour + 3600))"
            for (envIndex, environment) in configuration.environments.enumerated() {
                let prefix = prefixes[environment.region] ?? "USE1"
                let cluster = environmentProfile(environment.name, index: envIndex).cluster
                let price = configuration.price(region: environment.region)
                for service in configuration.services {
                    let key = ServiceKey(environment: environment.name, service: service.name)
                    guard let states = simulated[key] else { continue }
                    let first = Int((hour - start) / 60)
                    guard first >= 0, first + 60 <= states.count else { continue }
                    let taskHours = states[first..<first + 60].map { Double($0.running) }.reduce(0, +) / 60
                    for (kind, amount, rate) in [
                        ("vCPU", taskHours * service.vcpu, price?.vcpuHourUSD ?? 0),
                        ("GB", taskHours * service.memoryGB, price?.gbHourUSD ?? 0),
                    ] {
                        let usageType = kind == "vCPU" ? "\(prefix)-Fargate-vCPU-Hours:perCPU" : "\(prefix)-Fargate-GB-Hours"
                        let description =
                            kind == "vCPU"
                            ? "AWS Fargate - vCPU - \(environment.region)" : "AWS Fargate - Memory - \(environment.region)"
                        let fields = [
                            interval, account, account, "Usage", UTCTime.iso8601(hour), UTCTime.iso8601(hour + 3600),
                            "AmazonECS", usageType, "FargateTask", "", Self.decimal(amount, digits: 8), "USD",
                            Self.decimal(rate, digits: 6), Self.decimal(amount * rate, digits: 10), description,
                            environment.region, kind == "vCPU" ? "vCPU-Hours" : "GB-Hours", cluster, service.name, "platform",
                        ]
                        try out.write(fields.joined(separator: ",") + "\n")
                    }
                }
                // The load balancer's own hours: on the bill, but not task cost.
                let albFields = [
                    interval, account, account, "Usage", UTCTime.iso8601(hour), UTCTime.iso8601(hour + 3600),
                    "AWSELB", "\(prefix)-LoadBalancerUsage", "LoadBalancing:Application", "", "1", "USD", "0.0225",
                    "0.0225", "\"$0.0225 per Application LoadBalancer-hour (or partial hour)\"", environment.region, "Hrs",
                    "", "", "platform",
                ]
                try out.write(albFields.joined(separator: ",") + "\n")
            }
            hour += 3600
        }
        try out.close()
    }

    static func cloudWatchTime(_ seconds: Int64) -> String {
        UTCTime.iso8601(seconds).replacingOccurrences(of: "Z", with: "+00:00")
    }

    /// A fixed-point decimal with trailing zeros dropped (no locale, no exponent).
    static func decimal(_ value: Double, digits: Int = 3) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}

extension SplitMix64 {
    /// A uniform double in (0, 1).
    mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u1 = uniform()
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
