/// `timeseries.csv`: one row per hour per (environment, service) over the environment's report
/// range, for spreadsheets. Times are `YYYY-MM-DD HH:MM` UTC, which Excel and Google Sheets both
/// read as a date and time; an empty cell means no data for that hour, never zero.
public enum TimeSeriesCSV {
    /// The header.
    public static let header = [
        "hour_utc", "environment", "service", "window", "running_tasks", "desired_tasks", "cpu_pct", "requests",
        "latency_p95_ms", "latency_p99_ms", "errors_5xx", "cost_billed_usd", "cost_modelled_usd",
    ]

    /// The whole file.
    public static func render(_ timeSeries: TimeSeries, configuration: Configuration) -> String {
        var text = CSVWriter.record(header)
        for series in timeSeries.series {
            guard let environment = configuration.environment(named: series.key.environment) else { continue }
            let windows = configuration.windows(for: environment)
            let names = [CSVWriter.field(series.key.environment), CSVWriter.field(series.key.service)]
            for hour in series.hours {
                text += CSVWriter.record(
                    [UTCTime.short(hour.start)] + names + [
                        windowName(hour.start, windows),
                        CSVWriter.decimal(hour.runningTasks, digits: 2), CSVWriter.decimal(hour.desiredTasks, digits: 2),
                        CSVWriter.decimal(hour.cpuPct, digits: 1), CSVWriter.decimal(hour.requests, digits: 0),
                        CSVWriter.decimal(hour.latencyP95Ms, digits: 1), CSVWriter.decimal(hour.latencyP99Ms, digits: 1),
                        CSVWriter.decimal(hour.errors5xx, digits: 0), CSVWriter.decimal(hour.billedCostUSD, digits: 4),
                        CSVWriter.decimal(hour.modelledCostUSD, digits: 4),
                    ])
            }
        }
        return text
    }

    /// `before`, `after`, `transition` (between them) or empty, for the hour starting at `start`.
    /// An hour that straddles a window edge is named by the window it starts in.
    static func windowName(_ start: Int64, _ windows: (before: TimeWindow, after: TimeWindow)) -> String {
        let window = WindowPhase(time: start, windows: windows)
        return window == .outside ? "" : window.rawValue
    }
}

/// `scaling_events.csv`: every change of a task count, with its direction, cause and whether it
/// was a flap (a reversal of the previous change within the flapping window).
public enum ScalingEventsCSV {
    /// The header.
    public static let header = [
        "time_utc", "environment", "service", "window", "from_tasks", "to_tasks", "direction", "cause", "is_flap",
    ]

    /// `YYYY-MM-DD HH:MM:SS` UTC, which spreadsheets read as a date and time.
    static func timestamp(_ time: Int64) -> String {
        let second = ((time % 60) + 60) % 60
        return UTCTime.short(time) + (second < 10 ? ":0" : ":") + String(second)
    }

    /// The whole file.
    public static func render(_ events: [TaskCountChange]) -> String {
        var text = CSVWriter.record(header)
        for event in events {
            text += CSVWriter.record([
                timestamp(event.time),
                CSVWriter.field(event.environment), CSVWriter.field(event.service), event.window.rawValue,
                event.fromTasks.map(String.init) ?? "", event.toTasks.map(String.init) ?? "", event.direction,
                CSVWriter.field(event.cause), event.isFlap ? "1" : "0",
            ])
        }
        return text
    }
}
