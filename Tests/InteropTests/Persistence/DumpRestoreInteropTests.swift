import Deployment
import Foundation
import Keyspace
import Persistence
import Protocol
import RESPClient
import TestSupport
import XCTest
@testable import DataNode

/// DUMP and RESTORE through vigil-server's command path (in process) against
/// a real redis-server 7.0: every fixture value DUMPed on one side is
/// RESTOREd on the other and read back, and RESTORE's refusals and options
/// give the same replies on both.
final class DumpRestoreInteropTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    private func connectRedis(_ extra: [String] = []) throws -> (NodeProcess, RedisConnection) {
        let (server, port) = try startRealRedis(extraArguments: extra)
        do {
            let c = try Interop.talking(to: "redis-server") { try RedisConnection(host: "127.0.0.1", port: port) }
            return (server, c)
        } catch {
            server.cleanUp()
            throw error
        }
    }

    /// A key's type and whole value as text, from replies.
    private func read(_ key: [UInt8], _ call: ([[UInt8]]) throws -> RESPValue) throws -> String {
        let type = try call([b("TYPE"), key]).string ?? ""
        return try PersistenceFixtures.describe(key: key, type: type, call: call)
    }

    func testEveryValueCrossesBothWaysThroughDumpAndRestore() throws {
        let (server, c) = try connectRedis()
        defer { server.cleanUp(); c.close() }
        let h = try Harness()
        let dbs = PersistenceFixtures.databases()
        for cmd in PersistenceFixtures.commands(dbs) {
            XCTAssertFalse(try c.call(cmd).isError)
            XCTAssertFalse(h.call(bytes: cmd).isError, "\(cmd.map { String(decoding: $0, as: UTF8.self) }.prefix(2))")
        }
        for db in dbs {
            _ = try c.call(["SELECT", String(db.id)])
            h.call("SELECT", String(db.id))
            for i in 0..<db.dict.count {
                let key = db.dict.key(at: i).bytes
                let name = db.dict.key(at: i).string
                let expected = PersistenceFixtures.describe(db.dict.value(at: i))
                guard let theirs = try c.call([b("DUMP"), key]).bytes, let ours = h.call(bytes: [b("DUMP"), key]).bytes else {
                    XCTFail("no DUMP of \(name)"); continue
                }
                XCTAssertEqual(ours.count, theirs.count, "DUMP size of \(name)")
                let copy = key + b(":from-other")
                // Redis's payload into vigil-server.
                XCTAssertEqual(h.call(bytes: [b("RESTORE"), copy, b("0"), theirs]), .ok, name)
                XCTAssertEqual(try read(copy) { h.call(bytes: $0) }, expected, "vigil RESTORE of redis's \(name)")
                if case .stream(let st) = db.dict.value(at: i) {
                    // Byte for byte: what vigil-server holds after RESTORE DUMPs as Redis's
                    // payload, and the same commands give the same payload when no
                    // consumer's seen time (the clock at XGROUP CREATECONSUMER) is in it.
                    XCTAssertEqual(h.call(bytes: [b("DUMP"), copy]).bytes, theirs, "DUMP of \(name) after RESTORE")
                    if st.groups.values.allSatisfy({ $0.consumers.isEmpty }) {
                        XCTAssertEqual(ours, theirs, "DUMP of \(name) built by the same commands")
                    }
                }
                XCTAssertEqual(h.call(bytes: [b("OBJECT"), b("ENCODING"), copy]),
                               try c.call([b("OBJECT"), b("ENCODING"), key]), "encoding of \(name)")
                // vigil-server's payload into Redis.
                XCTAssertEqual(try c.call([b("RESTORE"), copy, b("0"), ours]), .ok, name)
                XCTAssertEqual(try read(copy) { try c.call($0) }, expected, "redis RESTORE of vigil's \(name)")
                XCTAssertEqual(try c.call([b("OBJECT"), b("ENCODING"), copy]),
                               try c.call([b("OBJECT"), b("ENCODING"), key]), "encoding of \(name) in redis")
            }
        }
    }

    /// The same RESTORE commands on both servers give the same replies: corrupt
    /// payloads, TTL and option errors in their order, BUSYKEY, ABSTTL in the past.
    func testRestoreRepliesMatchRedis() throws {
        let (server, c) = try connectRedis()
        defer { server.cleanUp(); c.close() }
        let h = try Harness()
        let good = DumpPayload.encode(.string(StringValue(b("value"))))
        var badCRC = good
        badCRC[badCRC.count - 3] ^= 0x40
        var newer = good
        newer[newer.count - 10] = 11
        func framed(_ body: [UInt8]) -> [UInt8] {
            var out = body + [10, 0]
            var crc = CRC64.checksum(out)
            for _ in 0..<8 {
                out.append(UInt8(crc & 0xFF))
                crc >>= 8
            }
            return out
        }
        let unknownType = framed([200, 1, 0x61])
        let emptySet = framed([2, 0])
        let truncatedList = framed([18, 1, 2, 0x20])
        let badLength = framed([0, 0xBF])
        let script: [[[UInt8]]] = [
            [b("SET"), b("busy"), b("x")],
            [b("RESTORE"), b("busy"), b("0"), good],
            [b("RESTORE"), b("busy"), b("-1"), good],
            [b("RESTORE"), b("busy"), b("0"), badCRC],
            [b("RESTORE"), b("k"), b("-1"), good],
            [b("RESTORE"), b("k"), b("x"), good],
            [b("RESTORE"), b("k"), b("0"), badCRC],
            [b("RESTORE"), b("k"), b("0"), b("short")],
            [b("RESTORE"), b("k"), b("0"), newer],
            [b("RESTORE"), b("k"), b("0"), unknownType],
            [b("RESTORE"), b("k"), b("0"), emptySet],
            [b("RESTORE"), b("k"), b("0"), truncatedList],
            [b("RESTORE"), b("k"), b("0"), badLength],
            [b("RESTORE"), b("k"), b("0"), good, b("FOO")],
            [b("RESTORE"), b("k"), b("-1"), good, b("FOO")],
            [b("RESTORE"), b("k"), b("0"), good, b("IDLETIME")],
            [b("RESTORE"), b("k"), b("0"), good, b("IDLETIME"), b("x")],
            [b("RESTORE"), b("k"), b("0"), good, b("IDLETIME"), b("-1")],
            [b("RESTORE"), b("k"), b("0"), good, b("FREQ"), b("256")],
            [b("RESTORE"), b("k"), b("0"), good, b("FREQ"), b("-1")],
            [b("RESTORE"), b("k"), b("0"), good, b("FREQ"), b("1"), b("IDLETIME"), b("1")],
            [b("RESTORE"), b("k"), b("0"), good, b("IDLETIME"), b("1"), b("FREQ"), b("1")],
            [b("RESTORE"), b("k"), b("1"), good, b("ABSTTL")],
            [b("EXISTS"), b("k")],
            [b("RESTORE"), b("busy"), b("1"), good, b("ABSTTL"), b("REPLACE")],
            [b("EXISTS"), b("busy")],
            [b("RESTORE"), b("k"), b("99999999999123"), good, b("absttl")],
            [b("PEXPIRETIME"), b("k")],
            [b("RESTORE"), b("k"), b("0"), good, b("replace"), b("idletime"), b("1000")],
            [b("OBJECT"), b("IDLETIME"), b("k")],
            [b("RESTORE"), b("k"), b("0"), good, b("REPLACE"), b("IDLETIME"), b("100000000")],
            [b("OBJECT"), b("IDLETIME"), b("k")],
            [b("PEXPIRETIME"), b("k")],
            [b("CONFIG"), b("SET"), b("maxmemory-policy"), b("allkeys-lfu")],
            [b("RESTORE"), b("k"), b("0"), good, b("REPLACE"), b("FREQ"), b("200")],
            [b("OBJECT"), b("FREQ"), b("k")],
            [b("RESTORE"), b("k"), b("0"), good, b("REPLACE"), b("IDLETIME"), b("200")],
            [b("OBJECT"), b("FREQ"), b("k")],
            [b("CONFIG"), b("SET"), b("maxmemory-policy"), b("noeviction")],
            [b("RESTORE-ASKING"), b("ra"), b("0"), good],
            [b("GET"), b("ra")],
            [b("DUMP"), b("nokey")],
            [b("DUMP")],
            [b("RESTORE"), b("k"), b("0")],
        ]
        for cmd in script {
            let label = cmd.map { String(decoding: $0.prefix(20), as: UTF8.self) }.joined(separator: " ")
            let mine = h.call(bytes: cmd), theirs = try c.call(cmd)
            // Redis reads a cached clock that may tick between two commands.
            if cmd.count > 1, cmd[1] == b("IDLETIME"), case .integer(let m) = mine, case .integer(let t) = theirs {
                XCTAssertLessThanOrEqual(abs(m - t), 1, "\(label): vigil \(m), redis \(t)")
            } else {
                XCTAssertEqual(mine, theirs, label)
            }
        }
    }

    /// Payloads of type 9 (zipmap hashes from Redis < 2.6) restore as Redis
    /// 7.0 converts them, to the same encoding, and the same malformed ones are refused.
    func testZipmapPayloadsRestoreAsRedisConvertsThem() throws {
        let (server, c) = try connectRedis()
        defer { server.cleanUp(); c.close() }
        let h = try Harness()
        func payload(_ z: [UInt8]) -> [UInt8] { CorruptionFixtures.seal([9] + ZipmapFixture.rdbString(z)) }
        var counted = ZipmapFixture.zipmap([("a", "1"), ("b", "2")])
        counted[0] = 254
        var wrongCount = counted
        wrongCount[0] = 7
        let many = (0..<200).map { ("field\($0)", "v\($0)") }
        let cases: [(String, [UInt8])] = [
            ("small", ZipmapFixture.zipmap([("f1", "v1"), ("field2", "value two")], free: 3)),
            ("long value", ZipmapFixture.zipmap([("k", String(repeating: "x", count: 300)), ("n", "1")])),
            ("many pairs", ZipmapFixture.zipmap(many)),
            ("counted", counted),
            ("wrong count", wrongCount),
            ("empty", [0, 0xFF]),
            ("duplicate", ZipmapFixture.zipmap([("a", "1"), ("a", "2")])),
            ("truncated", Array(ZipmapFixture.zipmap([("a", "1")]).dropLast())),
        ]
        for (name, z) in cases {
            let key = b("zm:" + name)
            for cmd in [[b("RESTORE"), key, b("0"), payload(z)], [b("OBJECT"), b("ENCODING"), key]] {
                XCTAssertEqual(h.call(bytes: cmd), try c.call(cmd), "\(name): \(String(decoding: cmd[0], as: UTF8.self))")
            }
            // A table's order follows each server's hash seed: compare the pairs;
            // a listpack keeps the zipmap's order on both.
            XCTAssertEqual(try read(key) { h.call(bytes: $0) }, try read(key) { try c.call($0) }, "\(name): the hash")
            if try c.call([b("OBJECT"), b("ENCODING"), key]).string == "listpack" {
                XCTAssertEqual(h.call(bytes: [b("HGETALL"), key]), try c.call([b("HGETALL"), key]), "\(name): listpack order")
            }
        }
    }

    /// DEBUG SET-SKIP-CHECKSUM-VALIDATION lets a payload with a wrong CRC
    /// in (a version too new still not); a quicklist node of no bytes is
    /// refused as rdbLoadObject refuses it: both as redis-server answers.
    func testChecksumSkippingAndEmptyQuicklistNodesAnswerAsRedis() throws {
        let (server, c) = try connectRedis(["--enable-debug-command", "yes"])
        defer { server.cleanUp(); c.close() }
        var config = ServerConfig()
        config.enableDebugCommand = "yes"
        let h = try Harness(config: config)
        let good = DumpPayload.encode(.string(StringValue(b("value"))))
        var badCRC = good
        badCRC[badCRC.count - 1] ^= 0x01
        var newer = good
        newer[newer.count - 10] = 11
        let emptyPlainNode = CorruptionFixtures.seal([18, 1, 1, 0])
        let emptyPackedNode = CorruptionFixtures.seal([18, 1, 2, 0])
        let emptyZiplistNode = CorruptionFixtures.seal([14, 1, 0])
        let script: [[[UInt8]]] = [
            [b("RESTORE"), b("a"), b("0"), badCRC],
            [b("DEBUG"), b("SET-SKIP-CHECKSUM-VALIDATION"), b("1")],
            [b("RESTORE"), b("a"), b("0"), badCRC],
            [b("GET"), b("a")],
            [b("RESTORE"), b("b"), b("0"), newer],
            [b("DEBUG"), b("SET-SKIP-CHECKSUM-VALIDATION"), b("0")],
            [b("RESTORE"), b("c"), b("0"), badCRC],
            [b("RESTORE"), b("l1"), b("0"), emptyPlainNode],
            [b("RESTORE"), b("l2"), b("0"), emptyPackedNode],
            [b("RESTORE"), b("l3"), b("0"), emptyZiplistNode],
            [b("DBSIZE")],
        ]
        for cmd in script {
            let label = cmd.map { String(decoding: $0.prefix(30), as: UTF8.self) }.joined(separator: " ")
            XCTAssertEqual(h.call(bytes: cmd), try c.call(cmd), label)
        }
    }
}
