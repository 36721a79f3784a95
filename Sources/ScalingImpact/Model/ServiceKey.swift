/// An (environment, service) pair: the unit every figure is computed for.
public struct ServiceKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The environment's name, e.g. `prod-eu`.
    public var environment: String
    /// The ECS service's name, e.g. `web-ingestion`.
    public var service: String

    /// Creates a key.
    public init(environment: String, service: String) {
        self.environment = environment
        self.service = service
    }

    public static func < (lhs: ServiceKey, rhs: ServiceKey) -> Bool {
        (lhs.environment, lhs.service) < (rhs.environment, rhs.service)
    }

    public var description: String { "\(environment)/\(service)" }
}

/// A half-open UTC interval `[start, end)` in seconds since 1970.
public struct TimeWindow: Hashable, Sendable, Codable {
    /// Inclusive start, UTC seconds.
    public var start: Int64
    /// Exclusive end, UTC seconds.
    public var end: Int64

    /// Creates a window; `end` must not precede `start`.
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = max(start, end)
    }

    /// The window's length in seconds.
    public var duration: Int64 { end - start }

    /// The window's length in hours.
    public var hours: Double { Double(duration) / 3600 }

    /// Whether `time` lies inside the window.
    public func contains(_ time: Int64) -> Bool { time >= start && time < end }
}
