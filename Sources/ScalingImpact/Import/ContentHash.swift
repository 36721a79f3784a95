import Crypto
import Foundation
import Synchronization

/// Stops a parse early: set when a large file's hash, computed beside the parse, shows the
/// content was imported before. Parsers see it through ``current`` (``ByteSource`` checks it
/// per buffer, the fast JMeter path per 8 MiB).
final class ImportCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    /// The cancellation of the import running on this thread, if any.
    @TaskLocal static var current: ImportCancellation?

    /// Whether the parse should stop.
    var isCancelled: Bool { flag.load(ordering: .relaxed) }

    /// Asks the parse to stop.
    func cancel() { flag.store(true, ordering: .relaxed) }

    /// The error a parser throws when it stops for this reason.
    static func error(path: String) -> ImportError {
        ImportError(.alreadyImported, path: path, message: "the same content was imported before")
    }
}

/// A file's SHA-256 computed on a thread of its own, so that hashing a large file overlaps
/// parsing it instead of preceding it. When the hash is one of `known` it cancels the parse.
final class ContentHash: Sendable {
    private let outcome = Mutex<Result<String, ImportError>?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    /// Set when the hash is one of the known ones.
    let cancellation = ImportCancellation()

    /// Starts hashing `path`.
    init(path: String, known: Set<String>) {
        let thread = Thread { [self] in
            let result: Result<String, ImportError>
            do throws(ImportError) {
                result = .success(try Self.sha256(path: path))
            } catch {
                result = .failure(error)
            }
            if case .success(let sha) = result, known.contains(sha) { cancellation.cancel() }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits for the hash.
    func value() throws(ImportError) -> String {
        finished.wait()
        finished.signal()  // later calls return at once
        // The thread stores its outcome before it signals, so this is never nil.
        let result = outcome.withLock { $0 } ?? .failure(ImportError(.unreadable, path: "", message: "the file was not hashed"))
        return try result.get()
    }

    /// Hex SHA-256 of the file's bytes as stored (compressed files are hashed compressed).
    static func sha256(path: String) throws(ImportError) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw ImportError(.unreadable, path: path, message: "cannot open the file", hint: "check the path and its permissions")
        }
        defer { close(fd) }
        var hasher = SHA256()
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw ImportError(.unreadable, path: path, message: "cannot read the file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
