import Foundation

/// Hands out the lines of a ``ByteSource`` as views into one reusable buffer, for line-oriented
/// logs (ALB access logs) where a `String` per line would dominate the import's cost.
///
/// A line is returned without its `\n` (a trailing `\r` is the caller's to ignore); the view is
/// valid until the next call to ``next()``. A UTF-8 byte order mark at the start is skipped.
/// Memory stays bounded by the longest line, which is capped so that a file without newlines
/// cannot exhaust memory.
final class LineReader {
    private let source: ByteSource
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var scanned = 0
    private var isAtEnd = false
    private var isFirstRead = true
    /// Longest line accepted.
    let maxLineBytes: Int
    /// 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(source: ByteSource, chunkSize: Int = 1 << 20, maxLineBytes: Int = 16 << 20) {
        self.source = source
        self.capacity = max(chunkSize, 16)
        self.base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
        self.maxLineBytes = maxLineBytes
    }

    deinit { base.deallocate() }

    /// The next line, or nil at the end of the input.
    func next() throws(ImportError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            if scanned < end, let hit = memchr(base + scanned, 10, end - scanned) {
                let q = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                let line = UnsafeBufferPointer(start: base + start, count: q - start)
                start = q + 1
                scanned = start
                lineNumber += 1
                return line
            }
            scanned = end
            if isAtEnd {
                guard start < end else { return nil }
                let line = UnsafeBufferPointer(start: base + start, count: end - start)
                start = end
                lineNumber += 1
                return line
            }
            try fill()
        }
    }

    /// Moves the unread rest to the front, grows the buffer for a long line, and reads more.
    private func fill() throws(ImportError) {
        if start > 0 {
            let rest = end - start
            if rest > 0 { memmove(base, base + start, rest) }
            scanned -= start
            end = rest
            start = 0
        }
        if end == capacity {
            guard capacity < maxLineBytes else {
                throw ImportError(
                    .structure, path: source.path, line: lineNumber + 1,
                    message: "a line longer than \(maxLineBytes >> 20) MiB; this is not a line-oriented log",
                    hint: "check the file's format, or name it with --format")
            }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: base, count: end)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        let n = try source.read(into: base + end, count: capacity - end)
        if n == 0 {
            isAtEnd = true
            return
        }
        if isFirstRead && end == 0 && n >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            start = 3
            scanned = 3
        }
        isFirstRead = false
        end += n
    }
}
