/// Bucket counts gathered in a flat array over the range of buckets seen (plus the zero bucket):
/// adding a count is an index, not a hash lookup. Latency buckets of one series cluster within
/// a few hundred indices, so the array stays small.
struct DenseBuckets {
    private var base = 0
    private var counts: [Int64] = []
    private var zero: Int64 = 0
    private var isEmpty = true

    /// Adds `count` to `bucket`.
    @inline(__always)
    mutating func add(bucket: Int, count: Int64) {
        if bucket == LatencyHistogram.zeroBucket {
            zero += count
            isEmpty = false
            return
        }
        if counts.isEmpty {
            base = bucket
            counts = [Int64](repeating: 0, count: 64)
        } else if bucket < base {
            counts.insert(contentsOf: repeatElement(0, count: base - bucket), at: 0)
            base = bucket
        } else if bucket >= base + counts.count {
            counts.append(contentsOf: repeatElement(0, count: Swift.max(bucket - base - counts.count + 1, counts.count)))
        }
        counts[bucket - base] += count
        isEmpty = false
    }

    /// Calls `body` with each non-zero (bucket, count) in ascending order and empties the array.
    mutating func drain(_ body: (Int, Int64) -> Void) {
        guard !isEmpty else { return }
        if zero > 0 { body(LatencyHistogram.zeroBucket, zero) }
        for (offset, count) in counts.enumerated() where count > 0 { body(base + offset, count) }
        for i in counts.indices { counts[i] = 0 }
        zero = 0
        isEmpty = true
    }
}
