/// The configuration's `[[mapping]]` rules as SQL: an environment and a service expression that
/// give, row by row, what ``Mapper/key(for:)`` gives for the same names.
///
/// Rules are tried in order and the first match wins, for environment and service separately;
/// without a match, a name equal to a configured environment (or, for the service, the service
/// name or `service` tag equal to a configured service) is used. A row nothing maps gets NULL.
struct MappingSQL {
    /// The SQL expression of each name a row carries (NULL in a row that lacks it). Rules on
    /// fields not listed here never match, as in the local importer for the same export.
    var names: [MappingField: String]
    /// Expressions whose value is used as the environment when it equals a configured one and no
    /// rule gave it, in the order tried (the local importer tries every name the row carries).
    var environmentFallbacks: [String]
    /// Expressions whose value is used as the service when it equals a configured one.
    var serviceFallbacks: [String]

    /// The environment of a row, or NULL.
    func environment(_ configuration: Configuration) -> String {
        expression(
            rules: configuration.mappingRules.compactMap { rule in rule.environment.map { (rule, $0) } },
            fallbacks: environmentFallbacks, allowed: configuration.environments.map(\.name))
    }

    /// The service of a row, or NULL.
    func service(_ configuration: Configuration) -> String {
        expression(
            rules: configuration.mappingRules.compactMap { rule in rule.service.map { (rule, $0) } },
            fallbacks: serviceFallbacks, allowed: configuration.services.map(\.name))
    }

    private func expression(rules: [(MappingRule, String)], fallbacks: [String], allowed: [String]) -> String {
        var branches: [String] = []
        for (rule, value) in rules {
            guard let name = names[rule.field] else { continue }
            branches.append("WHEN \(SQLText.globCondition(name, rule.pattern)) THEN \(SQLText.literal(value))")
        }
        if !allowed.isEmpty {
            let list = allowed.map(SQLText.literal).joined(separator: ", ")
            for fallback in fallbacks {
                branches.append("WHEN \(fallback) IN (\(list)) THEN \(fallback)")
            }
        }
        guard !branches.isEmpty else { return "CAST(NULL AS VARCHAR)" }
        return "CASE\n" + branches.map { "      " + $0 }.joined(separator: "\n") + "\n    END"
    }
}
