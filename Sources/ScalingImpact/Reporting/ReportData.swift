/// Everything the reports show: the analysis, the hourly series, the scaling events and the import log.
public struct ReportData: Sendable {
    /// The analysis: rows, windows, verdicts, configuration.
    public var result: AnalysisResult
    /// The import log.
    public var imports: [ImportRecord]
    /// Hourly series per (environment, service).
    public var timeSeries: TimeSeries
    /// Task-count changes per (environment, service).
    public var scalingEvents: [TaskCountChange]

    /// Creates report data from its parts.
    public init(result: AnalysisResult, imports: [ImportRecord], timeSeries: TimeSeries, scalingEvents: [TaskCountChange]) {
        self.result = result
        self.imports = imports
        self.timeSeries = timeSeries
        self.scalingEvents = scalingEvents
    }

    /// The hourly series: from the analysis' facts when it kept them, so that one read of the
    /// database serves both, else read from `database`.
    static func hourlySeries(_ result: AnalysisResult, _ database: Database) throws(StorageError) -> TimeSeries {
        if let facts = result.facts { return TimeSeries(facts: facts, configuration: result.configuration) }
        return try TimeSeries.load(from: database, configuration: result.configuration)
    }

    /// Loads what the reports need besides `result` from `database`.
    public static func load(_ result: AnalysisResult, from database: Database) throws(StorageError) -> ReportData {
        let configuration = result.configuration
        let range = TimeSeries.loadRange(configuration)
        // One snapshot for everything read here, while an import may be committing.
        let (timeSeries, activities, imports) = try database.readTransaction { () throws(StorageError) in
            (
                try Self.hourlySeries(result, database),
                try ScalingActivity.load(from: database, start: range.start, end: range.end),
                try ImportRecord.all(in: database)
            )
        }
        return ReportData(
            result: result, imports: imports, timeSeries: timeSeries,
            scalingEvents: ScalingEvents.make(timeSeries: timeSeries, activities: activities, configuration: configuration))
    }
}
