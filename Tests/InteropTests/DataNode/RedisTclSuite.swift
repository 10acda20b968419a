import Deployment
import Foundation
import TestSupport
import XCTest

/// One of Redis 7.0.15's own Tcl suites run against our built vigil-server by
/// scripts/redis-tcl-tests (the harness starts and restarts the server itself).
/// The suite's source (the Debian tarball, extracted by `--fetch-only`, as
/// .ci/run does) and tclsh are interop peers: missing, they skip, or fail under
/// VIGIL_REQUIRE_INTEROP=1. The tests never download anything.
///
/// The suites are mostly waiting (servers starting, `after` and `wait_for`
/// loops), so they run side by side: the first assertion runs every suite of
/// `RedisTclSuiteTests.suites` in one script invocation (`--parallel`), and
/// each test then asserts its own suite's result from that batch. (One suite
/// alone: `scripts/redis-tcl-tests unit/x`.)
enum RedisTclSuite {
    struct Failure: Decodable {
        let kind: String
        let test: String
        let why: String
    }

    struct Result: Decodable {
        let suite: String
        let ok: Int
        let err: Int
        let exception: Int
        let skip: Int
        let completed: Bool
        let exit: Int?
        let timed_out: Bool
        let failures: [Failure]
        let log: String
    }

    /// Suites run at once: each mostly sleeps, so more than the cores.
    static let parallel = 4

    /// The script's exit status when the suite's source or tclsh is missing.
    private static let missingPeer: Int32 = 3

    private static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../scripts/redis-tcl-tests").standardized.path
    }

    /// A suite's result and the end of its harness output (the logs go with the batch's directory).
    private struct Outcome {
        let result: Result
        let logTail: String
    }

    /// What one script invocation gave: each suite's outcome, or why there is none.
    private enum Batch {
        case ran([String: Outcome])
        case peerMissing(String)
        case noResult(String)
    }

    /// Run once per process, on the first assertion.
    nonisolated(unsafe) private static var batch: Batch?

    private static func run(_ suites: [String], python: String, server: String) throws -> Batch {
        let dir = try makeScratchDirectory("tcl-suite")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let json = dir + "/result.json"
        // The harnesses find their servers' ports themselves (each binds a port
        // before use), each in its own range.
        let run = try ToolRun.run(python, [script, "--no-fetch", "--server", server, "--json", json,
                                           "--parallel", String(parallel), "--logs", dir + "/logs"] + suites,
                                  timeout: 1800)
        if run.status == missingPeer {
            return .peerMissing(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let data = FileManager.default.contents(atPath: json),
              let results = try? JSONDecoder().decode([Result].self, from: data) else {
            return .noResult("scripts/redis-tcl-tests wrote no result (exit \(run.status)):\n\(run.stdout)\n\(run.stderr)")
        }
        var outcomes: [String: Outcome] = [:]
        for r in results {
            let log = (try? String(contentsOfFile: r.log, encoding: .utf8)) ?? ""
            outcomes[r.suite] = Outcome(result: r, logTail: String(log.suffix(2000)))
        }
        return .ran(outcomes)
    }

    /// Fails the test for each err, exception, hang or early stop of `suite`,
    /// naming the Redis test and why. Runs the batch of `all` first if this
    /// process has not.
    static func assertPasses(_ suite: String, of all: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        guard all.contains(suite) else {
            XCTFail("\(suite) is not in the batch's list of suites", file: file, line: line)
            return
        }
        let python = try Interop.tool("python3", purpose: "scripts/redis-tcl-tests", file: file, line: line)
        _ = try Interop.tool("tclsh", purpose: "Redis's Tcl test suite (apt-get install tcl)", file: file, line: line)
        let server = try Interop.built("vigil-server", file: file, line: line)
        if batch == nil {
            batch = try run(all, python: python, server: server)
        }
        switch batch! {
        case .peerMissing(let why):
            throw Interop.unavailable(why, file: file, line: line)
        case .noResult(let why):
            XCTFail(why, file: file, line: line)
        case .ran(let outcomes):
            guard let o = outcomes[suite] else {
                XCTFail("scripts/redis-tcl-tests gave no result for \(suite)", file: file, line: line)
                return
            }
            check(o.result, logTail: o.logTail, file: file, line: line)
        }
    }

    private static func check(_ result: Result, logTail: String, file: StaticString, line: UInt) {
        let suite = result.suite
        for f in result.failures {
            XCTFail("\(suite): [\(f.kind)] \(f.test): \(f.why)", file: file, line: line)
        }
        XCTAssertEqual(result.err, 0, "\(suite): tests that failed", file: file, line: line)
        XCTAssertEqual(result.exception, 0, "\(suite): exceptions", file: file, line: line)
        XCTAssertEqual(result.skip, 0, "\(suite): skipped tests", file: file, line: line)
        XCTAssertTrue(result.completed && !result.timed_out,
                      "\(suite) stopped before its end; its output ends:\n\(logTail)", file: file, line: line)
        if result.failures.isEmpty {
            XCTAssertEqual(result.exit, 0, "\(suite): the harness's exit status; its output ends:\n\(logTail)",
                           file: file, line: line)
        }
        XCTAssertGreaterThan(result.ok, 0, "\(suite): no test passed, so none ran", file: file, line: line)
    }
}
