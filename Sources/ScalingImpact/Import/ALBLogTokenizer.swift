import Foundation

/// Splits one ALB access log line into its fields (FORMATS.md §7) without copying or decoding them.
///
/// Fields are separated by single spaces. A field that starts with `"` runs to the next `"` that
/// is followed by a space or the end of the line and is not escaped by a backslash, so quoted
/// fields may hold spaces (`"GET http://host/a b HTTP/1.1"`) and escaped quotes (`"a \"b\" c"`);
/// the surrounding quotes are not part of the field. Trailing spaces and a trailing CR are
/// ignored. Each field is a byte range of the line: nothing is turned into a `String`, so client
/// addresses, URLs and user agents never leave the line buffer.
///
/// The tokenizer is total: any bytes give either fields or a ``Failure`` with a column, never a
/// crash (it is meant to be fuzzed).
public struct ALBLogTokenizer: Sendable {
    /// Why a line cannot be split.
    public struct Failure: Error, Equatable, Sendable {
        /// 1-based byte column where the problem starts.
        public var column: Int
        /// What is wrong (never quotes the line's content).
        public var message: String
    }

    /// Start offset of each field in the line (after an opening quote).
    public private(set) var starts: [Int] = []
    /// End offset of each field in the line (before a closing quote).
    public private(set) var ends: [Int] = []
    /// Whether each field was quoted.
    public private(set) var quoted: [Bool] = []

    /// A tokenizer with room for a line of today's ~30 fields.
    public init() {
        starts.reserveCapacity(40)
        ends.reserveCapacity(40)
        quoted.reserveCapacity(40)
    }

    /// The number of fields of the last line.
    public var count: Int { starts.count }

    /// The bytes of field `index` of `line` (the line last passed to ``tokenize(_:)``).
    @inline(__always)
    public func field(_ index: Int, of line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: line[starts[index]..<ends[index]])
    }

    /// Splits `line` (without its newline); returns nil on success, or what is wrong and where.
    public mutating func tokenize(_ line: UnsafeBufferPointer<UInt8>) -> Failure? {
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        quoted.removeAll(keepingCapacity: true)
        var n = line.count
        while n > 0 && (line[n - 1] == 32 || line[n - 1] == 13) { n -= 1 }
        guard n > 0, let base = line.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while true {
            if line[i] == 34 {
                let open = i
                var search = i + 1
                var close = -1
                while search < n, let hit = memchr(raw + search, 34, n - search) {
                    let q = raw.distance(to: UnsafeRawPointer(hit))
                    if (q + 1 == n || line[q + 1] == 32) && !Self.isEscaped(line, quoteAt: q, after: open) {
                        close = q
                        break
                    }
                    search = q + 1
                }
                guard close >= 0 else {
                    return Failure(
                        column: open + 1,
                        message: "unbalanced quote: the quoted field \(starts.count + 1) that starts here is not closed on its line")
                }
                starts.append(open + 1)
                ends.append(close)
                quoted.append(true)
                i = close + 1
            } else {
                var end = n
                if let hit = memchr(raw + i, 32, n - i) { end = raw.distance(to: UnsafeRawPointer(hit)) }
                starts.append(i)
                ends.append(end)
                quoted.append(false)
                i = end
            }
            // Here i is at a separating space or at the end.
            if i >= n { return nil }
            i += 1
        }
    }

    /// Whether the quote at `q` is preceded by an odd run of backslashes inside the field.
    private static func isEscaped(_ line: UnsafeBufferPointer<UInt8>, quoteAt q: Int, after open: Int) -> Bool {
        var k = q - 1
        var backslashes = 0
        while k > open && line[k] == 92 {
            backslashes += 1
            k -= 1
        }
        return backslashes % 2 == 1
    }

    /// A decimal such as `0.001`, `12` or `-1`, in millionths (exact for up to 6 decimals; further
    /// digits are truncated). Nil for anything else: exponents, signs other than a leading `-`,
    /// `nan`, empty fields, more than 18 digits.
    public static func micros(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        let n = bytes.count
        var negative = false
        if n > 0 && bytes[0] == 45 {
            negative = true
            i = 1
        }
        var value: Int64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDot = false
        while i < n {
            let c = bytes[i]
            if c == 46 {
                if sawDot { return nil }
                sawDot = true
            } else {
                let d = c &- 48
                guard d < 10 else { return nil }
                digits += 1
                if sawDot {
                    if fractionDigits < 6 {
                        fractionDigits += 1
                        value = value * 10 + Int64(d)
                    }
                } else {
                    guard digits <= 12 else { return nil }
                    value = value * 10 + Int64(d)
                }
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        while fractionDigits < 6 {
            value *= 10
            fractionDigits += 1
        }
        return negative ? -value : value
    }

    /// A three-digit HTTP status code, or nil (for `-` and anything else).
    public static func statusCode(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.count == 3 else { return nil }
        var value = 0
        for c in bytes {
            let d = c &- 48
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
        }
        return value >= 100 ? value : nil
    }
}
