import Foundation

/// The SQL engines the generated queries are written for. Every difference between them is
/// rendered here, so the queries themselves are written once.
///
/// Trino is what Amazon Athena (engine version 3) runs; DuckDB runs the same queries locally
/// (the equivalence tests prove the queries against the local importer with it, and a user can
/// run them over logs DuckDB reads directly).
public enum SQLDialect: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Trino / Amazon Athena engine version 3.
    case trino
    /// DuckDB 1.x and later.
    case duckdb

    public var description: String { rawValue }

    /// Whether `text` contains a match of the regular expression `pattern` (anchor it to match all).
    func regexpLike(_ text: String, _ pattern: String) -> String {
        switch self {
        case .trino: "regexp_like(\(text), \(SQLText.literal(pattern)))"
        case .duckdb: "regexp_matches(\(text), \(SQLText.literal(pattern)))"
        }
    }

    /// Capture group `group` of the first match of `pattern` in `text`; NULL when nothing matches.
    ///
    /// DuckDB's `regexp_extract` gives `''` where Trino's gives NULL, which would confuse an
    /// empty group with no match; it is guarded by a match test.
    func regexpExtract(_ text: String, _ pattern: String, group: Int) -> String {
        switch self {
        case .trino:
            "regexp_extract(\(text), \(SQLText.literal(pattern)), \(group))"
        case .duckdb:
            "CASE WHEN \(regexpLike(text, pattern)) THEN regexp_extract(\(text), \(SQLText.literal(pattern)), \(group)) END"
        }
    }

    /// The value under `key` in the `map(varchar, varchar)` column `map`; NULL when absent.
    func mapValue(_ map: String, key: String) -> String {
        switch self {
        case .trino: "element_at(\(map), \(SQLText.literal(key)))"
        case .duckdb: "\(map)[\(SQLText.literal(key))]"
        }
    }

    /// One of the map's values that is among `candidates`; NULL when none is.
    func mapValue(_ map: String, among candidates: [String]) -> String {
        let array = candidates.map(SQLText.literal).joined(separator: ", ")
        switch self {
        case .trino: return "element_at(array_intersect(map_values(\(map)), ARRAY[\(array)]), 1)"
        case .duckdb: return "list_intersect(map_values(\(map)), [\(array)])[1]"
        }
    }

    /// Integer division of two BIGINT expressions, truncating (DuckDB's `/` is a float division).
    func integerDivide(_ dividend: String, _ divisor: String) -> String {
        switch self {
        case .trino: "(\(dividend)) / (\(divisor))"
        case .duckdb: "(\(dividend)) // (\(divisor))"
        }
    }

    /// Whole seconds since 1970 of a `timestamp` expression (UTC, fractions dropped), as BIGINT.
    func epochSeconds(_ timestamp: String) -> String {
        switch self {
        case .trino: "CAST(floor(to_unixtime(\(timestamp))) AS BIGINT)"
        case .duckdb: "CAST(floor(epoch(\(timestamp))) AS BIGINT)"
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` of a BIGINT count of seconds since 1970.
    func iso8601(epochSeconds seconds: String) -> String {
        switch self {
        case .trino: "date_format(from_unixtime(\(seconds)), '%Y-%m-%dT%H:%i:%sZ')"
        case .duckdb: "strftime(make_timestamp(CAST(\(seconds) AS BIGINT) * 1000000), '%Y-%m-%dT%H:%M:%SZ')"
        }
    }

    /// A join that repeats each row once per `h` in `0 ..< count` (a BIGINT expression ≥ 1), naming it `alias`.
    func crossJoinSeries(count: String, alias: String) -> String {
        switch self {
        case .trino: "CROSS JOIN UNNEST(sequence(0, (\(count)) - 1)) AS series(\(alias))"
        case .duckdb: "CROSS JOIN UNNEST(range(0, \(count))) AS series(\(alias))"
        }
    }

    /// A `timestamp` literal for a UTC time in seconds since 1970.
    func timestamp(_ seconds: Int64) -> String {
        let f = UTCTime.fields(seconds)
        func pad(_ n: Int, _ width: Int = 2) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "TIMESTAMP '\(pad(f.year, 4))-\(pad(f.month))-\(pad(f.day)) \(pad(f.hour)):\(pad(f.minute)):\(pad(f.second))'"
    }
}

/// Spelling values and names in SQL text (the same in every dialect).
enum SQLText {
    /// A string literal: `'it''s'`.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// A DOUBLE literal that parses back to exactly `value`.
    ///
    /// Swift prints the shortest decimal that round-trips; both engines parse decimal text to
    /// the nearest double (Java's `Double.parseDouble`, DuckDB's fast_float), so the engine
    /// computes with the very same double. A bare `0.005` would be a DECIMAL in both.
    static func double(_ value: Double) -> String {
        "CAST('\(value)' AS DOUBLE)"
    }

    /// A table name as given (`alb_logs`, `db.alb_logs`, `"my-db".alb_logs`): plain parts are
    /// kept, others are double-quoted.
    static func tableName(_ name: String) throws(AthenaSQLError) -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !name.isEmpty, parts.allSatisfy({ !$0.isEmpty }), parts.count <= 3 else {
            throw AthenaSQLError(
                message: "--table \"\(name)\" is not a table name",
                hint: "give the table as name, database.name or catalog.database.name")
        }
        return parts.map { part in
            if part.hasPrefix("\"") && part.hasSuffix("\"") && part.count >= 2 { return part }
            return isPlainIdentifier(part) ? part : "\"" + part.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ".")
    }

    /// Letters, digits and `_`, not starting with a digit.
    static func isPlainIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The escape character of every generated LIKE pattern.
    static let likeEscape = "\\"

    /// A condition that is true where `expression` matches the mapping glob `pattern` (`*` any run,
    /// `?` one character, everything else literal and case-sensitive, as ``Glob`` matches), and
    /// NULL or false elsewhere (NULL for a NULL expression: a name the row does not carry).
    static func globCondition(_ expression: String, _ pattern: String) -> String {
        guard pattern.contains("*") || pattern.contains("?") else {
            return "\(expression) = \(literal(pattern))"
        }
        var like = ""
        for c in pattern.unicodeScalars {
            switch c {
            case "*": like += "%"
            case "?": like += "_"
            case "%", "_", "\\": like += "\\" + String(c)
            default: like.unicodeScalars.append(c)
            }
        }
        return "\(expression) LIKE \(literal(like)) ESCAPE \(literal(likeEscape))"
    }
}

/// A query that cannot be written as asked: what is wrong and what to do.
public struct AthenaSQLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, naming the option or rule and its value.
    public var message: String
    /// What to do about it.
    public var hint: String?

    /// Creates an error.
    public init(message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var description: String { hint.map { "\(message); \($0)" } ?? message }
}
