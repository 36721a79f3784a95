/// One row of the import log, for the data-quality part of the reports and `status`.
public struct ImportRecord: Equatable, Sendable {
    /// Path as given at import.
    public var path: String
    /// Hex SHA-256.
    public var sha256: String
    /// Format name.
    public var format: String
    /// Rows turned into facts.
    public var rowsAccepted: Int
    /// Rows with bad values.
    public var rowsRejected: Int
    /// Rows no rule mapped.
    public var rowsUnmapped: Int
    /// Valid rows that are not ECS/Fargate data.
    public var rowsIgnored: Int
    /// Bill column used for cost, when a bill.
    public var costColumn: String?
    /// Earliest fact time.
    public var firstTs: Int64?
    /// Latest fact time.
    public var lastTs: Int64?

    /// Every import in `database`, oldest first.
    public static func all(in database: Database) throws(StorageError) -> [ImportRecord] {
        var records: [ImportRecord] = []
        try database.cachedStatement(
            """
            SELECT path, sha256, format, rows_accepted, rows_rejected, rows_unmapped, rows_ignored, cost_column,
                   first_ts, last_ts FROM imports ORDER BY id
            """
        ).forEachRow { row in
            records.append(
                ImportRecord(
                    path: row.string(0), sha256: row.string(1), format: row.string(2), rowsAccepted: Int(row.int(3)),
                    rowsRejected: Int(row.int(4)), rowsUnmapped: Int(row.int(5)), rowsIgnored: Int(row.int(6)),
                    costColumn: row.isNull(7) ? nil : row.string(7), firstTs: row.isNull(8) ? nil : row.int(8),
                    lastTs: row.isNull(9) ? nil : row.int(9)))
        }
        return records
    }
}
