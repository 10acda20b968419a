import Foundation
import Persistence

/// What the fuzzers of files and DUMP payloads share: one random edit of
/// some bytes, and a payload body sealed with a correct version and CRC
/// footer (the CRC would reject nearly every mutation before the decoder).
public enum CorruptionFixtures {
    /// VIGIL_FUZZ_MUTATIONS=<n>, or `defaultCount`.
    public static func mutationCount(default defaultCount: Int) -> Int {
        Int(ProcessInfo.processInfo.environment["VIGIL_FUZZ_MUTATIONS"] ?? "") ?? defaultCount
    }

    /// One random edit: flip a bit, set a byte, truncate, duplicate or drop a range.
    public static func mutate(_ input: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var b = input
        guard !b.isEmpty else { return b }
        switch rng.next() % 6 {
        case 0: b[Int(rng.next() % UInt64(b.count))] ^= UInt8(1 << (rng.next() % 8))
        case 1: b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next())
        case 2: b.removeLast(Int(rng.next() % UInt64(b.count)))
        case 3:
            let at = Int(rng.next() % UInt64(b.count))
            let n = min(b.count - at, Int(rng.next() % 16) + 1)
            b.insert(contentsOf: b[at..<(at + n)], at: at)
        case 4:
            let at = Int(rng.next() % UInt64(b.count))
            b.removeSubrange(at..<min(b.count, at + Int(rng.next() % 8) + 1))
        default:
            // Large lengths are where bounds go wrong.
            b[Int(rng.next() % UInt64(b.count))] = [0x80, 0x81, 0xC3, 0xFF, 0x7F, 0xBF][Int(rng.next() % 6)]
        }
        return b
    }

    /// A DUMP payload body followed by RDB version 10 and its CRC-64.
    public static func seal(_ body: [UInt8]) -> [UInt8] {
        var out = body + [10, 0]
        var crc = CRC64.checksum(out)
        for _ in 0..<8 {
            out.append(UInt8(crc & 0xFF))
            crc >>= 8
        }
        return out
    }

    /// The bodies of the fixture values' DUMP payloads under `maxBytes`.
    public static func payloadBodies(maxBytes: Int) -> [[UInt8]] {
        var bodies: [[UInt8]] = []
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count {
                let p = DumpPayload.encode(db.dict.value(at: i))
                if p.count < maxBytes { bodies.append(Array(p[0..<(p.count - 10)])) }
            }
        }
        return bodies
    }
}
