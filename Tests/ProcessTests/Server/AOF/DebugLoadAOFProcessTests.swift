import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// DEBUG LOADAOF as Redis 7.0's debug.c: the AOF buffer written out, the
/// databases emptied and loaded back from the AOF directory; a server whose
/// AOF can't be loaded back exits with status 1, as Redis does.
final class DebugLoadAOFProcessTests: XCTestCase {
    private let ok = RESPValue.simpleString(Array("OK".utf8))
    private let aof = ["--appendonly", "yes"]

    func testLoadaofKeepsWhatTheAofHoldsAndDropsWhatItDoesNot() throws {
        let d = try PersistentDirectory("debug-loadaof")
        let node = try d.startVigil(aof)
        let c = try node.connect()
        XCTAssertEqual(try c.call("SET", "a", "1"), ok)
        XCTAssertEqual(try c.call("HSET", "h", "f", "v"), .integer(1))
        // DEBUG POPULATE's keys are never propagated: only memory holds them.
        XCTAssertEqual(try c.call("DEBUG", "POPULATE", "5"), ok)
        XCTAssertEqual(try c.call("DBSIZE"), .integer(7))
        XCTAssertEqual(try c.call("DEBUG", "LOADAOF"), ok)
        XCTAssertEqual(try c.call("DBSIZE"), .integer(2))
        XCTAssertEqual(try c.call("HGET", "h", "f"), .bulkString(Array("v".utf8)))
        XCTAssertTrue(node.process.logText.contains("# Append Only File loaded by DEBUG LOADAOF"), node.process.logTail())
    }

    func testLoadaofLeavesNothingToSave() throws {
        let d = try PersistentDirectory("debug-loadaof-dirty")
        let c = try d.startVigil(aof).connect()
        XCTAssertEqual(try c.call("SET", "a", "1"), ok)
        XCTAssertEqual(try c.call("DEBUG", "LOADAOF"), ok)
        guard case .bulkString(let b?) = try c.call("INFO", "persistence") else { return XCTFail("no INFO") }
        XCTAssertTrue(String(decoding: b, as: UTF8.self).contains("rdb_changes_since_last_save:0\r\n"))
    }

    func testLoadaofCountsBaseAndIncrInTheAofSize() throws {
        let d = try PersistentDirectory("debug-loadaof-size")
        let c = try d.startVigil(aof).connect()
        XCTAssertEqual(try c.call("SET", "a", "1"), ok)
        XCTAssertEqual(try c.call("DEBUG", "LOADAOF"), ok)
        let sizes = d.files().filter { $0 != "appendonly.aof.manifest" }
            .reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: d.file($1))[.size] as? Int) ?? 0) }
        guard case .bulkString(let b?) = try c.call("INFO", "persistence") else { return XCTFail("no INFO") }
        XCTAssertTrue(String(decoding: b, as: UTF8.self).contains("aof_current_size:\(sizes)\r\n"), "files hold \(sizes) bytes")
    }

    func testLoadaofItselfIsNotAppendedToTheAof() throws {
        let d = try PersistentDirectory("debug-loadaof-feed")
        let c = try d.startVigil(aof).connect()
        XCTAssertEqual(try c.call("SET", "a", "1"), ok)
        XCTAssertEqual(try c.call("DEBUG", "LOADAOF"), ok)
        XCTAssertEqual(try c.call("SAVE"), ok)
        XCTAssertEqual(try c.call("SET", "b", "2"), ok)
        // It reset the dirty counter: no write to replay (replayed, it would reload in a loop).
        let incr = String(decoding: d.read("appendonly.aof.1.incr.aof") ?? [], as: UTF8.self)
        XCTAssertFalse(incr.contains("DEBUG"), incr)
        XCTAssertFalse(incr.contains("SAVE"), incr)
        XCTAssertTrue(incr.hasSuffix("*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n"), incr)
    }

    func testLoadaofWithTheAofOffExits() throws {
        let d = try PersistentDirectory("debug-loadaof-off")
        let node = try d.startVigil([])
        let c = try node.connect()
        XCTAssertEqual(try c.call("SET", "a", "1"), ok)
        // Nothing to load back: the server goes, as Redis 7.0.15 does.
        XCTAssertNotEqual(try? c.call("DEBUG", "LOADAOF"), ok)
        XCTAssertEqual(d.waitForExit(node), 1)
    }
}
