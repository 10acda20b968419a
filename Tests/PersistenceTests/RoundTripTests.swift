import Keyspace
import Persistence
import XCTest

/// Values written by RDBWriter come back from RDBReader equal and in the
/// encoding Redis would pick, through files and DUMP payloads.
final class RoundTripTests: XCTestCase {
    func testEveryTypeSurvivesAFile() throws {
        let dbs = PersistenceFixtures.databases()
        let file = try RDBWriter.snapshot(databases: dbs, aux: RDBAux.standard(redisVersion: "7.0.15", ctime: 1_700_000_000,
                                                                                usedMemory: 1_000_000, replication: nil, aofBase: false))
        let loaded = try RDBReader.load(file)
        XCTAssertEqual(loaded.summary.auxValue("redis-ver"), "7.0.15")
        XCTAssertTrue(loaded.summary.checksumVerified)
        PersistenceFixtures.assertSame(loaded.keys, dbs)
    }

    func testEveryTypeSurvivesADumpPayload() throws {
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count {
                let v = db.dict.value(at: i)
                let back = try DumpPayload.decode(DumpPayload.encode(v))
                XCTAssertEqual(PersistenceFixtures.describe(back), PersistenceFixtures.describe(v), db.dict.key(at: i).string)
                XCTAssertEqual(back.encodingName, v.encodingName, db.dict.key(at: i).string)
            }
        }
    }
}
