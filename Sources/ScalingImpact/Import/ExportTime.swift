import Foundation

/// A time as the AWS CLI writes it in JSON: ISO-8601 text (CLI v2, `2026-04-30T02:05:31.480000+00:00`)
/// or epoch seconds (CLI v1, `1462575838.171`), as a number or numeric text. Fractions are dropped.
enum ExportTime: Decodable, Equatable, Sendable {
    /// UTC seconds.
    case seconds(Int64)
    /// What stood there instead, for the error message.
    case invalid(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = Self(epoch: number)
        } else if let text = try? container.decode(String.self) {
            self = Self(text: text)
        } else {
            self = .invalid("null")
        }
    }

    /// Reads a value from `JSONSerialization` output.
    init(any value: Any?) {
        switch value {
        case let text as String: self = Self(text: text)
        case let number as NSNumber: self = Self(epoch: number.doubleValue)
        case nil: self = .invalid("nothing")
        default: self = .invalid(String(describing: value).prefix(40).description)
        }
    }

    init(text: String) {
        if let parsed = UTCTime.parse(text) {
            self = .seconds(parsed.seconds)
        } else if let number = NumberParser.double(text) {
            self = Self(epoch: number)
        } else {
            self = .invalid("\"\(text.prefix(40))\"")
        }
    }

    init(epoch: Double) {
        // 1e11 s is the year 5138: larger numbers are milliseconds or nonsense, not CLI v1 times.
        guard epoch.isFinite, epoch >= 0, epoch < 1e11 else {
            self = .invalid(String(epoch))
            return
        }
        self = .seconds(Int64(epoch.rounded(.down)))
    }

    /// The seconds, or nil when invalid.
    var seconds: Int64? {
        if case .seconds(let s) = self { return s }
        return nil
    }
}

extension ExportTime: CustomStringConvertible {
    var description: String {
        switch self {
        case .seconds(let s): UTCTime.iso8601(s)
        case .invalid(let text): text
        }
    }
}
