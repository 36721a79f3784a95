import Foundation
import Testing

@testable import ScalingImpact

/// The parts of `Fixtures/oracles/vectors.json` the significance, interval and
/// difference-in-differences tests use (the shared ``OracleVectors`` holds the others).
struct StatisticalVectors: Decodable {
    struct MannWhitneyCase: Decodable {
        struct Result: Decodable {
            var method: String
            var alternative: String
            var useContinuity: Bool
            var u: Double
            var p: Double

            enum CodingKeys: String, CodingKey {
                case method, alternative, p
                case useContinuity = "use_continuity"
                case u = "U"
            }
        }

        var name: String
        var x: [Double]
        var y: [Double]
        var results: [Result]
    }

    struct HodgesLehmannCase: Decodable {
        var name: String
        var x: [Double]
        var y: [Double]
        var confidence: Double
        var ciLow: Double
        var ciHigh: Double
        var estimate: Double
        var medianOfPairwiseDifferences: Double

        enum CodingKeys: String, CodingKey {
            case name, x, y, confidence, estimate
            case ciLow = "ci_low"
            case ciHigh = "ci_high"
            case medianOfPairwiseDifferences = "median_of_pairwise_differences"
        }
    }

    struct OrderStatisticCase: Decodable {
        var n: Int
        var q: Double
        var rankLow: Int
        var rankHigh: Int
        var coverage: Double
        var finiteUpper: Bool

        enum CodingKeys: String, CodingKey {
            case n, q, coverage
            case rankLow = "rank_low"
            case rankHigh = "rank_high"
            case finiteUpper = "finite_upper"
        }
    }

    struct DifferenceInDifferencesCase: Decodable {
        var treatedBefore: Double
        var treatedAfter: Double
        var controlBefore: Double
        var controlAfter: Double
        var logEffect: Double
        var effectPct: Double

        enum CodingKeys: String, CodingKey {
            case treatedBefore = "treated_before"
            case treatedAfter = "treated_after"
            case controlBefore = "control_before"
            case controlAfter = "control_after"
            case logEffect = "log_effect"
            case effectPct = "effect_pct"
        }
    }

    var mannWhitneyU: [MannWhitneyCase]
    var hodgesLehmann: [HodgesLehmannCase]
    var orderStatistics: [OrderStatisticCase]
    var differenceInDifferences: DifferenceInDifferencesCase

    enum CodingKeys: String, CodingKey {
        case mannWhitneyU = "mann_whitney_u"
        case hodgesLehmann = "hodges_lehmann_ci"
        case orderStatistics = "quantile_order_statistic_ci"
        case differenceInDifferences = "difference_in_differences"
    }

    static func load() throws -> StatisticalVectors {
        let url = try TestFixtures.folder().appendingPathComponent("oracles").appendingPathComponent("vectors.json")
        return try JSONDecoder().decode(StatisticalVectors.self, from: Data(contentsOf: url))
    }
}
