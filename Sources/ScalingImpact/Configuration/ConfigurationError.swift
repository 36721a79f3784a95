/// A problem in the configuration file, naming the key, the bad value and what is allowed.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, when read from one.
    public var path: String?
    /// The dotted key, e.g. `environments[2].change_at`.
    public var key: String
    /// The offending value as written, when there is one.
    public var value: String?
    /// What is allowed instead.
    public var expected: String
    /// Line in the file, for syntax errors.
    public var line: Int?

    /// Creates an error.
    public init(path: String? = nil, key: String, value: String? = nil, expected: String, line: Int? = nil) {
        self.path = path
        self.key = key
        self.value = value
        self.expected = expected
        self.line = line
    }

    public var description: String {
        var location = path ?? "configuration"
        if let line { location += ":\(line)" }
        if let value {
            return "\(location): \(key) = \(value) is not allowed: expected \(expected)"
        }
        return "\(location): \(key): \(expected)"
    }
}
