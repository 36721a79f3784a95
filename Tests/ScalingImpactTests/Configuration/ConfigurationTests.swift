import Foundation
import Testing

@testable import ScalingImpact

@Suite struct ConfigurationTests {
    /// 2026-10-13T10:00:00Z, computed independently (Python `calendar.timegm`).
    static let stagingChange: Int64 = 1_791_885_600

    @Test func templateParsesToTheRolloutPlan() throws {
        let configuration = try Configuration.parse(Configuration.template)
        #expect(configuration.environments.map(\.name) == ["staging", "prod-eu", "prod-us", "prod-hipaa"])
        #expect(configuration.environments.map(\.region) == ["us-east-1", "eu-west-1", "us-east-1", "us-east-2"])
        #expect(
            configuration.environments.map(\.changeAt) == [
                Self.stagingChange, Self.stagingChange + 23 * 3600, Self.stagingChange + 53 * 3600,
                Self.stagingChange + 77 * 3600,
            ])
        #expect(configuration.environments.allSatisfy { $0.before == nil && $0.after == nil })

        #expect(configuration.services.map(\.name) == ["web", "web-ingestion", "web-iso"])
        #expect(
            configuration.services == [
                .init(name: "web", vcpu: 1, memoryGB: 2, minCapacity: 4, maxCapacity: 40),
                .init(name: "web-ingestion", vcpu: 0.5, memoryGB: 1, minCapacity: 2, maxCapacity: 30),
                .init(name: "web-iso", vcpu: 2, memoryGB: 4, minCapacity: 2, maxCapacity: 16),
            ])

        let criteria = configuration.criteria
        #expect(criteria.costBudgetPct == 10)
        #expect(criteria.costWarnMarginPct == 2)
        #expect(criteria.taskBandLowPct == 5)
        #expect(criteria.taskBandHighPct == 15)
        #expect(criteria.latencyFailPct == 5)
        #expect(criteria.flappingWindowMinutes == 15)
        #expect(criteria.flapsPerDayWarn == 1)
        #expect(criteria.minCoveragePct == 80)
        #expect(criteria.beforeDays == 7)
        #expect(criteria.afterOffsetHours == 24)
        #expect(criteria.afterDays == 7)

        #expect(configuration.prices.map(\.region) == ["us-east-1", "eu-west-1", "us-east-2"])
        let price = try #require(configuration.price(region: "eu-west-1"))
        #expect(price.vcpuHourUSD == 0.04048)
        #expect(price.gbHourUSD == 0.004445)
        #expect(price.takenOn == "2026-10-01")
        #expect(price.source == "AWS Fargate pricing page")

        #expect(configuration.mappingRules.count == 10)
        #expect(
            configuration.mappingRules.first
                == MappingRule(field: .cluster, pattern: "staging*", environment: "staging", service: nil))
        #expect(
            configuration.mappingRules.last
                == MappingRule(field: .targetGroup, pattern: "*-web", environment: nil, service: "web"))
        #expect(configuration.serviceKeys.count == 12)
        #expect(configuration.serviceKeys.first == ServiceKey(environment: "staging", service: "web"))
        #expect(configuration.serviceKeys.last == ServiceKey(environment: "prod-hipaa", service: "web-iso"))
    }

    @Test func minimalConfigurationGetsTheDefaults() throws {
        let configuration = try Configuration.parse(
            """
            [[environments]]
            name = "staging"
            region = "us-east-1"
            change_at = "2026-10-13T10:00:00Z"

            [[services]]
            name = "web"
            vcpu = 0.25
            memory_gb = 0.5

            [[prices]]
            region = "us-east-1"
            vcpu_hour_usd = 0.04048
            gb_hour_usd = 0.004445
            taken_on = "2026-10-01"
            """)
        #expect(configuration.criteria == Configuration.Criteria())
        #expect(configuration.services == [.init(name: "web", vcpu: 0.25, memoryGB: 0.5, minCapacity: 1, maxCapacity: 100)])
        #expect(configuration.prices.first?.source == "not stated")
        #expect(configuration.mappingRules.isEmpty)
    }

    // MARK: Windows

    @Test func defaultWindowsSurroundTheChange() throws {
        let configuration = try Configuration.parse(Configuration.template)
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        let day: Int64 = 86_400
        #expect(before == TimeWindow(start: Self.stagingChange - 7 * day, end: Self.stagingChange))
        #expect(before.duration == 7 * day)
        #expect(!before.contains(Self.stagingChange))
        #expect(before.contains(Self.stagingChange - 1))
        #expect(after.start == Self.stagingChange + 24 * 3600)
        #expect(after.end == after.start + 7 * day)
        #expect(after.hours == 168)
        #expect(UTCTime.iso8601(after.start) == "2026-10-14T10:00:00Z")
        #expect(UTCTime.iso8601(before.start) == "2026-10-06T10:00:00Z")

        // Each environment's windows are relative to its own change.
        let prodEU = try #require(configuration.environment(named: "prod-eu"))
        #expect(configuration.windows(for: prodEU).before.end == prodEU.changeAt)
        #expect(UTCTime.iso8601(configuration.windows(for: prodEU).after.start) == "2026-10-15T09:00:00Z")
    }

    @Test func criteriaChangeTheDefaultWindowLengths() throws {
        let text = Configuration.template
            .replacingOccurrences(of: "before_days = 7 ", with: "before_days = 14 ")
            .replacingOccurrences(of: "after_offset_hours = 24 ", with: "after_offset_hours = 0 ")
            .replacingOccurrences(of: "after_days = 7 ", with: "after_days = 3 ")
        let configuration = try Configuration.parse(text)
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        #expect(before == TimeWindow(start: Self.stagingChange - 14 * 86_400, end: Self.stagingChange))
        #expect(after == TimeWindow(start: Self.stagingChange, end: Self.stagingChange + 3 * 86_400))
    }

    @Test func explicitWindowsReplaceTheDefaults() throws {
        let text = Configuration.template.replacingOccurrences(
            of: "change_at = \"2026-10-13T10:00:00Z\"",
            with: """
                change_at = "2026-10-13T10:00:00Z"
                before = ["2026-10-01T00:00:00Z", "2026-10-08T00:00:00Z"]
                after = ["2026-10-20T00:00:00+02:00", "2026-10-27T00:00:00Z"]
                """)
        let configuration = try Configuration.parse(text)
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        #expect(UTCTime.iso8601(before.start) == "2026-10-01T00:00:00Z")
        #expect(UTCTime.iso8601(before.end) == "2026-10-08T00:00:00Z")
        #expect(UTCTime.iso8601(after.start) == "2026-10-19T22:00:00Z")
        #expect(UTCTime.iso8601(after.end) == "2026-10-27T00:00:00Z")
        // Other environments keep their defaults.
        let prodUS = try #require(configuration.environment(named: "prod-us"))
        #expect(configuration.windows(for: prodUS).before.end == prodUS.changeAt)
    }

    // MARK: Bad input

    /// A template edit that makes the configuration invalid, and the error it must give.
    struct BadInput: Sendable, CustomTestStringConvertible {
        var name: String
        /// Text of the template replaced (must occur exactly once) ...
        var original: String
        /// ... by this.
        var replacement: String
        /// The dotted key the error must name.
        var key: String
        /// The offending value as the error must quote it, when the error carries one.
        var value: String?

        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(
            name: "budget is a word", original: "cost_budget_pct = 10 ", replacement: "cost_budget_pct = \"ten\" ",
            key: "criteria.cost_budget_pct", value: "\"ten\""),
        BadInput(
            name: "budget out of range", original: "cost_budget_pct = 10 ", replacement: "cost_budget_pct = -5 ",
            key: "criteria.cost_budget_pct", value: "-5"),
        BadInput(
            name: "unknown criteria key", original: "cost_budget_pct = 10 ", replacement: "cost_budjet_pct = 10 ",
            key: "criteria.cost_budjet_pct", value: nil),
        BadInput(
            name: "unknown top-level table", original: "[criteria]", replacement: "[criterias]",
            key: "criterias", value: nil),
        BadInput(
            name: "unknown service key", original: "memory_gb = 2\n", replacement: "memory_gb = 2\nmemory_mb = 2048\n",
            key: "services[0].memory_mb", value: nil),
        BadInput(
            name: "band reversed", original: "task_band_pct = [5, 15]", replacement: "task_band_pct = [15, 5]",
            key: "criteria.task_band_pct", value: "15, 5"),
        BadInput(
            name: "flapping window not whole", original: "flapping_window_minutes = 15",
            replacement: "flapping_window_minutes = 2.5", key: "criteria.flapping_window_minutes", value: "2.5"),
        BadInput(
            name: "change_at not a time", original: "change_at = \"2026-10-14T09:00:00Z\"",
            replacement: "change_at = \"next tuesday\"", key: "environments[1].change_at",
            value: "\"next tuesday\""),
        BadInput(
            name: "change_at impossible date", original: "change_at = \"2026-10-13T10:00:00Z\"",
            replacement: "change_at = \"2026-02-30T10:00:00Z\"", key: "environments[0].change_at",
            value: "\"2026-02-30T10:00:00Z\""),
        BadInput(
            name: "change_at is a number", original: "change_at = \"2026-10-16T15:00:00Z\"",
            replacement: "change_at = 1791885600", key: "environments[3].change_at", value: "1791885600"),
        BadInput(
            name: "window end before start", original: "change_at = \"2026-10-15T15:00:00Z\"",
            replacement: """
                change_at = "2026-10-15T15:00:00Z"
                before = ["2026-10-08T00:00:00Z", "2026-10-01T00:00:00Z"]
                """,
            key: "environments[2].before", value: "2026-10-01T00:00:00Z"),
        BadInput(
            name: "duplicate environment", original: "name = \"prod-us\"", replacement: "name = \"prod-eu\"",
            key: "environments[2].name", value: "\"prod-eu\""),
        BadInput(
            name: "max below min", original: "max_capacity = 40", replacement: "max_capacity = 3",
            key: "services[0].max_capacity", value: "3"),
        BadInput(
            name: "vcpu zero", original: "vcpu = 0.5\n", replacement: "vcpu = 0\n", key: "services[1].vcpu",
            value: "0"),
        BadInput(
            name: "memory missing", original: "memory_gb = 4\n", replacement: "\n", key: "services[2].memory_gb",
            value: nil),
        BadInput(
            name: "region without price", original: "region = \"us-east-2\"\nchange_at",
            replacement: "region = \"ap-south-1\"\nchange_at", key: "environments[3].region",
            value: "\"ap-south-1\""),
        BadInput(
            name: "price date not a date", original: "taken_on = \"2026-10-01\"\nsource = \"AWS Fargate pricing page\"\n\n[[prices]]\nregion = \"eu-west-1\"",
            replacement: "taken_on = \"last week\"\nsource = \"AWS Fargate pricing page\"\n\n[[prices]]\nregion = \"eu-west-1\"",
            key: "prices[0].taken_on", value: "\"last week\""),
        BadInput(
            name: "mapping with unknown field", original: "field = \"cluster\"\npattern = \"staging*\"",
            replacement: "field = \"clustr\"\npattern = \"staging*\"", key: "mapping[0].field", value: "\"clustr\""),
        BadInput(
            name: "mapping to unknown environment", original: "pattern = \"prod-eu*\"\nenvironment = \"prod-eu\"",
            replacement: "pattern = \"prod-eu*\"\nenvironment = \"prod-europe\"", key: "mapping[1].environment",
            value: "\"prod-europe\""),
        BadInput(
            name: "mapping to unknown service", original: "pattern = \"*-web\"\nservice = \"web\"",
            replacement: "pattern = \"*-web\"\nservice = \"webb\"", key: "mapping[9].service", value: "\"webb\""),
        BadInput(
            name: "mapping with unknown key", original: "pattern = \"staging*\"",
            replacement: "pattern = \"staging*\"\nregex = \"^staging\"", key: "mapping[0].regex", value: nil),
    ]

    @Test(arguments: badInputs)
    func badInputIsRejectedNamingKeyAndValue(_ input: BadInput) throws {
        let template = Configuration.template
        let occurrences = template.components(separatedBy: input.original).count - 1
        try #require(occurrences == 1, "the edit must match the template exactly once, matched \(occurrences) times")
        let text = template.replacingOccurrences(of: input.original, with: input.replacement)
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(text, path: "impact.toml")
        }
        let found = try #require(error)
        #expect(found.key == input.key)
        #expect(found.path == "impact.toml")
        #expect(found.description.hasPrefix("impact.toml"))
        #expect(found.description.contains(input.key))
        if let value = input.value {
            #expect(found.value?.contains(value) == true, "value: \(found.value ?? "nil")")
            #expect(found.description.contains(value))
        }
        #expect(!found.expected.isEmpty)
    }

    @Test func tomlSyntaxErrorNamesTheLine() throws {
        let text = Configuration.template.replacingOccurrences(of: "before_days = 7 ", with: "before_days = = 7 ")
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(text, path: "impact.toml")
        }
        #expect(error?.key == "(syntax)")
        #expect(error?.line == 13)
        #expect(error?.description.hasPrefix("impact.toml:13: (syntax)") == true)
    }

    @Test func missingEnvironmentsAreReported() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse("[criteria]\ncost_budget_pct = 10\n")
        }
        #expect(error?.key == "environments")
        #expect(error?.description == "configuration: environments: at least one [[environments]] table with name, region and change_at")
    }

    @Test func loadReadsAFileAndNamesItInErrors() throws {
        let scratch = try ScratchDirectory()
        let good = try scratch.write("impact.toml", Configuration.template)
        #expect(try Configuration.load(path: good) == Configuration.parse(Configuration.template))
        let bad = try scratch.write(
            "bad.toml", Configuration.template.replacingOccurrences(of: "cost_budget_pct = 10 ", with: "cost_budget_pct = \"ten\" "))
        let error = #expect(throws: ConfigurationError.self) { try Configuration.load(path: bad) }
        #expect(error?.description.hasPrefix(bad + ": criteria.cost_budget_pct = \"ten\" is not allowed") == true)
        let missing = #expect(throws: ConfigurationError.self) { try Configuration.load(path: scratch.path("none.toml")) }
        #expect(missing?.key == "(file)")
    }

    @Test func errorDescriptionShapes() {
        #expect(
            ConfigurationError(path: "impact.toml", key: "criteria.cost_budget_pct", value: "\"ten\"", expected: "a number")
                .description == "impact.toml: criteria.cost_budget_pct = \"ten\" is not allowed: expected a number")
        #expect(
            ConfigurationError(key: "services", expected: "at least one service", line: 3).description
                == "configuration:3: services: at least one service")
    }
}
