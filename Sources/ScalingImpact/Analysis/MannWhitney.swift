import Foundation

/// Ranks with ties averaged (scipy `rankdata(method="average")`), and the sizes of the tie groups.
public enum Ranking {
    /// 1-based ranks of `values`, tied values sharing the mean of their ranks, and the size of
    /// every group of equal values (1 for an untied value), in ascending order of value.
    public static func average(_ values: [Double]) -> (ranks: [Double], tieCounts: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var counts: [Int] = []
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            // Positions i...j (0-based) share the rank (i + 1 + j + 1) / 2.
            let rank = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = rank }
            counts.append(j - i + 1)
            i = j + 1
        }
        return (ranks, counts)
    }
}

/// The Mann-Whitney U test (Wilcoxon rank-sum test), as scipy's `stats.mannwhitneyu`.
public enum MannWhitney {
    /// Which difference the test looks for.
    public enum Alternative: String, Sendable, CaseIterable {
        /// x and y differ.
        case twoSided = "two-sided"
        /// x is stochastically greater than y.
        case greater
        /// x is stochastically less than y.
        case less
    }

    /// How the p-value is computed.
    public enum Method: String, Sendable {
        /// The exact null distribution of U (no tie correction), for small samples.
        case exact
        /// The normal approximation with tie correction (and optionally continuity correction).
        case asymptotic
    }

    /// The test's outcome.
    public struct Result: Equatable, Sendable {
        /// U for the first sample: the number of pairs (xᵢ, yⱼ) with xᵢ > yⱼ, ties counting ½.
        public var u: Double
        /// The p-value.
        public var p: Double
    }

    /// The largest `min(n1, n2) · max(n1, n2)` for which the exact distribution is computed.
    public static let exactLimit = 10_000

    /// Tests `x` against `y`. Returns nil for an empty sample, or for `.exact` beyond ``exactLimit``.
    ///
    /// The asymptotic p-value standardises U with mean n₁n₂/2 and the tie-corrected variance
    /// n₁n₂/12 · ((n+1) − Σ(t³−t)/(n(n−1))), subtracting ½ for continuity; the two-sided test
    /// uses max(U₁, U₂) and doubles the upper tail, as scipy does.
    public static func test(
        _ x: [Double], _ y: [Double], alternative: Alternative = .twoSided, method: Method = .asymptotic,
        useContinuity: Bool = true
    ) -> Result? {
        let n1 = x.count
        let n2 = y.count
        guard n1 > 0, n2 > 0 else { return nil }
        let (ranks, ties) = Ranking.average(x + y)
        var r1 = 0.0
        for i in 0..<n1 { r1 += ranks[i] }
        let u1 = r1 - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let u: Double
        let factor: Double
        switch alternative {
        case .greater: (u, factor) = (u1, 1)
        case .less: (u, factor) = (u2, 1)
        case .twoSided: (u, factor) = (max(u1, u2), 2)
        }
        var p: Double
        switch method {
        case .exact:
            guard n1 * n2 <= exactLimit else { return nil }
            p = ExactU(n1, n2).sf(Int(u))
        case .asymptotic:
            let mu = Double(n1 * n2) / 2
            let n = Double(n1 + n2)
            let tieTerm = Double(ties.reduce(0) { $0 + $1 * $1 * $1 - $1 })
            let s = (Double(n1 * n2) / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
            var numerator = u - mu
            if useContinuity { numerator -= 0.5 }
            let z = numerator / s
            p = z.isNaN ? 1 : NormalDistribution.sf(z)
        }
        p *= factor
        return Result(u: u1, p: min(1, max(0, p)))
    }

    /// The exact null distribution of U for sample sizes (m, n), by Löffler's recurrence as
    /// scipy builds it: f(0) = 1, f(u) = (1/u) Σᵢ f(i)·σ(u−i), where σ(a) adds the divisors d of a
    /// with d ≤ m and subtracts those with n < d ≤ m + n.
    struct ExactU {
        let m: Int
        let n: Int

        init(_ n1: Int, _ n2: Int) {
            m = min(n1, n2)
            n = max(n1, n2)
        }

        /// Frequencies of u = 0...maxU divided by C(m+n, m).
        func pmf(upTo maxU: Int) -> [Double] {
            guard maxU >= 0 else { return [] }
            var sigma = [Double](repeating: 0, count: maxU + 1)
            for d in 1...m where d <= maxU {
                for a in stride(from: d, through: maxU, by: d) { sigma[a] += Double(d) }
            }
            let upper = min(maxU, n + m)
            if n + 1 <= upper {
                for d in (n + 1)...upper {
                    for a in stride(from: d, through: maxU, by: d) { sigma[a] -= Double(d) }
                }
            }
            var f = [Double](repeating: 0, count: maxU + 1)
            f[0] = 1
            if maxU >= 1 {
                for u in 1...maxU {
                    var sum = 0.0
                    for i in 0..<u { sum += f[i] * sigma[u - i] }
                    f[u] = sum / Double(u)
                }
            }
            let total = ExactU.binomial(m + n, m)
            return f.map { $0 / total }
        }

        /// P(U ≥ k), summed from the nearer tail by symmetry.
        func sf(_ k: Int) -> Double {
            let complement = m * n - k
            if k < complement {
                let pmf = pmf(upTo: k)
                let cdf = pmf.reduce(0, +)
                return 1 - cdf + pmf[k]
            }
            guard complement >= 0 else { return 0 }
            return pmf(upTo: complement).reduce(0, +)
        }

        static func binomial(_ n: Int, _ k: Int) -> Double {
            var result = 1.0
            let k = min(k, n - k)
            guard k > 0 else { return 1 }
            for i in 1...k { result = result * Double(n - k + i) / Double(i) }
            return result.rounded()
        }
    }
}

/// The Hodges-Lehmann shift estimate and its confidence interval by inverting the rank-sum test,
/// as R's `wilcox.test(x, y, conf.int = TRUE, exact = FALSE)` computes it (and Kayenta's
/// Mann-Whitney classifier uses): normal approximation with tie and continuity corrections,
/// each bound the root of the standardised statistic of x − μ against y, found by
/// ``RootFinding/brent(_:_:xtol:rtol:maxIterations:_:)`` (tolerance 1e-12).
public enum HodgesLehmann {
    /// An estimate with its interval.
    public struct Interval: Equatable, Sendable {
        /// Lower bound of the shift x − y.
        public var low: Double
        /// Upper bound.
        public var high: Double
        /// The Hodges-Lehmann estimate of the shift.
        public var estimate: Double
    }

    /// The shift of `x` (after) relative to `y` (before) at `confidence` (e.g. 0.98).
    /// Returns nil for an empty sample or a confidence outside (0, 1).
    public static func interval(x: [Double], y: [Double], confidence: Double) -> Interval? {
        guard !x.isEmpty, !y.isEmpty, confidence > 0, confidence < 1,
            let xMin = x.min(), let xMax = x.max(), let yMin = y.min(), let yMax = y.max()
        else { return nil }
        // Every value the same within each sample: the shift is known exactly.
        if xMin == xMax && yMin == yMax {
            let shift = xMin - yMin
            return Interval(low: shift, high: shift, estimate: shift)
        }
        let alpha = 1 - confidence
        let lowMu = xMin - yMax
        let highMu = xMax - yMin
        let statistic = Statistic(x: x, y: y)
        func root(_ zq: Double) -> Double {
            if statistic.value(lowMu, zq) <= 0 { return lowMu }
            if statistic.value(highMu, zq) >= 0 { return highMu }
            return RootFinding.brent(lowMu, highMu, xtol: 1e-12) { statistic.value($0, zq) } ?? (lowMu + highMu) / 2
        }
        guard let upperZ = NormalDistribution.quantile(1 - alpha / 2), let lowerZ = NormalDistribution.quantile(alpha / 2)
        else { return nil }
        return Interval(low: root(upperZ), high: root(lowerZ), estimate: root(0))
    }

    /// R's `wdiff`: the continuity-corrected, tie-corrected standardised rank sum of x − μ, minus zq.
    struct Statistic {
        let x: [Double]
        let y: [Double]

        func value(_ mu: Double, _ zq: Double) -> Double {
            let nx = x.count
            let ny = y.count
            let (ranks, ties) = Ranking.average(x.map { $0 - mu } + y)
            var rankSum = 0.0
            for i in 0..<nx { rankSum += ranks[i] }
            let dz = rankSum - Double(nx * (nx + 1)) / 2 - Double(nx * ny) / 2
            let correction = dz > 0 ? 0.5 : (dz < 0 ? -0.5 : 0)
            let n = nx + ny
            let tieTerm = Double(ties.reduce(0) { $0 + $1 * $1 * $1 - $1 })
            let sigma = (Double(nx * ny) / 12 * (Double(n + 1) - tieTerm / Double(n * (n - 1)))).squareRoot()
            guard sigma > 0 else { return dz - correction == 0 ? -zq : (dz - correction > 0 ? .infinity : -.infinity) }
            return (dz - correction) / sigma - zq
        }
    }
}

/// Kayenta's Mann-Whitney classifier (`MannWhitneyClassifier`, used by `NetflixACAJudge` at 98%
/// confidence with tolerance 0.25): the after sample is High when the lower bound of the
/// Hodges-Lehmann interval of after − before exceeds `tolerance·|estimate|`, Low when the upper
/// bound is below `−tolerance·|estimate|`, and Pass otherwise.
public struct MannWhitneyClassifier: Sendable, Equatable {
    /// The classification.
    public enum Label: String, Sendable {
        /// Significantly higher after.
        case high = "High"
        /// Significantly lower after.
        case low = "Low"
        /// Neither.
        case pass = "Pass"
        /// A sample is empty.
        case noData = "NoData"
    }

    /// A classification with the figures behind it.
    public struct Classification: Equatable, Sendable {
        /// High, Low, Pass or NoData.
        public var label: Label
        /// The Hodges-Lehmann shift after − before and its interval (nil without data, or for identical samples).
        public var shift: HodgesLehmann.Interval?
        /// The two-sided asymptotic Mann-Whitney p-value (nil without data).
        public var pValue: Double?
        /// Sample sizes (after, before).
        public var sizes: (after: Int, before: Int)

        public static func == (lhs: Classification, rhs: Classification) -> Bool {
            lhs.label == rhs.label && lhs.shift == rhs.shift && lhs.pValue == rhs.pValue && lhs.sizes == rhs.sizes
        }
    }

    /// Confidence level of the Hodges-Lehmann interval.
    public var confidence: Double
    /// Fraction of |estimate| the interval must clear.
    public var tolerance: Double

    /// Creates a classifier; Kayenta's judge uses 0.98 and 0.25.
    public init(confidence: Double = 0.98, tolerance: Double = 0.25) {
        self.confidence = confidence
        self.tolerance = tolerance
    }

    /// Classifies `after` (Kayenta's experiment) against `before` (its control).
    public func classify(after: [Double], before: [Double]) -> Classification {
        let sizes = (after.count, before.count)
        guard !after.isEmpty, !before.isEmpty else {
            return Classification(label: .noData, shift: nil, pValue: nil, sizes: sizes)
        }
        let p = MannWhitney.test(after, before)?.p
        if after.sorted() == before.sorted() || Set(after + before).count == 1 {
            return Classification(label: .pass, shift: HodgesLehmann.Interval(low: 0, high: 0, estimate: 0), pValue: p, sizes: sizes)
        }
        guard let shift = HodgesLehmann.interval(x: after, y: before, confidence: confidence) else {
            return Classification(label: .noData, shift: nil, pValue: p, sizes: sizes)
        }
        let critical = tolerance * abs(shift.estimate)
        let label: Label
        if shift.low > critical {
            label = .high
        } else if shift.high < -critical {
            label = .low
        } else {
            label = .pass
        }
        return Classification(label: label, shift: shift, pValue: p, sizes: sizes)
    }
}
