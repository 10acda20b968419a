import Foundation
import Keyspace
import Persistence
import TestSupport
import XCTest

/// Mutated files and DUMP payloads: the reader returns a value or an
/// RDBError, never crashes (issue 11: at least 100,000 mutations). More
/// with VIGIL_FUZZ_MUTATIONS=<n>.
final class CorruptInputFuzzTests: XCTestCase {
    private var mutations: Int { CorruptionFixtures.mutationCount(default: 100_000) }

    private func mutate(_ input: [UInt8], _ rng: inout SeededRandom) -> [UInt8] { CorruptionFixtures.mutate(input, &rng) }

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
        let bodies = CorruptionFixtures.payloadBodies(maxBytes: 3000)
        var rng = SeededRandom(seed: 7)
        var decoded = 0, refused = 0
        for n in 0..<(mutations - mutations / 10) {
            let body = mutate(bodies[n % bodies.count], &rng)
            do {
                _ = try DumpPayload.decode(CorruptionFixtures.seal(body))
                decoded += 1
            } catch let e as RDBError {
                XCTAssertEqual(e.message, DumpPayload.badFormatError)
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 0)
        XCTAssertGreaterThan(decoded, 0)
    }
}
