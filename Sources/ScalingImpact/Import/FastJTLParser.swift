import Foundation

/// The fast path for the common JMeter CSV: epoch-millisecond `timeStamp`, a single-byte
/// delimiter, columns bound by header name, rows of tens of millions.
///
/// It works on raw bytes in large buffers: lines are found with `memchr`, only the needed fields
/// are located, numbers are parsed in place, labels are mapped to a series once and then looked
/// up by their bytes, and latencies go into dense per-(series, minute) bucket arrays. The file is
/// split in two halves parsed on two threads (like DuckDB's parallel CSV reader, the second half
/// starts at a line break and is discarded when the first half ends inside a quoted field), and
/// the halves' histograms are merged by adding counts. Anything unusual (dates instead of epoch
/// milliseconds, a gzip input, a header it cannot bind) returns `false` so that the general
/// parser, which handles every variant, reads the file instead.
enum FastJTLParser {
    /// Column positions, from the header.
    struct Layout: Sendable {
        var delimiter: UInt8
        var width: Int
        var timestamp: Int
        var elapsed: Int
        var label: Int?
        var code: Int?
        var success: Int?
        /// The last column the scan needs to locate.
        var lastNeeded: Int { max(timestamp, elapsed, label ?? 0, code ?? 0, success ?? 0) }
    }

    /// Reads `context.path` into `sink`; returns false when the file needs the general parser.
    static func parse(
        _ context: ParseContext, delimiter: UInt8, sink: inout FactSink, summary: inout ImportSummary,
        problems: inout RowProblems
    ) throws(ImportError) -> Bool {
        guard context.path != "-", let file = MappedFile(path: context.path) else { return false }
        defer { file.close() }
        let bytes = file.bytes
        // Gzip input goes through the general parser's streaming inflate.
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B { return false }
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        guard let headerEnd = Self.lineEnd(bytes, from: start) else { return false }
        var headerLine = Array(bytes[start..<headerEnd])
        if headerLine.last == 13 { headerLine.removeLast() }
        if headerLine.contains(34) { return false }  // quoted header names: general parser
        let names = headerLine.split(separator: delimiter, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self).trimmingSpaces()
        }
        guard let ts = names.firstIndex(of: "timeStamp"), let elapsed = names.firstIndex(of: "elapsed") else {
            return false
        }
        let layout = Layout(
            delimiter: delimiter, width: names.count, timestamp: ts, elapsed: elapsed,
            label: names.firstIndex(of: "label"), code: names.firstIndex(of: "responseCode"),
            success: names.firstIndex(of: "success"))
        let bodyStart = headerEnd + 1
        let total = bytes.count

        // Split the body in two at a line break; small files are read by one thread.
        var split = total
        if total - bodyStart > 8 << 20, let mid = Self.lineEnd(bytes, from: bodyStart + (total - bodyStart) / 2) {
            split = mid + 1
        }
        let labels = LabelMap(context: context)
        let cancellation = ImportCancellation.current
        let first = HalfResult()
        let second = HalfResult()
        let base = UnsafeRawPointer(bytes.baseAddress)
        let done = DispatchSemaphore(value: 0)
        if split < total {
            // The mapping stays valid until `file.close()`, after both threads are done.
            let shared = SharedPointer(raw: base)
            let secondRange = split..<total
            let worker = Thread {
                second.scan(base: shared.raw, range: secondRange, layout: layout, labels: labels, cancellation: cancellation)
                done.signal()
            }
            worker.start()
        }
        first.scan(base: base, range: bodyStart..<split, layout: layout, labels: labels, cancellation: cancellation)
        if split < total { done.wait() }
        if first.cancelled || second.cancelled { throw ImportCancellation.error(path: context.path) }

        if first.needsGeneralParser || second.needsGeneralParser { return false }
        var halves = [first]
        if split < total {
            if first.endedInsideQuotes {
                // The split point was inside a quoted field: read the rest serially.
                let rest = HalfResult()
                rest.scan(base: base, range: split..<total, layout: layout, labels: labels, startsInsideQuotes: true)
                if rest.needsGeneralParser { return false }
                halves.append(rest)
            } else {
                halves.append(second)
            }
        }
        // Structural errors are final; line numbers of the second half follow the first's.
        var lineOffset = 1  // the header
        for half in halves {
            if let failure = half.structureFailure {
                throw ImportError(
                    .structure, path: context.path, line: failure.line + lineOffset, column: failure.column,
                    message: failure.message, hint: "a quote may be unbalanced or the file cut short")
            }
            for problem in half.problems.listed {
                problems.add(line: problem.line + lineOffset, problem.message)
            }
            problems.count += half.problems.count - half.problems.listed.count
            lineOffset += half.lines
            summary.rowsAccepted += half.accepted
            summary.rowsUnmapped += half.unmapped
        }
        var merged = halves[0].histograms
        for half in halves.dropFirst() { merged.merge(half.histograms) }
        sink.denseLatency = (labels.keys, merged)
        if let first = merged.firstTime { sink.see(first) }
        if let last = merged.lastTime { sink.see(last) }
        return true
    }

    /// The index of the next `\n` at or after `from`.
    static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard from < bytes.count, let base = bytes.baseAddress else { return nil }
        guard let hit = memchr(base + from, 10, bytes.count - from) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
}

/// A pointer into the mapped file, handed to the second thread (read-only memory).
struct SharedPointer: @unchecked Sendable {
    let raw: UnsafeRawPointer?
}

/// A read-only memory map of a file (pages are read on demand, so memory stays small).
final class MappedFile {
    let bytes: UnsafeBufferPointer<UInt8>
    private let length: Int

    init?(path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { Foundation.close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        length = Int(info.st_size)
        guard let pointer = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED else { return nil }
        madvise(pointer, length, MADV_SEQUENTIAL)
        bytes = UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: length)
        isOpen = true
    }

    private var isOpen = false

    func close() {
        guard isOpen, let base = bytes.baseAddress else { return }
        munmap(UnsafeMutableRawPointer(mutating: base), length)
        isOpen = false
    }

    deinit { close() }
}

/// Label bytes → series index, shared by both threads (the mapping rules are pure, so each
/// thread may resolve a label it has not seen; the table is guarded by a lock).
final class LabelMap: @unchecked Sendable {
    private let lock = NSLock()
    private var indexByLabel: [[UInt8]: Int32] = [:]
    /// The series, by index; `nil` for labels no rule maps.
    private(set) var keys: [ServiceKey?] = []
    private let context: ParseContext

    init(context: ParseContext) { self.context = context }

    func index(of label: UnsafeBufferPointer<UInt8>) -> Int32 {
        let bytes = Array(label)
        lock.lock()
        defer { lock.unlock() }
        if let index = indexByLabel[bytes] { return index }
        let key = context.key(names: [.label: String(decoding: bytes, as: UTF8.self)])
        let index = Int32(keys.count)
        keys.append(key)
        indexByLabel[bytes] = index
        return index
    }

    func key(_ index: Int32) -> ServiceKey? {
        lock.lock()
        defer { lock.unlock() }
        return keys[Int(index)]
    }
}

/// Histograms per (series index, minute) in dense bucket arrays, merged by adding counts.
struct DenseLatencyHistograms: Sendable {
    struct Slot: Sendable {
        var series: Int32
        var minute: Int64
        var base = 0
        var counts: [UInt32] = []
        var zero: UInt32 = 0
        var requests: Int64 = 0
        var timed: Int64 = 0
        var errors: Int64 = 0
        var sum = 0.0
        var min = Double.infinity
        var max = -Double.infinity

        mutating func add(_ ms: Double) {
            timed += 1
            sum += ms
            if ms < min { min = ms }
            if ms > max { max = ms }
            let bucket = LatencyHistogram.bucket(for: ms)
            if bucket == LatencyHistogram.zeroBucket {
                zero += 1
                return
            }
            add(bucket: bucket, count: 1)
        }

        mutating func add(bucket: Int, count: UInt32) {
            if counts.isEmpty {
                base = bucket
                counts = [count]
                return
            }
            if bucket < base {
                counts.insert(contentsOf: repeatElement(0, count: base - bucket), at: 0)
                base = bucket
            } else if bucket >= base + counts.count {
                counts.append(contentsOf: repeatElement(0, count: bucket - base - counts.count + 1))
            }
            counts[bucket - base] &+= count
        }
    }

    var slots: [Slot] = []
    var index: [Int64: Int] = [:]
    var firstTime: Int64?
    var lastTime: Int64?

    static func slotKey(series: Int32, minute: Int64) -> Int64 { (minute / 60) << 20 | Int64(series) }

    mutating func slot(series: Int32, minute: Int64) -> Int {
        let k = Self.slotKey(series: series, minute: minute)
        if let i = index[k] { return i }
        slots.append(Slot(series: series, minute: minute))
        index[k] = slots.count - 1
        return slots.count - 1
    }

    mutating func see(_ time: Int64) {
        if firstTime.map({ time < $0 }) ?? true { firstTime = time }
        if lastTime.map({ time > $0 }) ?? true { lastTime = time }
    }

    mutating func merge(_ other: DenseLatencyHistograms) {
        for s in other.slots {
            let i = slot(series: s.series, minute: s.minute)
            slots[i].requests += s.requests
            slots[i].timed += s.timed
            slots[i].errors += s.errors
            slots[i].sum += s.sum
            slots[i].min = Swift.min(slots[i].min, s.min)
            slots[i].max = Swift.max(slots[i].max, s.max)
            slots[i].zero += s.zero
            for (offset, count) in s.counts.enumerated() where count > 0 {
                slots[i].add(bucket: s.base + offset, count: count)
            }
        }
        if let t = other.firstTime { see(t) }
        if let t = other.lastTime { see(t) }
    }

    /// The same histograms with every label of one (environment, service) merged into one series:
    /// many labels (`web GET /a`, `web GET /b`) map to the same service.
    func mergedBySeries(keys: [ServiceKey?]) -> DenseLatencyHistograms {
        var canonical: [ServiceKey: Int32] = [:]
        var target = [Int32](repeating: -1, count: keys.count)
        for (index, key) in keys.enumerated() {
            guard let key else { continue }
            if let first = canonical[key] { target[index] = first } else {
                canonical[key] = Int32(index)
                target[index] = Int32(index)
            }
        }
        guard target.enumerated().contains(where: { $0.element >= 0 && Int($0.element) != $0.offset }) else { return self }
        var relabelled = self
        for i in relabelled.slots.indices where relabelled.slots[i].series >= 0 {
            let t = target[Int(relabelled.slots[i].series)]
            if t >= 0 { relabelled.slots[i].series = t }
        }
        var merged = DenseLatencyHistograms()
        merged.merge(DenseLatencyHistograms(slots: relabelled.slots, index: [:], firstTime: firstTime, lastTime: lastTime))
        return merged
    }

    /// Writes every slot of a mapped series, in (series, minute) order.
    func write(keys: [ServiceKey?], to writer: inout LatencyMinuteWriter) throws(StorageError) {
        let slots = mergedBySeries(keys: keys).slots
        let ordered = slots.indices.sorted { a, b in
            let x = slots[a]
            let y = slots[b]
            let kx = keys[Int(x.series)]
            let ky = keys[Int(y.series)]
            if kx != ky { return (kx ?? ServiceKey(environment: "", service: "")) < (ky ?? ServiceKey(environment: "", service: "")) }
            return x.minute < y.minute
        }
        for i in ordered {
            let s = slots[i]
            guard let key = keys[Int(s.series)] else { continue }
            var pairs: [(bucket: Int, count: Int64)] = s.zero > 0 ? [(LatencyHistogram.zeroBucket, Int64(s.zero))] : []
            pairs.append(contentsOf: s.counts.enumerated().lazy.map { (bucket: s.base + $0.offset, count: Int64($0.element)) })
            try writer.write(
                key, minute: s.minute,
                figures: .init(requests: s.requests, timed: s.timed, errors: s.errors, sum: s.sum, min: s.min, max: s.max),
                buckets: pairs)
        }
    }
}

/// One thread's share of the file and what it found. A class so that the worker thread can
/// fill it in place; each instance is written by one thread and read after that thread is done.
final class HalfResult: @unchecked Sendable {
    var histograms = DenseLatencyHistograms()
    var problems = RowProblems()
    var accepted = 0
    var unmapped = 0
    /// Lines consumed (line numbers below are relative to the half's start, 1-based).
    var lines = 0
    var structureFailure: (line: Int, column: Int, message: String)?
    var needsGeneralParser = false
    var endedInsideQuotes = false
    /// Whether the scan stopped because the import was cancelled.
    var cancelled = false

    /// Scans the lines in `range` (which starts at a line start).
    func scan(
        base: UnsafeRawPointer?, range: Range<Int>, layout: FastJTLParser.Layout, labels: LabelMap,
        cancellation: ImportCancellation? = nil, startsInsideQuotes: Bool = false
    ) {
        guard let base, !range.isEmpty else { return }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var position = range.lowerBound
        let end = range.upperBound
        let delimiter = layout.delimiter
        let lastNeeded = layout.lastNeeded
        var starts = [Int](repeating: 0, count: lastNeeded + 2)
        var ends = [Int](repeating: 0, count: lastNeeded + 2)
        var lastSeries: Int32 = -1
        var lastMinute: Int64 = .min
        var lastSlot = -1
        var recent = [(start: Int, count: Int, series: Int32)](repeating: (0, -1, -1), count: 8)
        var recentCount = 0
        var recentNext = 0
        var mapped: [Bool?] = []
        // Pages already read are dropped as the scan goes, so a file of any size costs only
        // the pages in flight (a mapped file's pages count toward resident memory).
        var released = range.lowerBound - range.lowerBound % 4096
        let pageRelease = 8 << 20
        if startsInsideQuotes {
            // Only reached when the first half ended in a quoted field: let the general parser decide.
            needsGeneralParser = true
            return
        }
        while position < end {
            lines += 1
            let lineNumber = lines
            // Find the line's end; a quote means fields may hold delimiters or line breaks.
            var lineEnd: Int
            if let hit = memchr(p + position, 10, end - position) {
                lineEnd = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            } else {
                lineEnd = end
            }
            let hasQuote = memchr(p + position, 34, lineEnd - position) != nil
            if hasQuote {
                // Quoted fields are rare in JTL (labels with commas): take them at the general
                // parser's pace, but only when they close on the same line.
                var quotes = 0
                for i in position..<lineEnd where p[i] == 34 { quotes += 1 }
                if quotes % 2 != 0 {
                    if lineEnd >= end { endedInsideQuotes = true }
                    needsGeneralParser = true
                    return
                }
                needsGeneralParser = true
                return
            }
            var contentEnd = lineEnd
            if contentEnd > position && p[contentEnd - 1] == 13 { contentEnd -= 1 }
            let next = lineEnd + 1
            if contentEnd == position {  // blank line
                position = next
                continue
            }
            // Locate the needed fields, then count the rest to check the width.
            var field = 0
            var fieldStart = position
            var i = position
            while field <= lastNeeded {
                var stop = contentEnd
                if let hit = memchr(p + i, Int32(delimiter), contentEnd - i) {
                    stop = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                }
                starts[field] = fieldStart
                ends[field] = stop
                field += 1
                if stop >= contentEnd { break }
                i = stop + 1
                fieldStart = i
            }
            var count = field
            if field > lastNeeded && ends[lastNeeded] < contentEnd {
                var j = ends[lastNeeded] + 1
                count += 1
                while let hit = memchr(p + j, Int32(delimiter), contentEnd - j) {
                    count += 1
                    j = p.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
                }
            }
            guard count == layout.width else {
                structureFailure = (
                    lineNumber, min(count, layout.width) + 1, "\(count) fields where the header has \(layout.width)"
                )
                return
            }
            // timeStamp: epoch milliseconds, or the general parser.
            let tsField = UnsafeBufferPointer(start: p + starts[layout.timestamp], count: ends[layout.timestamp] - starts[layout.timestamp])
            guard let ms = NumberParser.int(tsField), ms > 0 else {
                needsGeneralParser = true
                return
            }
            let time = ms / 1000
            let elapsedField = UnsafeBufferPointer(start: p + starts[layout.elapsed], count: ends[layout.elapsed] - starts[layout.elapsed])
            let elapsed: Double
            if let whole = NumberParser.int(elapsedField), whole >= 0 {
                elapsed = Double(whole)
            } else if let value = NumberParser.double(elapsedField), value >= 0 {
                elapsed = value
            } else {
                problems.add(
                    line: lineNumber,
                    "column elapsed: \"\(String(decoding: elapsedField.prefix(40), as: UTF8.self))\" is not a non-negative number of milliseconds")
                position = next
                continue
            }
            // Series from the label bytes; consecutive rows often share one.
            var series: Int32
            if let labelColumn = layout.label {
                let s = starts[labelColumn]
                let n = ends[labelColumn] - s
                // A few recent labels, compared in place: no allocation or hashing per row.
                var found: Int32 = -1
                for k in 0..<recentCount where recent[k].count == n && memcmp(p + s, p + recent[k].start, n) == 0 {
                    found = recent[k].series
                    break
                }
                if found >= 0 {
                    series = found
                } else {
                    series = labels.index(of: UnsafeBufferPointer(start: p + s, count: n))
                    recent[recentNext] = (s, n, series)
                    recentNext = (recentNext + 1) % recent.count
                    recentCount = min(recentCount + 1, recent.count)
                }
            } else {
                series = labels.index(of: UnsafeBufferPointer(start: nil, count: 0))
            }
            while mapped.count <= Int(series) { mapped.append(nil) }
            let isMapped: Bool
            if let known = mapped[Int(series)] {
                isMapped = known
            } else {
                isMapped = labels.key(series) != nil
                mapped[Int(series)] = isMapped
            }
            guard isMapped else {
                unmapped += 1
                position = next
                continue
            }
            var isError = false
            var isTimed = true
            if let codeColumn = layout.code {
                let code = UnsafeBufferPointer(start: p + starts[codeColumn], count: ends[codeColumn] - starts[codeColumn])
                let outcome = JMeterJTLParser.outcomeOf(responseCode: code)
                isError = outcome.isError
                isTimed = outcome.isTimed
            } else if let successColumn = layout.success {
                let success = UnsafeBufferPointer(start: p + starts[successColumn], count: ends[successColumn] - starts[successColumn])
                isError = success.elementsEqual("false".utf8)
            }
            let minute = time - ((time % 60) + 60) % 60
            if series != lastSeries || minute != lastMinute {
                lastSlot = histograms.slot(series: series, minute: minute)
                lastSeries = series
                lastMinute = minute
            }
            histograms.see(time)
            if position - released > pageRelease {
                let upTo = position - position % 4096
                madvise(UnsafeMutableRawPointer(mutating: p + released), upTo - released, MADV_DONTNEED)
                released = upTo
                if let cancellation, cancellation.isCancelled {
                    cancelled = true
                    return
                }
            }
            histograms.slots[lastSlot].requests += 1
            if isError { histograms.slots[lastSlot].errors += 1 }
            if isTimed { histograms.slots[lastSlot].add(elapsed) }
            accepted += 1
            position = next
        }
    }
}

