import Foundation
import Glibc
import Protocol
import XCTest
@testable import DataNode
import TestSupport

/// String command scripts on a real redis-server and on Vigil (in process): byte-identical replies.
final class StringCommandsRealRedisTests: XCTestCase {
    /// Every script runs on a real redis-server and on Vigil; replies must be byte-identical.
    func testRepliesMatchRealRedis() throws {
        try StringsRealRedis().assertSameReplies(Self.differentialScripts)
    }

    static let differentialScripts: [[String]] = [
        ["SET", "k", "v", "EX", "10", "EX", "20"], ["SET", "k", "v", "NX", "XX"], ["SET", "k", "v", "KEEPTTL", "PX", "5"],
        ["SET", "k", "v", "EX"], ["SET", "k", "v", "EX", "0"], ["SET", "k", "v", "EX", "x"], ["SET", "k", "v", "PERSIST"],
        ["SET", "k", "v", "EX", "9223372036854775"], ["SET", "k", "v2", "GET"], ["SET", "k", "v3", "NX", "GET"],
        ["SET", "k2", "v", "XX", "GET"], ["SET", "k2", "v", "XX"], ["SETNX", "k", "x"], ["SETNX", "k3", "x"],
        ["SETEX", "k", "0", "v"], ["PSETEX", "k", "x", "v"], ["GETSET", "k", "g"], ["GETDEL", "k"], ["GETDEL", "k"],
        ["GETEX", "k3", "NX"], ["GETEX", "k3", "PERSIST", "EX", "1"], ["GETEX", "k3", "EX", "0"], ["GETEX", "nope", "EX", "x"],
        ["MSET", "a", "1", "b"], ["MSETNX", "a", "1", "b", "2"], ["MSETNX", "a", "1", "c", "2"], ["MGET", "a", "b", "c", "nope"],
        ["APPEND", "a", "23"], ["APPEND", "new", ""], ["STRLEN", "a"], ["GETRANGE", "a", "0", "-1"], ["GETRANGE", "a", "x", "1"],
        ["GETRANGE", "a", "-1", "-3"], ["SUBSTR", "a", "1", "100"], ["SETRANGE", "a", "-1", "x"], ["SETRANGE", "a", "5", "xy"],
        ["GET", "a"], ["SETRANGE", "a", "536870912", "x"], ["SETRANGE", "z", "0", ""],
        ["INCR", "a"], ["SET", "n", "41"], ["INCR", "n"], ["DECRBY", "n", "50"], ["INCRBY", "n", "x"],
        ["DECRBY", "n", "-9223372036854775808"], ["SET", "n", "9223372036854775807"], ["INCR", "n"],
        ["INCRBYFLOAT", "f", "10.5"], ["INCRBYFLOAT", "f", "0.1"], ["INCRBYFLOAT", "f", "1.23e-5"], ["INCRBYFLOAT", "f", "-1e20"],
        ["INCRBYFLOAT", "f", "inf"], ["INCRBYFLOAT", "f", "nan"], ["INCRBYFLOAT", "f", "1e-4940"], ["INCRBYFLOAT", "g", "1.7976931348623157e308"],
        ["INCRBYFLOAT", "g2", "123456789.123456789"], ["INCRBYFLOAT", "g3", "-0.5e-3"],
        ["MSET", "l1", "ohmytext", "l2", "mynewtext"], ["LCS", "l1", "l2"], ["LCS", "l1", "l2", "LEN"],
        ["LCS", "l1", "l2", "IDX", "WITHMATCHLEN"], ["LCS", "l1", "l2", "IDX", "MINMATCHLEN", "3"], ["LCS", "l1", "l2", "IDX", "LEN"],
        ["LCS", "l1", "l2", "MINMATCHLEN"], ["LCS", "l1", "nope", "IDX"],
        ["MSET", "l3", "GTCGTTCGGAATGCCGTTGCTCTGTAAA", "l4", "CGTAAATGTCTGACACAGTGA"], ["LCS", "l3", "l4", "IDX", "WITHMATCHLEN"],
        ["LCS", "l4", "l3"], ["LCS", "l3", "l4", "IDX", "MINMATCHLEN", "2"],
        ["HELLO", "3"], ["GET", "nope"], ["SET", "k9", "v", "NX"], ["SET", "k9", "v", "NX"], ["LCS", "l1", "l2", "IDX"],
        ["MGET", "nope", "k9"], ["HELLO", "2"],
    ]
}
