import CSQLite

/// A value that can be bound to a statement parameter or read from a result column.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A prepared statement, reusable by resetting and binding again.
public final class Statement {
    private let handle: OpaquePointer
    private unowned let database: Database
    /// The SQL the statement was prepared from.
    public let sql: String

    init(database: Database, sql: String) throws(StorageError) {
        var pointer: OpaquePointer?
        let code = sqlite3_prepare_v2(database.handle, sql, -1, &pointer, nil)
        guard code == SQLITE_OK, let pointer else {
            throw StorageError(resultCode: code, message: database.lastErrorMessage, sql: sql)
        }
        self.handle = pointer
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement so it can run again, and clears its bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds `values` to the parameters in order (1-based in SQLite).
    public func bind(_ values: [SQLValue]) throws(StorageError) {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    /// Binds one value to the parameter at 1-based `index`.
    public func bind(_ value: SQLValue, at index: Int32) throws(StorageError) {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, index)
        case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
        case .real(let v): code = sqlite3_bind_double(handle, index, v)
        case .text(let v): code = sqlite3_bind_text(handle, index, v, -1, Self.transient)
        }
        guard code == SQLITE_OK else {
            throw StorageError(resultCode: code, message: database.lastErrorMessage, sql: sql)
        }
    }

    /// Binds an integer without boxing it in ``SQLValue`` (the import hot path).
    public func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds a double without boxing it in ``SQLValue``.
    public func bind(_ value: Double, at index: Int32) {
        sqlite3_bind_double(handle, index, value)
    }

    /// Binds a text value without boxing it in ``SQLValue``.
    public func bind(_ value: String, at index: Int32) {
        sqlite3_bind_text(handle, index, value, -1, Self.transient)
    }

    /// Binds UTF-8 bytes as text (SQLite copies them).
    public func bind(utf8 bytes: [UInt8], at index: Int32) {
        bytes.withUnsafeBufferPointer { buffer in
            _ = buffer.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), Self.transient)
            }
        }
    }

    /// Runs a statement that returns no rows.
    public func run(_ values: [SQLValue] = []) throws(StorageError) {
        sqlite3_reset(handle)
        if !values.isEmpty { try bind(values) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw StorageError(
                resultCode: code, message: database.lastErrorMessage, sql: sql,
                hint: Database.hint(for: code))
        }
        sqlite3_reset(handle)
    }

    /// Runs a query and returns every row as an array of values.
    public func query(_ values: [SQLValue] = []) throws(StorageError) -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        try forEachRow(values) { row in rows.append(row.values) }
        return rows
    }

    /// Runs a query and calls `body` for each row, without collecting them.
    public func forEachRow(
        _ values: [SQLValue] = [], _ body: (Row) throws(StorageError) -> Void
    ) throws(StorageError) {
        sqlite3_reset(handle)
        if !values.isEmpty { try bind(values) }
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw StorageError(
                    resultCode: code, message: database.lastErrorMessage, sql: sql,
                    hint: Database.hint(for: code))
            }
            try body(Row(handle: handle))
        }
    }

    /// Resets the statement and binds `values`, to read its rows with ``step()``.
    public func begin(_ values: [SQLValue] = []) throws(StorageError) {
        sqlite3_reset(handle)
        if !values.isEmpty { try bind(values) }
    }

    /// The next row after ``begin(_:)``, valid until the next call; nil (and reset) after the last.
    ///
    /// A loop over `step()` keeps its state in local variables, where a `forEachRow` callback
    /// would capture them (and pay an exclusivity check per access) on the hottest read paths.
    public func step() throws(StorageError) -> Row? {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return Row(handle: handle) }
        sqlite3_reset(handle)
        if code == SQLITE_DONE { return nil }
        throw StorageError(resultCode: code, message: database.lastErrorMessage, sql: sql, hint: Database.hint(for: code))
    }

    /// A result row, valid only inside the `forEachRow` callback that received it (or until the next ``step()``).
    public struct Row {
        let handle: OpaquePointer

        /// The number of columns.
        public var count: Int { Int(sqlite3_column_count(handle)) }

        /// The column at 0-based `index` as an integer (0 when NULL).
        public func int(_ index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }

        /// The column at 0-based `index` as a double (0 when NULL).
        public func double(_ index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }

        /// The column at 0-based `index` as a double, or nil when NULL.
        public func optionalDouble(_ index: Int) -> Double? {
            isNull(index) ? nil : sqlite3_column_double(handle, Int32(index))
        }

        /// The column at 0-based `index` as text ("" when NULL).
        public func string(_ index: Int) -> String {
            guard let text = sqlite3_column_text(handle, Int32(index)) else { return "" }
            return String(cString: text)
        }

        /// Calls `body` with the text of the column at 0-based `index` as UTF-8 bytes, without copying them.
        public func withUTF8<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            let text = sqlite3_column_text(handle, Int32(index))
            let count = Int(sqlite3_column_bytes(handle, Int32(index)))
            return body(UnsafeBufferPointer(start: text, count: text == nil ? 0 : count))
        }

        /// Whether the column at 0-based `index` is NULL.
        public func isNull(_ index: Int) -> Bool {
            sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
        }

        /// Every column as a ``SQLValue``.
        public var values: [SQLValue] {
            (0..<count).map { index in
                switch sqlite3_column_type(handle, Int32(index)) {
                case SQLITE_INTEGER: .integer(int(index))
                case SQLITE_FLOAT: .real(double(index))
                case SQLITE_NULL: .null
                default: .text(string(index))
                }
            }
        }
    }

    /// Tells SQLite to copy bound text, since Swift strings do not outlive the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
