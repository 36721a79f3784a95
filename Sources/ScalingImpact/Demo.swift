import Foundation

/// The end-to-end demo: import `sample-data/` into a fresh database, analyse, write the reports.
public struct Demo: Sendable {
    /// Folder with the sample exports and its `impact.toml`.
    public var sampleDirectory: String
    /// Database to create (replaced when it exists).
    public var databasePath: String
    /// Folder for the reports.
    public var outputDirectory: String

    /// Creates a demo run.
    public init(sampleDirectory: String, databasePath: String, outputDirectory: String) {
        self.sampleDirectory = sampleDirectory
        self.databasePath = databasePath
        self.outputDirectory = outputDirectory
    }

    /// What the demo did.
    public struct Outcome: Sendable {
        /// One summary per imported file.
        public var imports: [ImportSummary]
        /// The analysis.
        public var result: AnalysisResult
        /// Report files written.
        public var reports: [String]
    }

    /// Runs the demo; `log` receives one line per step.
    public func run(log: (String) -> Void = { _ in }) throws -> Outcome {
        let configuration = try Configuration.load(path: (sampleDirectory as NSString).appendingPathComponent("impact.toml"))
        let fm = FileManager.default
        for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: databasePath + suffix) {
            try fm.removeItem(atPath: databasePath + suffix)
        }
        let database = try Database(path: databasePath)
        let importer = Importer(database: database, configuration: configuration)
        var summaries: [ImportSummary] = []
        let base = (sampleDirectory as NSString).lastPathComponent
        for path in try Importer.expand([sampleDirectory]) {
            let relative = String(path.dropFirst(sampleDirectory.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let components = relative.split(separator: "/").map(String.init)
            var options = ImportOptions()
            // JMeter results carry no environment: the demo keeps them in latency/<environment>/.
            if components.count >= 3, components[0] == "latency" { options.environment = components[1] }
            let summary = try importer.importFile(path: path, options: options, displayPath: "\(base)/\(relative)")
            log(summary.description)
            summaries.append(summary)
        }
        let result = try Analyzer(configuration: configuration).analyze(database: database)
        let reports = try ReportWriter(directory: outputDirectory).write(result, database: database)
        return Outcome(imports: summaries, result: result, reports: reports)
    }
}
