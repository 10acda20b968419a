import Protocol
import XCTest
@testable import DataNode
import TestSupport

/// The same script against Vigil (in process) and a real redis-server,
/// comparing decoded replies (bulk vs simple string, null kinds, integers and
/// error texts all count). Replies whose order Redis leaves to its hash
/// table are compared sorted; time-dependent ones are avoided.
final class KeyCommandsDifferentialTests: XCTestCase {
    enum Compare { case exact, sorted, sortedScan, skip }

    func testRepliesMatchRealRedis() throws {
        let redis = try ConfigRealRedis()
        let h = try Harness()
        let x50 = String(repeating: "x", count: 50)
        var script: [([String], Compare)] = [
            (["SET", "a", "1"], .exact), (["SET", "s", "hello"], .exact), (["SET", "big", x50], .exact),
            (["SET", "n", "-7"], .exact), (["SET", "e", "v"], .exact),
            // DEL/UNLINK/EXISTS/TOUCH/TYPE
            (["EXISTS", "a", "a", "nokey", "s"], .exact), (["EXISTS"], .exact), (["TOUCH", "big", "nokey", "big"], .exact),
            (["TYPE", "a"], .exact), (["TYPE", "nokey"], .exact), (["TYPE"], .exact),
            (["DEL", "e", "e", "nokey"], .exact), (["UNLINK", "nokey"], .exact), (["DEL"], .exact), (["UNLINK"], .exact),
            // RENAME/RENAMENX
            (["RENAME", "nokey", "x"], .exact), (["RENAMENX", "nokey", "x"], .exact), (["RENAME", "a", "a"], .exact),
            (["RENAMENX", "a", "a"], .exact), (["RENAMENX", "a", "s"], .exact), (["RENAME", "a", "a2"], .exact),
            (["RENAME", "a2", "a"], .exact), (["RENAMENX", "a", "fresh"], .exact), (["RENAME", "fresh", "a"], .exact),
            (["RENAME", "a"], .exact),
            // MOVE
            (["MOVE", "a", "0"], .exact), (["MOVE", "a", "16"], .exact), (["MOVE", "a", "-1"], .exact),
            (["MOVE", "a", "abc"], .exact), (["MOVE", "a", "99999999999"], .exact), (["MOVE", "a", "2147483648"], .exact),
            (["MOVE", "a", "-2147483649"], .exact), (["MOVE", "nokey", "1"], .exact), (["MOVE", "n", "1"], .exact),
            (["MOVE", "n", "1"], .exact), (["SET", "n", "here"], .exact), (["MOVE", "n", "1"], .exact),
            // COPY
            (["COPY", "a", "a"], .exact), (["COPY", "a", "b", "DB", "abc"], .exact), (["COPY", "a", "b", "DB", "99"], .exact),
            (["COPY", "a", "b", "DB", "-1"], .exact), (["COPY", "a", "b", "DB", "2147483648"], .exact),
            (["COPY", "a", "b", "DB"], .exact), (["COPY", "a", "b", "foo"], .exact), (["COPY", "a", "b", "REPLACE", "foo"], .exact),
            (["COPY", "nokey", "b"], .exact), (["COPY", "a", "b"], .exact), (["COPY", "a", "b"], .exact),
            (["COPY", "s", "b", "REPLACE"], .exact), (["GET", "b"], .exact), (["COPY", "a", "a", "DB", "0"], .exact),
            (["COPY", "a", "a", "DB", "3", "DB", "4"], .exact), (["COPY", "a", "c", "replace", "replace", "db", "0"], .exact),
            // EXPIRE family
            (["EXPIRE", "big", "abc"], .exact), (["EXPIRE", "big", "1", "nx", "xx"], .exact), (["EXPIRE", "big", "1", "gt", "lt"], .exact),
            (["EXPIRE", "big", "1", "nx", "gt"], .exact), (["EXPIRE", "big", "1", "xx", "lt", "nx"], .exact),
            (["EXPIRE", "big", "1", "foo"], .exact), (["EXPIRE", "big", "abc", "foo"], .exact), (["EXPIRE", "big", "abc", "nx", "xx"], .exact),
            (["EXPIRE", "big", "9223372036854775807"], .exact), (["EXPIRE", "big", "-9223372036854775808"], .exact),
            (["EXPIRE", "big", "9223372036854774"], .exact), (["PEXPIRE", "big", "9223372036854775807"], .exact),
            (["EXPIREAT", "big", "9223372036854775807"], .exact), (["PEXPIREAT", "big", "9223372036854775807"], .exact),
            (["EXPIRETIME", "big"], .exact), (["PEXPIRETIME", "big"], .exact), (["PERSIST", "big"], .exact),
            (["PERSIST", "big"], .exact), (["PERSIST", "nokey"], .exact), (["TTL", "big"], .exact), (["PTTL", "big"], .exact),
            (["TTL", "nokey"], .exact), (["PTTL", "nokey"], .exact), (["EXPIRETIME", "nokey"], .exact), (["PEXPIRETIME", "nokey"], .exact),
            (["EXPIREAT", "big", "99999999999", "XX"], .exact), (["EXPIREAT", "big", "99999999999", "GT"], .exact),
            (["EXPIREAT", "big", "99999999999", "NX"], .exact), (["EXPIREAT", "big", "99999999999", "LT"], .exact),
            (["EXPIRETIME", "big"], .exact), (["EXPIREAT", "big", "99999999998", "GT"], .exact),
            (["EXPIREAT", "big", "99999999999", "GT"], .exact), (["EXPIREAT", "big", "99999999998", "LT"], .exact),
            (["PEXPIRETIME", "big"], .exact), (["PEXPIREAT", "big", "99999999998501", "XX", "GT"], .exact),
            (["EXPIRETIME", "big"], .exact), (["PEXPIREAT", "big", "99999999998499"], .exact), (["EXPIRETIME", "big"], .exact),
            (["EXPIRE", "s", "100"], .exact), (["TTL", "s"], .exact), (["EXPIRE", "s", "-1"], .exact), (["EXISTS", "s"], .exact),
            (["SET", "s", "hello"], .exact), (["PEXPIREAT", "s", "1"], .exact), (["TYPE", "s"], .exact),
            (["EXPIRE", "nokey", "10"], .exact), (["EXPIRE", "a"], .exact), (["TTL"], .exact),
            // RENAME and COPY carry the TTL.
            (["SET", "t", "v"], .exact), (["PEXPIREAT", "t", "99999999999123"], .exact), (["RENAME", "t", "t2"], .exact),
            (["PEXPIRETIME", "t2"], .exact), (["COPY", "t2", "t3"], .exact), (["PEXPIRETIME", "t3"], .exact),
            (["MOVE", "t3", "5"], .exact), (["SELECT", "5"], .exact), (["PEXPIRETIME", "t3"], .exact),
            (["RANDOMKEY"], .exact), (["SELECT", "6"], .exact), (["RANDOMKEY"], .exact), (["SELECT", "0"], .exact),
            (["RENAME", "t2", "big"], .exact), (["PEXPIRETIME", "big"], .exact), (["RENAME", "c", "big"], .exact),
            (["PEXPIRETIME", "big"], .exact),
            // KEYS and SCAN
            (["MSET", "user:1", "a", "user:2", "b", "user:10", "c", "item:1", "d", "h[x]", "e"], .exact),
            (["KEYS", "*"], .sorted), (["KEYS", "user:?"], .sorted), (["KEYS", "user:*"], .sorted), (["KEYS", "h\\[x\\]"], .sorted),
            (["KEYS", "[a-j]*"], .sorted), (["KEYS", "nomatch"], .exact), (["KEYS"], .exact),
            (["SCAN", "0", "COUNT", "1000"], .sortedScan), (["SCAN", "0", "MATCH", "user:*", "COUNT", "1000"], .sortedScan),
            (["SCAN", "0", "TYPE", "string", "COUNT", "1000"], .sortedScan), (["SCAN", "0", "TYPE", "STRING", "COUNT", "1000"], .sortedScan),
            (["SCAN", "0", "TYPE", "hash", "COUNT", "1000"], .sortedScan), (["SCAN", "0", "MATCH", "*", "COUNT", "1000"], .sortedScan),
            (["SCAN", "abc"], .exact), (["SCAN", " 1"], .exact), (["SCAN", "1 "], .exact), (["SCAN", "18446744073709551616"], .exact),
            (["SCAN", "0", "COUNT", "0"], .exact), (["SCAN", "0", "COUNT", "-5"], .exact), (["SCAN", "0", "COUNT", "x"], .exact),
            (["SCAN", "0", "COUNT", "9223372036854775808"], .exact), (["SCAN", "0", "MATCH"], .exact), (["SCAN", "0", "TYPE"], .exact),
            (["SCAN", "0", "foo", "bar"], .exact), (["SCAN", "x", "COUNT", "0"], .exact), (["SCAN"], .exact),
            // OBJECT
            (["OBJECT", "HELP"], .exact), (["OBJECT", "help", "x"], .exact), (["OBJECT"], .exact), (["OBJECT", "foo"], .exact),
            (["OBJECT", "foo", "bar"], .exact), (["OBJECT", "ENCODING"], .exact), (["OBJECT", "ENCODING", "a", "b"], .exact),
            (["OBJECT", "ENCODING", "a"], .exact), (["OBJECT", "ENCODING", "user:1"], .exact), (["OBJECT", "ENCODING", "big"], .exact),
            (["OBJECT", "ENCODING", "nokey"], .exact), (["OBJECT", "REFCOUNT", "a"], .exact), (["OBJECT", "REFCOUNT", "user:1"], .exact),
            (["OBJECT", "REFCOUNT", "nokey"], .exact), (["OBJECT", "IDLETIME", "nokey"], .exact), (["OBJECT", "FREQ", "nokey"], .exact),
            (["OBJECT", "FREQ", "a"], .exact),
            (["SET", "i9999", "9999"], .exact), (["OBJECT", "REFCOUNT", "i9999"], .exact),
            (["SET", "i10000", "10000"], .exact), (["OBJECT", "REFCOUNT", "i10000"], .exact),
            (["SET", "i0", "0"], .exact), (["OBJECT", "REFCOUNT", "i0"], .exact), (["OBJECT", "REFCOUNT", "n"], .exact),
        ]
        script += [
            (["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"], .exact), (["OBJECT", "FREQ", "nokey"], .exact),
            (["SET", "f", "v"], .exact), (["OBJECT", "FREQ", "f"], .exact), (["OBJECT", "IDLETIME", "f"], .exact),
            (["GET", "f"], .exact), (["OBJECT", "FREQ", "f"], .exact),
            (["CONFIG", "SET", "maxmemory-policy", "noeviction"], .exact), (["OBJECT", "FREQ", "f"], .exact),
            (["HELLO", "3"], .skip), (["OBJECT", "ENCODING", "nokey"], .exact), (["TYPE", "nokey"], .exact),
            (["SCAN", "0", "MATCH", "user:1*", "COUNT", "1000"], .sortedScan), (["RANDOMKEY"], .skip),
        ]
        for (args, mode) in script {
            let mine = h.call(args: args)
            let theirs = try redis.call(args)
            switch mode {
            case .skip: continue
            case .exact: XCTAssertEqual(mine, theirs, "\(args)")
            case .sorted: XCTAssertEqual(sortedArray(mine), sortedArray(theirs), "\(args)")
            case .sortedScan:
                let m = mine.elements ?? [], t = theirs.elements ?? []
                XCTAssertEqual(m.count, 2, "\(args): \(mine)")
                XCTAssertEqual(t.count, 2, "\(args): \(theirs)")
                guard m.count == 2, t.count == 2 else { continue }
                XCTAssertEqual(m[0], t[0], "\(args) cursor")
                XCTAssertEqual(sortedArray(m[1]), sortedArray(t[1]), "\(args)")
            }
        }
    }

    func sortedArray(_ v: RESPValue) -> RESPValue {
        guard case .array(let a?) = v else { return v }
        return .array(a.sorted { ($0.bytes ?? []).lexicographicallyPrecedes($1.bytes ?? []) })
    }
}
