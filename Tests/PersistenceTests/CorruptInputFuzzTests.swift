import Foundation
import Keyspace
import Persistence
import TestSupport
import XCTest

/// Mutated files and DUMP payloads: the reader returns a value or an
/// RDBError, never crashes (issue 11: at least 100,000 mutations). More
/// with VIGIL_FUZZ_MUTATIONS=<n>.
final class CorruptInputFuzzTests: XCTestCase {
    private var mutations: Int {
        Int(ProcessInfo.processInfo.environment["VIGIL_FUZZ_MUTATIONS"] ?? "") ?? 100_000
    }

    /// One random edit: flip a bit, set a byte, truncate, duplicate or drop a range.
    private func mutate(_ input: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
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

    func testMutatedFilesGiveAValueOrAnError() throws {
        // The small values of every type, so each mutated file is quick to read.
        let small = Database(id: 2, context: KeyspaceContext())
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count where DumpPayload.encode(db.dict.value(at: i)).count < 300 {
                small.add(db.dict.key(at: i), db.dict.value(at: i))
                if let e = db.expires[db.dict.key(at: i)] { small.setExpire(db.dict.key(at: i), at: e) }
            }
        }
        let file = try RDBWriter.snapshot(databases: [small], aux: [("redis-ver", "7.0.15")],
                                          options: { var o = RDBOptions(); o.checksum = false; return o }())
        var rng = SeededRandom(seed: 11)
        var errors = 0
        for _ in 0..<(mutations / 10) {
            let m = mutate(file, &rng)
            do { _ = try RDBReader.load(m) } catch is RDBError { errors += 1 }
        }
        XCTAssertGreaterThan(errors, 0)
    }

    func testMutatedDumpPayloadsGiveAValueOrAnError() throws {
        var bodies: [[UInt8]] = []
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count {
                // The CRC would reject nearly every mutation: fuzz the body
                // and then seal it with a correct footer.
                let p = DumpPayload.encode(db.dict.value(at: i))
                if p.count < 3000 { bodies.append(Array(p[0..<(p.count - 10)])) }
            }
        }
        var rng = SeededRandom(seed: 7)
        var decoded = 0, refused = 0
        for n in 0..<(mutations - mutations / 10) {
            let body = mutate(bodies[n % bodies.count], &rng)
            do {
                _ = try DumpPayload.decode(Self.seal(body))
                decoded += 1
            } catch let e as RDBError {
                XCTAssertEqual(e.message, DumpPayload.badFormatError)
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 0)
        XCTAssertGreaterThan(decoded, 0)
    }

    static func seal(_ body: [UInt8]) -> [UInt8] {
        var out = body + [10, 0]
        var crc = CRC64.checksum(out)
        for _ in 0..<8 {
            out.append(UInt8(crc & 0xFF))
            crc >>= 8
        }
        return out
    }
}
