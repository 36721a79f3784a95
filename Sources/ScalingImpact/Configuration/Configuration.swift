/// Everything a report depends on that is not in the exports: the rollout, prices and criteria.
public struct Configuration: Equatable, Sendable {
    /// The environments, in rollout order.
    public var environments: [Environment]
    /// The ECS services the change applied to.
    public var services: [Service]
    /// Fargate prices per region, dated.
    public var prices: [Price]
    /// Pass/warn/fail levels and windows.
    public var criteria: Criteria
    /// Rules that map exported names to environment and service, tried in order.
    public var mappingRules: [MappingRule]

    /// An environment and the moment the change went live there.
    public struct Environment: Equatable, Sendable {
        /// Name used in reports, e.g. `prod-eu`.
        public var name: String
        /// AWS region, e.g. `eu-west-1`; selects the price.
        public var region: String
        /// When the change went live, UTC seconds.
        public var changeAt: Int64
        /// Explicit before window, replacing the default.
        public var before: TimeWindow?
        /// Explicit after window, replacing the default.
        public var after: TimeWindow?

        /// Creates an environment.
        public init(name: String, region: String, changeAt: Int64, before: TimeWindow? = nil, after: TimeWindow? = nil) {
            self.name = name
            self.region = region
            self.changeAt = changeAt
            self.before = before
            self.after = after
        }
    }

    /// An ECS service's task size and capacity limits.
    public struct Service: Equatable, Sendable {
        /// Name, e.g. `web`.
        public var name: String
        /// vCPU per task.
        public var vcpu: Double
        /// Memory per task in GB.
        public var memoryGB: Double
        /// Auto scaling minimum capacity.
        public var minCapacity: Int
        /// Auto scaling maximum capacity.
        public var maxCapacity: Int

        /// Creates a service.
        public init(name: String, vcpu: Double, memoryGB: Double, minCapacity: Int, maxCapacity: Int) {
            self.name = name
            self.vcpu = vcpu
            self.memoryGB = memoryGB
            self.minCapacity = minCapacity
            self.maxCapacity = maxCapacity
        }
    }

    /// Fargate on-demand prices for a region, with the date they were read.
    public struct Price: Equatable, Sendable {
        /// AWS region.
        public var region: String
        /// USD per vCPU-hour.
        public var vcpuHourUSD: Double
        /// USD per GB-hour.
        public var gbHourUSD: Double
        /// When the price was taken, `YYYY-MM-DD`.
        public var takenOn: String
        /// Where it was taken from.
        public var source: String

        /// Creates a price.
        public init(region: String, vcpuHourUSD: Double, gbHourUSD: Double, takenOn: String, source: String) {
            self.region = region
            self.vcpuHourUSD = vcpuHourUSD
            self.gbHourUSD = gbHourUSD
            self.takenOn = takenOn
            self.source = source
        }
    }

    /// Verdict levels and window lengths.
    public struct Criteria: Equatable, Sendable {
        /// Cost increase that fails, in percent (the plan's "< 10%").
        public var costBudgetPct: Double = 10
        /// Points below the budget at which cost warns.
        public var costWarnMarginPct: Double = 2
        /// Expected task-count change, lower bound in percent.
        public var taskBandLowPct: Double = 5
        /// Expected task-count change, upper bound in percent.
        public var taskBandHighPct: Double = 15
        /// A latency increase larger than this (and significant) fails, in percent.
        public var latencyFailPct: Double = 5
        /// Minutes within which a reversal of scaling direction counts as a flap.
        public var flappingWindowMinutes: Int = 15
        /// Flaps per day above which flapping warns.
        public var flapsPerDayWarn: Double = 1
        /// Share of a window's time with data below which its figures are NO DATA, in percent.
        public var minCoveragePct: Double = 80
        /// Length of the default before window, in days.
        public var beforeDays: Int = 7
        /// Gap between the change and the default after window, in hours (the transition day).
        public var afterOffsetHours: Int = 24
        /// Length of the default after window, in days.
        public var afterDays: Int = 7
        /// Confidence level of the bootstrap and Wilson intervals, in percent.
        public var confidencePct: Double = 95
        /// Confidence level of the Mann-Whitney / Hodges-Lehmann latency classifier, in percent (Kayenta: 98).
        public var significanceConfidencePct: Double = 98
        /// Share of |Hodges-Lehmann estimate| the classifier's interval must clear (Kayenta: 0.25).
        public var significanceTolerance: Double = 0.25
        /// The CPU target of the scaling policy, in percent; time above it + 10 points is reported.
        public var cpuTargetPct: Double = 70
        /// Relative difference between billed and modelled cost above which the report warns, in percent.
        public var costModelTolerancePct: Double = 5
        /// A control's pre-period difference within ± this many percent counts as parallel trends.
        public var parallelTrendsTolerancePct: Double = 5
        /// Bootstrap resamples per interval.
        public var bootstrapResamples: Int = 2000
        /// Bootstrap block length in hours.
        public var bootstrapBlockHours: Int = 24

        /// Creates the rollout plan's defaults.
        public init() {}
    }

    /// Creates a configuration from its parts.
    public init(
        environments: [Environment], services: [Service], prices: [Price], criteria: Criteria,
        mappingRules: [MappingRule]
    ) {
        self.environments = environments
        self.services = services
        self.prices = prices
        self.criteria = criteria
        self.mappingRules = mappingRules
    }

    /// The environment named `name`.
    public func environment(named name: String) -> Environment? {
        environments.first { $0.name == name }
    }

    /// The service named `name`.
    public func service(named name: String) -> Service? {
        services.first { $0.name == name }
    }

    /// The price for `region`.
    public func price(region: String) -> Price? {
        prices.first { $0.region == region }
    }

    /// The before and after windows of `environment`: explicit ones, or the defaults around its change.
    public func windows(for environment: Environment) -> (before: TimeWindow, after: TimeWindow) {
        let day: Int64 = 86_400
        let before =
            environment.before
            ?? TimeWindow(
                start: environment.changeAt - Int64(criteria.beforeDays) * day, end: environment.changeAt)
        let afterStart = environment.changeAt + Int64(criteria.afterOffsetHours) * 3600
        let after =
            environment.after ?? TimeWindow(start: afterStart, end: afterStart + Int64(criteria.afterDays) * day)
        return (before, after)
    }

    /// Every (environment, service) pair, in rollout order.
    public var serviceKeys: [ServiceKey] {
        environments.flatMap { env in services.map { ServiceKey(environment: env.name, service: $0.name) } }
    }
}

/// A rule mapping a name found in an export to an environment and/or a service.
public struct MappingRule: Equatable, Sendable {
    /// Which name the rule looks at.
    public var field: MappingField
    /// A glob pattern (`*` any run of characters, `?` one character), matched case-sensitively.
    public var pattern: String
    /// The environment a match assigns, if any.
    public var environment: String?
    /// The service a match assigns, if any.
    public var service: String?

    /// Creates a rule.
    public init(field: MappingField, pattern: String, environment: String? = nil, service: String? = nil) {
        self.field = field
        self.pattern = pattern
        self.environment = environment
        self.service = service
    }
}

/// A name an exported row may carry.
public enum MappingField: Hashable, Sendable, CustomStringConvertible {
    /// ECS cluster name (from a task or service ARN, or a CloudWatch `ClusterName` dimension).
    case cluster
    /// ECS service name (`aws:ecs:serviceName` tag, `ServiceName` dimension, service ARN).
    case service
    /// ALB target group name.
    case targetGroup
    /// ALB name.
    case loadBalancer
    /// A resource tag, by key.
    case tag(String)
    /// A label given to the series in the export (CloudWatch `Label`, JMeter `label`).
    case label

    /// Parses `cluster`, `service`, `target_group`, `load_balancer`, `label` or `tag:<key>`.
    public init?(_ text: String) {
        switch text {
        case "cluster": self = .cluster
        case "service": self = .service
        case "target_group": self = .targetGroup
        case "load_balancer": self = .loadBalancer
        case "label": self = .label
        default:
            guard text.hasPrefix("tag:"), text.count > 4 else { return nil }
            self = .tag(String(text.dropFirst(4)))
        }
    }

    public var description: String {
        switch self {
        case .cluster: "cluster"
        case .service: "service"
        case .targetGroup: "target_group"
        case .loadBalancer: "load_balancer"
        case .label: "label"
        case .tag(let key): "tag:\(key)"
        }
    }
}
