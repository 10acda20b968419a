import Deployment
import Foundation
import Keyspace
import Persistence
import Protocol
import RESPClient
import TestSupport
import XCTest

/// The codec against real redis-server 7.0: it loads our files, we load
/// its files, and DUMP payloads cross both ways; our file for the same data
/// has the size of the one it SAVEs.
final class RDBInteropTests: XCTestCase {
    private func aux() -> [(name: String, value: String)] {
        RDBAux.standard(redisVersion: "7.0.15", ctime: Int(Date().timeIntervalSince1970), usedMemory: 1_000_000,
                        replication: nil, aofBase: false)
    }

    /// Every key of `dbs` read back from the server, compared with what we hold.
    private func assertServerHolds(_ dbs: [Database], _ c: RedisConnection, checkEncoding: Bool) throws {
        for db in dbs {
            _ = try c.call(["SELECT", String(db.id)])
            for i in 0..<db.dict.count {
                let key = db.dict.key(at: i)
                let value = db.dict.value(at: i)
                let type = try c.call([Array("TYPE".utf8), key.bytes]).string ?? ""
                XCTAssertEqual(try PersistenceFixtures.describe(key: key.bytes, type: type) { try c.call($0) },
                               PersistenceFixtures.describe(value), key.string)
                if checkEncoding {
                    let enc = try c.call([Array("OBJECT".utf8), Array("ENCODING".utf8), key.bytes]).string
                    XCTAssertEqual(enc, value.encodingName, "encoding of \(key.string)")
                }
                let pexpire = try c.call([Array("PEXPIRETIME".utf8), key.bytes]).int
                XCTAssertEqual(pexpire, db.expires[key] ?? -1, "expire of \(key.string)")
            }
            XCTAssertEqual(try c.call(["DBSIZE"]).int, Int64(db.count))
        }
    }

    func testRedisLoadsOurFileWithEveryValueAndEncoding() throws {
        let dbs = PersistenceFixtures.databases()
        let dir = try makeScratchDirectory("rdb-ours")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try RDBWriter.snapshot(databases: dbs, aux: aux())
        FileManager.default.createFile(atPath: dir + "/ours.rdb", contents: Data(file))
        let (server, port) = try startRealRedis(extraArguments: ["--dir", dir, "--dbfilename", "ours.rdb"])
        defer { server.cleanUp() }
        let c = try Interop.talking(to: "redis-server") { try RedisConnection(host: "127.0.0.1", port: port) }
        defer { c.close() }
        try assertServerHolds(dbs, c, checkEncoding: true)
    }

    func testWeLoadRedisFileAndOurFileHasItsSize() throws {
        let dbs = PersistenceFixtures.databases()
        let dir = try makeScratchDirectory("rdb-theirs")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (server, port) = try startRealRedis(extraArguments: ["--dir", dir, "--dbfilename", "theirs.rdb"])
        defer { server.cleanUp() }
        let c = try Interop.talking(to: "redis-server") { try RedisConnection(host: "127.0.0.1", port: port) }
        defer { c.close() }
        for cmd in PersistenceFixtures.commands(dbs) {
            let r = try c.call(cmd)
            XCTAssertFalse(r.isError, "\(r)")
        }
        XCTAssertEqual(try c.call(["SAVE"]).string, "OK")
        let theirs = try RDBReader.readFile(dir + "/theirs.rdb")
        let loaded = try RDBReader.load(theirs)
        XCTAssertTrue(loaded.summary.checksumVerified)
        PersistenceFixtures.assertSame(loaded.keys, dbs)
        // Same AUX values as the server wrote, so only the encodings can differ.
        let sameAux = loaded.summary.aux.map { (name: String(decoding: $0.name, as: UTF8.self), value: String(decoding: $0.value, as: UTF8.self)) }
        let ours = try RDBWriter.snapshot(databases: dbs, aux: sameAux)
        XCTAssertEqual(ours.count, theirs.count, "our file \(ours.count) bytes, redis-server's \(theirs.count)")
    }

    func testDumpPayloadsCrossBothWays() throws {
        let dbs = PersistenceFixtures.databases()
        let (server, port) = try startRealRedis()
        defer { server.cleanUp() }
        let c = try Interop.talking(to: "redis-server") { try RedisConnection(host: "127.0.0.1", port: port) }
        defer { c.close() }
        for cmd in PersistenceFixtures.commands(dbs) { _ = try c.call(cmd) }
        for db in dbs {
            _ = try c.call(["SELECT", String(db.id)])
            for i in 0..<db.dict.count {
                let key = db.dict.key(at: i)
                let value = db.dict.value(at: i)
                // Theirs into ours.
                guard let payload = try c.call([Array("DUMP".utf8), key.bytes]).bytes else {
                    XCTFail("no DUMP of \(key.string)"); continue
                }
                let decoded = try DumpPayload.decode(payload)
                XCTAssertEqual(PersistenceFixtures.describe(decoded), PersistenceFixtures.describe(value), key.string)
                XCTAssertEqual(DumpPayload.encode(value).count, payload.count, "DUMP size of \(key.string)")
                // Ours into theirs.
                let copy = key.bytes + Array(":copy".utf8)
                let r = try c.call([Array("RESTORE".utf8), copy, Array("0".utf8), DumpPayload.encode(value)])
                XCTAssertEqual(r.string, "OK", "RESTORE of \(key.string): \(r)")
                let type = try c.call([Array("TYPE".utf8), copy]).string ?? ""
                XCTAssertEqual(try PersistenceFixtures.describe(key: copy, type: type) { try c.call($0) },
                               PersistenceFixtures.describe(value), key.string)
                XCTAssertEqual(try c.call([Array("OBJECT".utf8), Array("ENCODING".utf8), copy]).string, value.encodingName)
            }
        }
    }

    func testRedisRefusesNothingWeDumpAndRejectsOurCorruptPayloadsAsWeDo() throws {
        let (server, port) = try startRealRedis()
        defer { server.cleanUp() }
        let c = try Interop.talking(to: "redis-server") { try RedisConnection(host: "127.0.0.1", port: port) }
        defer { c.close() }
        var payload = DumpPayload.encode(.string(StringValue(Array("hello".utf8))))
        payload[payload.count - 1] ^= 1
        let r = try c.call([Array("RESTORE".utf8), Array("k".utf8), Array("0".utf8), payload])
        XCTAssertEqual(r, .error(Array("ERR \(DumpPayload.versionOrChecksumError)".utf8)))
        XCTAssertThrowsError(try DumpPayload.decode(payload)) { e in
            XCTAssertEqual((e as? RDBError)?.message, DumpPayload.versionOrChecksumError)
        }
    }
}
