/// Conversions between UTC calendar fields and seconds since 1970, without Foundation.
///
/// Foundation's date formatters are slow and locale-sensitive; exports use a handful of fixed
/// UTC layouts, so a small exact parser is both faster and stricter.
public enum UTCTime {
    /// Seconds since 1970-01-01T00:00:00Z for a proleptic Gregorian UTC date and time.
    public static func seconds(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0
    ) -> Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
    }

    /// The calendar fields of a UTC time.
    public static func fields(_ seconds: Int64) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    ) {
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400 + (month <= 2 ? 1 : 0))
        return (year, month, day, Int(rest / 3600), Int(rest % 3600 / 60), Int(rest % 60))
    }

    /// The number of days in `month` of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        default: return 0
        }
    }

    /// Formats as `2026-10-13T10:00:00Z`.
    public static func iso8601(_ seconds: Int64) -> String {
        let f = fields(seconds)
        return "\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day))T\(pad(f.hour)):\(pad(f.minute)):\(pad(f.second))Z"
    }

    /// Formats as `2026-10-13 10:00` (UTC), for tables people read.
    public static func short(_ seconds: Int64) -> String {
        let f = fields(seconds)
        return "\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day)) \(pad(f.hour)):\(pad(f.minute))"
    }

    /// Formats as `2026-10-13`.
    public static func date(_ seconds: Int64) -> String {
        let f = fields(seconds)
        return "\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day))"
    }

    /// Parses an ISO-8601 / RFC 3339 UTC timestamp and its common export variants.
    ///
    /// Accepts `YYYY-MM-DD`, then `T` or a space, `HH:MM[:SS[.fraction]]`, then `Z`, `+HH:MM`,
    /// `-HH:MM`, `+HHMM`, ` UTC` or nothing (read as UTC). Returns seconds and the fraction in
    /// nanoseconds, or nil when the text is not such a timestamp or names an impossible date.
    public static func parse(_ text: some StringProtocol) -> (seconds: Int64, nanoseconds: Int64)? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { parse(bytes: $0) }
    }

    /// ``parse(_:)`` over raw bytes (the import hot path).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> (seconds: Int64, nanoseconds: Int64)? {
        var i = 0
        let n = bytes.count
        func digits(_ count: Int) -> Int? {
            guard i + count <= n else { return nil }
            var value = 0
            for k in 0..<count {
                let c = bytes[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += count
            return value
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < n, bytes[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else {
            return nil
        }
        var hour = 0
        var minute = 0
        var second = 0
        var nanos: Int64 = 0
        if i < n && (bytes[i] == 84 || bytes[i] == 32 || bytes[i] == 116) {  // T, space, t
            i += 1
            guard let h = digits(2), expect(58), let m = digits(2) else { return nil }
            hour = h
            minute = m
            if expect(58) {
                guard let s = digits(2) else { return nil }
                second = s
                if i < n && (bytes[i] == 46 || bytes[i] == 44) {  // . or ,
                    i += 1
                    var scale: Int64 = 100_000_000
                    var any = false
                    while i < n, bytes[i] >= 48, bytes[i] <= 57 {
                        nanos += Int64(bytes[i] - 48) * scale
                        scale /= 10
                        i += 1
                        any = true
                    }
                    guard any else { return nil }
                }
            }
            guard hour < 24 || (hour == 24 && minute == 0 && second == 0 && nanos == 0),
                minute < 60, second < 61
            else { return nil }
        }
        var offset: Int64 = 0
        if i < n {
            switch bytes[i] {
            case 90, 122:  // Z z
                i += 1
            case 43, 45:  // + -
                let sign: Int64 = bytes[i] == 45 ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(58)
                let om = digits(2) ?? 0
                guard oh < 24, om < 60 else { return nil }
                offset = sign * Int64(oh * 3600 + om * 60)
            case 32:
                // " UTC" as written by some Athena exports.
                guard n - i == 4, bytes[i + 1] == 85, bytes[i + 2] == 84, bytes[i + 3] == 67 else {
                    return nil
                }
                i = n
            default:
                return nil
            }
        }
        guard i == n else { return nil }
        let base = seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        return (base - offset, nanos)
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
