import Deployment
import Foundation
import XCTest

/// The interop policy, in one place. Tests that need a real peer (redis-server,
/// redis-sentinel, redis-cli, redis-benchmark, python's redis, a file the Debian
/// package ships) skip with a message saying what is missing; with
/// VIGIL_REQUIRE_INTEROP=1 (CI) a peer that is missing, fails to start or drops
/// the connection is a failure instead. Our own binaries are built by the test
/// command, so a missing one is always a failure.
public enum Interop {
    public static var required: Bool { ProcessInfo.processInfo.environment["VIGIL_REQUIRE_INTEROP"] == "1" }

    /// What a test throws when a real peer is not there or let it down:
    /// records a failure first under VIGIL_REQUIRE_INTEROP=1.
    public static func unavailable(_ why: String, file: StaticString = #filePath, line: UInt = #line) -> Error {
        if required {
            XCTFail("\(why) and VIGIL_REQUIRE_INTEROP=1", file: file, line: line)
            return XCTSkip("\(why) (failure recorded)")
        }
        return XCTSkip("\(why): skipped (install redis-server redis-sentinel redis-tools and `pip install redis`, or set VIGIL_REQUIRE_INTEROP=1 to fail instead)")
    }

    /// What this machine does not allow a test (mounting a tmpfs, a cgroup
    /// that stops fork): a skip that says so, even under VIGIL_REQUIRE_INTEROP,
    /// which is about real peers, not about privileges a CI runner may lack.
    public static func machineLacks(_ why: String) -> Error {
        XCTSkip("\(why): skipped (this machine does not allow it)")
    }

    /// A real tool on PATH, or `unavailable`.
    public static func tool(_ name: String, purpose: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        if let path = Executables.onPath(name) { return path }
        throw unavailable("\(name) is not on PATH" + (purpose.map { " (needed for \($0))" } ?? ""), file: file, line: line)
    }

    /// Runs `body` against a real peer; an IO failure talking to it (it
    /// closed the connection, did not start) becomes `unavailable`.
    public static func talking<T>(to peer: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as XCTSkip {
            throw e
        } catch {
            throw unavailable("\(peer) failed: \(error)", file: file, line: line)
        }
    }

    /// One of our binaries, built by `swift build` (./scripts/test.sh builds
    /// before testing): missing is a failure, never a skip.
    public static func built(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        if let path = Executables.built(name) { return path }
        XCTFail("\(name) is not built: run `swift build` first (./scripts/test.sh does)", file: file, line: line)
        throw XCTSkip("\(name) not built (failure recorded)")
    }
}
