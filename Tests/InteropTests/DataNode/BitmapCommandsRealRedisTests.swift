import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Bitmap commands on a real redis-server and on Vigil (in process): byte-identical replies.
final class BitmapCommandsRealRedisTests: XCTestCase {
    /// A seeded random walk over the bitmap commands, compared byte for byte with redis-server.
    func testRandomBitmapCommandsMatchRealRedis() throws {
        let redis = try StringsRealRedis()
        let h = try Harness()
        var rng = SeededRandom(seed: 20240611)
        let numbers: [String] = ["0", "1", "-1", "7", "8", "-8", "15", "100", "-100", "9223372036854775807", "-9223372036854775808"]
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
        func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        func value() -> [UInt8] {
            switch int(3) {
            case 0: return (0..<int(20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            case 1: return [UInt8](repeating: pick([0, 0xFF]), count: int(40)) + [UInt8(truncatingIfNeeded: rng.next())]
            default: return [UInt8](repeating: 0xFF, count: int(20)) + [UInt8](repeating: 0, count: int(20))
            }
        }
        func num() -> String { int(2) == 0 ? String(int(80) - 40) : pick(numbers) }
        for step in 0..<2500 {
            let key = "k\(int(4))"
            var cmd: [[UInt8]]
            switch int(9) {
            case 0: cmd = [Array("SET".utf8), Array(key.utf8), value()]
            case 1:
                var s = ["BITCOUNT", key]
                if int(5) > 0 { s += [num(), num()] + (int(2) == 0 ? [pick(["BIT", "byte"])] : []) }
                cmd = s.map { Array($0.utf8) }
            case 2:
                var s = ["BITPOS", key, String(int(2))]
                let extra = int(4)
                if extra >= 1 { s.append(num()) }
                if extra >= 2 { s.append(num()) }
                if extra >= 3 { s.append(pick(["BIT", "BYTE"])) }
                cmd = s.map { Array($0.utf8) }
            case 3: cmd = ["SETBIT", key, String(int(160)), String(int(2))].map { Array($0.utf8) }
            case 4: cmd = ["GETBIT", key, String(int(160))].map { Array($0.utf8) }
            case 5:
                var s = [pick(["BITFIELD", "BITFIELD", "BITFIELD_RO"]), key]
                for _ in 0..<(1 + int(4)) {
                    var type = pick(["i", "u"]) + String(1 + int(int(2) == 0 ? 64 : 9))
                    if type == "u64" { type = "u63" }
                    let offset = int(3) == 0 ? "#\(int(10))" : String(int(90))
                    let v = pick([String(int(600) - 300), "9223372036854775807", "-9223372036854775808", String(Int64(bitPattern: rng.next()))])
                    switch int(4) {
                    case 0: s += ["GET", type, offset]
                    case 1: s += ["SET", type, offset, v]
                    case 2: s += ["INCRBY", type, offset, v]
                    default: s += ["OVERFLOW", pick(["WRAP", "SAT", "FAIL"])]
                    }
                }
                cmd = s.map { Array($0.utf8) }
            case 6:
                let op = pick(["AND", "OR", "XOR", "NOT"])
                let sources = op == "NOT" ? 1 : 1 + int(3)
                cmd = (["BITOP", op, "dest"] + (0..<sources).map { _ in "k\(int(5))" }).map { Array($0.utf8) }
            case 7: cmd = [Array("GET".utf8), Array(pick(["dest", key]).utf8)]
            default: cmd = ["APPEND", key, String(int(1000))].map { Array($0.utf8) }
            }
            let expected = try redis.raw(cmd)
            let got = StringsRealRedis.raw(h, cmd)
            if got != expected {
                XCTFail("step \(step) \(cmd.map { String(decoding: $0, as: UTF8.self) }): redis \(String(decoding: expected, as: UTF8.self).debugDescription) vigil \(String(decoding: got, as: UTF8.self).debugDescription)")
                return
            }
        }
    }
}
