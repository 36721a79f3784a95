import Foundation

/// Options for one import.
public struct ImportOptions: Sendable {
    /// Format to use instead of detecting it.
    public var format: ImportFormat?
    /// Environment for files that carry none (JMeter results, a single-series JSON).
    public var environment: String?
    /// Service for files that carry none.
    public var service: String?
    /// Share of rows with bad values above which the file is rejected (0.001 = 0.1%).
    public var maxBadRowsFraction: Double = 0.001
    /// Whether this cost file is a newer export of its period, replacing earlier imports' cost rows there.
    public var replace = false

    /// Creates options.
    public init(
        format: ImportFormat? = nil, environment: String? = nil, service: String? = nil, maxBadRowsFraction: Double = 0.001,
        replace: Bool = false
    ) {
        self.format = format
        self.environment = environment
        self.service = service
        self.maxBadRowsFraction = maxBadRowsFraction
        self.replace = replace
    }
}

/// What one import did.
public struct ImportSummary: Equatable, Sendable, CustomStringConvertible {
    /// The path as given.
    public var path: String
    /// The format used.
    public var format: ImportFormat
    /// Hex SHA-256 of the file.
    public var sha256: String
    /// Whether the same content had been imported before (then nothing changed).
    public var wasAlreadyImported: Bool
    /// Rows turned into facts.
    public var rowsAccepted = 0
    /// Rows with bad values, left out.
    public var rowsRejected = 0
    /// Rows no mapping rule assigned to an environment and service.
    public var rowsUnmapped = 0
    /// Valid rows that are not ECS/Fargate data (other AWS services, taxes, other metrics).
    public var rowsIgnored = 0
    /// The first rows with bad values (at most 20).
    public var problems: [RowProblem] = []
    /// Things worth knowing that did not stop the import.
    public var warnings: [String] = []
    /// Which bill column gave the billed cost (cost formats only).
    public var costColumn: String?
    /// Hourly cost rows left out because another import already holds them (see ``CostOverlap``).
    public var costRowsSkipped = 0
    /// Hourly cost rows of earlier imports this file replaced (`--replace`).
    public var costRowsReplaced = 0
    /// Earliest and latest fact time.
    public var firstTs: Int64?
    /// Latest fact time.
    public var lastTs: Int64?

    public var description: String {
        if wasAlreadyImported {
            return "\(path): already imported (same SHA-256 \(sha256.prefix(12))), nothing changed"
        }
        var text = "\(path): \(format), \(rowsAccepted) rows imported"
        if rowsRejected > 0 { text += ", \(rowsRejected) rejected" }
        if rowsUnmapped > 0 { text += ", \(rowsUnmapped) unmapped" }
        if rowsIgnored > 0 { text += ", \(rowsIgnored) ignored (not ECS/Fargate)" }
        if costRowsSkipped > 0 { text += ", \(costRowsSkipped) hourly cost rows already imported skipped" }
        if costRowsReplaced > 0 { text += ", \(costRowsReplaced) earlier hourly cost rows replaced" }
        if let firstTs, let lastTs { text += ", \(UTCTime.short(firstTs)) to \(UTCTime.short(lastTs)) UTC" }
        return text
    }
}

/// Tracks rows with bad values while a file is parsed.
struct RowProblems {
    var count = 0
    var listed: [RowProblem] = []

    mutating func add(line: Int, _ message: String) {
        count += 1
        if listed.count < 20 { listed.append(RowProblem(line: line, message: message)) }
    }
}

/// Imports exports into the database: detects the format, parses, maps rows to
/// (environment, service), and stores one file per transaction.
public struct Importer {
    let database: Database
    let configuration: Configuration
    let mapper: Mapper
    /// Files at least this many bytes are hashed while they are parsed (tests lower it).
    var concurrentHashThreshold = Importer.concurrentHashSize

    /// Creates an importer writing to `database`.
    public init(database: Database, configuration: Configuration) {
        self.database = database
        self.configuration = configuration
        self.mapper = Mapper(configuration: configuration)
    }

    /// Imports every file under `paths` (directories are walked in name order).
    public func importPaths(_ paths: [String], options: ImportOptions) throws -> [ImportSummary] {
        var summaries: [ImportSummary] = []
        for path in try Self.expand(paths) {
            summaries.append(try importFile(path: path, options: options))
        }
        return summaries
    }

    /// The files under `paths`: files as given, directories walked recursively, hidden files skipped.
    public static func expand(_ paths: [String]) throws(ImportError) -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            if path == "-" {
                files.append(path)
                continue
            }
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportError(.unreadable, path: path, message: "no such file or directory")
            }
            if isDirectory.boolValue {
                guard let enumerator = fm.enumerator(atPath: path) else { continue }
                var found: [String] = []
                for case let relative as String in enumerator {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") { continue }
                    let full = (path as NSString).appendingPathComponent(relative)
                    var isDir: ObjCBool = false
                    if fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue,
                        !name.hasSuffix(".md"), !name.hasSuffix(".toml"),
                        // The marker AWS writes when ALB access logging is switched on: no log lines.
                        name != "ELBAccessLogTestFile"
                    {
                        found.append(full)
                    }
                }
                files.append(contentsOf: found.sorted())
            } else {
                files.append(path)
            }
        }
        return files
    }

    /// Imports one file in one transaction; on any error nothing of it is stored.
    public func importFile(path: String, options: ImportOptions, displayPath: String? = nil) throws -> ImportSummary {
        if let e = options.environment, configuration.environment(named: e) == nil {
            throw ImportError(
                .usage, path: path, message: "--environment \(e) is not in the configuration",
                hint: "use one of: \(configuration.environments.map(\.name).joined(separator: ", "))")
        }
        if let s = options.service, configuration.service(named: s) == nil {
            throw ImportError(
                .usage, path: path, message: "--service \(s) is not in the configuration",
                hint: "use one of: \(configuration.services.map(\.name).joined(separator: ", "))")
        }
        if path == "-" { return try importStandardInput(options: options, displayPath: displayPath ?? "-") }
        // A large file is hashed on a thread of its own while it is parsed; a small one first,
        // so that re-importing a folder of small exports skips each file after a quick hash.
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var sha: String
        var knownHashes: Set<String> = []
        let hashing: ContentHash?
        if size >= concurrentHashThreshold {
            try database.cachedStatement("SELECT sha256 FROM imports").forEachRow { knownHashes.insert($0.string(0)) }
            hashing = ContentHash(path: path, known: knownHashes)
            sha = ""
        } else {
            hashing = nil
            sha = try ContentHash.sha256(path: path)
        }
        let format: ImportFormat
        do {
            format = try options.format ?? detectFormat(path: path)
        } catch {
            // Wait for the hash thread: it reads the file, which the caller may delete next. (A
            // file whose format cannot be told was never imported, so its hash does not matter.)
            _ = try? hashing?.value()
            throw error
        }
        var summary = ImportSummary(path: displayPath ?? path, format: format, sha256: sha, wasAlreadyImported: false)
        if hashing == nil {
            let existing = try database.cachedStatement("SELECT id FROM imports WHERE sha256 = ?").query([.text(sha)])
            if !existing.isEmpty {
                summary.wasAlreadyImported = true
                return summary
            }
        }
        var sink = FactSink()
        var problems = RowProblems()
        let context = ParseContext(path: path, options: options, mapper: mapper)
        do {
            let parsed = ImportCancellation.$current.withValue(hashing?.cancellation) { () -> Result<Void, ImportError> in
                do throws(ImportError) {
                    try Self.parse(format, context, sink: &sink, summary: &summary, problems: &problems)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            try parsed.get()
            if let hashing { sha = try hashing.value() }
        } catch {
            // A file imported before is "already imported", even when it also fails to parse.
            if let hashing, knownHashes.contains(try hashing.value()) {
                summary.sha256 = try hashing.value()
                summary.wasAlreadyImported = true
                return summary
            }
            throw error
        }
        summary.sha256 = sha
        if knownHashes.contains(sha) {
            summary.wasAlreadyImported = true
            return summary
        }
        summary.rowsRejected = problems.count
        summary.problems = problems.listed
        summary.firstTs = sink.firstTs
        summary.lastTs = sink.lastTs
        let total = summary.rowsAccepted + summary.rowsRejected + summary.rowsUnmapped + summary.rowsIgnored
        if problems.count > 0 && Double(problems.count) > options.maxBadRowsFraction * Double(total) {
            let first = problems.listed.first
            throw ImportError(
                // JSON formats have no line of a bad value (they list it as line 0): leave the line out then.
                .values, path: path, line: first.flatMap { $0.line > 0 ? $0.line : nil },
                message: "\(first?.message ?? "bad value"); \(problems.count) of \(total) rows have bad values, "
                    + "more than the \(Self.percent(options.maxBadRowsFraction)) allowed",
                hint: "fix the rows, or raise --max-bad-rows to import the others")
        }
        if summary.rowsAccepted == 0 && summary.rowsUnmapped > 0 {
            summary.warnings.append(
                "no row could be assigned to an environment and service; add [[mapping]] rules or pass --environment/--service")
        }
        let finalSummary = summary
        var overlap = CostOverlap.Outcome()
        var latencyOverlap = LatencyOverlap.Outcome()
        let storedMeanwhile = try database.transaction { () throws -> Bool in
            // Another process may have imported the same content since the check above; the
            // write lock held here makes this second check final.
            if try !database.cachedStatement("SELECT id FROM imports WHERE sha256 = ?").query([.text(sha)]).isEmpty {
                return true
            }
            overlap = try CostOverlap.resolve(&sink, replace: options.replace, database: database)
            latencyOverlap = try LatencyOverlap.resolve(&sink, format: format, replace: options.replace, database: database)
            try database.cachedStatement(
                """
                INSERT INTO imports (path, sha256, format, environment, service, rows_accepted, rows_rejected,
                    rows_unmapped, rows_ignored, cost_column, first_ts, last_ts, imported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).run([
                .text(displayPath ?? path), .text(sha), .text(format.rawValue), options.environment.map(SQLValue.text) ?? .null,
                options.service.map(SQLValue.text) ?? .null, .integer(Int64(finalSummary.rowsAccepted)),
                .integer(Int64(finalSummary.rowsRejected)), .integer(Int64(finalSummary.rowsUnmapped)),
                .integer(Int64(finalSummary.rowsIgnored)), finalSummary.costColumn.map(SQLValue.text) ?? .null,
                finalSummary.firstTs.map(SQLValue.integer) ?? .null, finalSummary.lastTs.map(SQLValue.integer) ?? .null,
                .integer(Int64(Date().timeIntervalSince1970)),
            ])
            let importID = database.lastInsertRowID
            try sink.write(to: database, importID: importID)
            return false
        }
        if storedMeanwhile {
            var already = summary
            already.wasAlreadyImported = true
            return already
        }
        overlap.apply(to: &summary)
        latencyOverlap.apply(to: &summary)
        return summary
    }

    /// Files at least this large are hashed while they are parsed (see ``ContentHash``).
    static let concurrentHashSize = 32 << 20

    /// Parses `context.path` as `format` into `sink`.
    static func parse(
        _ format: ImportFormat, _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary,
        problems: inout RowProblems
    ) throws(ImportError) {
        switch format {
        case .jmeterJTL:
            try JMeterJTLParser.parse(context, sink: &sink, summary: &summary, problems: &problems)
        case .jmeterXML:
            try JMeterXMLParser.parse(context, sink: &sink, summary: &summary, problems: &problems)
        case .albAccessLog:
            try ALBLogParser.parse(context, sink: &sink, summary: &summary, problems: &problems)
        case .k6CSV:
            try K6Parser.parse(context, sink: &sink, summary: &summary, problems: &problems)
        case .locustStatsHistory:
            try LocustParser.parseStatsHistory(context, sink: &sink, summary: &summary, problems: &problems)
        case .locustStats, .locustFailures:
            try LocustParser.parseSummary(context, sink: &sink, summary: &summary, problems: &problems)
        case .cloudWatchGetMetricData:
            try CloudWatchParser.parseGetMetricData(context, sink: &sink, summary: &summary, problems: &problems)
        case .curLegacy:
            try CURParser.parseLegacy(context, sink: &sink, summary: &summary, problems: &problems)
        case .curSnakeCase:
            try CURParser.parseSnakeCase(context, sink: &sink, summary: &summary, problems: &problems)
        case .focus:
            try FOCUSParser.parse(context, sink: &sink, summary: &summary, problems: &problems)
        case .cloudWatchGetMetricStatistics:
            try CloudWatchParser.parseGetMetricStatistics(context, sink: &sink, summary: &summary, problems: &problems)
        case .metricsCSV:
            try TidyMetricsParser.parse(context, sink: &sink, summary: &summary, problems: &problems)
        case .scalingActivities:
            try ScalingEventsParser.parseScalingActivities(context, sink: &sink, summary: &summary, problems: &problems)
        case .ecsServiceEvents:
            try ScalingEventsParser.parseServiceEvents(context, sink: &sink, summary: &summary, problems: &problems)
        case .curManifest:
            try CURManifestParser.parse(context, sink: &sink, summary: &summary, problems: &problems)
        case .athenaLatency:
            try AthenaResultParser.parseLatency(context, sink: &sink, summary: &summary, problems: &problems)
        case .athenaCost:
            try AthenaResultParser.parseCost(context, sink: &sink, summary: &summary, problems: &problems)
        }
    }

    /// Imports standard input: buffered to a private temporary file first, because the content's
    /// hash decides whether it was imported before and the format is detected from its start.
    /// Messages and the imports table name it `displayPath` (`-`), never the temporary file.
    func importStandardInput(options: ImportOptions, displayPath: String) throws -> ImportSummary {
        let temporary = try Self.bufferStandardInput()
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            return try importFile(path: temporary, options: options, displayPath: displayPath)
        } catch var error as ImportError {
            error.path = displayPath
            throw error
        }
    }

    /// Copies standard input to a new temporary file readable only by this user; returns its path.
    static func bufferStandardInput() throws(ImportError) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("scaling-impact-stdin-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let output = FileHandle(forWritingAtPath: path)
        else {
            throw ImportError(
                .unreadable, path: "-", message: "cannot create a temporary file for standard input in "
                    + FileManager.default.temporaryDirectory.path, hint: "set TMPDIR to a writable folder")
        }
        defer { try? output.close() }
        do {
            while let chunk = try FileHandle.standardInput.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw ImportError(.unreadable, path: "-", message: "cannot buffer standard input: \(error.localizedDescription)")
        }
        return path
    }

    static func percent(_ fraction: Double) -> String {
        let p = fraction * 100
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }

    func detectFormat(path: String) throws(ImportError) -> ImportFormat {
        let source = try ByteSource(path: path)
        var prefix = [UInt8](repeating: 0, count: 65_536)
        let n = try source.read(into: &prefix)
        if n == 0 {
            throw ImportError(.structure, path: path, message: "the file is empty", hint: "check the export")
        }
        guard let format = ImportFormat.detect(prefix: Array(prefix[0..<n])) else {
            // A truncated gzip may inflate to too little to recognise: report the truncation, not the format.
            if source.isCompressed { while try source.read(into: &prefix) > 0 {} }
            throw ImportError(
                .structure, path: path, line: 1,
                message: "the format is not recognised",
                hint: "name it with --format (\(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return format
    }
}

/// What a parser needs besides the bytes.
struct ParseContext {
    let path: String
    let options: ImportOptions
    let mapper: Mapper

    /// The key for a row: flags first, then the rules over the row's names.
    func key(names: [MappingField: String]) -> ServiceKey? {
        if let e = options.environment, let s = options.service { return ServiceKey(environment: e, service: s) }
        var names = names
        if let e = options.environment { names[.tag("environment")] = e }
        if let s = options.service { names[.service] = s }
        guard var key = mapper.key(for: names) else { return nil }
        if let e = options.environment { key.environment = e }
        if let s = options.service { key.service = s }
        return key
    }
}
