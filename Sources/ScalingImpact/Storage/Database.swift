import CSQLite
import Foundation

/// A connection to a SQLite database file: the one resource the storage layer owns.
///
/// Not thread-safe; use one connection per task. Opening runs the migrations, turns on WAL and
/// sets a busy timeout so that readers and a writer in other processes wait instead of failing.
public final class Database {
    let handle: OpaquePointer
    /// The path the connection was opened with (`:memory:` for an in-memory database).
    public let path: String
    private var statementCache: [String: Statement] = [:]

    /// Opens (creating when needed) the database at `path` and migrates it to the current schema.
    ///
    /// - Parameter lockTimeout: how long to wait, in seconds, for another process's write to finish.
    public init(path: String, readOnly: Bool = false, migrate: Bool = true, lockTimeout: Double = 10) throws(StorageError) {
        var pointer: OpaquePointer?
        let flags =
            readOnly
            ? SQLITE_OPEN_READONLY
            : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let code = sqlite3_open_v2(path, &pointer, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let pointer else {
            let message = pointer.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(pointer)
            // A database that cannot be created because its folder is read-only is a read-only fault.
            let folder = (path as NSString).deletingLastPathComponent
            let isReadOnlyFolder = code == SQLITE_CANTOPEN && access(folder.isEmpty ? "." : folder, W_OK) != 0 && errno == EROFS
            throw StorageError(
                resultCode: isReadOnlyFolder ? SQLITE_READONLY : code, message: "\(message): \(path)",
                hint: isReadOnlyFolder
                    ? "the folder is on a read-only file system; choose a writable path with --db"
                    : "check that the folder exists and is writable, or choose another path with --db")
        }
        handle = pointer
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(max(0, min(lockTimeout, 86_400)) * 1000))
        if !readOnly {
            if path != ":memory:" { try execute("PRAGMA journal_mode = WAL") }
            try execute("PRAGMA synchronous = NORMAL")
        }
        try execute("PRAGMA foreign_keys = ON")
        if migrate && !readOnly { try Migrations.migrate(self) }
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more SQL statements that take no parameters and return no rows.
    public func execute(_ sql: String) throws(StorageError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw StorageError(resultCode: code, message: message, sql: sql, hint: Self.hint(for: code))
        }
    }

    /// Prepares a new statement; use ``cachedStatement(_:)`` for statements run many times.
    public func makeStatement(_ sql: String) throws(StorageError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Returns a prepared statement for `sql`, reusing the one prepared earlier on this connection.
    public func cachedStatement(_ sql: String) throws(StorageError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try Statement(database: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs `body` inside one transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` inside one read transaction, so that all its queries see one snapshot (WAL
    /// readers are never blocked by a writer, and a commit in between is not half seen).
    public func readTransaction<T>(_ body: () throws(StorageError) -> T) throws(StorageError) -> T {
        try execute("BEGIN DEFERRED")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The number of rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    static func hint(for code: Int32) -> String? {
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return "another process holds the database; wait for it to finish and run the command again"
        case SQLITE_READONLY:
            return "the database or its folder is read-only; choose a writable path with --db"
        case SQLITE_FULL:
            return "the disk is full; free space and run the command again"
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return "the file is not a valid scaling-impact database; choose another path with --db"
        default:
            return nil
        }
    }
}
