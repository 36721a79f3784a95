import Foundation

/// Writes every report file into a folder.
public struct ReportWriter: Sendable {
    /// The folder, created when missing.
    public var directory: String

    /// Creates a writer for `directory`.
    public init(directory: String) { self.directory = directory }

    /// Every report file for `data`: relative path and content, in the order they are written.
    ///
    /// No CSV file starts with a byte-order mark: `metrics.csv`'s first line must be exactly its
    /// header, and scripts (Python's `csv`, pandas, `cut`) would read a BOM as part of the first
    /// column's name. What we write ourselves is ASCII; only names from the data can be
    /// non-ASCII, and Excel reads those correctly through Data → From Text/CSV (UTF-8).
    public static func files(_ data: ReportData) -> [(path: String, content: String)] {
        let charts = Charts.render(data)
        var files: [(String, String)] = [
            ("summary.md", SummaryReport.render(data, charts: charts)),
            ("details.md", DetailsReport.render(data, charts: charts)),
            ("metrics.csv", MetricsCSV.render(data.result)),
            ("timeseries.csv", TimeSeriesCSV.render(data.timeSeries, configuration: data.result.configuration)),
            ("scaling_events.csv", ScalingEventsCSV.render(data.scalingEvents)),
        ]
        for chart in charts { files.append((chart.relativePath, chart.svg)) }
        return files
    }

    /// Writes every report file for `data`; returns the paths written.
    @discardableResult
    public func write(_ data: ReportData) throws -> [String] {
        let fm = FileManager.default
        var written: [String] = []
        for (name, content) in Self.files(data) {
            let path = (directory as NSString).appendingPathComponent(name)
            try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
        return written
    }

    /// Loads the hourly series, scaling events and import log from `database` and writes every
    /// report file for `result`; returns the paths written.
    @discardableResult
    public func write(_ result: AnalysisResult, database: Database) throws -> [String] {
        try write(try ReportData.load(result, from: database))
    }
}
