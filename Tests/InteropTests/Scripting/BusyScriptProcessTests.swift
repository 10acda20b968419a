import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// A script that loops forever in a real vigil-server process: past
/// busy-reply-threshold other clients get -BUSY, SCRIPT KILL stops a
/// read-only script, a writing one is unkillable and SHUTDOWN NOSAVE ends
/// the server. The same conversation runs against redis-server first.
final class BusyScriptProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func err(_ s: String) -> RESPValue { .error(Array(s.utf8)) }

    /// Waits until `probe` answers -BUSY (the script passed the threshold).
    private func waitForBusy(_ probe: RedisConnection) throws -> RESPValue {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let r = try probe.call("PING")
            if case .error = r { return r }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try probe.call("PING")
    }

    private func killConversation(port: Int) throws {
        let runner = try ProcessFixture.connect(port, ioTimeoutMs: 30_000)
        let other = try ProcessFixture.connect(port)
        try runner.send(["EVAL", "local i = 0 while true do i = i + 1 end", "0"])
        XCTAssertEqual(try waitForBusy(other), err("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."))
        XCTAssertEqual(try other.call("GET", "k"), err("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."))
        XCTAssertEqual(try other.call("FUNCTION", "KILL"), err("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."))
        XCTAssertEqual(try other.call("SCRIPT", "KILL"), .ok)
        guard case .error(let e) = try runner.readReply() else { return XCTFail("the killed script's caller got no error") }
        XCTAssertTrue(String(decoding: e, as: UTF8.self).hasPrefix("ERR Script killed by user with SCRIPT KILL... script: "))
        XCTAssertEqual(try other.call("PING"), .simpleString(Array("PONG".utf8)))
        XCTAssertEqual(try runner.call("PING"), .simpleString(Array("PONG".utf8)))
    }

    func testScriptKillStopsLoopingReadOnlyScript() throws {
        if let redis = try fixture.optionalRedis(["--busy-reply-threshold", "100"], purpose: "the BUSY conversation on redis-server") {
            try killConversation(port: redis.port)
        }
        let vigil = try fixture.startVigil(["--busy-reply-threshold", "100"])
        try killConversation(port: vigil.port)
    }

    private func exits(_ p: ProcessFixture.Started, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while p.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return !p.process.isRunning
    }

    private func unkillableConversation(port: Int) throws -> RedisConnection {
        let runner = try ProcessFixture.connect(port, ioTimeoutMs: 30_000)
        let other = try ProcessFixture.connect(port)
        try runner.send(["EVAL", "redis.call('set','w','1') while true do end", "0"])
        _ = try waitForBusy(other)
        XCTAssertEqual(try other.call("SCRIPT", "KILL"), err("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command."))
        XCTAssertEqual(try other.call("SHUTDOWN"), err("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."))
        try other.send(["SHUTDOWN", "NOSAVE"])
        return other
    }

    func testWritingScriptIsUnkillableButShutdownNosaveEndsServer() throws {
        if let redis = try fixture.optionalRedis(["--busy-reply-threshold", "100"], purpose: "the UNKILLABLE conversation on redis-server") {
            _ = try unkillableConversation(port: redis.port)
            XCTAssertTrue(exits(redis, within: 10), "redis-server did not exit on SHUTDOWN NOSAVE")
        }
        let vigil = try fixture.startVigil(["--busy-reply-threshold", "100"])
        _ = try unkillableConversation(port: vigil.port)
        XCTAssertTrue(exits(vigil, within: 10), "vigil-server did not exit on SHUTDOWN NOSAVE")
    }
}
