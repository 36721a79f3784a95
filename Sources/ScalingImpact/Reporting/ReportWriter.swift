import Foundation

/// Writes every report file into a folder.
public struct ReportWriter: Sendable {
    /// The folder, created when missing.
    public var directory: String

    /// Creates a writer for `directory`.
    public init(directory: String) { self.directory = directory }

    /// Writes `summary.md`, `details.md` and `metrics.csv`; returns the paths written.
    @discardableResult
    public func write(_ result: AnalysisResult, imports: [ImportRecord]) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files: [(String, String)] = [
            ("summary.md", SummaryReport.render(result)),
            ("details.md", DetailsReport.render(result, imports: imports)),
            ("metrics.csv", MetricsCSV.render(result)),
        ]
        var written: [String] = []
        for (name, content) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            try content.write(toFile: path, atomically: true, encoding: .utf8)
            written.append(path)
        }
        return written
    }
}
