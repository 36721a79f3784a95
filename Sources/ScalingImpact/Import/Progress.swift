import Foundation

/// How far the running import has got, drawn as one line (bar, bytes, rows/s, time left).
///
/// The caller decides whether to show progress at all (the CLI does on a terminal, without
/// `--quiet`) and sets ``current`` around the import; every ``ByteSource`` opened while it is set
/// reports its position in the file (the compressed position for gzip, so the bar reaches 100%
/// at the end of a `.gz` too) and the lines it read. Nothing is drawn for imports shorter than
/// ``delay`` seconds, and at most once per ``interval``.
public final class ImportProgress: @unchecked Sendable {
    /// The progress of the import running in this task, if the caller wants one.
    @TaskLocal public static var current: ImportProgress?

    private struct Source {
        var offset: Int64 = 0
        var total: Int64?
        var lines = 0
    }

    private let lock = NSLock()
    private let label: String
    private let width: Int
    private let delay: Double
    private let interval: Double
    private let now: @Sendable () -> Double
    private let write: @Sendable (String) -> Void
    // Guarded by `lock`.
    private var startedAt: Double?
    private var lastDrawnAt: Double?
    private var sources: [Source] = []

    /// Creates a progress line for the file shown as `label`.
    /// - Parameters:
    ///   - width: the terminal's width in columns.
    ///   - delay: seconds before the first line is drawn (short imports draw nothing).
    ///   - interval: seconds between redraws.
    ///   - now: a monotonic clock in seconds.
    ///   - write: where the line goes (standard error in the CLI).
    public init(
        label: String, width: Int = 80, delay: Double = 1, interval: Double = 0.2,
        now: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime },
        write: @escaping @Sendable (String) -> Void
    ) {
        self.label = label
        self.width = max(width, 40)
        self.delay = delay
        self.interval = interval
        self.now = now
        self.write = write
    }

    /// Whether anything has been drawn (and so must be cleared by ``finish()``).
    public var isDrawn: Bool { locked { lastDrawnAt != nil } }

    /// A new reader of `total` bytes (nil when unknown, as for a pipe); returns its number.
    func register(total: Int64?) -> Int {
        locked {
            if startedAt == nil { startedAt = now() }
            sources.append(Source(total: total))
            return sources.count - 1
        }
    }

    /// Reader `id` is at `offset` of its file and has read `newLines` more lines.
    func record(_ id: Int, offset: Int64, newLines: Int) {
        let line: String? = locked {
            guard sources.indices.contains(id) else { return nil }
            sources[id].offset = max(sources[id].offset, offset)
            sources[id].lines += newLines
            let t = now()
            let started = startedAt ?? t
            guard t - started >= delay, lastDrawnAt.map({ t - $0 >= interval }) ?? true else { return nil }
            lastDrawnAt = t
            // Detection and sniffing open the file more than once: the furthest reader counts.
            let lead = sources.max { $0.offset < $1.offset } ?? Source()
            let rows = sources.map(\.lines).max() ?? 0
            return Self.render(
                label: label, done: lead.offset, total: lead.total, rows: rows, elapsed: t - started, width: width)
        }
        if let line { write("\r" + line + "\u{1B}[K") }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Clears the line, if one was drawn.
    public func finish() {
        if isDrawn { write("\r\u{1B}[K") }
    }

    /// The progress line for a state, without control characters.
    public static func render(label: String, done: Int64, total: Int64?, rows: Int, elapsed: Double, width: Int) -> String {
        var parts: [String] = []
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        if let total, total > 0 {
            let fraction = min(max(Double(done) / Double(total), 0), 1)
            let filled = Int((fraction * 20).rounded(.down))
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled) + "]")
            parts.append(pad("\(Int((fraction * 100).rounded(.down)))%", 4))
            parts.append("\(mebibytes(done))/\(mebibytes(total)) MiB")
            parts.append("\(count(rate)) rows/s")
            if fraction > 0 && elapsed > 0 {
                let left = elapsed * (1 - fraction) / fraction
                parts.append("\(duration(left)) left")
            }
        } else {
            parts.append("\(mebibytes(done)) MiB")
            parts.append("\(count(rate)) rows/s")
        }
        let tail = parts.joined(separator: "  ")
        let room = width - 1 - tail.count - 2
        var name = label
        if name.count > room {
            name = room > 1 ? "…" + String(name.suffix(room - 1)) : ""
        }
        return name.isEmpty ? tail : name + "  " + tail
    }

    /// Newlines in `count` bytes at `bytes`, for the rows/s figure.
    static func countLines(_ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        var lines = 0
        var i = 0
        while i < count, let hit = memchr(bytes + i, 10, count - i) {
            lines += 1
            i = bytes.distance(to: UnsafeRawPointer(hit)) + 1
        }
        return lines
    }

    private static func mebibytes(_ bytes: Int64) -> String {
        let value = Double(bytes) / 1_048_576
        let tenths = Int64((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func count(_ rate: Double) -> String {
        if rate >= 1_000_000 { return "\(oneDecimal(rate / 1_000_000))M" }
        if rate >= 10_000 { return "\(oneDecimal(rate / 1000))k" }
        return "\(Int(rate.rounded()))"
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    private static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        let text = s >= 3600 ? "\(s / 3600):\(pad2((s % 3600) / 60)):\(pad2(s % 60))" : "\(s / 60):\(pad2(s % 60))"
        return text
    }

    private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
