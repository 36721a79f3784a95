import Foundation
import Testing

@testable import ScalingImpact

/// A temporary folder for one test, removed when the value goes away.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("scaling-impact-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the folder.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` (UTF-8, byte for byte) to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Writes `bytes` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Committed test inputs under `Fixtures/`.
enum TestFixtures {
    /// The `Fixtures` folder in the test bundle.
    static func folder() throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
    }

    /// The path of a sample export under `Fixtures/samples/`.
    static func samplePath(_ name: String) throws -> String {
        let url = try folder().appendingPathComponent("samples").appendingPathComponent(name)
        try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture \(name)")
        return url.path
    }

    /// The reference vectors of `Fixtures/oracles/vectors.json`.
    static func vectors() throws -> OracleVectors {
        let url = try folder().appendingPathComponent("oracles").appendingPathComponent("vectors.json")
        return try JSONDecoder().decode(OracleVectors.self, from: Data(contentsOf: url))
    }
}

/// The parts of `vectors.json` (numpy/scipy reference results) these tests use.
struct OracleVectors: Decodable {
    struct PercentileCase: Decodable {
        var name: String
        var values: [Double]
        /// Method (`linear`, `inverted_cdf`, ...) → `p50`/`p90`/`p95`/`p99` → value.
        var results: [String: [String: Double]]
    }

    struct WilsonCase: Decodable {
        var errors: Int64
        var requests: Int64
        var rate: Double
        var ciLow: Double
        var ciHigh: Double

        enum CodingKeys: String, CodingKey {
            case errors, requests, rate
            case ciLow = "ci_low"
            case ciHigh = "ci_high"
        }
    }

    struct FlappingCase: Decodable {
        /// (minute, task count) pairs.
        var series: [[Double]]
        var reversals: Int
        var inThenOut: [String: Int]
        var outThenIn: [String: Int]

        enum CodingKeys: String, CodingKey {
            case series, reversals
            case inThenOut = "in_then_out"
            case outThenIn = "out_then_in"
        }
    }

    struct NormalisationCase: Decodable {
        var taskHoursBefore: Double
        var requestsBefore: Double
        var taskHoursAfter: Double
        var requestsAfter: Double
        var costPerTaskHour: Double
        var taskHoursPer1kRequests: [Double]
        var costPerMillionRequests: [Double]

        enum CodingKeys: String, CodingKey {
            case taskHoursBefore = "task_hours_before"
            case requestsBefore = "requests_before"
            case taskHoursAfter = "task_hours_after"
            case requestsAfter = "requests_after"
            case costPerTaskHour = "cost_per_task_hour"
            case taskHoursPer1kRequests = "task_hours_per_1k_requests"
            case costPerMillionRequests = "cost_per_million_requests"
        }
    }

    struct FargateCostCase: Decodable {
        struct Task: Decodable {
            var vcpu: Double
            var memoryGB: Double

            enum CodingKeys: String, CodingKey {
                case vcpu
                case memoryGB = "memory_gb"
            }
        }

        var vcpuHourUSD: Double
        var gbHourUSD: Double
        var task: Task
        var taskHourUSD: Double

        enum CodingKeys: String, CodingKey {
            case task
            case vcpuHourUSD = "vcpu_hour_usd"
            case gbHourUSD = "gb_hour_usd"
            case taskHourUSD = "task_hour_usd"
        }
    }

    var percentiles: [PercentileCase]
    var wilson95: [WilsonCase]
    var flapping: FlappingCase
    var normalisation: NormalisationCase
    var fargateCost: FargateCostCase

    enum CodingKeys: String, CodingKey {
        case percentiles, flapping, normalisation
        case wilson95 = "wilson_95"
        case fargateCost = "fargate_cost"
    }

    /// The percentile sample named `name`.
    func percentileCase(_ name: String) throws -> PercentileCase {
        try #require(percentiles.first { $0.name == name }, "no percentile sample \(name) in vectors.json")
    }
}

/// Floating-point comparison with an explicit tolerance.
enum Approx {
    /// Whether `actual` is within `relative` of `expected` (relative to |expected|).
    static func equal(_ actual: Double?, _ expected: Double, relative: Double) -> Bool {
        guard let actual else { return false }
        return abs(actual - expected) <= relative * abs(expected)
    }
}

extension Database {
    /// Row counts of every table, by name: a fingerprint of the database's contents.
    func tableCounts() throws -> [String: Int64] {
        var counts: [String: Int64] = [:]
        let names = try makeStatement("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").query()
        for case .text(let name) in names.compactMap(\.first) {
            if case .integer(let n) = try makeStatement("SELECT COUNT(*) FROM \"\(name)\"").query().first?.first {
                counts[name] = n
            }
        }
        return counts
    }

    /// The single integer a query returns.
    func integer(_ sql: String, _ values: [SQLValue] = []) throws -> Int64? {
        guard case .integer(let n) = try makeStatement(sql).query(values).first?.first else { return nil }
        return n
    }

    /// The single number a query returns (integers widened).
    func double(_ sql: String, _ values: [SQLValue] = []) throws -> Double? {
        switch try makeStatement(sql).query(values).first?.first {
        case .real(let v): return v
        case .integer(let n): return Double(n)
        default: return nil
        }
    }
}

/// An importer over a fresh `:memory:` database with the template configuration.
struct ImportHarness {
    let database: Database
    let configuration: Configuration
    let importer: Importer

    init(configuration: Configuration? = nil) throws {
        database = try Database(path: ":memory:")
        self.configuration = try configuration ?? Configuration.parse(Configuration.template)
        importer = Importer(database: database, configuration: self.configuration)
    }

    /// Imports `path` with `options`.
    @discardableResult
    func importFile(_ path: String, _ options: ImportOptions = ImportOptions()) throws -> ImportSummary {
        try importer.importFile(path: path, options: options)
    }
}
