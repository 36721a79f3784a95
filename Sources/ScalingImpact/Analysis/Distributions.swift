import Foundation

/// The standard normal distribution.
public enum NormalDistribution {
    /// Φ(x), the lower tail, as `0.5·erfc(−x/√2)` (accurate in both tails, like scipy's `ndtr`).
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// 1 − Φ(x), the upper tail (scipy `norm.sf`).
    public static func sf(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// Φ⁻¹(p) by Wichura's algorithm AS 241 (PPND16, relative accuracy about 1e-16), as scipy's
    /// `norm.ppf`. Returns −∞ at 0, +∞ at 1 and nil outside [0, 1].
    public static func quantile(_ p: Double) -> Double? {
        guard p >= 0, p <= 1 else { return nil }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num =
                ((((((2.5090809287301226727e3 * r + 3.3430575583588128105e4) * r + 6.7265770927008700853e4) * r
                    + 4.5921953931549871457e4) * r + 1.3731693765509461125e4) * r + 1.9715909503065514427e3) * r
                    + 1.3314166789178437745e2) * r + 3.3871328727963666080e0
            let den =
                ((((((5.2264952788528545610e3 * r + 2.8729085735721942674e4) * r + 3.9307895800092710610e4) * r
                    + 2.1213794301586595867e4) * r + 5.3941960214247511077e3) * r + 6.8718700749205790830e2) * r
                    + 4.2313330701600911252e1) * r + 1
            return q * num / den
        }
        var r = (-log(q < 0 ? p : 1 - p)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            let num =
                ((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r
                    + 1.27045825245236838258e0) * r + 3.64784832476320460504e0) * r + 5.76949722146069140550e0) * r
                    + 4.63033784615654529590e0) * r + 1.42343711074968357734e0
            let den =
                ((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r
                    + 1.48103976427480074590e-1) * r + 6.89767334985100004550e-1) * r + 1.67638483018380384940e0) * r
                    + 2.05319162663775882187e0) * r + 1
            value = num / den
        } else {
            r -= 5
            let num =
                ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r
                    + 2.65321895265761230930e-2) * r + 2.96560571828504891230e-1) * r + 1.78482653991729133580e0) * r
                    + 5.46378491116411436990e0) * r + 6.65790464350110377720e0
            let den =
                ((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r
                    + 7.86869131145613259100e-4) * r + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
                    + 5.99832206555887937690e-1) * r + 1
            value = num / den
        }
        return q < 0 ? -value : value
    }

    /// The two-sided critical value for a confidence level, e.g. 1.959964 for 0.95.
    public static func twoSidedCritical(confidence: Double) -> Double {
        quantile(1 - (1 - confidence) / 2) ?? 1.959963984540054
    }
}

/// The binomial distribution with `n` trials and success probability `p`.
public struct BinomialDistribution: Sendable {
    /// Number of trials.
    public var n: Int
    /// Success probability.
    public var p: Double

    /// Creates the distribution; nil unless n ≥ 0 and 0 ≤ p ≤ 1.
    public init?(n: Int, p: Double) {
        guard n >= 0, p >= 0, p <= 1 else { return nil }
        self.n = n
        self.p = p
    }

    /// P(X = k), computed in log space so that it stays exact to rounding for large n.
    public func pmf(_ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        if p == 0 { return k == 0 ? 1 : 0 }
        if p == 1 { return k == n ? 1 : 0 }
        let logChoose = lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
        return exp(logChoose + Double(k) * log(p) + Double(n - k) * log1p(-p))
    }

    /// P(X ≤ k) for every k in 0...n.
    public func cumulative() -> [Double] {
        var result = [Double](repeating: 0, count: n + 1)
        var sum = 0.0
        for k in 0...n {
            sum += pmf(k)
            result[k] = Swift.min(1, sum)
        }
        return result
    }

    /// P(X ≤ k).
    public func cdf(_ k: Int) -> Double {
        guard k >= 0 else { return 0 }
        guard k < n else { return 1 }
        return cumulative()[k]
    }

    /// The smallest k with P(X ≤ k) ≥ q (scipy `binom.ppf`).
    public func quantile(_ q: Double) -> Int {
        let cdf = cumulative()
        return cdf.firstIndex { $0 >= q * (1 - 4 * Double.ulpOfOne) } ?? n
    }
}

/// Student's t distribution.
public enum StudentT {
    /// P(T ≤ t) with `df` degrees of freedom (df > 0, not necessarily whole), from the
    /// regularized incomplete beta function: 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0.
    public static func cdf(_ t: Double, df: Double) -> Double? {
        guard df > 0, !t.isNaN else { return nil }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        guard let tail = IncompleteBeta.regularized(x: df / (df + t * t), a: df / 2, b: 0.5) else { return nil }
        return t >= 0 ? 1 - tail / 2 : tail / 2
    }

    /// The p-quantile with `df` degrees of freedom, by bisection on ``cdf(_:df:)`` (to ~1e-12).
    public static func quantile(_ p: Double, df: Double) -> Double? {
        guard df > 0, p > 0, p < 1 else { return nil }
        if p == 0.5 { return 0 }
        if p < 0.5 { return quantile(1 - p, df: df).map { -$0 } }
        var low = 0.0
        var high = 1.0
        while let c = cdf(high, df: df), c < p, high < 1e12 { high *= 2 }
        for _ in 0..<200 {
            let mid = (low + high) / 2
            guard let c = cdf(mid, df: df) else { return nil }
            if c < p { low = mid } else { high = mid }
            if high - low <= 1e-13 * max(1, high) { break }
        }
        return (low + high) / 2
    }
}

/// The regularized incomplete beta function I_x(a, b), by the continued fraction of
/// Numerical Recipes (`betai`/`betacf`, modified Lentz).
enum IncompleteBeta {
    static func regularized(x: Double, a: Double, b: Double) -> Double? {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return nil }
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
        if x < (a + 1) / (a + b + 2) {
            return continuedFraction(x: x, a: a, b: b).map { front * $0 / a }
        }
        return continuedFraction(x: 1 - x, a: b, b: a).map { 1 - front * $0 / b }
    }

    static func continuedFraction(x: Double, a: Double, b: Double) -> Double? {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m)
            let m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { return h }
        }
        return nil
    }
}
