import ServerKit
import XCTest

/// CLIENT KILL filters and CLIENT PAUSE arguments, read as clientCommand in Redis 7.0.
final class ClientArgumentsTests: XCTestCase {
    private func argv(_ words: String...) -> [[UInt8]] { words.map { Array($0.utf8) } }

    private func killError(_ a: [[UInt8]]) -> String? {
        if case .error(let e) = ClientKillFilter.parse(a, userExists: { $0 == Array("default".utf8) }) {
            return String(decoding: e, as: UTF8.self)
        }
        return nil
    }

    func testOldFormKillsByAddressAndMayKillTheCaller() throws {
        guard case .request(let f) = ClientKillFilter.parse(argv("client", "kill", "1.2.3.4:5"), userExists: { _ in false }) else {
            return XCTFail("old form refused")
        }
        XCTAssertTrue(f.oldForm)
        XCTAssertFalse(f.skipMe)
        XCTAssertTrue(f.matches(id: 9, addr: "1.2.3.4:5", laddr: "x", type: .normal, userMatches: false))
        XCTAssertFalse(f.matches(id: 9, addr: "1.2.3.4:6", laddr: "x", type: .normal, userMatches: false))
    }

    func testFirstBadKillOptionAnswers() {
        XCTAssertEqual(killError(argv("client", "kill", "id", "0", "type", "bogus")), "ERR client-id should be greater than 0")
        XCTAssertEqual(killError(argv("client", "kill", "type", "bogus", "id", "0")), "ERR Unknown client type 'bogus'")
        XCTAssertEqual(killError(argv("client", "kill", "user", "bob", "skipme", "x")), "ERR No such user 'bob'")
        XCTAssertEqual(killError(argv("client", "kill", "skipme", "maybe")), "ERR syntax error")
    }

    func testKillTypeTextStopsAtNul() {
        XCTAssertEqual(killError([Array("client".utf8), Array("kill".utf8), Array("type".utf8), [0x78, 0, 0x79]]),
                       "ERR Unknown client type 'x'")
    }

    func testNewFormFiltersCombine() throws {
        guard case .request(let f) = ClientKillFilter.parse(argv("client", "kill", "TYPE", "Slave", "ID", "7", "USER", "default", "SKIPME", "no"),
                                                            userExists: { $0 == Array("default".utf8) }) else { return XCTFail("refused") }
        XCTAssertFalse(f.skipMe)
        XCTAssertTrue(f.matches(id: 7, addr: "a", laddr: "b", type: .replica, userMatches: true))
        XCTAssertFalse(f.matches(id: 7, addr: "a", laddr: "b", type: .replica, userMatches: false))
        XCTAssertFalse(f.matches(id: 8, addr: "a", laddr: "b", type: .replica, userMatches: true))
        XCTAssertFalse(f.matches(id: 7, addr: "a", laddr: "b", type: .normal, userMatches: true))
    }

    private func pauseError(_ a: [[UInt8]]) -> String? {
        if case .error(let e) = ClientPauseRequest.parse(a) { return String(decoding: e, as: UTF8.self) }
        return nil
    }

    func testPauseChecksModeBeforeTimeout() {
        XCTAssertEqual(pauseError(argv("client", "pause", "x", "foo")), "ERR CLIENT PAUSE mode must be WRITE or ALL")
        XCTAssertEqual(pauseError(argv("client", "pause", "x")), "ERR timeout is not an integer or out of range")
        XCTAssertEqual(pauseError(argv("client", "pause", "-1")), "ERR timeout is negative")
        XCTAssertEqual(pauseError(argv("client", "pause", "1", "all", "x")),
                       "ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.")
    }

    func testPauseWriteModeIsCaseInsensitive() {
        guard case .request(let r) = ClientPauseRequest.parse(argv("client", "pause", "100", "WrItE")) else { return XCTFail("refused") }
        XCTAssertEqual(r.timeoutMs, 100)
        XCTAssertTrue(r.writesOnly)
    }
}
