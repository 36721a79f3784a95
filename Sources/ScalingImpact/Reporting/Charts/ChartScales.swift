import Foundation

/// A linear map from data values to pixels.
struct LinearScale {
    var domain: (low: Double, high: Double)
    var range: (low: Double, high: Double)

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.high - domain.low
        guard span != 0 else { return (range.low + range.high) / 2 }
        return range.low + (value - domain.low) / span * (range.high - range.low)
    }

    /// "Nice" ticks (1, 2 or 5 × 10ⁿ apart) covering `low...high`, about `count` of them; the
    /// domain to use is the first and last tick.
    static func niceTicks(low: Double, high: Double, count: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite else { return [0, 1] }
        var low = low
        var high = high
        if high <= low { high = low + max(1, abs(low)) }
        let raw = (high - low) / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * 0.999 } ?? 10 * magnitude
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        // Round each tick to the step's decimals, so 3 × 0.1 is 0.3 and labels stay short.
        let scale = pow(10, max(0, -floor(log10(step))) + 2)
        var ticks: [Double] = []
        var i = 0.0
        while low + i * step <= high + step / 2 && ticks.count < 50 {
            ticks.append(((low + i * step) * scale).rounded() / scale)
            i += 1
        }
        return ticks
    }
}

/// Ticks for a UTC time axis: whole hours or days, at most `maxTicks` of them.
enum TimeTicks {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Tick times in `[start, end]` and their labels (`Oct 13`, or `Oct 13 06:00` for sub-day steps).
    static func ticks(start: Int64, end: Int64, maxTicks: Int = 8) -> [(time: Int64, label: String)] {
        guard end > start else { return [] }
        let hour: Int64 = 3600
        let day = 24 * hour
        let steps: [Int64] = [hour, 2 * hour, 3 * hour, 6 * hour, 12 * hour, day, 2 * day, 7 * day, 14 * day, 28 * day,
                              56 * day, 91 * day, 182 * day, 364 * day]
        let step = steps.first { (end - start) / $0 <= Int64(maxTicks) } ?? 364 * day
        // Weekly and longer steps fall on Mondays (1970-01-05 was one); shorter ones on whole steps from midnight.
        let origin: Int64 = step >= 7 * day ? 4 * day : 0
        var t = start - floorMod(start - origin, step)
        if t < start { t += step }
        var ticks: [(Int64, String)] = []
        while t <= end {
            ticks.append((t, label(t, withTime: step < day)))
            t += step
        }
        return ticks
    }

    /// `Oct 13` or `Oct 13 06:00`.
    static func label(_ time: Int64, withTime: Bool) -> String {
        let f = UTCTime.fields(time)
        let month = monthNames[max(0, min(11, f.month - 1))]
        var text = "\(month) \(f.day)"
        if withTime { text += " " + (f.hour < 10 ? "0" : "") + "\(f.hour):" + (f.minute < 10 ? "0" : "") + "\(f.minute)" }
        return text
    }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { ((a % b) + b) % b }
}
