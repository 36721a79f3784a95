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
    ///
    /// One loop over the bytes with the position in a local (no nested functions capturing it):
    /// a report decodes hundreds of megabytes of these.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int64) -> Void) -> Bool {
        guard let p = bytes.baseAddress else { return false }
        let n = bytes.count
        var i = 0
        @inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }
        while i < n && isSpace(p[i]) { i += 1 }
        guard i < n, p[i] == UInt8(ascii: "{") else { return false }
        i += 1
        var expectMember = false  // after a comma, a member must follow
        while true {
            while i < n && isSpace(p[i]) { i += 1 }
            guard i < n else { return false }
            if p[i] == UInt8(ascii: "}") && !expectMember {
                i += 1
                while i < n && isSpace(p[i]) { i += 1 }
                return i == n
            }
            // "bucket"
            guard p[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            var negative = false
            if i < n && p[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
            }
            var bucket = 0
            var digits = 0
            while i < n {
                let d = p[i] &- 0x30
                if d > 9 { break }
                guard digits < 18 else { return false }
                bucket = bucket &* 10 &+ Int(d)
                digits += 1
                i += 1
            }
            guard digits > 0, i < n, p[i] == UInt8(ascii: "\"") else { return false }
            i += 1
            while i < n && isSpace(p[i]) { i += 1 }
            guard i < n, p[i] == UInt8(ascii: ":") else { return false }
            i += 1
            while i < n && isSpace(p[i]) { i += 1 }
            // count
            var count: Int64 = 0
            digits = 0
            while i < n {
                let d = p[i] &- 0x30
                if d > 9 { break }
                guard digits < 18 else { return false }
                count = count &* 10 &+ Int64(d)
                digits += 1
                i += 1
            }
            guard digits > 0 else { return false }
            body(negative ? -bucket : bucket, count)
            while i < n && isSpace(p[i]) { i += 1 }
            guard i < n else { return false }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                expectMember = true
            } else {
                guard p[i] == UInt8(ascii: "}") else { return false }
                expectMember = false
            }
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
