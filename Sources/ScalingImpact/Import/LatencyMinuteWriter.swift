/// Writes `latency_minutes` rows: one per series and period, its histogram's bucket counts in
/// the row (see ``BucketCountsJSON``). The one writer of latency facts, for every parser.
struct LatencyMinuteWriter {
    /// A period's summary figures.
    struct Figures {
        var requests: Int64
        var timed: Int64
        var errors: Int64
        var sum: Double
        var min: Double
        var max: Double
    }

    private let insert: Statement
    private let importID: Int64
    private let period: Int64
    private var text: [UInt8] = []

    init(database: Database, importID: Int64, period: Int64) throws(StorageError) {
        insert = try database.cachedStatement(
            """
            INSERT INTO latency_minutes (environment, service, minute, import_id, period_s, request_count, timed_count,
                error_5xx, sum_ms, min_ms, max_ms, buckets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        self.importID = importID
        self.period = period
        text.reserveCapacity(4096)
    }

    /// Writes one row; `buckets` in ascending bucket order.
    mutating func write<Pairs: Sequence<(bucket: Int, count: Int64)>>(
        _ key: ServiceKey, minute: Int64, figures: Figures, buckets: Pairs
    ) throws(StorageError) {
        insert.bind(key.environment, at: 1)
        insert.bind(key.service, at: 2)
        insert.bind(minute, at: 3)
        insert.bind(importID, at: 4)
        insert.bind(period, at: 5)
        insert.bind(figures.requests, at: 6)
        insert.bind(figures.timed, at: 7)
        insert.bind(figures.errors, at: 8)
        insert.bind(figures.sum, at: 9)
        if figures.timed > 0 {
            insert.bind(figures.min, at: 10)
            insert.bind(figures.max, at: 11)
        } else {
            try insert.bind(.null, at: 10)
            try insert.bind(.null, at: 11)
        }
        text.removeAll(keepingCapacity: true)
        BucketCountsJSON.append(buckets, to: &text)
        insert.bind(utf8: text, at: 12)
        try insert.run()
    }
}
