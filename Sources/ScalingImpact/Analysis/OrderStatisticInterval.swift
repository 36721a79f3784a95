import Foundation

/// The distribution-free confidence interval for a quantile from order statistics.
///
/// The number of sample values below the true q-quantile is Binomial(n, q), so the sorted values
/// at 1-based ranks `l = binom.ppf(α/2, n, q)` and `u = binom.ppf(1 − α/2, n, q) + 1` bracket it
/// with probability at least 1 − α (`vectors.json` `quantile_order_statistic_ci`). When `u > n`
/// there is no finite upper bound: too few values to bound that quantile from above.
public struct OrderStatisticInterval: Equatable, Sendable {
    /// 1-based rank of the lower bound.
    public var rankLow: Int
    /// 1-based rank of the upper bound (may be n + 1: no finite upper bound).
    public var rankHigh: Int
    /// The exact coverage P(l ≤ X < u) for X ~ Binomial(n, q).
    public var coverage: Double
    /// Whether the upper bound is a sample value (`rankHigh ≤ n`).
    public var hasFiniteUpper: Bool

    /// The interval for the q-quantile of `n` values at `confidence` (default 95%).
    public init?(n: Int, q: Double, confidence: Double = 0.95) {
        guard n > 0, q > 0, q < 1, confidence > 0, confidence < 1, let binomial = BinomialDistribution(n: n, p: q)
        else { return nil }
        let alpha = 1 - confidence
        let cdf = binomial.cumulative()
        func quantile(_ level: Double) -> Int {
            cdf.firstIndex { $0 >= level * (1 - 4 * Double.ulpOfOne) } ?? n
        }
        rankLow = quantile(alpha / 2)
        rankHigh = quantile(1 - alpha / 2) + 1
        let upper = rankHigh - 1 >= n ? 1 : cdf[rankHigh - 1]
        let lower = rankLow - 1 < 0 ? 0 : cdf[rankLow - 1]
        coverage = upper - lower
        hasFiniteUpper = rankHigh <= n
    }

    /// The fewest values whose q-quantile has a finite upper bound at `confidence`: the smallest n
    /// with P(X ≤ n − 1) = 1 − qⁿ ≥ 1 − α/2, i.e. ⌈ln(α/2) / ln q⌉ (72 for P95, 367 for P99 at 95%).
    public static func minimumCount(q: Double, confidence: Double = 0.95) -> Int? {
        guard q > 0, q < 1, confidence > 0, confidence < 1 else { return nil }
        var n = Int((log((1 - confidence) / 2) / log(q)).rounded(.up))
        // Guard against rounding at the boundary: step to the exact smallest n.
        while n > 1, OrderStatisticInterval(n: n - 1, q: q, confidence: confidence)?.hasFiniteUpper == true { n -= 1 }
        while OrderStatisticInterval(n: n, q: q, confidence: confidence)?.hasFiniteUpper == false { n += 1 }
        return n
    }
}
