/// JMeter results in XML (FORMATS.md §8): `<testResults>` holding one `<httpSample>` (or
/// `<sample>`) element per sampled request, with attributes `t` (elapsed ms), `ts` (start, epoch
/// ms or a date as in CSV), `lb` (label), `rc` (response code) and `s` (success).
///
/// The file is read as a stream by ``JTLXMLScanner``, never held whole. Only the samples directly
/// inside `<testResults>` count: elements nested in a sample are its sub-results (redirects,
/// embedded resources) whose time the parent already includes. Outcomes follow the CSV rules
/// (``JMeterJTLParser/outcomeOf(responseCode:)``).
enum JMeterXMLParser {
    static func parse(
        _ context: ParseContext, sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) throws(ImportError) {
        let source = try ByteSource(path: context.path)
        var scanner = JTLXMLScanner(path: context.path)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var keyCache: [String: ServiceKey?] = [:]
        var clock = JMeterTime()
        while true {
            let n = try source.read(into: &chunk)
            if n == 0 { break }
            let samples = try chunk.withUnsafeBufferPointer { (all) throws(ImportError) in
                try scanner.feed(UnsafeBufferPointer(rebasing: all[0..<n]))
            }
            for sample in samples {
                record(sample, context: context, clock: &clock, keyCache: &keyCache, sink: &sink, summary: &summary, problems: &problems)
            }
        }
        try scanner.finish()
        if !scanner.sawRoot {
            throw ImportError(
                .structure, path: context.path, message: "no <testResults> element: this is not a JMeter XML results file",
                hint: "check the file, or name its format with --format")
        }
        if let warning = clock.warning { summary.warnings.append(warning) }
    }

    private static func record(
        _ sample: JTLXMLScanner.Sample, context: ParseContext, clock: inout JMeterTime, keyCache: inout [String: ServiceKey?],
        sink: inout FactSink, summary: inout ImportSummary, problems: inout RowProblems
    ) {
        let line = sample.line
        guard let tsText = sample.attributes["ts"] else {
            problems.add(line: line, "<\(sample.name)> has no ts attribute (the sample's start time)")
            return
        }
        var tsBytes = tsText
        guard let time = tsBytes.withUTF8({ clock.seconds($0) }) else {
            problems.add(line: line, "attribute ts: \"\(tsText.prefix(40))\" \(JMeterTime.expected)")
            return
        }
        guard let elapsedText = sample.attributes["t"] else {
            problems.add(line: line, "<\(sample.name)> has no t attribute (the elapsed milliseconds)")
            return
        }
        guard let elapsed = NumberParser.double(elapsedText), elapsed >= 0 else {
            problems.add(line: line, "attribute t: \"\(elapsedText.prefix(40))\" is not a non-negative number of milliseconds")
            return
        }
        let label = sample.attributes["lb"] ?? ""
        let key: ServiceKey?
        if let cached = keyCache[label] {
            key = cached
        } else {
            key = context.key(names: [.label: label])
            if keyCache.count < 10_000 { keyCache[label] = key }
        }
        guard let key else {
            summary.rowsUnmapped += 1
            return
        }
        let outcome: (isError: Bool, isTimed: Bool)
        if var code = sample.attributes["rc"] {
            outcome = code.withUTF8 { JMeterJTLParser.outcomeOf(responseCode: $0) }
        } else {
            outcome = (sample.attributes["s"] == "false", true)
        }
        sink.addRequest(key, time: time, latency: outcome.isTimed ? elapsed : nil, isError: outcome.isError)
        summary.rowsAccepted += 1
    }
}

/// A streaming scanner for JMeter's XML results: fed chunks of any size, it returns the samples
/// (elements directly inside the root) completed so far, with the attributes JMeter's reports use.
///
/// It understands what JMeter writes: the XML declaration, comments, CDATA sections (response
/// data), a DOCTYPE, start, end and empty-element tags, and attribute values in `"` or `'` with
/// the predefined and numeric character references. Tags must nest; a file that ends inside an
/// element (a test killed while writing) is a structural error naming where that element opened.
/// It is total over any input (meant to be fuzzed).
struct JTLXMLScanner {
    /// One sample element.
    struct Sample: Equatable {
        /// `httpSample` or `sample`.
        var name: String
        /// 1-based line of its `<`.
        var line: Int
        /// The attributes `t`, `lt`, `ts`, `s`, `lb`, `rc`, decoded.
        var attributes: [String: String]
    }

    /// The attributes kept; others (thread names, messages, URLs) are skipped without decoding.
    static let keptAttributes: Set<String> = ["t", "lt", "ts", "s", "lb", "rc"]
    /// Longest tag accepted, so that a file that is not XML cannot exhaust memory.
    static let maxTagBytes = 1 << 20

    private enum State {
        case text
        case afterLess
        case startTag(quote: UInt8)
        case endTag
        case bang
        case comment(dashes: Int)
        case cdata(brackets: Int)
        case declaration(quote: UInt8, depth: Int)
        case instruction(sawQuestion: Bool)
    }

    let path: String
    private var state = State.text
    private var tag: [UInt8] = []
    private var tagLine = 1
    private var tagColumn = 1
    private var line = 1
    private var column = 0
    /// Open elements: name and the line it opened on.
    private var open: [(name: [UInt8], line: Int)] = []
    private(set) var sawRoot = false
    private var rootClosed = false

    init(path: String) {
        self.path = path
    }

    /// Scans `bytes`; returns the samples completed in them.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws(ImportError) -> [Sample] {
        var samples: [Sample] = []
        for c in bytes {
            if c == 10 {
                line += 1
                column = 0
            } else {
                column += 1
            }
            switch state {
            case .text:
                if c == 60 {
                    state = .afterLess
                    tagLine = line
                    tagColumn = column
                    tag.removeAll(keepingCapacity: true)
                } else if rootClosed && !isSpace(c) || !sawRoot && !isSpace(c) {
                    throw error("text outside the <testResults> element")
                }
            case .afterLess:
                if c == 33 {
                    state = .bang
                } else if c == 63 {
                    state = .instruction(sawQuestion: false)
                } else if c == 47 {
                    state = .endTag
                } else if isNameStart(c) {
                    tag.append(c)
                    state = .startTag(quote: 0)
                } else {
                    throw error("\"<\" that starts no tag (text must escape it as &lt;)", at: (tagLine, tagColumn))
                }
            case .startTag(let quote):
                if quote != 0 {
                    tag.append(c)
                    if c == quote { state = .startTag(quote: 0) }
                } else if c == 34 || c == 39 {
                    tag.append(c)
                    state = .startTag(quote: c)
                } else if c == 62 {
                    if let sample = try closeStartTag() { samples.append(sample) }
                    state = .text
                } else if c == 60 {
                    throw error("\"<\" inside a tag; the tag opened here is not closed", at: (tagLine, tagColumn))
                } else {
                    tag.append(c)
                }
                if tag.count > Self.maxTagBytes { throw error("a tag longer than 1 MiB", at: (tagLine, tagColumn)) }
            case .endTag:
                if c == 62 {
                    try closeEndTag()
                    state = .text
                } else {
                    tag.append(c)
                    if tag.count > 1024 { throw error("an end tag longer than 1 KiB", at: (tagLine, tagColumn)) }
                }
            case .bang:
                tag.append(c)
                if tag.elementsEqual("--".utf8) {
                    state = .comment(dashes: 0)
                } else if tag.elementsEqual("[CDATA[".utf8) {
                    guard !open.isEmpty else { throw error("CDATA outside the root element", at: (tagLine, tagColumn)) }
                    state = .cdata(brackets: 0)
                } else if !"--".utf8.starts(with: tag) && !"[CDATA[".utf8.starts(with: tag) {
                    // <!DOCTYPE ...> or another declaration: skipped to its end.
                    state = .declaration(quote: 0, depth: c == 91 ? 1 : 0)
                    if c == 62 { state = .text }
                }
            case .comment(let dashes):
                if c == 62 && dashes >= 2 {
                    state = .text
                } else {
                    state = .comment(dashes: c == 45 ? dashes + 1 : 0)
                }
            case .cdata(let brackets):
                if c == 62 && brackets >= 2 {
                    state = .text
                } else {
                    state = .cdata(brackets: c == 93 ? brackets + 1 : 0)
                }
            case .declaration(let quote, let depth):
                if quote != 0 {
                    if c == quote { state = .declaration(quote: 0, depth: depth) }
                } else if c == 34 || c == 39 {
                    state = .declaration(quote: c, depth: depth)
                } else if c == 91 {
                    state = .declaration(quote: 0, depth: depth + 1)
                } else if c == 93 {
                    state = .declaration(quote: 0, depth: max(depth - 1, 0))
                } else if c == 62 && depth == 0 {
                    state = .text
                }
            case .instruction(let sawQuestion):
                if c == 62 && sawQuestion {
                    state = .text
                } else {
                    state = .instruction(sawQuestion: c == 63)
                }
            }
        }
        return samples
    }

    /// Checks that the input ended between elements, with the root closed.
    func finish() throws(ImportError) {
        switch state {
        case .text: break
        case .comment: throw error("the file ends inside a comment opened here", at: (tagLine, tagColumn))
        case .cdata: throw error("the file ends inside a CDATA section opened here", at: (tagLine, tagColumn))
        default: throw error("the file ends inside a tag opened here", at: (tagLine, tagColumn))
        }
        if let innermost = open.last {
            throw ImportError(
                .structure, path: path, line: line, column: column + 1,
                message: "the file ends inside <\(String(decoding: innermost.name, as: UTF8.self))> opened on line "
                    + "\(innermost.line); it may be cut short (a test stopped while writing)",
                hint: "close the element by hand or export the results again")
        }
    }

    private func error(_ message: String, at position: (line: Int, column: Int)? = nil) -> ImportError {
        ImportError(
            .structure, path: path, line: position?.line ?? line, column: position?.column ?? column, message: message,
            hint: "check that this is a JMeter XML results file")
    }

    private func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

    private func isNameStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 58 || c >= 128 }

    /// Handles a complete start tag in `tag` (without `<` and `>`); returns it when it is a sample.
    private mutating func closeStartTag() throws(ImportError) -> Sample? {
        var end = tag.count
        while end > 0 && isSpace(tag[end - 1]) { end -= 1 }
        let isEmpty = end > 0 && tag[end - 1] == 47
        if isEmpty { end -= 1 }
        var nameEnd = 0
        while nameEnd < end && !isSpace(tag[nameEnd]) && tag[nameEnd] != 47 { nameEnd += 1 }
        let name = Array(tag[0..<nameEnd])
        let depth = open.count
        if depth == 0 {
            guard !rootClosed else { throw error("a second root element after </testResults>", at: (tagLine, tagColumn)) }
            guard name.elementsEqual("testResults".utf8) else {
                throw error(
                    "the root element is <\(String(decoding: name.prefix(40), as: UTF8.self))>, not <testResults>: "
                        + "this is not a JMeter XML results file", at: (tagLine, tagColumn))
            }
            sawRoot = true
        }
        if !isEmpty { open.append((name, tagLine)) }
        if depth == 0 && isEmpty { rootClosed = true }
        guard depth == 1, name.elementsEqual("httpSample".utf8) || name.elementsEqual("sample".utf8) else { return nil }
        return Sample(
            name: String(decoding: name, as: UTF8.self), line: tagLine,
            attributes: try attributes(tag[nameEnd..<end]))
    }

    private mutating func closeEndTag() throws(ImportError) {
        var end = tag.count
        while end > 0 && isSpace(tag[end - 1]) { end -= 1 }
        let name = tag[0..<end]
        guard let innermost = open.last else {
            throw error("</\(String(decoding: name.prefix(40), as: UTF8.self))> closes nothing", at: (tagLine, tagColumn))
        }
        guard innermost.name.elementsEqual(name) else {
            throw error(
                "</\(String(decoding: name.prefix(40), as: UTF8.self))> where <"
                    + "\(String(decoding: innermost.name, as: UTF8.self))> opened on line \(innermost.line) must close first",
                at: (tagLine, tagColumn))
        }
        open.removeLast()
        if open.isEmpty { rootClosed = true }
    }

    /// The kept attributes of a tag's attribute text.
    private func attributes(_ text: ArraySlice<UInt8>) throws(ImportError) -> [String: String] {
        var result: [String: String] = [:]
        var i = text.startIndex
        let end = text.endIndex
        while true {
            while i < end && isSpace(text[i]) { i += 1 }
            if i >= end { return result }
            let nameStart = i
            while i < end && text[i] != 61 && !isSpace(text[i]) { i += 1 }
            let name = text[nameStart..<i]
            while i < end && isSpace(text[i]) { i += 1 }
            guard i < end, text[i] == 61 else {
                throw error("attribute \(String(decoding: name.prefix(40), as: UTF8.self)) has no value", at: (tagLine, tagColumn))
            }
            i += 1
            while i < end && isSpace(text[i]) { i += 1 }
            guard i < end, text[i] == 34 || text[i] == 39 else {
                throw error("attribute \(String(decoding: name.prefix(40), as: UTF8.self)) value is not quoted", at: (tagLine, tagColumn))
            }
            let quote = text[i]
            i += 1
            let valueStart = i
            while i < end && text[i] != quote { i += 1 }
            guard i < end else { throw error("an attribute value is not closed", at: (tagLine, tagColumn)) }
            let key = String(decoding: name, as: UTF8.self)
            if Self.keptAttributes.contains(key) {
                result[key] = Self.decodeReferences(text[valueStart..<i])
            }
            i += 1
        }
    }

    /// Replaces `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;`; unknown references stay as written.
    static func decodeReferences(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(38) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            guard c == 38, let semicolon = bytes[i...].prefix(12).firstIndex(of: 59) else {
                out.append(c)
                i += 1
                continue
            }
            let name = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch name {
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "amp": scalar = "&"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if name.hasPrefix("#") {
                    scalar = UInt32(name.dropFirst(1)).flatMap(Unicode.Scalar.init)
                }
            }
            if let scalar {
                out.append(contentsOf: String(scalar).utf8)
                i = semicolon + 1
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
