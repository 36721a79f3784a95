import Foundation

/// A mergeable log-bucketed latency histogram (DDSketch's mapping, ARCHITECTURE.md).
///
/// Relative accuracy α = 0.005: γ = (1 + α)/(1 − α); a latency x > 0.001 ms falls in bucket
/// `ceil(ln(x)/ln(γ))`, whose representative `2γ^k/(1 + γ)` is within α of every value in it.
/// Histograms merge by adding counts, so a window's percentile costs the same for a minute or a year.
public struct LatencyHistogram: Equatable, Sendable {
    /// Relative accuracy of every reported quantile.
    public static let relativeAccuracy = 0.005
    /// The bucket growth factor γ.
    public static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    static let logGamma = log(gamma)
    /// The bucket index of values at or below 0.001 ms.
    public static let zeroBucket = -1_000_000
    /// Values at or below this (ms) go to the zero bucket.
    public static let zeroThreshold = 0.001

    /// Count per bucket index.
    public private(set) var buckets: [Int: Int64] = [:]
    /// Number of values.
    public private(set) var count: Int64 = 0
    /// Sum of values in ms.
    public private(set) var sum: Double = 0
    /// Smallest value, when any.
    public private(set) var min: Double = .infinity
    /// Largest value, when any.
    public private(set) var max: Double = -.infinity

    /// An empty histogram.
    public init() {}

    /// The bucket index for a latency in ms.
    @inline(__always)
    public static func bucket(for milliseconds: Double) -> Int {
        milliseconds <= zeroThreshold ? zeroBucket : Int((log(milliseconds) / logGamma).rounded(.up))
    }

    /// The value that stands for every latency in bucket `index`.
    public static func representative(of index: Int) -> Double {
        index == zeroBucket ? 0 : 2 * pow(gamma, Double(index)) / (1 + gamma)
    }

    /// Adds one latency in ms.
    public mutating func add(_ milliseconds: Double) {
        buckets[Self.bucket(for: milliseconds), default: 0] += 1
        count += 1
        sum += milliseconds
        if milliseconds < min { min = milliseconds }
        if milliseconds > max { max = milliseconds }
    }

    /// Adds stored bucket counts and summary figures (from the database).
    public mutating func add(bucket: Int, count: Int64) {
        buckets[bucket, default: 0] += count
    }

    /// Adds the summary figures of a stored minute; bucket counts come through ``add(bucket:count:)``.
    public mutating func addSummary(count: Int64, sum: Double, min: Double?, max: Double?) {
        self.count += count
        self.sum += sum
        if let min, min < self.min { self.min = min }
        if let max, max > self.max { self.max = max }
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        for (k, v) in other.buckets { buckets[k, default: 0] += v }
        count += other.count
        sum += other.sum
        min = Swift.min(min, other.min)
        max = Swift.max(max, other.max)
    }

    /// The mean in ms, when any values.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    /// The q-quantile (0...1) by numpy's default linear method over bucket representatives.
    ///
    /// The values at 0-based ranks ⌊q(n−1)⌋ and ⌈q(n−1)⌉ are each replaced by their bucket's
    /// representative (clamped to the exact min and max) and interpolated linearly, so the result
    /// is within α = 0.5% of `numpy.percentile(values, 100q)`.
    public func quantile(_ q: Double) -> Double? {
        quantiles([q])?.first
    }

    /// Several quantiles (each as ``quantile(_:)``) from one ordering of the buckets; nil when empty.
    public func quantiles(_ qs: [Double]) -> [Double]? {
        let ordered = orderedBuckets()
        var total: Int64 = 0
        for pair in ordered { total += pair.value }
        guard total > 0 else { return nil }
        var results: [Double] = []
        results.reserveCapacity(qs.count)
        for q in qs {
            let h = q * Double(total - 1)
            let lowRank = Int64(h.rounded(.down))
            let highRank = Swift.min(lowRank + 1, total - 1)
            let fraction = h - Double(lowRank)
            var low: Double?
            var high: Double?
            var seen: Int64 = 0
            for (key, c) in ordered {
                let next = seen + c
                if low == nil && lowRank < next { low = clamp(Self.representative(of: key)) }
                if highRank < next {
                    high = clamp(Self.representative(of: key))
                    break
                }
                seen = next
            }
            guard let low, let high else { return nil }
            results.append(low + fraction * (high - low))
        }
        return results
    }

    /// The (bucket, count) pairs in ascending bucket order. Buckets of one series sit in a
    /// narrow band of indices, so they are usually placed by index in a flat array (linear time)
    /// rather than sorted; a histogram spread wide falls back to sorting.
    func orderedBuckets() -> [(key: Int, value: Int64)] {
        var low = Int.max
        var high = Int.min
        for key in buckets.keys where key != Self.zeroBucket {
            if key < low { low = key }
            if key > high { high = key }
        }
        guard low <= high, high - low < 8 * buckets.count + 64 else { return buckets.sorted { $0.key < $1.key } }
        var dense = [Int64](repeating: 0, count: high - low + 1)
        var zero: Int64 = 0
        for (key, count) in buckets {
            if key == Self.zeroBucket { zero += count } else { dense[key - low] += count }
        }
        var ordered: [(key: Int, value: Int64)] = []
        ordered.reserveCapacity(buckets.count)
        if zero > 0 { ordered.append((Self.zeroBucket, zero)) }
        for (offset, count) in dense.enumerated() where count > 0 { ordered.append((low + offset, count)) }
        return ordered
    }

    private func clamp(_ value: Double) -> Double {
        guard min <= max else { return value }
        return Swift.min(Swift.max(value, min), max)
    }
}
