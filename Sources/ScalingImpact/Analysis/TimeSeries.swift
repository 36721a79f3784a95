/// Hourly series per (environment, service) for reports: `timeseries.csv`, the charts and the
/// data-quality table.
///
/// Kept apart from ``Analyzer`` on purpose: it reads the same ``Facts`` but computes no verdicts,
/// only what happened hour by hour over each environment's report range (from the start of its
/// before window to the end of its after window, whole UTC hours).
public struct TimeSeries: Sendable {
    /// One hour of one (environment, service). Missing figures are nil, never zero.
    public struct Hour: Sendable, Equatable {
        /// UTC seconds at the start of the hour.
        public var start: Int64
        /// Time-weighted mean of `RunningTaskCount`.
        public var runningTasks: Double?
        /// Time-weighted mean of `DesiredTaskCount`.
        public var desiredTasks: Double?
        /// Time-weighted mean of `CPUUtilization`, percent.
        public var cpuPct: Double?
        /// Requests (CloudWatch `RequestCount` when the series has it, else per-request data).
        public var requests: Double?
        /// 95th percentile of the hour's request latencies, ms.
        public var latencyP95Ms: Double?
        /// 99th percentile of the hour's request latencies, ms.
        public var latencyP99Ms: Double?
        /// 5xx responses, from the same source as `requests`.
        public var errors5xx: Double?
        /// Billed Fargate cost, USD.
        public var billedCostUSD: Double?
        /// Running tasks × the task's hourly list price, USD.
        public var modelledCostUSD: Double?

        /// An hour without data.
        public init(start: Int64) { self.start = start }
    }

    /// The hours of one (environment, service), with the raw task-count datapoints scaling events come from.
    public struct Series: Sendable, Equatable {
        /// Environment and service.
        public var key: ServiceKey
        /// Consecutive hours covering the environment's report range, oldest first.
        public var hours: [Hour]
        /// `DesiredTaskCount` datapoints in the range (or `RunningTaskCount` where there are
        /// none, as the analysis does), sorted by time.
        public var taskCountPoints: [SeriesFacts.Point]
        /// Whether `taskCountPoints` are running rather than desired counts.
        public var taskCountsAreRunning: Bool
        /// Whether requests and 5xx come from CloudWatch (true) or from per-request data.
        public var requestsFromMetrics: Bool
    }

    /// Every (environment, service) of the configuration, in rollout and service order.
    public var series: [Series]

    /// The series of (environment, service).
    public func series(_ environment: String, _ service: String) -> Series? {
        series.first { $0.key.environment == environment && $0.key.service == service }
    }

    /// The hours a report shows for `environment`: from its before window's start to its after
    /// window's end, widened to whole UTC hours.
    public static func range(for environment: Configuration.Environment, in configuration: Configuration) -> TimeWindow {
        let (before, after) = configuration.windows(for: environment)
        let start = min(before.start, after.start)
        let end = max(before.end, after.end)
        let floorStart = start - ((start % 3600) + 3600) % 3600
        let rest = ((end % 3600) + 3600) % 3600
        return TimeWindow(start: floorStart, end: rest == 0 ? end : end + 3600 - rest)
    }

    /// The hours every report range needs, across environments.
    public static func loadRange(_ configuration: Configuration) -> TimeWindow {
        let ranges = configuration.environments.map { range(for: $0, in: configuration) }
        return TimeWindow(start: ranges.map(\.start).min() ?? 0, end: ranges.map(\.end).max() ?? 0)
    }

    /// Loads the facts the report ranges need from `database` and builds the series.
    public static func load(from database: Database, configuration: Configuration) throws(StorageError) -> TimeSeries {
        let range = loadRange(configuration)
        return TimeSeries(facts: try Facts.load(from: database, start: range.start, end: range.end), configuration: configuration)
    }

    /// Builds the series from `facts`.
    public init(facts: Facts, configuration: Configuration) {
        var series: [Series] = []
        for environment in configuration.environments {
            let range = Self.range(for: environment, in: configuration)
            let price = configuration.price(region: environment.region)
            for service in configuration.services {
                let key = ServiceKey(environment: environment.name, service: service.name)
                let taskHourUSD = price.map { service.vcpu * $0.vcpuHourUSD + service.memoryGB * $0.gbHourUSD }
                series.append(Self.makeSeries(key: key, facts: facts.series[key] ?? SeriesFacts(), range: range, taskHourUSD: taskHourUSD))
            }
        }
        self.series = series
    }

    /// Creates series from their parts.
    public init(series: [Series]) { self.series = series }

    static func makeSeries(key: ServiceKey, facts: SeriesFacts, range: TimeWindow, taskHourUSD: Double?) -> Series {
        let count = Int(range.duration / 3600)
        var hours = (0..<count).map { Hour(start: range.start + Int64($0) * 3600) }
        func index(_ ts: Int64) -> Int? { range.contains(ts) ? Int((ts - range.start) / 3600) : nil }
        func points(_ metric: String) -> [SeriesFacts.Point] { (facts.metrics[metric] ?? []).filter { range.contains($0.ts) } }
        /// Time-weighted hourly means of a gauge.
        func means(_ metric: String) -> [Double?] {
            var sums = [Double](repeating: 0, count: count)
            var weights = [Double](repeating: 0, count: count)
            for point in points(metric) {
                guard let h = index(point.ts) else { continue }
                let weight = Double(max(1, point.period))
                sums[h] += point.value * weight
                weights[h] += weight
            }
            return (0..<count).map { weights[$0] > 0 ? sums[$0] / weights[$0] : nil }
        }
        func sums(_ metric: String) -> [Double?] {
            var result = [Double?](repeating: nil, count: count)
            for point in points(metric) {
                guard let h = index(point.ts) else { continue }
                result[h] = (result[h] ?? 0) + point.value
            }
            return result
        }
        let running = means("RunningTaskCount")
        let desired = means("DesiredTaskCount")
        let cpu = means("CPUUtilization")
        let requestsFromMetrics = !points("RequestCount").isEmpty
        var requests: [Double?]
        var errors: [Double?]
        if requestsFromMetrics {
            requests = sums("RequestCount")
            // CloudWatch omits zero 5xx datapoints: an hour with requests and no 5xx point had none.
            errors = zip(requests, sums("HTTPCode_Target_5XX_Count")).map { r, e in r == nil ? nil : (e ?? 0) }
        } else {
            requests = [Double?](repeating: nil, count: count)
            errors = requests
            for (hour, counts) in facts.requestsByHour {
                guard let h = index(hour) else { continue }
                requests[h] = Double(counts.requests)
                errors[h] = Double(counts.errors)
            }
        }
        for h in 0..<count {
            hours[h].runningTasks = running[h]
            hours[h].desiredTasks = desired[h]
            hours[h].cpuPct = cpu[h]
            hours[h].requests = requests[h]
            hours[h].errors5xx = errors[h]
            hours[h].modelledCostUSD = running[h].flatMap { tasks in taskHourUSD.map { tasks * $0 } }
        }
        for (hour, histogram) in facts.latencyByHour where histogram.count > 0 {
            guard let h = index(hour) else { continue }
            let tail = histogram.quantiles([0.95, 0.99])
            hours[h].latencyP95Ms = tail?[0]
            hours[h].latencyP99Ms = tail?[1]
        }
        for (hour, cost) in facts.billedCostByHour {
            guard let h = index(hour) else { continue }
            hours[h].billedCostUSD = cost
        }
        let desiredPoints = points("DesiredTaskCount")
        return Series(
            key: key, hours: hours, taskCountPoints: desiredPoints.isEmpty ? points("RunningTaskCount") : desiredPoints,
            taskCountsAreRunning: desiredPoints.isEmpty, requestsFromMetrics: requestsFromMetrics)
    }
}
