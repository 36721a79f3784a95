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

    public var description: String {
        var text = "SQLite error \(resultCode): \(message)"
        if let sql { text += " (SQL: \(sql.trimmingSQL()))" }
        if let hint { text += ". \(hint)" }
        return text
    }
}

extension String {
    fileprivate func trimmingSQL() -> String {
        split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
    }
}
