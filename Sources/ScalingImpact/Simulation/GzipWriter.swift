import CZlib

/// Writes a gzip file with a fixed header (no name, mtime 0), so the same bytes in give the
/// same file out and the committed sample data regenerates byte for byte.
final class GzipWriter {
    private let file: gzFile
    private var pending: [UInt8] = []
    private var isClosed = false
    let path: String

    deinit { if !isClosed { gzclose(file) } }

    init(path: String) throws(SimulationError) {
        guard let file = gzopen(path, "wb9") else { throw SimulationError(message: "cannot create \(path)") }
        self.file = file
        self.path = path
        pending.reserveCapacity(1 << 16)
    }

    func write(_ text: String) throws(SimulationError) {
        pending.append(contentsOf: text.utf8)
        if pending.count >= 1 << 16 { try flush() }
    }

    private func flush() throws(SimulationError) {
        guard !pending.isEmpty else { return }
        let written = pending.withUnsafeBytes { raw in
            gzwrite(file, raw.baseAddress, UInt32(raw.count))
        }
        guard written == Int32(pending.count) else { throw SimulationError(message: "cannot write \(path)") }
        pending.removeAll(keepingCapacity: true)
    }

    func close() throws(SimulationError) {
        try flush()
        isClosed = true
        guard gzclose(file) == Z_OK else { throw SimulationError(message: "cannot finish \(path)") }
    }
}

/// A failure to write the sample data.
public struct SimulationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var message: String
    public var description: String { message }
}
