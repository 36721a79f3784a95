/// Exact sample percentiles.
public enum Percentiles {
    /// The q-quantile (0...1) of `values` by numpy's default method (`method="linear"`,
    /// Hyndman-Fan type 7): h = q(n−1), interpolating between the order statistics around h.
    public static func linear(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        return linearSorted(values.sorted(), q)
    }

    /// ``linear(_:_:)`` for values already sorted ascending.
    public static func linearSorted(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty, q >= 0, q <= 1 else { return nil }
        let h = q * Double(sorted.count - 1)
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }

    /// The q-quantile by numpy's `method="inverted_cdf"` (nearest rank): the smallest value
    /// whose empirical CDF reaches q.
    public static func invertedCDF(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty, q >= 0, q <= 1 else { return nil }
        let sorted = values.sorted()
        let n = Double(sorted.count)
        let rank = Int((q * n - 1e-9).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
