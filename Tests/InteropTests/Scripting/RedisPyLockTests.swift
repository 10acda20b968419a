import Foundation
import Deployment
import TestSupport
import XCTest

/// redis-py's Lock, whose acquire is SET NX PX and whose release, extend and
/// reacquire are Lua scripts run with EVALSHA (after SCRIPT LOAD or a
/// NOSCRIPT fallback), against vigil-server. The script is first run against
/// redis-server, so a failure is Vigil's.
final class RedisPyLockTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testRedisPyLockAcquireExtendReleaseAndTakeover() throws {
        let python = try Interop.tool("python3", purpose: "redis-py's Lock against vigil-server")
        let probe = try ToolRun.run(python, ["-c", "import redis; print(redis.__version__)"], timeout: 30)
        if probe.status != 0 {
            throw Interop.unavailable("python3 cannot `import redis` (pip install redis): \(probe.stderr)")
        }
        let dir = try makeScratchDirectory("redispy-lock")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/lock.py"
        try Self.lockScript.write(toFile: script, atomically: true, encoding: .utf8)
        if let redis = try fixture.optionalRedis(purpose: "checking the Lock script against redis-server") {
            let ref = try ToolRun.run(python, [script, String(redis.port)], timeout: 60)
            XCTAssertEqual(ref.status, 0, "the Lock script fails against redis-server itself:\n\(ref.stdout)\n\(ref.stderr)")
        }
        let vigil = try fixture.startVigil()
        let run = try ToolRun.run(python, [script, String(vigil.port)], timeout: 60)
        XCTAssertEqual(run.status, 0, "redis-py Lock against vigil-server:\n\(run.stdout)\n\(run.stderr)")
        XCTAssertTrue(run.stdout.contains("ALL OK"), run.stdout)
    }

    static let lockScript = #"""
import sys
import redis
from redis.exceptions import LockNotOwnedError

port = int(sys.argv[1])

def check(name, got, want):
    if got != want:
        raise AssertionError(f"{name}: got {got!r}, want {want!r}")
    print(f"ok {name}")

r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=10)
r.flushall()
r.script_flush()

lock = r.lock("py:lock", timeout=10)
check("acquire", lock.acquire(blocking=False), True)
check("owned", lock.owned(), True)
check("second acquire fails", r.lock("py:lock", timeout=10).acquire(blocking=False), False)
check("ttl set", 0 < r.pttl("py:lock") <= 10000, True)
check("extend", lock.extend(20), True)
check("extended ttl", 10000 < r.pttl("py:lock") <= 30000, True)
check("extend replace", lock.extend(5, replace_ttl=True), True)
check("replaced ttl", 0 < r.pttl("py:lock") <= 5000, True)
check("reacquire", lock.reacquire(), True)
lock.release()
check("released", r.exists("py:lock"), 0)

# A lock whose key was taken over by another owner: release must not delete it.
lock = r.lock("py:lock", timeout=10)
check("acquire again", lock.acquire(blocking=False), True)
r.set("py:lock", "someone-else")
try:
    lock.release()
    raise AssertionError("release of a lock taken over did not fail")
except LockNotOwnedError:
    print("ok release of taken-over lock raises LockNotOwnedError")
check("other owner's value kept", r.get("py:lock"), "someone-else")
r.delete("py:lock")
lock = r.lock("py:lock", timeout=10)
check("acquire for extend", lock.acquire(blocking=False), True)
r.set("py:lock", "someone-else")
try:
    lock.extend(10)
    raise AssertionError("extend of a lock taken over did not fail")
except LockNotOwnedError:
    print("ok extend of taken-over lock raises LockNotOwnedError")

# Scripts registered before a SCRIPT FLUSH come back through EVALSHA's NOSCRIPT fallback.
r.delete("py:lock")
r.script_flush()
lock = r.lock("py:lock2", timeout=10)
check("acquire after flush", lock.acquire(blocking=False), True)
lock.release()
check("released after flush", r.exists("py:lock2"), 0)
print("ALL OK")
"""#
}
