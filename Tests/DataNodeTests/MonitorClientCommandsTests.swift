import Foundation
import TestSupport
import XCTest
@testable import DataNode

/// What a client in MONITOR mode may still send (redis-server 7.0.15: a
/// monitor is a replica, kept away from the keyspace).
final class MonitorClientCommandsTests: XCTestCase {
    private let keyspaceRefusal = "-ERR Replica can't interact with the keyspace\r\n"

    private func monitoring() throws -> (Harness, monitor: Client) {
        let h = try Harness()
        let m = h.newClient()
        XCTAssertEqual(h.raw(["MONITOR"], on: m), Array("+OK\r\n".utf8))
        return (h, m)
    }

    private func reply(_ h: Harness, _ args: String..., on c: Client) -> String {
        String(decoding: h.raw(args, on: c), as: UTF8.self)
    }

    /// `+<sec>.<usec> [db addr]` varies; the rest of each line is compared.
    private func withoutTimestamps(_ s: String) -> String {
        s.replacingOccurrences(of: #"\+[0-9]+\.[0-9]{6} \[([0-9]+) [^\]]*\]"#, with: "+TS [$1]", options: .regularExpression)
    }

    func testKeyspaceCommandsFromMonitorAreRefusedAndNotFed() throws {
        let (h, m) = try monitoring()
        h.call("SET", "k", "v")
        for args in [["GET", "k"], ["SET", "x", "1"], ["DBSIZE"], ["KEYS", "*"], ["SCAN", "0"], ["UNLINK", "k"], ["PUBLISH", "ch", "x"]] {
            XCTAssertEqual(String(decoding: h.raw(args, on: m), as: UTF8.self), keyspaceRefusal, "\(args)")
        }
        XCTAssertEqual(h.call("GET", "k"), .bulkString(Array("v".utf8)))
        guard case .bulkString(let stats?) = h.call("INFO", "commandstats") else { return XCTFail("INFO shape") }
        XCTAssertTrue(String(decoding: stats, as: UTF8.self).contains("cmdstat_dbsize:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"))
    }

    /// EVAL and FCALL are skip_monitor but feed themselves first, so that the
    /// commands a script runs show after it (from the "lua" client).
    func testScriptIsFedBeforeTheCommandsItRuns() throws {
        let (h, m) = try monitoring()
        m.out.bytes.removeAll()
        _ = h.raw(["EVAL", "redis.call('set','k','v') return 1", "0"])
        XCTAssertEqual(withoutTimestamps(String(decoding: m.out.bytes, as: UTF8.self)),
                       "+TS [0] \"EVAL\" \"redis.call('set','k','v') return 1\" \"0\"\r\n+TS [0] \"set\" \"k\" \"v\"\r\n")
    }

    func testConnectionCommandsFromMonitorAreAnsweredAndFed() throws {
        let (h, m) = try monitoring()
        XCTAssertEqual(withoutTimestamps(reply(h, "PING", on: m)), "+PONG\r\n+TS [0] \"PING\"\r\n")
        XCTAssertEqual(withoutTimestamps(reply(h, "ECHO", "hi", on: m)), "$2\r\nhi\r\n+TS [0] \"ECHO\" \"hi\"\r\n")
        XCTAssertEqual(withoutTimestamps(reply(h, "SELECT", "2", on: m)), "+OK\r\n+TS [2] \"SELECT\" \"2\"\r\n")
    }

    func testRefusedReadInsideMonitorTransactionAbortsExec() throws {
        let (h, m) = try monitoring()
        XCTAssertEqual(withoutTimestamps(reply(h, "MULTI", on: m)), "+OK\r\n+TS [0] \"MULTI\"\r\n")
        XCTAssertEqual(reply(h, "GET", "k", on: m), keyspaceRefusal)
        XCTAssertEqual(reply(h, "PING", on: m), "+QUEUED\r\n")
        XCTAssertEqual(withoutTimestamps(reply(h, "EXEC", on: m)),
                       "-EXECABORT Transaction discarded because of previous errors.\r\n+TS [0] \"EXEC\"\r\n")
    }

    func testSubscribedMonitorGetsThePubsubContextErrorFirst() throws {
        let (h, m) = try monitoring()
        _ = h.raw(["SUBSCRIBE", "c"], on: m)
        XCTAssertEqual(reply(h, "GET", "k", on: m),
                       "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
    }

    func testMonitorQuittingSeesNoFeedOfItsOwnQuit() throws {
        let (h, m) = try monitoring()
        let other = h.newClient()
        XCTAssertEqual(reply(h, "MONITOR", on: other), "+OK\r\n")
        XCTAssertEqual(reply(h, "QUIT", on: m), "+OK\r\n")
        XCTAssertEqual(withoutTimestamps(String(decoding: other.out.bytes, as: UTF8.self)), "+TS [0] \"QUIT\"\r\n")
    }

    func testResetEndsMonitoring() throws {
        let (h, m) = try monitoring()
        XCTAssertEqual(reply(h, "RESET", on: m), "+RESET\r\n")
        XCTAssertEqual(reply(h, "GET", "k", on: m), "$-1\r\n")
    }
}
