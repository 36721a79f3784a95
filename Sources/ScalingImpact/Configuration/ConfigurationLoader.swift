import Foundation
import TOMLKit

extension Configuration {
    /// Reads and validates the TOML configuration at `path`.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(
                path: path, key: "(file)",
                expected: "a configuration file; run `scaling-impact init` to write one, or pass --config")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(path: path, key: "(file)", expected: "UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses and validates TOML configuration text.
    public static func parse(_ text: String, path: String? = nil) throws(ConfigurationError) -> Configuration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                path: path, key: "(syntax)", expected: "valid TOML: \(error.description)",
                line: error.source.begin.line)
        } catch {
            throw ConfigurationError(path: path, key: "(syntax)", expected: "valid TOML")
        }
        var reader = TableReader(path: path)
        return try reader.configuration(table)
    }
}

/// Walks the TOML tree, checking every key and value and rejecting unknown keys.
private struct TableReader {
    let path: String?

    func error(_ key: String, _ value: (any TOMLValueConvertible)?, _ expected: String) -> ConfigurationError {
        ConfigurationError(path: path, key: key, value: value.map(render), expected: expected)
    }

    func render(_ value: any TOMLValueConvertible) -> String {
        if let s = value.string { return "\"\(s)\"" }
        return value.debugDescription
    }

    func checkKeys(_ table: TOMLTable, allowed: [String], at prefix: String) throws(ConfigurationError) {
        for key in table.keys where !allowed.contains(key) {
            throw ConfigurationError(
                path: path, key: prefix.isEmpty ? key : "\(prefix).\(key)",
                expected: "one of the known keys (\(allowed.joined(separator: ", "))); check its spelling")
        }
    }

    func string(_ table: TOMLTable, _ key: String, at prefix: String, required: Bool = true) throws(ConfigurationError) -> String? {
        guard let value = table[key] else {
            if required { throw error("\(prefix).\(key)", nil, "a value; the key is missing") }
            return nil
        }
        guard let text = value.string, !text.isEmpty else {
            throw error("\(prefix).\(key)", value, "a non-empty quoted string")
        }
        return text
    }

    func number(
        _ table: TOMLTable, _ key: String, at prefix: String, range: ClosedRange<Double>, what: String
    ) throws(ConfigurationError) -> Double? {
        guard let value = table[key] else { return nil }
        let number = value.double ?? value.int.map(Double.init)
        guard let number, number.isFinite, range.contains(number) else {
            throw error("\(prefix).\(key)", value, "\(what) between \(format(range.lowerBound)) and \(format(range.upperBound))")
        }
        return number
    }

    func integer(_ table: TOMLTable, _ key: String, at prefix: String, range: ClosedRange<Int>, what: String) throws(ConfigurationError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int, range.contains(number) else {
            throw error("\(prefix).\(key)", value, "\(what): a whole number between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    func time(_ table: TOMLTable, _ key: String, at prefix: String) throws(ConfigurationError) -> Int64? {
        guard let value = table[key] else { return nil }
        guard let text = value.string, let parsed = UTCTime.parse(text) else {
            throw error("\(prefix).\(key)", value, "a quoted UTC time such as \"2026-10-13T10:00:00Z\"")
        }
        return parsed.seconds
    }

    func window(_ table: TOMLTable, _ key: String, at prefix: String) throws(ConfigurationError) -> TimeWindow? {
        guard let value = table[key] else { return nil }
        guard let array = value.array, array.count == 2,
            let a = array[0].string.flatMap({ UTCTime.parse($0) }),
            let b = array[1].string.flatMap({ UTCTime.parse($0) }), a.seconds < b.seconds
        else {
            throw error(
                "\(prefix).\(key)", value,
                "two quoted UTC times, start before end, e.g. [\"2026-10-06T00:00:00Z\", \"2026-10-13T00:00:00Z\"]")
        }
        return TimeWindow(start: a.seconds, end: b.seconds)
    }

    func tables(_ root: TOMLTable, _ key: String) throws(ConfigurationError) -> [TOMLTable] {
        guard let value = root[key] else { return [] }
        guard let array = value.array else {
            throw error(key, value, "an array of tables written as [[\(key)]]")
        }
        var result: [TOMLTable] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else {
                throw error("\(key)[\(index)]", element, "a table written as [[\(key)]]")
            }
            result.append(table)
        }
        return result
    }

    mutating func configuration(_ root: TOMLTable) throws(ConfigurationError) -> Configuration {
        try checkKeys(root, allowed: ["criteria", "environments", "services", "prices", "mapping"], at: "")
        var criteria = Configuration.Criteria()
        if let value = root["criteria"] {
            guard let table = value.table else { throw error("criteria", value, "a table written as [criteria]") }
            try readCriteria(table, into: &criteria)
        }
        var environments: [Configuration.Environment] = []
        for (index, table) in try tables(root, "environments").enumerated() {
            let at = "environments[\(index)]"
            try checkKeys(table, allowed: ["name", "region", "change_at", "before", "after"], at: at)
            guard let name = try string(table, "name", at: at), let region = try string(table, "region", at: at)
            else { continue }
            guard let changeAt = try time(table, "change_at", at: at) else {
                throw error("\(at).change_at", nil, "the UTC time the change went live, e.g. \"2026-10-13T10:00:00Z\"")
            }
            if environments.contains(where: { $0.name == name }) {
                throw error("\(at).name", table["name"], "a name not used by another environment")
            }
            environments.append(
                .init(
                    name: name, region: region, changeAt: changeAt,
                    before: try window(table, "before", at: at), after: try window(table, "after", at: at)))
        }
        if environments.isEmpty {
            throw error("environments", nil, "at least one [[environments]] table with name, region and change_at")
        }
        var services: [Configuration.Service] = []
        for (index, table) in try tables(root, "services").enumerated() {
            let at = "services[\(index)]"
            try checkKeys(table, allowed: ["name", "vcpu", "memory_gb", "min_capacity", "max_capacity"], at: at)
            guard let name = try string(table, "name", at: at) else { continue }
            guard let vcpu = try number(table, "vcpu", at: at, range: 0.125...192, what: "vCPU per task") else {
                throw error("\(at).vcpu", nil, "vCPU per task, e.g. 1 or 0.5")
            }
            guard let memory = try number(table, "memory_gb", at: at, range: 0.25...1024, what: "memory per task in GB") else {
                throw error("\(at).memory_gb", nil, "memory per task in GB, e.g. 2")
            }
            let minimum = try integer(table, "min_capacity", at: at, range: 0...100_000, what: "minimum task count") ?? 1
            let maximum = try integer(table, "max_capacity", at: at, range: 1...100_000, what: "maximum task count") ?? 100
            if maximum < minimum {
                throw error("\(at).max_capacity", table["max_capacity"], "a number not below min_capacity (\(minimum))")
            }
            if services.contains(where: { $0.name == name }) {
                throw error("\(at).name", table["name"], "a name not used by another service")
            }
            services.append(.init(name: name, vcpu: vcpu, memoryGB: memory, minCapacity: minimum, maxCapacity: maximum))
        }
        if services.isEmpty {
            throw error("services", nil, "at least one [[services]] table with name, vcpu and memory_gb")
        }
        var prices: [Configuration.Price] = []
        for (index, table) in try tables(root, "prices").enumerated() {
            let at = "prices[\(index)]"
            try checkKeys(table, allowed: ["region", "vcpu_hour_usd", "gb_hour_usd", "taken_on", "source"], at: at)
            guard let region = try string(table, "region", at: at) else { continue }
            guard let vcpu = try number(table, "vcpu_hour_usd", at: at, range: 0...10, what: "USD per vCPU-hour"),
                let gb = try number(table, "gb_hour_usd", at: at, range: 0...10, what: "USD per GB-hour")
            else {
                throw error(at, nil, "both vcpu_hour_usd and gb_hour_usd")
            }
            guard let takenOn = try string(table, "taken_on", at: at), UTCTime.parse(takenOn) != nil else {
                throw error("\(at).taken_on", table["taken_on"], "the date the price was read, \"YYYY-MM-DD\"")
            }
            let source = try string(table, "source", at: at, required: false) ?? "not stated"
            prices.append(.init(region: region, vcpuHourUSD: vcpu, gbHourUSD: gb, takenOn: takenOn, source: source))
        }
        for (index, environment) in environments.enumerated() where !prices.contains(where: { $0.region == environment.region }) {
            throw ConfigurationError(
                path: path, key: "environments[\(index)].region", value: "\"\(environment.region)\"",
                expected: "a region with a [[prices]] entry (have: \(prices.map(\.region).joined(separator: ", ")))")
        }
        var rules: [MappingRule] = []
        for (index, table) in try tables(root, "mapping").enumerated() {
            let at = "mapping[\(index)]"
            try checkKeys(table, allowed: ["field", "pattern", "environment", "service"], at: at)
            guard let fieldText = try string(table, "field", at: at), let pattern = try string(table, "pattern", at: at)
            else { continue }
            guard let field = MappingField(fieldText) else {
                throw error("\(at).field", table["field"], "cluster, service, target_group, load_balancer, label or tag:<key>")
            }
            let environment = try string(table, "environment", at: at, required: false)
            let service = try string(table, "service", at: at, required: false)
            if environment == nil && service == nil {
                throw error(at, nil, "environment, service or both to assign when the pattern matches")
            }
            if let environment, !environments.contains(where: { $0.name == environment }) {
                throw error("\(at).environment", table["environment"], "one of the environments: \(environments.map(\.name).joined(separator: ", "))")
            }
            if let service, !services.contains(where: { $0.name == service }) {
                throw error("\(at).service", table["service"], "one of the services: \(services.map(\.name).joined(separator: ", "))")
            }
            rules.append(.init(field: field, pattern: pattern, environment: environment, service: service))
        }
        return Configuration(
            environments: environments, services: services, prices: prices, criteria: criteria, mappingRules: rules)
    }

    func readCriteria(_ table: TOMLTable, into c: inout Configuration.Criteria) throws(ConfigurationError) {
        let at = "criteria"
        try checkKeys(
            table,
            allowed: [
                "cost_budget_pct", "cost_warn_margin_pct", "task_band_pct", "latency_fail_pct",
                "flapping_window_minutes", "flaps_per_day_warn", "min_coverage_pct", "before_days",
                "after_offset_hours", "after_days", "confidence_pct", "significance_confidence_pct",
                "significance_tolerance", "cpu_target_pct", "cost_model_tolerance_pct", "parallel_trends_tolerance_pct",
                "bootstrap_resamples", "bootstrap_block_hours",
            ], at: at)
        if let v = try number(table, "cost_budget_pct", at: at, range: 0...1000, what: "a cost increase in percent") { c.costBudgetPct = v }
        if let v = try number(table, "cost_warn_margin_pct", at: at, range: 0...1000, what: "percentage points") { c.costWarnMarginPct = v }
        if let value = table["task_band_pct"] {
            guard let array = value.array, array.count == 2,
                let low = array[0].double ?? array[0].int.map(Double.init),
                let high = array[1].double ?? array[1].int.map(Double.init), low <= high
            else {
                throw error("\(at).task_band_pct", value, "two numbers [low, high] in percent, low not above high, e.g. [5, 15]")
            }
            c.taskBandLowPct = low
            c.taskBandHighPct = high
        }
        if let v = try number(table, "latency_fail_pct", at: at, range: 0...1000, what: "a latency increase in percent") { c.latencyFailPct = v }
        if let v = try integer(table, "flapping_window_minutes", at: at, range: 1...1440, what: "minutes") { c.flappingWindowMinutes = v }
        if let v = try number(table, "flaps_per_day_warn", at: at, range: 0...10_000, what: "flaps per day") { c.flapsPerDayWarn = v }
        if let v = try number(table, "min_coverage_pct", at: at, range: 0...100, what: "a share of the window in percent") { c.minCoveragePct = v }
        if let v = try integer(table, "before_days", at: at, range: 1...365, what: "days") { c.beforeDays = v }
        if let v = try integer(table, "after_offset_hours", at: at, range: 0...8760, what: "hours") { c.afterOffsetHours = v }
        if let v = try integer(table, "after_days", at: at, range: 1...365, what: "days") { c.afterDays = v }
        if let v = try number(table, "confidence_pct", at: at, range: 50...99.9, what: "a confidence level in percent") { c.confidencePct = v }
        if let v = try number(table, "significance_confidence_pct", at: at, range: 50...99.9, what: "a confidence level in percent") {
            c.significanceConfidencePct = v
        }
        if let v = try number(table, "significance_tolerance", at: at, range: 0...10, what: "a fraction of the estimate") { c.significanceTolerance = v }
        if let v = try number(table, "cpu_target_pct", at: at, range: 1...100, what: "a CPU utilization in percent") { c.cpuTargetPct = v }
        if let v = try number(table, "cost_model_tolerance_pct", at: at, range: 0...1000, what: "a relative difference in percent") {
            c.costModelTolerancePct = v
        }
        if let v = try number(table, "parallel_trends_tolerance_pct", at: at, range: 0...1000, what: "a difference in percent") {
            c.parallelTrendsTolerancePct = v
        }
        if let v = try integer(table, "bootstrap_resamples", at: at, range: 100...100_000, what: "resamples") { c.bootstrapResamples = v }
        if let v = try integer(table, "bootstrap_block_hours", at: at, range: 1...168, what: "hours") { c.bootstrapBlockHours = v }
    }

    func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
