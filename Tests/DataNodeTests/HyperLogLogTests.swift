import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

final class HyperLogLogTests: XCTestCase {
    private func bytes(_ h: Harness, _ key: String) -> [UInt8] {
        guard case .bulkString(let b?) = h.call("GET", key) else {
            XCTFail("no string at \(key)")
            return []
        }
        return b
    }

    private func header(sparse: Bool, cache: [UInt8]) -> [UInt8] {
        Array("HYLL".utf8) + [sparse ? 1 : 0, 0, 0, 0] + cache
    }

    private func set(_ h: Harness, _ key: String, _ value: [UInt8]) {
        XCTAssertEqual(h.call(bytes: [Array("SET".utf8), Array(key.utf8), value]), .ok)
    }

    func testEmptyHLLIsOneXZeroWithStaleCache() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("PFADD", "k"), .integer(1))
        XCTAssertEqual(bytes(h, "k"), header(sparse: true, cache: [0, 0, 0, 0, 0, 0, 0, 0x80]) + [0x7F, 0xFF])
        XCTAssertEqual(h.call("OBJECT", "ENCODING", "k"), .bulkString(Array("raw".utf8)))
        XCTAssertEqual(h.call("PFADD", "k"), .integer(0))
        XCTAssertEqual(h.call("PFCOUNT", "k"), .integer(0))
        XCTAssertEqual(h.call("PFCOUNT", "missing"), .integer(0))
    }

    /// Bytes and opcodes as redis-server 7.0 writes them for the same elements.
    func testSparseBytesMatchRedis() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("PFADD", "k", "a", "b", "c"), .integer(1))
        let registers: [UInt8] = [0x60, 0xF3, 0x80, 0x50, 0xB1, 0x84, 0x4B, 0xFB, 0x80, 0x42, 0x5A]
        XCTAssertEqual(bytes(h, "k"), header(sparse: true, cache: [0, 0, 0, 0, 0, 0, 0, 0x80]) + registers)
        XCTAssertEqual(h.call("PFDEBUG", "DECODE", "k"),
                       .bulkString(Array("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603".utf8)))
        // PFCOUNT caches the cardinality in the header.
        XCTAssertEqual(h.call("PFCOUNT", "k"), .integer(3))
        XCTAssertEqual(bytes(h, "k"), header(sparse: true, cache: [3, 0, 0, 0, 0, 0, 0, 0]) + registers)
        XCTAssertEqual(h.call("PFADD", "k", "a", "b"), .integer(0))
        XCTAssertEqual(bytes(h, "k")[15], 0, "no register changed: the cache stays valid")
        XCTAssertEqual(h.call("PFDEBUG", "ENCODING", "k"), .simpleString(Array("sparse".utf8)))
    }

    func testCachedCardinalityIsTrustedUntilTheTopBitIsSet() throws {
        let h = try Harness()
        set(h, "k", header(sparse: true, cache: [42, 0, 0, 0, 0, 0, 0, 0]) + [0x7F, 0xFF])
        XCTAssertEqual(h.call("PFCOUNT", "k"), .integer(42))
        set(h, "k", header(sparse: true, cache: [42, 0, 0, 0, 0, 0, 0, 0x80]) + [0x7F, 0xFF])
        XCTAssertEqual(h.call("PFCOUNT", "k"), .integer(0))
        XCTAssertEqual(bytes(h, "k"), header(sparse: true, cache: [0, 0, 0, 0, 0, 0, 0, 0]) + [0x7F, 0xFF])
    }

    func testPromotionToDenseAtSparseMaxBytes() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "hll-sparse-max-bytes", "60"), .ok)
        h.call("PFADD", "k")
        var i = 0
        while bytes(h, "k")[4] == 1 {
            XCTAssertLessThanOrEqual(bytes(h, "k").count, 60)
            h.call("PFADD", "k", "e\(i)")
            i += 1
            if i > 1000 { return XCTFail("never promoted") }
        }
        XCTAssertEqual(bytes(h, "k").count, 16 + 12288)
        XCTAssertEqual(h.call("PFDEBUG", "ENCODING", "k"), .simpleString(Array("dense".utf8)))
        guard case .integer(let n) = h.call("PFCOUNT", "k") else { return XCTFail("PFCOUNT reply") }
        XCTAssertLessThanOrEqual(abs(n - Int64(i)), 1)
        XCTAssertEqual(h.call("PFDEBUG", "TODENSE", "k"), .integer(0))
        XCTAssertEqual(h.call("PFDEBUG", "DECODE", "k"), .error(Array("ERR HLL encoding is not sparse".utf8)))
    }

    func testDenseAndSparseGiveTheSameRegisters() throws {
        let h = try Harness()
        let elements = (0..<400).map { "member:\($0)" }
        h.call(args: ["PFADD", "s"] + elements)
        h.call(args: ["PFADD", "d"])
        XCTAssertEqual(h.call("PFDEBUG", "TODENSE", "d"), .integer(1))
        h.call(args: ["PFADD", "d"] + elements)
        let sparseRegs = h.call("PFDEBUG", "GETREG", "s")  // converts s to dense
        XCTAssertEqual(h.call("PFDEBUG", "GETREG", "d"), sparseRegs)
        guard case .array(let regs?) = sparseRegs else { return XCTFail("GETREG reply") }
        XCTAssertEqual(regs.count, 16384)
        XCTAssertEqual(bytes(h, "s"), bytes(h, "d"))
    }

    func testEstimateIsWithinTheStandardError() throws {
        let h = try Harness()
        for batch in 0..<100 {
            h.call(args: ["PFADD", "k"] + (0..<500).map { "x\(batch * 500 + $0)" })
        }
        guard case .integer(let n) = h.call("PFCOUNT", "k") else { return XCTFail("PFCOUNT reply") }
        XCTAssertLessThan(abs(Double(n) - 50000) / 50000, 0.05)
        XCTAssertEqual(h.call("PFDEBUG", "ENCODING", "k"), .simpleString(Array("dense".utf8)))
    }

    func testMergeAndMultiKeyCountAreUnions() throws {
        let h = try Harness()
        h.call(args: ["PFADD", "a"] + (0..<100).map { "m\($0)" })
        h.call(args: ["PFADD", "b"] + (50..<150).map { "m\($0)" })
        h.call(args: ["PFADD", "both"] + (0..<150).map { "m\($0)" })
        guard case .integer(let union) = h.call("PFCOUNT", "a", "b", "nokey") else { return XCTFail("PFCOUNT") }
        XCTAssertEqual(h.call("PFCOUNT", "both"), .integer(union))
        XCTAssertEqual(h.call("PFMERGE", "dst", "a", "b"), .ok)
        XCTAssertEqual(h.call("PFCOUNT", "dst"), .integer(union))
        XCTAssertEqual(h.call("PFDEBUG", "ENCODING", "dst"), .simpleString(Array("sparse".utf8)))
        // One dense source makes the destination dense.
        XCTAssertEqual(h.call("PFDEBUG", "TODENSE", "b"), .integer(1))
        XCTAssertEqual(h.call("PFMERGE", "dst2", "a", "b"), .ok)
        XCTAssertEqual(h.call("PFDEBUG", "ENCODING", "dst2"), .simpleString(Array("dense".utf8)))
        XCTAssertEqual(h.call("PFCOUNT", "dst2"), .integer(union))
        // The destination takes part in the union; no source at all creates an empty HLL.
        XCTAssertEqual(h.call("PFMERGE", "a"), .ok)
        XCTAssertEqual(h.call("PFMERGE", "fresh"), .ok)
        XCTAssertEqual(h.call("PFCOUNT", "fresh"), .integer(0))
    }

    func testErrors() throws {
        let h = try Harness()
        let notHLL = RESPValue.error(Array("WRONGTYPE Key is not a valid HyperLogLog string value.".utf8))
        let wrongType = RESPValue.error(Array("WRONGTYPE Operation against a key holding the wrong kind of value".utf8))
        let corrupt = RESPValue.error(Array("INVALIDOBJ Corrupted HLL object detected".utf8))
        h.call("SET", "str", "hello")
        h.call("SET", "int", "12345")
        h.call("LPUSH", "list", "x")
        h.call("PFADD", "ok", "a")
        XCTAssertEqual(h.call("PFADD", "str", "a"), notHLL)
        XCTAssertEqual(h.call("PFCOUNT", "int"), notHLL)
        XCTAssertEqual(h.call("PFCOUNT", "ok", "str"), notHLL)
        XCTAssertEqual(h.call("PFADD", "list", "a"), wrongType)
        XCTAssertEqual(h.call("PFMERGE", "ok", "list"), wrongType)
        XCTAssertEqual(h.call("PFDEBUG", "GETREG", "nokey"), .error(Array("ERR The specified key does not exist".utf8)))
        XCTAssertEqual(h.call("PFDEBUG", "nope", "ok"), .error(Array("ERR Unknown PFDEBUG subcommand 'nope'".utf8)))
        // Encoding byte past 1, a dense string of the wrong length.
        set(h, "enc", header(sparse: false, cache: [UInt8](repeating: 0, count: 8)).enumerated().map { $0 == 4 ? 2 : $1 })
        XCTAssertEqual(h.call("PFCOUNT", "enc"), notHLL)
        set(h, "short", header(sparse: false, cache: [UInt8](repeating: 0, count: 8)) + [0, 0])
        XCTAssertEqual(h.call("PFADD", "short", "a"), notHLL)
        // Sparse opcodes that cover 16383 registers instead of 16384.
        set(h, "bad", header(sparse: true, cache: [0, 0, 0, 0, 0, 0, 0, 0x80]) + [0x7F, 0xFE])
        XCTAssertEqual(h.call("PFCOUNT", "bad"), corrupt)
        XCTAssertEqual(h.call("PFCOUNT", "bad", "ok"), corrupt)
        XCTAssertEqual(h.call("PFMERGE", "ok", "bad"), corrupt)
        XCTAssertEqual(h.call("PFDEBUG", "TODENSE", "bad"), corrupt)
        XCTAssertEqual(h.call("PFDEBUG", "DECODE", "bad"), .bulkString(Array("Z:16383".utf8)))
        // Every register at 63: the estimate overflows llroundl, as in Redis.
        set(h, "full", header(sparse: false, cache: [0, 0, 0, 0, 0, 0, 0, 0x80]) + [UInt8](repeating: 0xFF, count: 12288))
        XCTAssertEqual(h.call("PFCOUNT", "full"), .integer(Int64.min))
    }

    func testCountingWritesTheCacheAndTouchesWatchers() throws {
        let h = try Harness()
        h.call("PFADD", "k", "a", "b")
        let other = h.newClient()
        XCTAssertEqual(h.call("WATCH", "k", on: other), .ok)
        XCTAssertEqual(h.call("MULTI", on: other), .ok)
        let dirty = h.server.dirty
        XCTAssertEqual(h.call("PFCOUNT", "k"), .integer(2))
        XCTAssertEqual(h.server.dirty, dirty + 1)
        XCTAssertEqual(h.call("PFCOUNT", "k"), .integer(2))
        XCTAssertEqual(h.server.dirty, dirty + 1, "a valid cache is not a change")
        h.call("PING", on: other)
        XCTAssertEqual(h.call("EXEC", on: other), .array(nil))
        // PFADD counts one change per register raised.
        let before = h.server.dirty
        h.call("PFADD", "k", "c", "d", "a")
        XCTAssertEqual(h.server.dirty, before + 2)
    }

    func testMurmurHash64AVectors() {
        // "a" lands where redis-server's PFDEBUG DECODE puts it (register 12711, run 2).
        func hash(_ s: String) -> UInt64 { Array(s.utf8).withUnsafeBytes { HLL.murmurHash64A($0, seed: HLL.seed) } }
        XCTAssertEqual(hash(""), 0xd8df_ea65_85bc_9732)
        XCTAssertEqual(hash("a"), 0x53d2_470a_9b43_b1a7)
        XCTAssertEqual(hash("abcdefgh"), 0xf3a6_5df5_5991_4567)
        XCTAssertEqual(hash("hello world, murmur"), 0x6e0c_06c6_f7c9_dc98)
        let (index, count) = Array("a".utf8).withUnsafeBytes { HLL.patternLength($0) }
        XCTAssertEqual(index, 12711)
        XCTAssertEqual(count, 2)
    }

    /// Redis 7.0.15 writes past the end of a sparse HLL whose opcodes stop
    /// short of the register being set (CVE-2025-32023); the fixed releases,
    /// like Vigil, report the value as corrupt instead.
    func testShortSparseHLLIsCorruptNotOverrun() throws {
        let h = try Harness()
        set(h, "k", header(sparse: true, cache: [0, 0, 0, 0, 0, 0, 0, 0x80]) + [0x7F])
        XCTAssertEqual(h.call("PFDEBUG", "DECODE", "k"), .bulkString(Array("Z:16129".utf8)))
        // c3-0 raises a register the opcodes cover; one of the others hashes past them.
        XCTAssertEqual(h.call(args: ["PFADD", "k"] + (0..<8).map { "c3-\($0)" }),
                       .error(Array("INVALIDOBJ Corrupted HLL object detected".utf8)))
        XCTAssertEqual(h.call("PFCOUNT", "k"), .error(Array("INVALIDOBJ Corrupted HLL object detected".utf8)))
    }

    func testSelfTest() throws {
        #if DEBUG
        throw XCTSkip("PFSELFTEST hashes 20 million elements: run it in release builds")
        #else
        let h = try Harness()
        XCTAssertEqual(h.call("PFSELFTEST"), .ok)
        #endif
    }
}

