/// Why a file could not be imported, and where.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem it is; decides the exit status.
    public enum Kind: Equatable, Sendable {
        /// The file's structure is broken or not the detected format: nothing of it is stored.
        case structure
        /// Too many rows with bad values: nothing of the file is stored.
        case values
        /// The file cannot be read at all.
        case unreadable
        /// The command was used wrongly (missing --environment, unknown format).
        case usage
        /// The file's content turned out to be imported already while it was being read (see
        /// ``ImportCancellation``); the importer reports it as already imported, never as an error.
        case alreadyImported
    }

    /// The kind of problem.
    public var kind: Kind
    /// The file's path as given.
    public var path: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column (field number in CSV, character in text), when known.
    public var column: Int?
    /// What is wrong, naming the column or key and the offending value.
    public var message: String
    /// What to do about it.
    public var hint: String?

    /// Creates an error.
    public init(
        _ kind: Kind, path: String, line: Int? = nil, column: Int? = nil, message: String, hint: String? = nil
    ) {
        self.kind = kind
        self.path = path
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var text = path
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        text += ": \(message)"
        if let hint { text += " (\(hint))" }
        return text
    }
}

/// A row with a bad value, listed in the import summary.
public struct RowProblem: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// What is wrong.
    public var message: String

    public var description: String { "line \(line): \(message)" }
}
