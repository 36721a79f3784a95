import Foundation
import Testing

@testable import ScalingImpact

/// Exact percentiles and the latency histogram against numpy (`Fixtures/oracles/vectors.json`).
@Suite struct PercentilesTests {
    static let samples = ["ten", "one_to_hundred", "lognormal_1000_seed42"]
    static let quantiles: [(key: String, q: Double)] = [("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)]

    static func expected(_ sample: OracleVectors.PercentileCase, method: String, key: String) throws -> Double {
        try #require(sample.results[method]?[key], "vectors.json has no \(method) \(key) for \(sample.name)")
    }

    @Test func vectorsHoldTheSamplesTheseTestsUse() throws {
        let vectors = try TestFixtures.vectors()
        #expect(vectors.percentiles.map(\.name) == Self.samples)
        #expect(vectors.percentiles.map(\.values.count) == [10, 100, 1000])
    }

    @Test(arguments: samples, quantiles)
    func linearMatchesNumpy(sampleName: String, quantile: (key: String, q: Double)) throws {
        let sample = try TestFixtures.vectors().percentileCase(sampleName)
        let expected = try Self.expected(sample, method: "linear", key: quantile.key)
        let actual = Percentiles.linear(sample.values, quantile.q)
        #expect(Approx.equal(actual, expected, relative: 1e-9), "\(String(describing: actual)) vs \(expected)")
        // The sorted variant gives the same value.
        #expect(Percentiles.linearSorted(sample.values.sorted(), quantile.q) == actual)
    }

    @Test(arguments: samples, quantiles)
    func invertedCDFMatchesNumpy(sampleName: String, quantile: (key: String, q: Double)) throws {
        let sample = try TestFixtures.vectors().percentileCase(sampleName)
        let expected = try Self.expected(sample, method: "inverted_cdf", key: quantile.key)
        let actual = Percentiles.invertedCDF(sample.values, quantile.q)
        #expect(Approx.equal(actual, expected, relative: 1e-9), "\(String(describing: actual)) vs \(expected)")
    }

    @Test func edgeCases() {
        #expect(Percentiles.linear([], 0.5) == nil)
        #expect(Percentiles.linear([1, 2], -0.01) == nil)
        #expect(Percentiles.linear([1, 2], 1.01) == nil)
        #expect(Percentiles.linear([7], 0.99) == 7)
        #expect(Percentiles.linear([3, 1, 2], 0) == 1)
        #expect(Percentiles.linear([3, 1, 2], 1) == 3)
        #expect(Percentiles.linear([0, 10], 0.25) == 2.5)
        #expect(Percentiles.invertedCDF([], 0.5) == nil)
        #expect(Percentiles.invertedCDF([5, 1, 3], 0) == 1)
        #expect(Percentiles.invertedCDF([5, 1, 3], 1) == 5)
        // q·n exactly on a rank takes that rank, not the next one.
        #expect(Percentiles.invertedCDF([1, 2, 3, 4], 0.5) == 2)
        #expect(Percentiles.invertedCDF([1, 2, 3, 4], 0.51) == 3)
    }

    // MARK: LatencyHistogram

    @Test(arguments: samples, quantiles)
    func histogramQuantileIsWithinHalfAPercentOfNumpy(sampleName: String, quantile: (key: String, q: Double)) throws {
        let sample = try TestFixtures.vectors().percentileCase(sampleName)
        let expected = try Self.expected(sample, method: "linear", key: quantile.key)
        var histogram = LatencyHistogram()
        for value in sample.values { histogram.add(value) }
        let estimate = try #require(histogram.quantile(quantile.q))
        #expect(
            abs(estimate - expected) <= LatencyHistogram.relativeAccuracy * expected,
            "histogram \(estimate), numpy \(expected)")
    }

    @Test(arguments: samples)
    func mergingEqualsAddingEveryValue(sampleName: String) throws {
        let values = try TestFixtures.vectors().percentileCase(sampleName).values
        var all = LatencyHistogram()
        for value in values { all.add(value) }
        var parts = [LatencyHistogram](repeating: LatencyHistogram(), count: 3)
        for (index, value) in values.enumerated() { parts[index % 3].add(value) }
        var merged = LatencyHistogram()
        for part in parts { merged.merge(part) }
        #expect(merged.buckets == all.buckets)
        #expect(merged.count == all.count)
        #expect(merged.count == Int64(values.count))
        #expect(merged.min == values.min())
        #expect(merged.max == values.max())
        #expect(Approx.equal(merged.sum, values.reduce(0, +), relative: 1e-12))
        for (_, q) in Self.quantiles {
            #expect(merged.quantile(q) == all.quantile(q))
        }
        // Merging is order-independent.
        var reversed = LatencyHistogram()
        for part in parts.reversed() { reversed.merge(part) }
        #expect(reversed.buckets == merged.buckets)
    }

    @Test func bucketsFollowTheDocumentedMapping() {
        let gamma = LatencyHistogram.gamma
        #expect(Approx.equal(gamma, 1.005 / 0.995, relative: 1e-15))
        #expect(LatencyHistogram.bucket(for: 1) == 0)
        #expect(LatencyHistogram.bucket(for: 1.001) == 1)
        #expect(LatencyHistogram.bucket(for: 0.999) == 0)
        #expect(LatencyHistogram.bucket(for: 0.001) == LatencyHistogram.zeroBucket)
        #expect(LatencyHistogram.bucket(for: 0) == LatencyHistogram.zeroBucket)
        #expect(LatencyHistogram.bucket(for: 0.0011) == Int((log(0.0011) / log(gamma)).rounded(.up)))
        // 100 ms: ceil(ln 100 / ln γ) = 461.
        #expect(LatencyHistogram.bucket(for: 100) == 461)
        #expect(LatencyHistogram.representative(of: LatencyHistogram.zeroBucket) == 0)
        #expect(Approx.equal(LatencyHistogram.representative(of: 0), 2 / (1 + gamma), relative: 1e-15))
    }

    @Test(arguments: [0.0015, 0.37, 1, 2.5, 99.9, 100, 351, 1234.5, 60_000, 3_600_000])
    func representativeIsWithinAlphaOfItsValues(value: Double) {
        let representative = LatencyHistogram.representative(of: LatencyHistogram.bucket(for: value))
        #expect(abs(representative - value) <= LatencyHistogram.relativeAccuracy * value * (1 + 1e-12))
    }

    @Test func emptyAndSingleValueHistograms() {
        let empty = LatencyHistogram()
        #expect(empty.quantile(0.5) == nil)
        #expect(empty.mean == nil)
        var single = LatencyHistogram()
        single.add(42)
        // Clamped to the exact min and max, one value gives itself back.
        #expect(single.quantile(0) == 42)
        #expect(single.quantile(0.99) == 42)
        #expect(single.mean == 42)
    }

    @Test func storedBucketsRebuildTheSameQuantiles() throws {
        let values = try TestFixtures.vectors().percentileCase("lognormal_1000_seed42").values
        var original = LatencyHistogram()
        for value in values { original.add(value) }
        var rebuilt = LatencyHistogram()
        for (bucket, count) in original.buckets { rebuilt.add(bucket: bucket, count: count) }
        rebuilt.addSummary(count: original.count, sum: original.sum, min: original.min, max: original.max)
        #expect(rebuilt == original)
    }
}
