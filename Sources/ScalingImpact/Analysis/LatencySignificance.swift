/// The Mann-Whitney classification of per-period latency percentiles, after against before,
/// in the manner of Kayenta's judge.
///
/// Kayenta compares the hourly (or per-interval) values of a metric. A percentile of a period
/// is only meaningful when the period holds enough requests: the period length is the shortest
/// of 1, 2, 3, 4, 6, 8, 12 and 24 hours in which the median period of both windows holds at
/// least the ``OrderStatisticInterval/minimumCount(q:confidence:)`` requests (72 for P95, 368
/// for P99 at 95%: fewer, and the distribution-free interval of that percentile has no finite
/// upper bound), and only periods holding that many enter the series. With real load-balancer
/// traffic that is hourly; with a thin sample of probe requests it takes longer periods.
struct LatencySignificance {
    /// The series compared and the classification.
    struct Outcome {
        /// Period length in hours.
        var periodHours: Int
        /// The classification of after against before.
        var classification: MannWhitneyClassifier.Classification
    }

    /// Period lengths tried, in hours (divisors of a day, so periods tile whole days).
    static let candidatePeriods = [1, 2, 3, 4, 6, 8, 12, 24]
    /// Fewest periods per window for a comparison.
    static let minimumPeriods = 5

    var classifier: MannWhitneyClassifier

    /// Why a comparison could not be made, or its outcome.
    enum Result {
        case compared(Outcome)
        case notCompared(String)
    }

    /// Classifies the q-quantile of `after`'s periods against `before`'s.
    func classify(before: [LatencyHistogram?], after: [LatencyHistogram?], q: Double) -> Result {
        guard let needed = OrderStatisticInterval.minimumCount(q: q) else { return .notCompared("no quantile") }
        let countsBefore = before.map { $0?.count ?? 0 }
        let countsAfter = after.map { $0?.count ?? 0 }
        guard countsBefore.contains(where: { $0 > 0 }), countsAfter.contains(where: { $0 > 0 }) else {
            return .notCompared("no per-request latency")
        }
        let name = "P\(Int((q * 100).rounded()))"
        for hours in Self.candidatePeriods {
            let periodsBefore = Self.periodCounts(countsBefore, hours: hours)
            let periodsAfter = Self.periodCounts(countsAfter, hours: hours)
            let nonEmpty = (periodsBefore + periodsAfter).filter { $0 > 0 }.map(Double.init)
            guard let median = Percentiles.linear(nonEmpty, 0.5), median >= Double(needed) else { continue }
            let valuesBefore = Self.periodQuantiles(before, hours: hours, q: q, minimumCount: Int64(needed))
            let valuesAfter = Self.periodQuantiles(after, hours: hours, q: q, minimumCount: Int64(needed))
            guard valuesBefore.count >= Self.minimumPeriods, valuesAfter.count >= Self.minimumPeriods else {
                return .notCompared(
                    "fewer than \(Self.minimumPeriods) \(hours)-hour periods with the \(needed) requests a period's \(name) needs")
            }
            return .compared(
                Outcome(periodHours: hours, classification: classifier.classify(after: valuesAfter, before: valuesBefore)))
        }
        return .notCompared("too few requests: a period's \(name) needs \(needed), and even a day holds fewer")
    }

    /// Requests per period of `hours` hours, aligned to the window's start.
    static func periodCounts(_ hourly: [Int64], hours: Int) -> [Int64] {
        stride(from: 0, to: hourly.count, by: hours).map { start in
            hourly[start..<min(hourly.count, start + hours)].reduce(0, +)
        }
    }

    /// The q-quantile of each period holding at least `minimumCount` requests.
    static func periodQuantiles(_ hourly: [LatencyHistogram?], hours: Int, q: Double, minimumCount: Int64) -> [Double] {
        stride(from: 0, to: hourly.count, by: hours).compactMap { start in
            var merged: LatencyHistogram?
            for histogram in hourly[start..<min(hourly.count, start + hours)] {
                guard let histogram else { continue }
                if merged == nil { merged = histogram } else { merged?.merge(histogram) }
            }
            guard let merged, merged.count >= minimumCount else { return nil }
            return merged.quantile(q)
        }
    }

    /// One clause for a verdict's reason, e.g. `hourly P95s Pass (Mann-Whitney, 98%: shift −4.1 ms [−9.0, +1.2])`.
    func describe(_ result: Result, name: String) -> String {
        switch result {
        case .notCompared(let why):
            return "Mann-Whitney not computed: \(why)"
        case .compared(let outcome):
            let c = outcome.classification
            let period = outcome.periodHours == 1 ? "hourly" : "\(outcome.periodHours)-hour"
            let confidence = Format.number(100 * classifier.confidence)
            guard let shift = c.shift else { return "\(period) \(name)s \(c.label.rawValue) (Mann-Whitney, \(confidence)%)" }
            return "\(period) \(name)s \(c.label.rawValue) (Mann-Whitney, \(confidence)%, \(c.sizes.after) vs \(c.sizes.before) periods: "
                + "shift \(Format.signedMs(shift.estimate)) [\(Format.signedMs(shift.low)), \(Format.signedMs(shift.high))])"
        }
    }
}
