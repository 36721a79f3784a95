import Foundation

/// A seeded generator (SplitMix64): every fuzz run is reproducible from its seed.
///
/// `FUZZ_ITERATIONS` (default 300) and `FUZZ_SEED` (default fixed) widen or move a run; CI uses the defaults,
/// which take well under a second per property.
struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static var iterations: Int { ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 300 }
    static var seed: UInt64 { ProcessInfo.processInfo.environment["FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x5CA1_1AB1E }

    mutating func bytes(_ count: Int, from alphabet: [UInt8]) -> [UInt8] {
        (0..<count).map { _ in alphabet.randomElement(using: &self) ?? 0 }
    }

    /// `input` with a few random bytes flipped, inserted, deleted or duplicated.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var out = input
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            let at = out.isEmpty ? 0 : Int.random(in: 0..<out.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0 where !out.isEmpty: out[at] = UInt8.random(in: 0...255, using: &self)
            case 1: out.insert([34, 44, 10, 13, 32, 92, 0, 0xFF].randomElement(using: &self) ?? 0, at: at)
            case 2 where !out.isEmpty: out.remove(at: at)
            default: out.insert(contentsOf: out[at..<min(out.count, at + 8)], at: at)
            }
        }
        return out
    }
}

/// The committed corpus of interesting fuzz inputs, `Fixtures/fuzz/<kind>/`.
enum FuzzCorpus {
    static func files(_ kind: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = try TestFixtures.folder().appendingPathComponent("fuzz").appendingPathComponent(kind)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
}
