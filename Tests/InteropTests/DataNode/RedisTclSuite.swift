import Deployment
import Foundation
import TestSupport
import XCTest

/// One of Redis 7.0.15's own Tcl suites run against our built vigil-server by
/// scripts/redis-tcl-tests (the harness starts and restarts the server itself).
/// The suite's source (the Debian tarball, extracted by `--fetch-only`, as
/// .ci/run does) and tclsh are interop peers: missing, they skip, or fail under
/// VIGIL_REQUIRE_INTEROP=1. The tests never download anything.
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

    /// The script's exit status when the suite's source or tclsh is missing.
    private static let missingPeer: Int32 = 3

    private static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../scripts/redis-tcl-tests").standardized.path
    }

    /// Runs `suite` and fails the test for each err, exception, hang or early
    /// stop, naming the Redis test and why.
    static func assertPasses(_ suite: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let python = try Interop.tool("python3", purpose: "scripts/redis-tcl-tests", file: file, line: line)
        _ = try Interop.tool("tclsh", purpose: "Redis's Tcl test suite (apt-get install tcl)", file: file, line: line)
        let server = try Interop.built("vigil-server", file: file, line: line)
        let dir = try makeScratchDirectory("tcl-suite")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let json = dir + "/result.json"
        // The harness finds its servers' ports itself (it binds each before use).
        let run = try ToolRun.run(python, [script, "--no-fetch", "--server", server, "--json", json,
                                           "--logs", dir + "/logs", suite],
                                  timeout: 900)
        if run.status == missingPeer {
            throw Interop.unavailable(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines), file: file, line: line)
        }
        guard let data = FileManager.default.contents(atPath: json),
              let result = try JSONDecoder().decode([Result].self, from: data).first else {
            XCTFail("scripts/redis-tcl-tests wrote no result (exit \(run.status)):\n\(run.stdout)\n\(run.stderr)", file: file, line: line)
            return
        }
        let log = (try? String(contentsOfFile: result.log, encoding: .utf8)) ?? ""
        for f in result.failures {
            XCTFail("\(suite): [\(f.kind)] \(f.test): \(f.why)", file: file, line: line)
        }
        XCTAssertEqual(result.err, 0, "\(suite): tests that failed", file: file, line: line)
        XCTAssertEqual(result.exception, 0, "\(suite): exceptions", file: file, line: line)
        XCTAssertEqual(result.skip, 0, "\(suite): skipped tests", file: file, line: line)
        XCTAssertTrue(result.completed && !result.timed_out,
                      "\(suite) stopped before its end; its output ends:\n\(log.suffix(2000))", file: file, line: line)
        if result.failures.isEmpty {
            XCTAssertEqual(result.exit, 0, "\(suite): the harness's exit status; its output ends:\n\(log.suffix(2000))",
                           file: file, line: line)
        }
        XCTAssertGreaterThan(result.ok, 0, "\(suite): no test passed, so none ran", file: file, line: line)
    }
}
