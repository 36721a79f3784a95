import Foundation

/// Strict number parsing over raw bytes: no locale, no thousands separators, finite values only.
public enum NumberParser {
    /// Whether `bytes` spell a null: empty, `NULL`, `null`, `N/A`, `-` (FORMATS.md).
    public static func isNull(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch bytes.count {
        case 0: return true
        case 1: return bytes[0] == 45
        case 3: return bytes[0] == 78 && bytes[1] == 47 && bytes[2] == 65
        case 4:
            return (bytes[0] == 78 || bytes[0] == 110) && (bytes[1] | 0x20) == 117 && (bytes[2] | 0x20) == 108
                && (bytes[3] | 0x20) == 108
        default: return false
        }
    }

    /// A base-10 integer with optional sign, or nil.
    public static func int(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        guard !bytes.isEmpty else { return nil }
        if bytes[0] == 45 || bytes[0] == 43 {
            negative = bytes[0] == 45
            i = 1
        }
        guard i < bytes.count, bytes.count - i <= 18 else { return nil }
        var value: Int64 = 0
        while i < bytes.count {
            let d = bytes[i] &- 48
            guard d < 10 else { return nil }
            value = value * 10 + Int64(d)
            i += 1
        }
        return negative ? -value : value
    }

    /// A finite decimal number (`12`, `-0.5`, `1.5e-3`), or nil for anything else, NaN and infinities.
    public static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if let v = int(bytes) { return Double(v) }
        guard !bytes.isEmpty, bytes.count < 64 else { return nil }
        // Only digits, sign, one dot and an exponent: rejects "nan", "inf", "1,5", hex floats.
        var sawDigit = false
        for c in bytes {
            switch c {
            case 48...57: sawDigit = true
            case 43, 45, 46, 69, 101: continue
            default: return nil
            }
        }
        guard sawDigit else { return nil }
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { tmp -> Double? in
            for (k, c) in bytes.enumerated() { tmp[k] = CChar(bitPattern: c) }
            tmp[bytes.count] = 0
            guard let base = tmp.baseAddress else { return nil }
            var end: UnsafeMutablePointer<CChar>?
            let v = strtod(base, &end)
            guard let end, end - base == bytes.count else { return nil }
            return v
        }
        guard let value, value.isFinite else { return nil }
        return value
    }

    /// ``double(_:)`` over a string.
    public static func double(_ text: some StringProtocol) -> Double? {
        var copy = String(text)
        return copy.withUTF8 { double($0) }
    }
}
