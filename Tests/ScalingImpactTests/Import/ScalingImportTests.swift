import Foundation
import Testing

@testable import ScalingImpact

/// Application Auto Scaling activities and ECS service events into `scaling_events`.
@Suite struct ScalingImportTests {
    static func eventRows(_ database: Database) throws -> [[SQLValue]] {
        try database.makeStatement(
            "SELECT environment, service, ts, source, from_count, to_count, cause, status FROM scaling_events ORDER BY 1, 2, 3"
        ).query()
    }

    /// A configuration whose rules map the AWS CLI examples' cluster `default` to staging and their services to web.
    static func exampleConfiguration() throws -> Configuration {
        var configuration = try Configuration.parse(Configuration.template)
        configuration.mappingRules += [
            MappingRule(field: .cluster, pattern: "default", environment: "staging"),
            MappingRule(field: .service, pattern: "web-app", service: "web"),
            MappingRule(field: .service, pattern: "my-http-service", service: "web"),
        ]
        return configuration
    }

    @Test func awscliActivitySampleIsACPUScaleInToOne() throws {
        let harness = try ImportHarness(configuration: try Self.exampleConfiguration())
        let summary = try harness.importFile(try TestFixtures.samplePath("aas-describe-scaling-activities_awscli-example_ecs.json"))
        #expect(summary.format == .scalingActivities)
        #expect(summary.rowsAccepted == 1)
        #expect(summary.rowsRejected == 0)
        #expect(
            try Self.eventRows(harness.database) == [
                [.text("staging"), .text("web"), .integer(1_462_575_838), .text("application-autoscaling"), .null, .integer(1), .text("cpu"), .text("Successful")]
            ])
    }

    @Test func awscliActivitySampleWithoutARuleIsUnmapped() throws {
        let harness = try ImportHarness()
        let summary = try harness.importFile(try TestFixtures.samplePath("aas-describe-scaling-activities_awscli-example_ecs.json"))
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsUnmapped == 1)
        #expect(try harness.database.integer("SELECT COUNT(*) FROM scaling_events") == 0)
    }

    /// CLI v2 output (ISO-8601 times, newest first) for two services, with every kind of cause.
    static let activitiesV2 = """
        {"ScalingActivities": [
          {"ActivityId": "5", "ServiceNamespace": "ecs", "ResourceId": "service/prod-eu-main/web", "ScalableDimension": "ecs:service:DesiredCount",
           "Description": "Setting desired count to 6.", "Cause": "maximum capacity was set to 6", "StartTime": "2026-10-14T12:00:00.123000+00:00",
           "StatusCode": "Successful"},
          {"ActivityId": "4", "ServiceNamespace": "ecs", "ResourceId": "service/prod-eu-main/web", "ScalableDimension": "ecs:service:DesiredCount",
           "Description": "Setting desired count to 8.", "Cause": "monitor alarm TargetTracking-service/prod-eu-main/web-AlarmHigh-1a2b in state ALARM triggered policy web-requests-ALBRequestCountPerTarget",
           "StartTime": "2026-10-14T11:00:00+00:00", "StatusCode": "Successful"},
          {"ActivityId": "3", "ServiceNamespace": "ecs", "ResourceId": "service/prod-eu-main/web", "ScalableDimension": "ecs:service:DesiredCount",
           "Description": "Setting desired count to 9.", "Cause": "monitor alarm x in state ALARM triggered policy step-out", "StartTime": "2026-10-14T10:30:00+00:00",
           "StatusCode": "Failed"},
          {"ActivityId": "2", "ServiceNamespace": "ecs", "ResourceId": "service/prod-eu-main/web", "ScalableDimension": "ecs:service:DesiredCount",
           "Description": "Setting desired count to 5.", "Cause": "monitor alarm TargetTracking-service/prod-eu-main/web-AlarmHigh-9f in state ALARM triggered policy TargetTracking-ECSServiceAverageCPUUtilization",
           "StartTime": "2026-10-14T10:00:00+00:00", "StatusCode": "Successful"},
          {"ActivityId": "1", "ServiceNamespace": "ecs", "ResourceId": "service/prod-eu-main/web-iso", "ScalableDimension": "ecs:service:DesiredCount",
           "Description": "Setting desired count to 2.", "Cause": "scheduled action name nightly was triggered", "StartTime": "2026-10-14T10:00:00+00:00",
           "StatusCode": "Successful"},
          {"ActivityId": "0", "ServiceNamespace": "dynamodb", "ResourceId": "table/orders", "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
           "Description": "Setting read capacity units to 10.", "Cause": "monitor alarm a in state ALARM triggered policy p", "StartTime": "2026-10-14T10:00:00+00:00",
           "StatusCode": "Successful"}
        ], "NextToken": "more"}
        """

    @Test func activitiesGetCountsFromPreviousSuccessfulActivityAndACause() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let summary = try harness.importFile(try scratch.write("activities.json", Self.activitiesV2))
        #expect(summary.format == .scalingActivities)
        #expect(summary.rowsAccepted == 5)
        #expect(summary.rowsIgnored == 1)
        #expect(summary.warnings.contains { $0.contains("NextToken") })
        let ten: Int64 = 1_791_972_000  // 2026-10-14T10:00:00Z
        let source = SQLValue.text("application-autoscaling")
        #expect(
            try Self.eventRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .integer(ten), source, .null, .integer(5), .text("cpu"), .text("Successful")],
                [.text("prod-eu"), .text("web"), .integer(ten + 1800), source, .integer(5), .integer(9), .text("unknown"), .text("Failed")],
                [.text("prod-eu"), .text("web"), .integer(ten + 3600), source, .integer(5), .integer(8), .text("requests"), .text("Successful")],
                [.text("prod-eu"), .text("web"), .integer(ten + 7200), source, .integer(8), .integer(6), .text("manual"), .text("Successful")],
                [.text("prod-eu"), .text("web-iso"), .integer(ten), source, .null, .integer(2), .text("manual"), .text("Successful")],
            ])
        // The next export of the same six weeks overlaps this one: its events replace, never add.
        let again = Self.activitiesV2.replacingOccurrences(of: "\"NextToken\": \"more\"", with: "\"NextToken\": null")
        try harness.importFile(try scratch.write("activities-2.json", again))
        #expect(try harness.database.integer("SELECT COUNT(*) FROM scaling_events") == 5)
    }

    @Test(arguments: [
        ("monitor alarm web-app-cpu-lt-25 in state ALARM triggered policy web-app-cpu-lt-25", "cpu"),
        ("monitor alarm TargetTracking-x-AlarmLow-1 in state ALARM triggered policy ecs-ALBRequestCountPerTarget-tt", "requests"),
        ("monitor alarm high-cpu in state ALARM triggered policy scale-out", "cpu"),
        ("monitor alarm a in state ALARM triggered policy b", "unknown"),
        ("scheduled action name weekend was triggered", "manual"),
        ("minimum capacity was set to 4", "manual"),
        ("", "unknown"),
    ])
    func causesComeFromPolicyAndAlarmNames(cause: String, expected: String) {
        #expect(ScalingEventsParser.cause(cause) == expected)
    }

    @Test func aBadStartTimeIsARejectedRow() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = Self.activitiesV2.replacingOccurrences(of: "2026-10-14T11:00:00+00:00", with: "yesterday")
        let error = #expect(throws: ImportError.self) { try harness.importFile(try scratch.write("a.json", text)) }
        #expect(error?.kind == .values)
        #expect(error?.message.contains("StartTime \"yesterday\" is not epoch seconds or an ISO-8601 time") == true)
        #expect(try harness.database.tableCounts().values.allSatisfy { $0 == 0 })
    }

    @Test func brokenJSONIsAStructureErrorWithItsPosition() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let path = try scratch.write("a.json", String(Self.activitiesV2.prefix(400)))
        let error = #expect(throws: ImportError.self) { try harness.importFile(path, ImportOptions(format: .scalingActivities)) }
        #expect(error?.kind == .structure)
        #expect(error?.message.contains("not valid JSON") == true)
    }

    // MARK: ECS service events

    @Test func awscliServicesSampleHasNoTaskCountChangesAndSaysSo() throws {
        let harness = try ImportHarness(configuration: try Self.exampleConfiguration())
        let summary = try harness.importFile(try TestFixtures.samplePath("ecs-describe-services_awscli-example.json"))
        #expect(summary.format == .ecsServiceEvents)
        #expect(summary.rowsAccepted == 0)
        #expect(summary.rowsIgnored == 1)
        #expect(summary.warnings.contains { $0.contains("none of the 1 service events starts or stops tasks") })
        #expect(try harness.database.integer("SELECT COUNT(*) FROM scaling_events") == 0)
    }

    @Test func serviceEventsCountsAreWalkedBackFromTheRunningCount() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = """
            {"services": [{"serviceName": "web", "clusterArn": "arn:aws:ecs:eu-west-1:1:cluster/prod-eu-main", "runningCount": 6,
              "events": [
                {"id": "e5", "createdAt": "2026-10-14T12:00:00+00:00", "message": "(service web) has reached a steady state."},
                {"id": "e4", "createdAt": 1791979200.5, "message": "(service web) has stopped 2 running tasks: (task a) (task b)."},
                {"id": "e3", "createdAt": 1791975600, "message": "(service web) has started 3 tasks: (task c) (task d) (task e)."},
                {"id": "e2", "createdAt": 1791975600, "message": "(service web) has stopped 1 running tasks: (task f)."},
                {"id": "e1", "createdAt": 1791972000, "message": "(service web) registered 1 targets in (target-group x)"}
              ]}], "failures": []}
            """
        let summary = try harness.importFile(try scratch.write("services.json", text))
        #expect(summary.rowsAccepted == 3)
        #expect(summary.rowsIgnored == 2)
        let source = SQLValue.text("ecs-events")
        let eleven: Int64 = 1_791_975_600
        // 6 now; before the stop of 2: 8; the stop of 1 then start of 3 in the same second: 6 → 8.
        #expect(
            try Self.eventRows(harness.database) == [
                [.text("prod-eu"), .text("web"), .integer(eleven), source, .integer(6), .integer(8), .text("unknown"), .text("Successful")],
                [.text("prod-eu"), .text("web"), .integer(eleven + 3600), source, .integer(8), .integer(6), .text("unknown"), .text("Successful")],
            ])
    }

    @Test func impossibleWalkBackLeavesCountsUnknown() throws {
        let harness = try ImportHarness()
        let scratch = try ScratchDirectory()
        let text = """
            {"services": [{"serviceName": "web", "serviceArn": "arn:aws:ecs:eu-west-1:1:service/prod-eu-main/web", "runningCount": 1,
              "events": [
                {"id": "e2", "createdAt": 1791975600, "message": "(service web) has started 3 tasks: (task c)."},
                {"id": "e1", "createdAt": 1791972000, "message": "(service web) has stopped 1 running tasks: (task f)."}
              ]}]}
            """
        try harness.importFile(try scratch.write("services.json", text))
        #expect(
            try harness.database.makeStatement("SELECT from_count, to_count FROM scaling_events ORDER BY ts").query()
                == [[.null, .null], [.null, .null]])
    }

    @Test(arguments: [
        ("(service web) has started 12 tasks: (task a).", Int64?.some(12)),
        ("(service web) has stopped 3 running tasks: (task a).", -3),
        ("(service web) has reached a steady state.", nil),
        ("(service web) was unable to place a task.", nil),
    ])
    func taskCountChangesAreReadFromMessages(message: String, change: Int64?) {
        #expect(ScalingEventsParser.taskCountChange(in: message) == change)
    }
}
