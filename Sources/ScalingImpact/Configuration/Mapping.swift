/// Assigns exported rows to (environment, service) by the configuration's rules.
public struct Mapper: Sendable {
    let rules: [MappingRule]
    let environmentNames: Set<String>
    let serviceNames: Set<String>

    /// Creates a mapper for `configuration`.
    public init(configuration: Configuration) {
        rules = configuration.mappingRules
        environmentNames = Set(configuration.environments.map(\.name))
        serviceNames = Set(configuration.services.map(\.name))
    }

    /// The (environment, service) for a row carrying `names`, or nil when nothing maps it.
    ///
    /// Rules are tried in order, the first match for each of environment and service wins.
    /// Without a matching rule, a name equal to a configured environment or service (or a tag
    /// `environment`/`service` holding one) is used.
    public func key(for names: [MappingField: String]) -> ServiceKey? {
        var environment: String?
        var service: String?
        for rule in rules where environment == nil || service == nil {
            guard let value = names[rule.field], Glob.matches(rule.pattern, value) else { continue }
            if environment == nil, let e = rule.environment { environment = e }
            if service == nil, let s = rule.service { service = s }
        }
        if environment == nil {
            environment = names.values.first { environmentNames.contains($0) }
        }
        if service == nil {
            if let s = names[.service], serviceNames.contains(s) {
                service = s
            } else if let s = names[.tag("service")], serviceNames.contains(s) {
                service = s
            }
        }
        guard let environment, let service else { return nil }
        return ServiceKey(environment: environment, service: service)
    }
}

/// Glob matching with `*` and `?`, over Unicode scalars.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let t = Array(text.unicodeScalars)
        var pi = 0
        var ti = 0
        var star = -1
        var mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
