/// An error reported by SQLite, with the statement that caused it.
public struct StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// SQLite's primary or extended result code (`SQLITE_BUSY` is 5, `SQLITE_CONSTRAINT` 19, ...).
    public var resultCode: Int32
    /// SQLite's own message for the failure.
    public var message: String
    /// The SQL that failed, when the failure belongs to a statement.
    public var sql: String?
    /// What the user can do about it.
    public var hint: String?

    /// Creates an error from its parts.
    public init(resultCode: Int32, message: String, sql: String? = nil, hint: String? = nil) {
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
        self.hint = hint
    }

    /// A result code of our own: the database was written by a newer scaling-impact.
    public static let schemaTooNewCode: Int32 = 1001

    /// What kind of environment fault this is, so that callers can tell them apart.
    public enum Fault: Equatable, Sendable {
        /// The database or its folder cannot be written.
        case readOnly
        /// The disk is full.
        case diskFull
        /// Another process holds the database longer than the lock timeout.
        case locked
        /// The database has a newer schema than this build understands.
        case schemaTooNew
        /// The file is not a SQLite database, or is damaged.
        case notADatabase
        /// Anything else.
        case other
    }

    /// The fault, from the result code.
    public var fault: Fault {
        if resultCode == Self.schemaTooNewCode { return .schemaTooNew }
        switch resultCode & 0xFF {
        case 8: return .readOnly  // SQLITE_READONLY
        case 13: return .diskFull  // SQLITE_FULL
        case 5, 6: return .locked  // SQLITE_BUSY, SQLITE_LOCKED
        case 11, 26: return .notADatabase  // SQLITE_CORRUPT, SQLITE_NOTADB
        default: return .other
        }
    }

    public var description: String {
        var text = "SQLite error \(resultCode): \(message)"
        if let sql { text += " (SQL: \(sql.trimmingSQL()))" }
        if let hint { text += ". \(hint)" }
        return text
    }
}

extension String {
    /// The SQL on one line, shortened: enough to recognise the statement in a message.
    fileprivate func trimmingSQL() -> String {
        let line = split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
        return line.count > 160 ? line.prefix(160) + "…" : line
    }
}
