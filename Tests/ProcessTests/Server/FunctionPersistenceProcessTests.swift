import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Function libraries survive a restart: through the AOF (appended as the
/// FUNCTION LOAD that created them, and after a rewrite either as FUNCTION
/// LOAD commands or as FUNCTION2 records in the RDB preamble) and through
/// an RDB file written by SAVE.
final class FunctionPersistenceProcessTests: XCTestCase {
    static let library = "#!lua name=persist\nredis.register_function('pf', function(keys, args) return 'kept' end)"

    private func rewriteFinished(_ c: RedisConnection) throws -> Bool {
        guard case .bulkString(let b?) = try c.call("INFO", "persistence") else { return false }
        let text = String(decoding: b, as: UTF8.self)
        return text.contains("aof_rewrite_in_progress:0") && text.contains("aof_rewrites:1") && text.contains("aof_rewrite_scheduled:0")
    }

    private func restartKeepsLibrary(preamble: String, rewrite: Bool) throws {
        let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", preamble]
        let d = try PersistentDirectory("fn-aof-\(preamble)-\(rewrite)")
        let first = try d.startVigil(args)
        let c = try first.connect()
        XCTAssertEqual(try c.call("FUNCTION", "LOAD", Self.library), .bulkString(Array("persist".utf8)))
        if rewrite {
            _ = try c.call("BGREWRITEAOF")
            let deadline = Date().addingTimeInterval(20)
            while try !rewriteFinished(c) && Date() < deadline { usleep(20_000) }
            XCTAssertTrue(try rewriteFinished(c), "rewrite did not finish")
        }
        first.process.terminate()
        let second = try d.startVigil(args)
        XCTAssertEqual(try second.connect().call("FCALL", "pf", "0"), .bulkString(Array("kept".utf8)), second.process.logTail())
    }

    func testAppendedFunctionLoadComesBack() throws {
        try restartKeepsLibrary(preamble: "no", rewrite: false)
    }

    func testRewrittenAOFKeepsLibrary() throws {
        try restartKeepsLibrary(preamble: "no", rewrite: true)
    }

    func testRDBPreambleKeepsLibrary() throws {
        try restartKeepsLibrary(preamble: "yes", rewrite: true)
    }

    func testSavedRDBKeepsLibrary() throws {
        let d = try PersistentDirectory("fn-rdb")
        let first = try d.startVigil([])
        let c = try first.connect()
        XCTAssertEqual(try c.call("FUNCTION", "LOAD", Self.library), .bulkString(Array("persist".utf8)))
        XCTAssertEqual(try c.call("SAVE"), .ok)
        first.process.terminate()
        let second = try d.startVigil([])
        XCTAssertEqual(try second.connect().call("FCALL", "pf", "0"), .bulkString(Array("kept".utf8)), second.process.logTail())
    }
}
