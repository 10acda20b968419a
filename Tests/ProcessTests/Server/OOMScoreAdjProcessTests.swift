import Foundation
import Glibc
import RESPClient
import Deployment
import TestSupport
import XCTest

/// oom-score-adj on the running process, as redis-server 7.0.15 sets it:
/// /proc/<pid>/oom_score_adj follows the role (master, replica), the mode
/// (relative to the value found first, or absolute) and goes back when the
/// setting is turned off; a BGSAVE child takes the third value.
final class OOMScoreAdjProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func score(_ pid: Int32) throws -> Int {
        let text = try String(contentsOfFile: "/proc/\(pid)/oom_score_adj", encoding: .utf8)
        return try XCTUnwrap(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    private func setScore(_ pid: Int32, _ v: Int) throws {
        try "\(v)\n".write(toFile: "/proc/\(pid)/oom_score_adj", atomically: false, encoding: .utf8)
    }

    /// The values a server's process holds through one sequence of CONFIG SET and REPLICAOF.
    private func scores(_ s: ProcessFixture.Started) throws -> [Int] {
        let pid = s.process.pid
        let c = try ProcessFixture.connect(s.port)
        try setScore(pid, 22)
        var seen: [Int] = []
        XCTAssertEqual(try c.call("CONFIG", "SET", "oom-score-adj-values", "10 20 30", "oom-score-adj", "yes"), .simple("OK"))
        seen.append(try score(pid))
        // A master nobody listens on: only the role matters.
        XCTAssertEqual(try c.call("REPLICAOF", "127.0.0.1", String(Ports.free())), .simple("OK"))
        seen.append(try score(pid))
        XCTAssertEqual(try c.call("REPLICAOF", "NO", "ONE"), .simple("OK"))
        seen.append(try score(pid))
        XCTAssertEqual(try c.call("CONFIG", "SET", "oom-score-adj", "absolute"), .simple("OK"))
        seen.append(try score(pid))
        XCTAssertEqual(try c.call("CONFIG", "SET", "oom-score-adj", "no"), .simple("OK"))
        seen.append(try score(pid))
        // Off: new values leave the process alone.
        XCTAssertEqual(try c.call("CONFIG", "SET", "oom-score-adj-values", "1 2 3"), .simple("OK"))
        seen.append(try score(pid))
        return seen
    }

    func testScoreFollowsRoleAndModeAndIsRestoredWhenTurnedOff() throws {
        let vigil = try scores(try fixture.startVigil())
        XCTAssertEqual(vigil, [32, 42, 32, 10, 22, 22])
        if let redis = try fixture.optionalRedis(purpose: "oom-score-adj on redis-server") {
            XCTAssertEqual(vigil, try scores(redis))
        }
    }

    func testBackgroundSaveChildTakesTheChildValue() throws {
        let s = try fixture.startVigil(["--rdb-key-save-delay", "1000000"])
        let c = try ProcessFixture.connect(s.port)
        let base = try score(s.process.pid)
        XCTAssertEqual(try c.call("SET", "k", "v"), .simple("OK"))
        XCTAssertEqual(try c.call("CONFIG", "SET", "oom-score-adj-values", "0 10 30", "oom-score-adj", "relative"), .simple("OK"))
        XCTAssertEqual(try c.call("BGSAVE"), .simple("Background saving started"))
        let children = "/proc/\(s.process.pid)/task/\(s.process.pid)/children"
        var child: Int32?
        var childScore: Int?
        let deadline = Date().addingTimeInterval(10)
        // The child sets its value right after fork: wait for it to show.
        while Date() < deadline {
            let text = (try? String(contentsOfFile: children, encoding: .utf8)) ?? ""
            child = text.split(separator: " ").first.flatMap { Int32($0) }
            if let pid = child, let v = try? score(pid), v == base + 30 { childScore = v; break }
            usleep(10_000)
        }
        XCTAssertNotNil(child, "no BGSAVE child")
        XCTAssertEqual(childScore, base + 30)
        XCTAssertEqual(try score(s.process.pid), base, "the master keeps its own value")
    }
}
