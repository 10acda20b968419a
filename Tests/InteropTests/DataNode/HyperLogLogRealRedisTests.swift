import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// HyperLogLog sequences on a real redis-server and on Vigil (in process): identical replies and bytes.
final class HyperLogLogRealRedisTests: XCTestCase {
    /// Seeded PFADD/PFCOUNT/PFMERGE sequences with several hll-sparse-max-bytes
    /// values: every reply and the final bytes of every key must match redis-server,
    /// and values copied from Redis with SET keep evolving identically.
    func testSequencesMatchRealRedis() throws {
        let redis = try StringsRealRedis()
        let h = try Harness()
        var rng = SeededRandom(seed: 0x5EED_4C4C)
        func both(_ args: [[UInt8]], file: StaticString = #filePath, line: UInt = #line) throws {
            let want = try redis.raw(args)
            let got = StringsRealRedis.raw(h, args)
            XCTAssertEqual(String(decoding: got.prefix(200), as: UTF8.self), String(decoding: want.prefix(200), as: UTF8.self),
                           "\(args.map { String(decoding: $0.prefix(40), as: UTF8.self) })", file: file, line: line)
            XCTAssertEqual(got, want, file: file, line: line)
        }
        func cmd(_ s: String...) -> [[UInt8]] { s.map { Array($0.utf8) } }
        try both(cmd("FLUSHALL"))
        for maxBytes in ["3000", "200", "0"] {
            try both(cmd("CONFIG", "SET", "hll-sparse-max-bytes", maxBytes))
            for round in 0..<60 {
                let key = "h\(rng.next() % 12)"
                let n = [1, 3, 20, 100, 400][Int(rng.next() % 5)]
                var args = cmd("PFADD", key)
                for _ in 0..<n { args.append(Array("e\(rng.next() % 100_000)".utf8)) }
                try both(args)
                if round % 4 == 0 { try both(cmd("PFCOUNT", key)) }
                if round % 7 == 0 { try both(cmd("PFCOUNT", key, "h\(rng.next() % 12)", "h\(rng.next() % 12)")) }
                if round % 9 == 0 { try both(cmd("PFMERGE", "m\(rng.next() % 3)", key, "h\(rng.next() % 12)")) }
                if round % 11 == 0 { try both(cmd("PFDEBUG", "ENCODING", key)) }
            }
            for k in (0..<12).map({ "h\($0)" }) + ["m0", "m1", "m2"] {
                try both(cmd("GET", k))
                try both(cmd("PFCOUNT", k))
                try both(cmd("GET", k))
            }
            try both(cmd("PFDEBUG", "DECODE", "h0"))
            try both(cmd("PFDEBUG", "GETREG", "h1"))
        }
        // A value written by Redis, stored with SET, counts and grows the same here.
        try both(cmd("CONFIG", "SET", "hll-sparse-max-bytes", "3000"))
        try both(cmd("PFADD", "src", "x", "y", "z"))
        let copied = try redis.raw(cmd("GET", "src"))
        guard let (value, _) = try ReplyParser().parse(copied), case .bulkString(let b?) = value else { return XCTFail("GET src") }
        XCTAssertEqual(StringsRealRedis.raw(h, [Array("SET".utf8), Array("copy".utf8), b]), Array("+OK\r\n".utf8))
        XCTAssertEqual(try redis.raw([Array("SET".utf8), Array("copy".utf8), b]), Array("+OK\r\n".utf8))
        try both(cmd("PFCOUNT", "copy"))
        try both(cmd("PFADD", "copy", "w", "v"))
        try both(cmd("GET", "copy"))
        // Corrupt and foreign values give the same errors and the same partial updates.
        let corrupt: [[UInt8]] = [
            Array("HYLL".utf8) + [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7F, 0xFE],
            Array("HYLL".utf8) + [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7F, 0xFF, 0x00],
            Array("HYLL".utf8) + [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x40, 0x00, 0xFF, 0x7F, 0xFD],
            Array("HYLL".utf8) + [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80],
            Array("HYLL".utf8) + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80] + [UInt8](repeating: 0xFF, count: 12288),
            Array("HYLL".utf8) + [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x7F, 0xFF],
            Array("HYLL".utf8),
        ]
        for (i, v) in corrupt.enumerated() {
            let key = Array("c\(i)".utf8)
            try both([Array("SET".utf8), key, v])
            try both([Array("PFCOUNT".utf8), key])
            try both([Array("PFADD".utf8), key] + (0..<8).map { Array("c\(i)-\($0)".utf8) })
            try both([Array("PFCOUNT".utf8), key, Array("copy".utf8)])
            try both([Array("PFDEBUG".utf8), Array("DECODE".utf8), key])
            try both([Array("GET".utf8), key])
            try both([Array("PFMERGE".utf8), Array("copy".utf8), key])
            try both([Array("PFDEBUG".utf8), Array("TODENSE".utf8), key])
        }
        try both(cmd("GET", "copy"))
    }
}
