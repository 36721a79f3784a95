import Testing

@testable import ScalingImpact

/// Modelled Fargate cost and per-request normalisation against the closed forms in vectors.json.
@Suite struct CostNormalisationTests {
    @Test func templatePriceGivesTheReferenceTaskHourCost() throws {
        let vector = try TestFixtures.vectors().fargateCost
        let configuration = try Configuration.parse(Configuration.template)
        let price = try #require(configuration.price(region: "us-east-1"))
        let web = try #require(configuration.service(named: "web"))
        #expect(price.vcpuHourUSD == vector.vcpuHourUSD)
        #expect(price.gbHourUSD == vector.gbHourUSD)
        #expect(web.vcpu == vector.task.vcpu)
        #expect(web.memoryGB == vector.task.memoryGB)
        let taskHour = web.vcpu * price.vcpuHourUSD + web.memoryGB * price.gbHourUSD
        #expect(Approx.equal(taskHour, vector.taskHourUSD, relative: 1e-9))
    }

    /// One environment, one 1 vCPU / 2 GB service, and a price that makes a task-hour cost `taskHourUSD`.
    static func configuration(taskHourUSD: Double) throws -> Configuration {
        try Configuration.parse(
            """
            [[environments]]
            name = "staging"
            region = "us-east-1"
            change_at = "2026-10-13T10:00:00Z"

            [[services]]
            name = "web"
            vcpu = 1
            memory_gb = 2
            min_capacity = 1
            max_capacity = 40

            [[prices]]
            region = "us-east-1"
            vcpu_hour_usd = \(taskHourUSD)
            gb_hour_usd = 0
            taken_on = "2026-10-01"
            """)
    }

    /// Hourly RunningTaskCount and RequestCount points over `window`.
    static func points(_ window: TimeWindow, tasks: Double, requestsPerHour: Double) -> [String: [SeriesFacts.Point]] {
        let hours = stride(from: window.start, to: window.end, by: 3600)
        return [
            "RunningTaskCount": hours.map { SeriesFacts.Point(ts: $0, period: 3600, value: tasks) },
            "RequestCount": hours.map { SeriesFacts.Point(ts: $0, period: 3600, value: requestsPerHour) },
        ]
    }

    @Test func analyzerNormalisesCostAndTaskHoursByRequests() throws {
        let vector = try TestFixtures.vectors().normalisation
        let configuration = try Self.configuration(taskHourUSD: vector.costPerTaskHour)
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        #expect(before.hours == 168 && after.hours == 168)

        // 1680 and 1512 task-hours over 168 hours: 10 and 9 tasks throughout.
        var series = SeriesFacts()
        series.metrics = Self.points(
            before, tasks: vector.taskHoursBefore / 168, requestsPerHour: vector.requestsBefore / 168)
        let afterPoints = Self.points(
            after, tasks: vector.taskHoursAfter / 168, requestsPerHour: vector.requestsAfter / 168)
        for (metric, points) in afterPoints { series.metrics[metric, default: []] += points }
        let facts = Facts(series: [ServiceKey(environment: "staging", service: "web"): series])

        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 200)).analyze(facts: facts)
        func row(_ metric: String) throws -> MetricRow {
            try #require(result.row("staging", "web", metric), "no \(metric) row")
        }

        let taskHours = try row("task_hours")
        #expect(Approx.equal(taskHours.before, vector.taskHoursBefore, relative: 1e-9))
        #expect(Approx.equal(taskHours.after, vector.taskHoursAfter, relative: 1e-9))
        let requests = try row("requests")
        #expect(requests.before == vector.requestsBefore)
        #expect(requests.after == vector.requestsAfter)

        let modelled = try row("cost_modelled_usd")
        #expect(Approx.equal(modelled.before, vector.taskHoursBefore * vector.costPerTaskHour, relative: 1e-9))
        #expect(Approx.equal(modelled.after, vector.taskHoursAfter * vector.costPerTaskHour, relative: 1e-9))

        // Cost per million requests = cost / requests × 1e6.
        let perMillion = try row("cost_per_million_requests_usd")
        #expect(Approx.equal(perMillion.before, vector.costPerMillionRequests[0], relative: 1e-9))
        #expect(Approx.equal(perMillion.after, vector.costPerMillionRequests[1], relative: 1e-9))
        #expect(perMillion.reason.contains("modelled"))

        // Task-hours per 1k requests from the same rows.
        let perThousandBefore = try #require(taskHours.before) / (try #require(requests.before)) * 1000
        let perThousandAfter = try #require(taskHours.after) / (try #require(requests.after)) * 1000
        #expect(Approx.equal(perThousandBefore, vector.taskHoursPer1kRequests[0], relative: 1e-9))
        #expect(Approx.equal(perThousandAfter, vector.taskHoursPer1kRequests[1], relative: 1e-9))

        // −10% cost with no bill: a modelled PASS; −10% tasks is outside the +5..+15% band.
        #expect(modelled.verdict == .pass)
        #expect(modelled.reason.contains("−10.0%"))
        #expect(Approx.equal(modelled.deltaPct, -10, relative: 1e-9))
        #expect(try row("running_tasks_mean").verdict == .warn)
        #expect(try row("cost_billed_usd").verdict == nil)
    }

    @Test func modelledCostUsesTheConfiguredTaskSize() throws {
        let vector = try TestFixtures.vectors().fargateCost
        var configuration = try Configuration.parse(Configuration.template)
        configuration.environments = configuration.environments.filter { $0.name == "staging" }
        configuration.services = configuration.services.filter { $0.name == "web" }
        let staging = try #require(configuration.environment(named: "staging"))
        let (before, after) = configuration.windows(for: staging)
        var series = SeriesFacts()
        series.metrics = Self.points(before, tasks: 1, requestsPerHour: 1000)
        for (metric, points) in Self.points(after, tasks: 1, requestsPerHour: 1000) {
            series.metrics[metric, default: []] += points
        }
        let result = Analyzer(configuration: configuration, bootstrap: BlockBootstrap(resamples: 100))
            .analyze(facts: Facts(series: [ServiceKey(environment: "staging", service: "web"): series]))
        let modelled = try #require(result.row("staging", "web", "cost_modelled_usd"))
        // One task for 168 hours at the us-east-1 list price of a 1 vCPU / 2 GB task.
        #expect(Approx.equal(modelled.before, 168 * vector.taskHourUSD, relative: 1e-9))
        #expect(Approx.equal(modelled.after, 168 * vector.taskHourUSD, relative: 1e-9))
        #expect(abs(try #require(modelled.delta)) < 1e-9)
    }
}
