import Foundation

/// A small, fast, seedable random number generator (SplitMix64), so reports are reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed derived from text (FNV-1a), so each figure has its own reproducible stream.
    public static func seed(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}

/// Interval estimates.
public enum Intervals {
    /// The Wilson score interval for `successes` out of `trials` at normal quantile `z`
    /// (1.959964 for 95%). Returns nil when there are no trials.
    public static func wilson(successes: Int64, trials: Int64, z: Double = 1.959963984540054) -> (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let center = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * ((p * (1 - p) / n + z2 / (4 * n * n)).squareRoot())
        return (max(0, center - half), min(1, center + half))
    }
}

/// The circular block bootstrap over hours (Politis & Romano), for autocorrelated hourly series.
///
/// A window of `n` hours is resampled as ⌈n / L⌉ blocks of `L` consecutive hours with uniformly
/// random starts, wrapping around the end; each hour's weight is how many chosen blocks cover it.
/// Percentile intervals come from the resampled statistics.
public struct BlockBootstrap: Sendable {
    /// Number of resamples.
    public var resamples: Int = 2000
    /// Block length in hours (a day keeps the daily cycle inside a block).
    public var blockLength: Int = 24
    /// Confidence level of the intervals.
    public var confidence: Double = 0.95

    /// Creates a bootstrap with the defaults: 2,000 resamples, 24-hour blocks, 95% intervals.
    public init(resamples: Int = 2000, blockLength: Int = 24, confidence: Double = 0.95) {
        self.resamples = resamples
        self.blockLength = blockLength
        self.confidence = confidence
    }

    /// The hour weights of one resample of `n` hours.
    public func weights(count n: Int, using rng: inout SplitMix64) -> [Int32] {
        var weights = [Int32](repeating: 0, count: n)
        guard n > 0 else { return weights }
        let length = min(blockLength, n)
        let blocks = (n + length - 1) / length
        var filled = 0
        for _ in 0..<blocks {
            let start = Int(rng.next() % UInt64(n))
            for k in 0..<length where filled < n {
                weights[(start + k) % n] += 1
                filled += 1
            }
        }
        return weights
    }

    /// A percentile interval for the relative change (%) of a statistic between two windows.
    ///
    /// `before` and `after` compute the statistic from hour weights; resamples where either is
    /// undefined or the before value is zero are skipped.
    public func relativeChangeInterval(
        beforeHours: Int, afterHours: Int, seed: UInt64,
        before: ([Int32]) -> Double?, after: ([Int32]) -> Double?
    ) -> (low: Double, high: Double)? {
        var rng = SplitMix64(seed: seed)
        var changes: [Double] = []
        changes.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let wb = weights(count: beforeHours, using: &rng)
            let wa = weights(count: afterHours, using: &rng)
            guard let b = before(wb), let a = after(wa), b != 0 else { continue }
            changes.append(100 * (a / b - 1))
        }
        guard changes.count >= resamples / 2 else { return nil }
        changes.sort()
        let tail = (1 - confidence) / 2
        guard let low = Percentiles.linearSorted(changes, tail), let high = Percentiles.linearSorted(changes, 1 - tail)
        else { return nil }
        return (low, high)
    }
}

/// Scaling behaviour from a task-count series (definitions as in `vectors.json`).
public enum Flapping {
    /// Counts of changes and flaps in a task-count series.
    public struct Counts: Equatable, Sendable {
        /// Points whose count differs from the previous point's.
        public var changes: Int
        /// Changes whose direction differs from the previous change's.
        public var reversals: Int
        /// Scale-ins followed by a scale-out within the window.
        public var inThenOut: Int
        /// Scale-outs followed by a scale-in within the window.
        public var outThenIn: Int
        /// All flaps: `inThenOut + outThenIn`.
        public var flaps: Int { inThenOut + outThenIn }
    }

    /// Counts changes, reversals and flaps in `series` of (time in seconds, task count), sorted
    /// by time. A flap is a change followed by the opposite change within `windowSeconds`,
    /// measured between the two change points.
    public static func count(_ series: [(time: Int64, count: Double)], windowSeconds: Int64) -> Counts {
        var changes: [(time: Int64, up: Bool)] = []
        for (previous, point) in zip(series, series.dropFirst()) where point.count != previous.count {
            changes.append((point.time, point.count > previous.count))
        }
        var reversals = 0
        var inThenOut = 0
        var outThenIn = 0
        for (a, b) in zip(changes, changes.dropFirst()) where a.up != b.up {
            reversals += 1
            if b.time - a.time <= windowSeconds {
                if a.up { outThenIn += 1 } else { inThenOut += 1 }
            }
        }
        return Counts(changes: changes.count, reversals: reversals, inThenOut: inThenOut, outThenIn: outThenIn)
    }
}
