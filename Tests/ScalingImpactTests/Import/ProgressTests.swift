import Foundation
import Testing

@testable import ScalingImpact

@Suite struct ProgressTests {
    /// A clock that moves `step` seconds each time it is read.
    final class SteppingClock: @unchecked Sendable {
        private let lock = NSLock()
        private var now = 0.0
        let step: Double

        init(step: Double) { self.step = step }

        func read() -> Double {
            lock.lock()
            defer { lock.unlock() }
            now += step
            return now
        }
    }

    /// What the progress line wrote.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [String] = []

        func append(_ text: String) {
            lock.lock()
            items.append(text)
            lock.unlock()
        }

        var writes: [String] {
            lock.lock()
            defer { lock.unlock() }
            return items
        }
    }

    @Test(arguments: [
        (
            "big.log.gz", Int64(50 << 20), Int64(100 << 20), 120_000, 10.0, 90,
            "big.log.gz  [##########----------]   50%  50.0/100.0 MiB  12.0k rows/s  0:10 left"
        ),
        (
            "cur.csv.gz", Int64(3 << 20), Int64(4 << 20), 9_000_000, 3600.0, 80,
            "cur.csv.gz  [###############-----]   75%  3.0/4.0 MiB  2500 rows/s  20:00 left"
        ),
        (
            "huge.csv", Int64(1 << 20), Int64(100 << 20), 4_000_000, 2.0, 80,
            "huge.csv  [--------------------]    1%  1.0/100.0 MiB  2.0M rows/s  3:18 left"
        ),
        ("-", Int64(5 << 20), nil, 500, 4.0, 80, "-  5.0 MiB  125 rows/s"),
        (
            "big.log.gz", Int64(50 << 20), Int64(100 << 20), 120_000, 10.0, 80,
            "….log.gz  [##########----------]   50%  50.0/100.0 MiB  12.0k rows/s  0:10 left"
        ),
        (
            "AWSLogs/123456789012/elasticloadbalancing/eu-west-1/2026/09/01/app.prod-eu-public.log.gz",
            Int64(1 << 20), Int64(2 << 20), 1000, 1.0, 100,
            "…09/01/app.prod-eu-public.log.gz  [##########----------]   50%  1.0/2.0 MiB  1000 rows/s  0:01 left"
        ),
    ] as [(String, Int64, Int64?, Int, Double, Int, String)])
    func rendersBarBytesRateAndTimeLeft(
        label: String, done: Int64, total: Int64?, rows: Int, elapsed: Double, width: Int, expected: String
    ) {
        let line = ImportProgress.render(label: label, done: done, total: total, rows: rows, elapsed: elapsed, width: width)
        #expect(line == expected)
        #expect(line.count < width)
    }

    @Test(arguments: [false, true])
    func importsReportUntilTheEndOfTheFile(compressed: Bool) throws {
        let scratch = try ScratchDirectory()
        let month = try ALBLogMonth(root: scratch.path("logs"), days: 1, linesPerFile: 6000)
        let path = try #require(month.files.first { $0.hasSuffix(".gz") == compressed })
        let harness = try ImportHarness(configuration: try ALBLogMonth.configuration())
        let output = Output()
        let clock = SteppingClock(step: 0.5)
        let progress = ImportProgress(label: "logs", width: 100, delay: 1, interval: 0.2, now: clock.read) {
            output.append($0)
        }
        let summary = try ImportProgress.$current.withValue(progress) { try harness.importFile(path) }
        #expect(summary.rowsAccepted + summary.rowsUnmapped == 6000)
        progress.finish()
        let writes = output.writes
        #expect(writes.count >= 2)
        #expect(writes.dropLast().allSatisfy { $0.hasPrefix("\rlogs  [") && $0.hasSuffix("\u{1B}[K") })
        let last = try #require(writes.dropLast().last)
        #expect(last.contains("[####################]  100%"), "\(last)")
        #expect(writes.last == "\r\u{1B}[K")
    }

    @Test func shortImportsDrawNothing() throws {
        let harness = try ImportHarness()
        let output = Output()
        let progress = ImportProgress(label: "x", now: SteppingClock(step: 0.001).read) { output.append($0) }
        try ImportProgress.$current.withValue(progress) {
            try harness.importFile(
                try TestFixtures.samplePath(ALBLogImportTests.beats), ImportOptions(environment: "staging", service: "web"))
        }
        progress.finish()
        #expect(!progress.isDrawn)
        #expect(output.writes.isEmpty)
    }
}
