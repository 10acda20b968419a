import Persistence
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// FUNCTION and FCALL through the command path: loading libraries and
/// their errors, FCALL's lookup and flags, LIST/STATS shapes, DUMP/RESTORE
/// policies and what the feed carries.
final class FunctionTests: XCTestCase {
    private func err(_ s: String) -> RESPValue { .error(Array(s.utf8)) }
    private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }

    static let lib1 = "#!lua name=lib1\nredis.register_function('f1', function(keys, args) return {keys[1], args[1]} end)"
    static let roLib = "#!lua name=ro\nredis.register_function{function_name='rf', callback=function() return redis.call('set','x','1') end, flags={'no-writes'}}"

    func testLoadReturnsLibraryNameAndFcallRuns() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("FUNCTION", "LOAD", Self.lib1), bulk("lib1"))
        XCTAssertEqual(h.call("FCALL", "f1", "1", "k", "a"), .array([bulk("k"), bulk("a")]))
    }

    func testFcallFindsFunctionIgnoringCase() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.lib1)
        XCTAssertEqual(h.call("FCALL", "F1", "0"), .array([]))
    }

    func testLoadingExistingLibraryNeedsReplace() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.lib1)
        XCTAssertEqual(h.call("FUNCTION", "LOAD", Self.lib1), err("ERR Library 'lib1' already exists"))
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "REPLACE", Self.lib1), bulk("lib1"))
    }

    func testFunctionNameOwnedByAnotherLibraryIsRefused() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.lib1)
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "#!lua name=lib2\nredis.register_function('f1', function() end)"),
                       err("ERR Function f1 already exists"))
    }

    func testLibraryBodySeesOnlyLoadApi() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "#!lua name=lib2\nreturn redis.call('ping')"),
                       err("ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'"))
    }

    func testLibraryWithoutFunctionsIsRefused() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "#!lua name=empty\n"), err("ERR No functions registered"))
    }

    func testMetadataErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "no metadata"), err("ERR Missing library metadata"))
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "#!lua name=x"), err("ERR Invalid library metadata"))
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "#!js name=x\n"), err("ERR Engine 'js' not found"))
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "#!lua\n"), err("ERR Library name was not given"))
    }

    func testUnknownFlagIsRefused() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("FUNCTION", "LOAD", "#!lua name=l\nredis.register_function{function_name='f', callback=function() end, flags={'bad'}}"),
                       err("ERR Error registering functions: ERR unknown flag given"))
    }

    func testFcallOfUnknownFunction() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("FCALL", "nope", "0"), err("ERR Function not found"))
    }

    func testFcallRoRefusesWritingFunction() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.lib1)
        XCTAssertEqual(h.call("FCALL_RO", "f1", "0"), err("ERR Can not execute a script with write flag using *_ro command."))
    }

    func testNoWritesFunctionCannotWrite() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.roLib)
        XCTAssertEqual(h.call("FCALL", "rf", "0"),
                       err("ERR Write commands are not allowed from read-only scripts. script: rf, on @user_function:2."))
    }

    func testFunctionErrorNamesFunctionAndLine() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", "#!lua name=b\n\nredis.register_function('boom', function() error('bad') end)")
        XCTAssertEqual(h.call("FCALL", "boom", "0"), err("ERR user_function:3: bad script: boom, on @user_function:3."))
    }

    func testListShowsFlagsAndCode() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.roLib)
        let fn: RESPValue = .array([bulk("name"), bulk("rf"), bulk("description"), .nilBulk, bulk("flags"), .array([.simpleString(Array("no-writes".utf8))])])
        XCTAssertEqual(h.call("FUNCTION", "LIST", "WITHCODE"),
                       .array([.array([bulk("library_name"), bulk("ro"), bulk("engine"), bulk("LUA"), bulk("functions"), .array([fn]),
                                       bulk("library_code"), bulk(Self.roLib)])]))
    }

    func testStatsCountsLibrariesAndFunctions() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.lib1)
        XCTAssertEqual(h.call("FUNCTION", "STATS"),
                       .array([bulk("running_script"), .nilBulk, bulk("engines"),
                               .array([bulk("LUA"), .array([bulk("libraries_count"), .integer(1), bulk("functions_count"), .integer(1)])])]))
    }

    func testDeleteAndFlush() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.lib1)
        XCTAssertEqual(h.call("FUNCTION", "DELETE", "nolib"), err("ERR Library not found"))
        XCTAssertEqual(h.call("FUNCTION", "DELETE", "lib1"), .ok)
        XCTAssertEqual(h.call("FCALL", "f1", "0"), err("ERR Function not found"))
        h.call("FUNCTION", "LOAD", Self.lib1)
        XCTAssertEqual(h.call("FUNCTION", "FLUSH"), .ok)
        XCTAssertEqual(h.call("FUNCTION", "LIST"), .array([]))
    }

    func testFlushArgumentErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("FUNCTION", "FLUSH", "bad_arg"), err("ERR FUNCTION FLUSH only supports SYNC|ASYNC option"))
        // The subcommand is echoed as typed.
        XCTAssertEqual(h.call("function", "flush", "sync", "extra_arg"),
                       err("ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP."))
    }

    func testDumpRestoreRoundTrip() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.lib1)
        guard case .bulkString(let payload?) = h.call("FUNCTION", "DUMP") else { return XCTFail("no payload") }
        XCTAssertEqual(payload.first, 0xF5)
        h.call("FUNCTION", "FLUSH")
        XCTAssertEqual(h.call(bytes: [Array("FUNCTION".utf8), Array("RESTORE".utf8), payload]), .ok)
        XCTAssertEqual(h.call("FCALL", "f1", "0"), .array([]))
    }

    func testRestoreAppendRefusesExistingLibrary() throws {
        let h = try Harness()
        h.call("FUNCTION", "LOAD", Self.lib1)
        guard case .bulkString(let payload?) = h.call("FUNCTION", "DUMP") else { return XCTFail("no payload") }
        XCTAssertEqual(h.call(bytes: [Array("FUNCTION".utf8), Array("RESTORE".utf8), payload]), err("ERR Library lib1 already exists"))
        XCTAssertEqual(h.call(bytes: [Array("FUNCTION".utf8), Array("RESTORE".utf8), payload, Array("REPLACE".utf8)]), .ok)
    }

    func testRestoreOfCorruptPayload() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("FUNCTION", "RESTORE", "abc"), err("ERR DUMP payload version or checksum are wrong"))
        XCTAssertEqual(h.call("FUNCTION", "RESTORE", "abc", "bad"),
                       err("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE."))
    }

    func testLoadIsPropagatedVerbatim() throws {
        let h = try Harness()
        var out: [UInt8] = []
        h.server.feed.attach(id: 5) { out += $0 }
        h.call("FUNCTION", "LOAD", Self.lib1)
        h.server.feed.detach(id: 5)
        var want: [UInt8] = []
        PropagationFeed.encode([Array("SELECT".utf8), Array("0".utf8)], into: &want)
        PropagationFeed.encode([Array("FUNCTION".utf8), Array("LOAD".utf8), Array(Self.lib1.utf8)], into: &want)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), String(decoding: want, as: UTF8.self))
    }
}
