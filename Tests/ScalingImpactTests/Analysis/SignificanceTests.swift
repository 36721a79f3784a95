import Foundation
import Testing

@testable import ScalingImpact

/// Mann-Whitney U, Hodges-Lehmann intervals, Kayenta's classifier, order-statistic intervals and
/// the distributions behind them, against scipy/R reference values (`vectors.json`) and closed forms.
@Suite struct SignificanceTests {
    static let mannWhitneyCases = ["scipy_hypotests_small", "ten_vs_five", "ties", "separated"]

    @Test(arguments: mannWhitneyCases)
    func mannWhitneyMatchesScipy(name: String) throws {
        let vectors = try StatisticalVectors.load()
        let vector = try #require(vectors.mannWhitneyU.first { $0.name == name })
        #expect(vector.results.count == 7)
        for expected in vector.results {
            let alternative = try #require(MannWhitney.Alternative(rawValue: expected.alternative))
            let method = try #require(MannWhitney.Method(rawValue: expected.method))
            let result = try #require(
                MannWhitney.test(vector.x, vector.y, alternative: alternative, method: method, useContinuity: expected.useContinuity))
            let label = "\(name) \(expected.method) \(expected.alternative) continuity \(expected.useContinuity)"
            #expect(result.u == expected.u, "\(label): U \(result.u) vs \(expected.u)")
            #expect(Approx.equal(result.p, expected.p, relative: 1e-9), "\(label): p \(result.p) vs \(expected.p)")
        }
    }

    @Test func mannWhitneyEdgeCases() throws {
        #expect(MannWhitney.test([], [1, 2]) == nil)
        #expect(MannWhitney.test([1], []) == nil)
        // Every value tied: no evidence either way.
        #expect(try #require(MannWhitney.test([3, 3, 3], [3, 3])).p == 1)
        // U counts the pairs where x wins, ties a half: 3·2 pairs, x wins 4 and ties 1.
        #expect(try #require(MannWhitney.test([2, 4, 5], [1, 4])).u == 4.5)
        // The exact distribution is only built for small samples.
        let big = (0..<200).map(Double.init)
        #expect(MannWhitney.test(big, big, method: .exact) == nil)
        #expect(MannWhitney.test(big, big, method: .asymptotic) != nil)
    }

    @Test func exactDistributionSumsToOneAndIsSymmetric() {
        let exact = MannWhitney.ExactU(4, 6)
        let pmf = exact.pmf(upTo: 12)
        // U ranges over 0...24 and is symmetric about 12, so P(U ≤ 12) = ½ + P(U = 12)/2.
        #expect(abs(pmf.reduce(0, +) - (0.5 + pmf[12] / 2)) < 1e-12)
        // C(10, 4) = 210 arrangements; U = 0 and U = 1 each happen once.
        #expect(abs(pmf[0] - 1.0 / 210) < 1e-15)
        #expect(abs(pmf[1] - 1.0 / 210) < 1e-15)
        #expect(exact.sf(0) == 1)
        #expect(abs(exact.sf(24) - 1.0 / 210) < 1e-15)
    }

    @Test func averageRanksMatchRankdata() {
        let (ranks, ties) = Ranking.average([10, 20, 10, 30, 20, 20])
        #expect(ranks == [1.5, 4, 1.5, 6, 4, 4])
        #expect(ties == [2, 3, 1])
    }

    // MARK: Hodges-Lehmann

    @Test(arguments: 0..<6)
    func hodgesLehmannIntervalMatchesTheReference(index: Int) throws {
        let vectors = try StatisticalVectors.load()
        try #require(vectors.hodgesLehmann.count == 6)
        let vector = vectors.hodgesLehmann[index]
        let interval = try #require(HodgesLehmann.interval(x: vector.x, y: vector.y, confidence: vector.confidence))
        // The reference rounds to 9 decimals; the roots are found to 1e-12.
        #expect(abs(interval.low - vector.ciLow) < 1e-8, "\(vector.name) \(vector.confidence): low \(interval.low) vs \(vector.ciLow)")
        #expect(abs(interval.high - vector.ciHigh) < 1e-8, "high \(interval.high) vs \(vector.ciHigh)")
        #expect(abs(interval.estimate - vector.estimate) < 1e-8, "estimate \(interval.estimate) vs \(vector.estimate)")
        #expect(interval.low <= interval.estimate && interval.estimate <= interval.high)
    }

    @Test func hodgesLehmannEstimateIsNearTheMedianOfPairwiseDifferences() throws {
        for vector in try StatisticalVectors.load().hodgesLehmann {
            let interval = try #require(HodgesLehmann.interval(x: vector.x, y: vector.y, confidence: vector.confidence))
            let differences = vector.x.flatMap { x in vector.y.map { x - $0 } }
            let median = try #require(Percentiles.linear(differences, 0.5))
            #expect(median == vector.medianOfPairwiseDifferences)
            // The root of the continuity-corrected statistic lies between the two middle differences.
            let sorted = differences.sorted()
            #expect(interval.estimate >= sorted[sorted.count / 2 - 1] - 1e-9 && interval.estimate <= sorted[sorted.count / 2] + 1e-9)
        }
    }

    @Test func hodgesLehmannOfConstantSamplesIsTheirDifference() throws {
        let interval = try #require(HodgesLehmann.interval(x: [5, 5, 5], y: [2, 2], confidence: 0.98))
        #expect(interval == HodgesLehmann.Interval(low: 3, high: 3, estimate: 3))
        #expect(HodgesLehmann.interval(x: [], y: [1], confidence: 0.95) == nil)
        #expect(HodgesLehmann.interval(x: [1], y: [1], confidence: 1) == nil)
    }

    @Test func brentFindsRootsAndRejectsNonBrackets() throws {
        let root = try #require(RootFinding.brent(0, 2, xtol: 1e-14) { $0 * $0 - 2 })
        #expect(abs(root - 2.0.squareRoot()) < 1e-12)
        #expect(RootFinding.brent(3, 4) { $0 * $0 - 2 } == nil)
        #expect(RootFinding.brent(2, 4) { $0 - 2 } == 2)
    }

    // MARK: Kayenta's classifier

    @Test func classifierFollowsKayentasRule() throws {
        let classifier = MannWhitneyClassifier()
        #expect(classifier.confidence == 0.98 && classifier.tolerance == 0.25)
        let before = [102.0, 98, 110, 105, 99, 120, 101, 97, 108, 115, 103, 100]
        let after = [92.0, 95, 90, 101, 88, 97, 93, 99, 91, 96, 94, 89]
        // The reference's 98% interval is [−17, −5] around −10: −5 < −0.25·10, so Low.
        let low = classifier.classify(after: after, before: before)
        #expect(low.label == .low)
        #expect(try #require(low.shift).estimate == -10 || abs(try #require(low.shift).estimate + 10) < 1e-9)
        #expect(classifier.classify(after: before, before: after).label == .high)
        // Identical samples pass without a test; empty ones have no data.
        #expect(classifier.classify(after: before.reversed(), before: before).label == .pass)
        #expect(classifier.classify(after: [], before: before).label == .noData)
        // Overlapping samples: the interval holds 0, so Pass.
        let overlapping = classifier.classify(after: [1, 3, 5, 7, 9], before: [2, 4, 6, 8, 10])
        #expect(overlapping.label == .pass)
        #expect(try #require(overlapping.pValue) > 0.5)
    }

    @Test func classifierToleranceDemandsAMeaningfulShift() throws {
        // A shift whose interval clears zero but not a quarter of the estimate is no High.
        let before = (0..<40).map { Double($0) }
        let after = before.map { $0 + 12 }
        let strict = MannWhitneyClassifier(confidence: 0.98, tolerance: 0.25)
        let shift = try #require(strict.classify(after: after, before: before).shift)
        #expect(shift.low > 0)
        #expect(strict.classify(after: after, before: before).label == (shift.low > 0.25 * abs(shift.estimate) ? .high : .pass))
        #expect(MannWhitneyClassifier(confidence: 0.98, tolerance: 0).classify(after: after, before: before).label == .high)
        #expect(MannWhitneyClassifier(confidence: 0.98, tolerance: 10).classify(after: after, before: before).label == .pass)
    }

    // MARK: Order statistics and distributions

    @Test(arguments: 0..<4)
    func orderStatisticIntervalMatchesTheBinomialReference(index: Int) throws {
        let vectors = try StatisticalVectors.load().orderStatistics
        try #require(vectors.count == 4)
        let vector = vectors[index]
        let interval = try #require(OrderStatisticInterval(n: vector.n, q: vector.q))
        #expect(interval.rankLow == vector.rankLow)
        #expect(interval.rankHigh == vector.rankHigh)
        #expect(abs(interval.coverage - vector.coverage) < 5e-7)
        #expect(interval.hasFiniteUpper == vector.finiteUpper)
        #expect(interval.coverage >= 0.95)
    }

    @Test func fewestRequestsForAFinitePercentileBound() throws {
        // 1 − qⁿ ≥ 0.975: n ≥ ln 0.025 / ln q.
        #expect(OrderStatisticInterval.minimumCount(q: 0.95) == 72)
        #expect(OrderStatisticInterval.minimumCount(q: 0.99) == 368)
        #expect(try #require(OrderStatisticInterval(n: 72, q: 0.95)).hasFiniteUpper)
        #expect(try #require(OrderStatisticInterval(n: 71, q: 0.95)).hasFiniteUpper == false)
    }

    @Test(arguments: [
        (0.5, 0.0), (0.975, 1.959963984540054), (0.025, -1.959963984540054), (0.99, 2.3263478740408408),
        (0.001, -3.090232306167813), (1e-10, -6.361340902404056),
    ])
    func normalQuantileMatchesScipy(p: Double, expected: Double) throws {
        let value = try #require(NormalDistribution.quantile(p))
        #expect(abs(value - expected) <= 1e-14 * max(1, abs(expected)), "\(value) vs \(expected)")
        #expect(abs(NormalDistribution.cdf(value) - p) <= 1e-14 + 1e-12 * p)
    }

    @Test(arguments: [(1.0, 12.706204736174694), (2.0, 4.302652729749462), (12.0, 2.1788128296672284), (1000.0, 1.9623390808264083)])
    func studentQuantileMatchesScipy(df: Double, expected: Double) throws {
        let value = try #require(StudentT.quantile(0.975, df: df))
        #expect(abs(value - expected) < 1e-9 * expected, "t(\(df)) \(value) vs \(expected)")
        #expect(try #require(StudentT.quantile(0.025, df: df)) == -value)
    }

    @Test func binomialQuantileIsTheSmallestCoveringCount() throws {
        let binomial = try #require(BinomialDistribution(n: 10, p: 0.5))
        #expect(abs(binomial.pmf(5) - 252.0 / 1024) < 1e-15)
        #expect(binomial.quantile(0.5) == 5)
        #expect(binomial.quantile(0.0) == 0)
        #expect(abs(binomial.cdf(4) - 386.0 / 1024) < 1e-14)
    }
}
