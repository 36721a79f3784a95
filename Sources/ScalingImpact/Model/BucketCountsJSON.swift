/// The text form of a histogram's bucket counts in `latency_minutes.buckets`: a JSON object
/// `{"-1000000":2,"278":1,"314":5}`, keys in ascending order.
///
/// JSON, so that `sqlite3` users can read it and expand it with `json_each` (the
/// `latency_buckets` view does); written and read here byte by byte, because a report reads
/// hundreds of thousands of these and an import writes one per series and minute.
enum BucketCountsJSON {
    /// Appends the object for `pairs` (ascending buckets, positive counts) to `out`.
    static func append<Pairs: Sequence<(bucket: Int, count: Int64)>>(_ pairs: Pairs, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (bucket, count) in pairs where count > 0 {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            appendDecimal(Int64(bucket), to: &out)
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
            appendDecimal(count, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Calls `body` with each (bucket, count) of `bytes`; false when `bytes` is not such an object.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int64) -> Void) -> Bool {
        var i = 0
        let n = bytes.count
        func skipSpaces() {
            while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
        }
        func integer() -> Int64? {
            var negative = false
            if i < n && bytes[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
            }
            let start = i
            var value: Int64 = 0
            while i < n, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int64(bytes[i] - 0x30))
                if overflow1 || overflow2 { return nil }
                value = sum
                i += 1
            }
            guard i > start else { return nil }
            return negative ? -value : value
        }
        skipSpaces()
        guard i < n, bytes[i] == UInt8(ascii: "{") else { return false }
        i += 1
        skipSpaces()
        if i < n && bytes[i] == UInt8(ascii: "}") {
            i += 1
            skipSpaces()
            return i == n
        }
        while true {
            skipSpaces()
            guard i < n, bytes[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            guard let bucket = integer(), i < n, bytes[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            skipSpaces()
            guard i < n, bytes[i] == UInt8(ascii: ":") else { return false }
            i += 1
            skipSpaces()
            guard let count = integer(), count >= 0, let index = Int(exactly: bucket) else { return false }
            body(index, count)
            skipSpaces()
            guard i < n else { return false }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { return false }
            i += 1
            skipSpaces()
            return i == n
        }
    }

    /// Appends the decimal digits of `value`.
    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude == 0 {
            out.append(0x30)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(0x30 + magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[k]) }
        }
    }
}
