import CZlib
import Foundation

/// Reads a file's bytes in large chunks, inflating gzip transparently.
///
/// zlib's `gzread` passes plain files through unchanged, so one reader serves `.csv`,
/// `.csv.gz`, `.log.gz` and standard input alike, and a truncated gzip member is an error.
final class ByteSource {
    private let file: gzFile
    let path: String
    /// Where reads are reported while the caller shows progress (``ImportProgress/current``).
    private let progress = ImportProgress.current
    private var progressID = 0
    /// Set while a large file's hash is computed beside the parse (``ImportCancellation``).
    private let cancellation = ImportCancellation.current

    /// Opens `path`, or standard input when `path` is `-`.
    init(path: String) throws(ImportError) {
        let opened: gzFile? = path == "-" ? gzdopen(dup(0), "rb") : gzopen(path, "rb")
        guard let opened else {
            throw ImportError(.unreadable, path: path, message: "cannot open the file", hint: "check the path and its permissions")
        }
        gzbuffer(opened, 1 << 20)
        file = opened
        self.path = path
        if let progress {
            var info = stat()
            let size: Int64? = path != "-" && stat(path, &info) == 0 ? Int64(info.st_size) : nil
            progressID = progress.register(total: size)
        }
    }

    deinit { gzclose(file) }

    /// Whether the input is gzip-compressed (known after the first read).
    var isCompressed: Bool { gzdirect(file) == 0 }

    /// Reads up to `count` bytes into `buffer`; returns 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(ImportError) -> Int {
        if let cancellation, cancellation.isCancelled { throw ImportCancellation.error(path: path) }
        let n = gzread(file, buffer, UInt32(count))
        if n < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            throw ImportError(
                .structure, path: path,
                message: "the file cannot be read to its end (\(message)); a compressed file may be truncated",
                hint: "download the export again")
        }
        if n == 0 {
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code != Z_OK && code != Z_STREAM_END {
                throw ImportError(
                    .structure, path: path, message: "the compressed file ends early (truncated gzip)",
                    hint: "download the export again")
            }
        }
        if let progress, n > 0 {
            progress.record(progressID, offset: Int64(gzoffset(file)), newLines: ImportProgress.countLines(buffer, Int(n)))
        }
        return Int(n)
    }

    /// Reads up to `array.count` bytes into `array`; returns 0 at the end of the input.
    func read(into array: inout [UInt8]) throws(ImportError) -> Int {
        let result: Result<Int, ImportError> = array.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return .success(0) }
            do throws(ImportError) {
                return .success(try read(into: base, count: raw.count))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Reads the whole input (for JSON exports, which are small).
    func readAll(limit: Int = 1 << 31) throws(ImportError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try read(into: &chunk)
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
            if result.count > limit {
                throw ImportError(.structure, path: path, message: "the file is larger than \(limit >> 20) MiB")
            }
        }
        return result
    }
}
