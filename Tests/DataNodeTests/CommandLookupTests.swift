import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// The server remembers the last command name it looked up: any spelling,
/// and any name after it, must still resolve as the table says.
final class CommandLookupTests: XCTestCase {
    func testRepeatedAndRespelledNamesRunTheirCommand() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("SET", "k", "v"), .ok)
        XCTAssertEqual(h.call("GET", "k"), .bulkString(Array("v".utf8)))
        XCTAssertEqual(h.call("GET", "k"), .bulkString(Array("v".utf8)))
        XCTAssertEqual(h.call("get", "k"), .bulkString(Array("v".utf8)))
        XCTAssertEqual(h.call("gEt", "k"), .bulkString(Array("v".utf8)))
        XCTAssertEqual(h.call("STRLEN", "k"), .integer(1))
    }

    func testUnknownNameAfterAKnownOneIsRejected() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("PING"), .simpleString(Array("PONG".utf8)))
        XCTAssertEqual(h.rawString("PINGX"), "-ERR unknown command 'PINGX', with args beginning with: \r\n")
        XCTAssertEqual(h.rawString("PIN"), "-ERR unknown command 'PIN', with args beginning with: \r\n")
        XCTAssertEqual(h.call("PING"), .simpleString(Array("PONG".utf8)))
    }
}
