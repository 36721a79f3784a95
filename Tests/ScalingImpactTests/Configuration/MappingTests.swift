import Testing

@testable import ScalingImpact

@Suite struct MappingTests {
    @Test(arguments: [
        ("*", "", true),
        ("*", "anything", true),
        ("", "", true),
        ("", "a", false),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("a?c", "abbc", false),
        ("prod-eu*", "prod-eu", true),
        ("prod-eu*", "prod-eu-main", true),
        ("prod-eu*", "prod-us-main", false),
        ("prod-eu*", "xprod-eu-main", false),
        ("*-web", "prod-eu-web", true),
        ("*-web", "prod-eu-web-iso", false),
        ("web *", "web RunningTaskCount Average", true),
        ("web *", "web-iso RunningTaskCount", false),
        ("web *", "web", false),
        ("a*b*c", "aXXbYYc", true),
        ("a*b*c", "abcabc", true),
        ("a*b*c", "aXXbYY", false),
        ("*a*a*", "banana", true),
        ("Web*", "web", false),
        ("?", "é", true),
        ("caf?", "café", true),
        ("**", "x", true),
    ])
    func globMatching(pattern: String, text: String, matches: Bool) {
        #expect(Glob.matches(pattern, text) == matches)
    }

    @Test(arguments: [
        ("cluster", MappingField.cluster),
        ("service", .service),
        ("target_group", .targetGroup),
        ("load_balancer", .loadBalancer),
        ("label", .label),
        ("tag:team", .tag("team")),
        ("tag:aws:ecs:clusterName", .tag("aws:ecs:clusterName")),
    ])
    func mappingFieldRoundTrips(text: String, field: MappingField) {
        #expect(MappingField(text) == field)
        #expect(field.description == text)
    }

    @Test(arguments: ["", "tag:", "Cluster", "targetGroup", "tags:team"])
    func unknownMappingFieldsAreRejected(text: String) {
        #expect(MappingField(text) == nil)
    }

    @Test func templateRulesMapClustersLabelsAndTargetGroups() throws {
        let mapper = Mapper(configuration: try Configuration.parse(Configuration.template))
        #expect(
            mapper.key(for: [.cluster: "prod-eu-main", .label: "web-iso CPUUtilization"])
                == ServiceKey(environment: "prod-eu", service: "web-iso"))
        // A label rule matches the whole label.
        #expect(mapper.key(for: [.cluster: "prod-eu-main", .label: "prod-eu-main checkout CPUUtilization"]) == nil)
        #expect(
            mapper.key(for: [.cluster: "staging-blue", .label: "web-ingestion RequestCount"])
                == ServiceKey(environment: "staging", service: "web-ingestion"))
        #expect(
            mapper.key(for: [.cluster: "prod-hipaa", .targetGroup: "hipaa-web-iso"])
                == ServiceKey(environment: "prod-hipaa", service: "web-iso"))
        #expect(
            mapper.key(for: [.cluster: "prod-us-2", .targetGroup: "tg-web"])
                == ServiceKey(environment: "prod-us", service: "web"))
        // Without a service rule match, a name equal to a configured service is used.
        #expect(
            mapper.key(for: [.cluster: "prod-us-main", .service: "web-ingestion"])
                == ServiceKey(environment: "prod-us", service: "web-ingestion"))
        // A cluster no rule knows, and no name equal to an environment: unmapped.
        #expect(mapper.key(for: [.cluster: "dev-main", .service: "web"]) == nil)
        // An environment without a service: unmapped.
        #expect(mapper.key(for: [.cluster: "prod-eu-main", .service: "checkout"]) == nil)
        #expect(mapper.key(for: [:]) == nil)
    }

    @Test func firstMatchingRuleWins() throws {
        var configuration = try Configuration.parse(Configuration.template)
        configuration.mappingRules = [
            MappingRule(field: .tag("team"), pattern: "payments", environment: "prod-us"),
            MappingRule(field: .cluster, pattern: "*", environment: "staging", service: "web-iso"),
            MappingRule(field: .cluster, pattern: "*", environment: "prod-eu", service: "web"),
        ]
        let mapper = Mapper(configuration: configuration)
        #expect(
            mapper.key(for: [.cluster: "c", .tag("team"): "payments"])
                == ServiceKey(environment: "prod-us", service: "web-iso"))
        #expect(mapper.key(for: [.cluster: "c"]) == ServiceKey(environment: "staging", service: "web-iso"))
    }

    @Test func withoutRulesNamesEqualToConfiguredOnesAreUsed() throws {
        var configuration = try Configuration.parse(Configuration.template)
        configuration.mappingRules = []
        let mapper = Mapper(configuration: configuration)
        #expect(
            mapper.key(for: [.tag("environment"): "prod-hipaa", .tag("service"): "web"])
                == ServiceKey(environment: "prod-hipaa", service: "web"))
        #expect(
            mapper.key(for: [.cluster: "staging", .service: "web-iso"])
                == ServiceKey(environment: "staging", service: "web-iso"))
        // Prefixes are not enough without a rule.
        #expect(mapper.key(for: [.cluster: "staging-main", .service: "web"]) == nil)
        #expect(mapper.key(for: [.cluster: "staging", .service: "web-api"]) == nil)
    }
}
