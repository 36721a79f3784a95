/// Which part of the environment's report range an event falls in.
public enum WindowPhase: String, Sendable, Equatable {
    case before
    /// Between the before and the after window (the transition day).
    case transition
    case after
    /// Outside both windows and not between them.
    case outside

    /// The window `time` falls in; the after window wins where explicit windows overlap.
    public init(time: Int64, windows: (before: TimeWindow, after: TimeWindow)) {
        if windows.after.contains(time) {
            self = .after
        } else if windows.before.contains(time) {
            self = .before
        } else {
            let low = min(windows.before.end, windows.after.start)
            let high = max(windows.before.end, windows.after.start)
            self = time >= low && time < high ? .transition : .outside
        }
    }
}

/// One change of a service's task count, for `scaling_events.csv` and the timeline chart.
public struct TaskCountChange: Sendable, Equatable {
    /// UTC seconds: the datapoint that shows the new count, or the activity's start.
    public var time: Int64
    /// Environment.
    public var environment: String
    /// Service.
    public var service: String
    /// Task count before the change, when known.
    public var fromTasks: Int?
    /// Task count after the change, when known.
    public var toTasks: Int?
    /// Cause from a matching scaling activity (`cpu`, `requests`, `manual`, ...), else `unknown`.
    public var cause: String
    /// Whether this change reverses the previous one within the flapping window. Counted like
    /// the analysis counts flaps, so the flags of a window add up to its `flaps` figure.
    public var isFlap: Bool
    /// The window the event falls in.
    public var window: WindowPhase

    /// `out` when the count rose, `in` when it fell, empty when unknown.
    public var direction: String {
        guard let fromTasks, let toTasks, fromTasks != toTasks else { return "" }
        return toTasks > fromTasks ? "out" : "in"
    }
}

/// A scaling activity or service event as imported into the `scaling_events` table.
public struct ScalingActivity: Sendable, Equatable {
    /// Environment.
    public var environment: String
    /// Service.
    public var service: String
    /// UTC seconds.
    public var time: Int64
    /// Where it came from (`application-autoscaling`, `ecs-events`).
    public var source: String
    /// Count before, when known.
    public var fromCount: Int?
    /// Count after, when known.
    public var toCount: Int?
    /// `cpu`, `requests`, `manual` or `unknown`.
    public var cause: String
    /// Activity status as exported (`Successful`, `Failed`, ...).
    public var status: String

    /// Whether the activity changed anything: failed, unfulfilled and overridden activities did not.
    public var tookEffect: Bool {
        !["failed", "unfulfilled", "overridden", "cancelled"].contains(status.lowercased())
    }

    /// Every activity in `[start, end)`, in (environment, service, time, source) order.
    public static func load(from database: Database, start: Int64, end: Int64) throws(StorageError) -> [ScalingActivity] {
        var activities: [ScalingActivity] = []
        try database.cachedStatement(
            """
            SELECT environment, service, ts, source, from_count, to_count, cause, status FROM scaling_events
            WHERE ts >= ? AND ts < ? ORDER BY environment, service, ts, source
            """
        ).forEachRow([.integer(start), .integer(end)]) { row in
            activities.append(
                ScalingActivity(
                    environment: row.string(0), service: row.string(1), time: row.int(2), source: row.string(3),
                    fromCount: row.isNull(4) ? nil : Int(row.int(4)), toCount: row.isNull(5) ? nil : Int(row.int(5)),
                    cause: row.string(6), status: row.string(7)))
        }
        return activities
    }
}

/// Scaling events of every (environment, service): the changes of its task-count series.
public enum ScalingEvents {
    /// The events of every series of `timeSeries`, in series order, then time.
    ///
    /// Events come from the CloudWatch task-count datapoints (desired, else running), which are
    /// what the analysis counts; an imported scaling activity that starts between the previous
    /// datapoint and the end of the changed one, in the same direction, gives the event its
    /// cause. A series without task-count datapoints uses its imported activities instead.
    public static func make(
        timeSeries: TimeSeries, activities: [ScalingActivity], configuration: Configuration
    ) -> [TaskCountChange] {
        let flapSeconds = Int64(configuration.criteria.flappingWindowMinutes * 60)
        var byKey: [ServiceKey: [ScalingActivity]] = [:]
        for activity in activities where activity.tookEffect {
            byKey[ServiceKey(environment: activity.environment, service: activity.service), default: []].append(activity)
        }
        var events: [TaskCountChange] = []
        for series in timeSeries.series {
            guard let environment = configuration.environment(named: series.key.environment) else { continue }
            let windows = configuration.windows(for: environment)
            let own = (byKey[series.key] ?? []).sorted { ($0.time, $0.source) < ($1.time, $1.source) }
            let samples: [(time: Int64, count: Double, period: Int64)]
            let fromActivities = series.taskCountPoints.isEmpty
            if fromActivities {
                samples = activitySamples(own)
            } else {
                samples = series.taskCountPoints.map { ($0.ts, $0.value.rounded(), $0.period) }
            }
            var changes = changeEvents(samples, windows: windows, flapSeconds: flapSeconds)
            for i in changes.indices {
                changes[i].event.environment = series.key.environment
                changes[i].event.service = series.key.service
                let event = changes[i].event
                let match: ScalingActivity?
                if fromActivities {
                    match = own.first { $0.time == event.time && $0.toCount == event.toTasks }
                } else {
                    // The activity that led to the datapoint: after the previous datapoint, before the changed one ends.
                    let previous = changes[i].previousTime
                    let end = event.time + changes[i].period
                    let up = event.direction == "out"
                    match = own.first { activity in
                        guard activity.time > previous, activity.time < end else { return false }
                        guard let from = activity.fromCount, let to = activity.toCount else { return true }
                        return (to > from) == up
                    }
                }
                changes[i].event.cause = match.map { $0.cause.isEmpty ? "unknown" : $0.cause } ?? "unknown"
            }
            events += changes.map(\.event)
        }
        return events
    }

    /// An event while it is being built, with the time of the datapoint before it and the
    /// period of the one that shows it.
    struct Change {
        var event: TaskCountChange
        var previousTime: Int64
        var period: Int64
    }

    /// The task counts activities report, as a series: each activity's from-count just before
    /// it (when it differs from the running count) and its to-count at it.
    static func activitySamples(_ activities: [ScalingActivity]) -> [(time: Int64, count: Double, period: Int64)] {
        var samples: [(time: Int64, count: Double, period: Int64)] = []
        for activity in activities {
            guard let to = activity.toCount else { continue }
            if let from = activity.fromCount, samples.last?.count != Double(from) {
                samples.append((activity.time, Double(from), 0))
            }
            samples.append((activity.time, Double(to), 0))
        }
        return samples
    }

    /// A task count as an integer, or nil when the value cannot be one.
    static func taskCount(_ value: Double) -> Int? {
        guard value.isFinite, abs(value) < 1e9 else { return nil }
        return Int(value.rounded())
    }

    /// Changes between consecutive samples, flagged as flaps exactly as ``Flapping/count(_:windowSeconds:)``
    /// counts them: the series is cut where the window label changes (the analysis filters to a
    /// window first), and a change that reverses the previous change within `flapSeconds` is a flap.
    static func changeEvents(
        _ samples: [(time: Int64, count: Double, period: Int64)], windows: (before: TimeWindow, after: TimeWindow),
        flapSeconds: Int64
    ) -> [Change] {
        func label(_ time: Int64) -> WindowPhase { WindowPhase(time: time, windows: windows) }
        var changes: [Change] = []
        var lastChange: (time: Int64, up: Bool, window: WindowPhase)?
        for (previous, sample) in zip(samples, samples.dropFirst()) {
            let window = label(sample.time)
            // A window boundary starts a new series, as the analysis cuts one per window.
            guard label(previous.time) == window else {
                lastChange = nil
                continue
            }
            guard sample.count != previous.count, let from = taskCount(previous.count), let to = taskCount(sample.count) else {
                continue
            }
            let up = sample.count > previous.count
            var isFlap = false
            if let last = lastChange, last.window == window, last.up != up, sample.time - last.time <= flapSeconds {
                isFlap = true
            }
            lastChange = (sample.time, up, window)
            let event = TaskCountChange(
                time: sample.time, environment: "", service: "", fromTasks: from, toTasks: to,
                cause: "unknown", isFlap: isFlap, window: window)
            changes.append(Change(event: event, previousTime: previous.time, period: max(sample.period, 60)))
        }
        return changes
    }
}
