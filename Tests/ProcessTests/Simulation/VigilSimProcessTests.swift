import Foundation
import Glibc
import Deployment
import TestSupport
import XCTest

/// vigil-sim's table over seed shards run as child processes (--jobs) is the
/// table one process prints: the shards' cells merge exactly.
final class VigilSimProcessTests: XCTestCase {
    private func run(_ args: [String]) throws -> (Int32, String) {
        let sim = try Interop.built("vigil-sim")
        let p = try NodeProcess.launch(executable: sim, arguments: args)
        // Unit tests never assert timings: this only stops a hung child.
        let deadline = Date().addingTimeInterval(600)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning {
            p.terminate()
            XCTFail("still running: \(args)")
        }
        let out = p.logText
        p.removeLog()
        return (p.terminationStatus ?? -1, out)
    }

    /// The table's rows, without the closing line (it has the wall time).
    private func rows(_ out: String) -> [String] { out.split(separator: "\n").map(String.init).filter { $0.hasPrefix("|") } }

    func testTheTableFromThreeShardProcessesEqualsTheOneFromOneProcess() throws {
        let options = ["--seeds", "5", "--first", "12", "--fault", "master-partitioned"]
        let (s1, one) = try run(options)
        let (s3, three) = try run(options + ["--jobs", "3"])
        XCTAssertEqual(s1, 0, one)
        XCTAssertEqual(s3, 0, three)
        XCTAssertEqual(rows(one).count, 2 + 3, one)
        XCTAssertEqual(rows(three), rows(one))
        XCTAssertTrue(one.contains("15 runs in"), one)
        XCTAssertTrue(three.contains("15 runs in"), three)
    }

    func testAShardPrintsItsCellsAsMergeableLines() throws {
        let (status, out) = try run(["--seeds", "4", "--shard", "1/2", "--config", "default", "--fault", "master-crash"])
        XCTAssertEqual(status, 0, out)
        let fields = out.split(separator: "\n").first.map { $0.split(separator: "\t", omittingEmptySubsequences: false) } ?? []
        XCTAssertEqual(fields.count, 9, out)
        XCTAssertEqual(fields.prefix(4).map(String.init), ["cell", "default", "master-crash", "2"], "seeds 2 and 4 of 1...4")
    }

    func testABadShardIsRefused() throws {
        let (status, out) = try run(["--seeds", "4", "--shard", "2/2"])
        XCTAssertEqual(status, 2)
        XCTAssertTrue(out.contains("--shard i/n with 0 <= i < n"), out)
    }
}
