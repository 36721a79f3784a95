import Foundation
import Testing

@testable import ScalingImpact

/// Hourly facts of one simulated (environment, service), built directly (no database):
/// traffic on a daily cycle, running tasks following it, billed cost from the tasks, and per-hour
/// latency histograms around an autocorrelated level, with optional effects from a change time.
struct SyntheticService {
    var seed: UInt64
    var tasks = 10.0
    var requestsPerHour = 100_000.0
    var medianMS = 80.0
    var sigma = 0.4
    var latencySamplesPerHour = 120
    /// Hour-to-hour persistence (AR(1)) of the latency level and of traffic noise.
    var phi = 0.9
    /// Innovation sd of the log latency level.
    var latencyLevelSD = 0.05
    /// Innovation sd of the log traffic noise.
    var trafficSD = 0.03
    var errorRate = 0.001
    var costPerTaskHour = 0.05
    var cpuPct = 60.0
    /// From this time on, the effects apply.
    var changeAt: Int64 = .max
    /// Multipliers after the change: tasks (and so cost), latency, 5xx rate.
    var taskEffect = 1.0
    var latencyEffect = 1.0
    var errorEffect = 1.0
    /// A multiplier on traffic (and tasks) from `sharedShockAt` on, as a season or a campaign would.
    var sharedShock = 1.0
    var sharedShockAt: Int64 = .max

    /// The facts of `hours` hours starting at `start`.
    func facts(start: Int64, hours: Int) -> SeriesFacts {
        var rng = SplitMix64(seed: seed)
        var level = 0.0
        var traffic = 0.0
        for _ in 0..<100 {
            level = phi * level + latencyLevelSD * rng.gaussian()
            traffic = phi * traffic + trafficSD * rng.gaussian()
        }
        var series = SeriesFacts()
        var running: [SeriesFacts.Point] = []
        var requestPoints: [SeriesFacts.Point] = []
        var errorPoints: [SeriesFacts.Point] = []
        var cpuPoints: [SeriesFacts.Point] = []
        for h in 0..<hours {
            let ts = start + Int64(h) * 3600
            level = phi * level + latencyLevelSD * rng.gaussian()
            traffic = phi * traffic + trafficSD * rng.gaussian()
            let hourOfDay = Double((ts / 3600) % 24)
            let cycle = 1 + 0.3 * sin(2 * Double.pi * (hourOfDay - 9) / 24)
            let after = ts >= changeAt
            let shock = ts >= sharedShockAt ? sharedShock : 1
            let load = cycle * exp(traffic) * shock
            let requests = (requestsPerHour * load).rounded()
            let taskCount = tasks * load * (after ? taskEffect : 1)
            running.append(.init(ts: ts, period: 3600, value: taskCount))
            requestPoints.append(.init(ts: ts, period: 3600, value: requests))
            errorPoints.append(.init(ts: ts, period: 3600, value: (requests * errorRate * (after ? errorEffect : 1)).rounded()))
            cpuPoints.append(.init(ts: ts, period: 3600, value: cpuPct))
            series.billedCostByHour[ts] = taskCount * costPerTaskHour
            var histogram = LatencyHistogram()
            let median = log(medianMS) + level + (after ? log(latencyEffect) : 0)
            for _ in 0..<latencySamplesPerHour { histogram.add(exp(median + sigma * rng.gaussian())) }
            series.latencyByHour[ts] = histogram
        }
        series.metrics = [
            "RunningTaskCount": running, "RequestCount": requestPoints, "HTTPCode_Target_5XX_Count": errorPoints,
            "CPUUtilization": cpuPoints,
        ]
        return series
    }
}

/// Configurations for synthetic rollouts: services of 1 vCPU and no memory, priced so that a
/// task-hour costs `taskHourUSD`.
enum SyntheticConfiguration {
    static func make(
        environments: [(name: String, changeAt: String)], services: [String] = ["web"], taskHourUSD: Double = 0.05,
        criteria: String = ""
    ) throws -> Configuration {
        var toml = criteria.isEmpty ? "" : "[criteria]\n\(criteria)\n\n"
        for environment in environments {
            toml += "[[environments]]\nname = \"\(environment.name)\"\nregion = \"us-east-1\"\nchange_at = \"\(environment.changeAt)\"\n\n"
        }
        for service in services {
            toml += "[[services]]\nname = \"\(service)\"\nvcpu = 1\nmemory_gb = 0.25\nmin_capacity = 1\nmax_capacity = 100\n\n"
        }
        toml += "[[prices]]\nregion = \"us-east-1\"\nvcpu_hour_usd = \(taskHourUSD)\ngb_hour_usd = 0\ntaken_on = \"2026-10-01\"\n"
        return try Configuration.parse(toml)
    }
}

extension SplitMix64 {
    /// A standard normal draw (Box–Muller) for the simulations of these tests.
    mutating func gaussian() -> Double {
        let u1 = (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
        let u2 = (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
