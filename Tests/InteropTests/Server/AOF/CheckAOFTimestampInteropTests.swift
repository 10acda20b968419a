import Deployment
import Foundation
import TestSupport
import XCTest

/// vigil-check-aof --truncate-to-timestamp against redis-check-aof 7.0.15 on
/// the same files, line for line, with the files' sizes afterwards: every
/// timestamp around a directory's annotations, as a manifest set (the
/// annotated file last or not) and as a single file, and malformed input.
final class CheckAOFTimestampInteropTests: XCTestCase {
    private let t0 = 1_700_000_000

    private func set(_ k: String) -> String { "*3\r\n$3\r\nset\r\n$2\r\n\(k)\r\n$1\r\n1\r\n" }

    /// name -> content of each layout's files.
    private func layouts() -> [String: [String: String]] {
        let select = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
        let incr = "#TS:\(t0)\r\n" + select + set("k1") + "*1\r\n$5\r\nMULTI\r\n" + set("k2") + "#TS:\(t0 + 1)\r\n"
            + "*1\r\n$4\r\nEXEC\r\n" + "#TS:\(t0 + 2)\r\n" + set("k3") + "#TS:\(t0 + 2)\r\n" + set("k4")
        let base = "#TS:\(t0 - 1)\r\n" + select + set("b1")
        return [
            "manifest": ["appendonly.aof.manifest": "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                         "appendonly.aof.1.base.aof": base, "appendonly.aof.1.incr.aof": incr],
            "two-incr": ["appendonly.aof.manifest": "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                         "appendonly.aof.1.base.aof": base, "appendonly.aof.1.incr.aof": incr,
                         "appendonly.aof.2.incr.aof": "#TS:\(t0 + 3)\r\n" + set("k5")],
            "single": ["one.aof": incr],
            "truncated": ["one.aof": incr + "*3\r\n$3\r\nset\r\n$2\r\nk"],
            "bad-annotation": ["one.aof": "#TS:\(t0)\r\n" + set("k1") + "#TS:\(t0 + 1)x\r\n" + set("k2")],
        ]
    }

    /// One tool on a fresh copy of a layout: its output, status and the files' sizes after.
    private func run(_ tool: String, _ layout: [String: String], _ args: [String]) throws -> String {
        let d = try makeScratchDirectory("aof-ts")
        defer { try? FileManager.default.removeItem(atPath: d) }
        try FileManager.default.createDirectory(atPath: d + "/dir", withIntermediateDirectories: true)
        for (name, content) in layout {
            FileManager.default.createFile(atPath: d + "/dir/" + name, contents: Data(content.utf8))
        }
        let r = try ToolRun.run(tool, args, workingDirectory: d)
        let sizes = layout.keys.sorted().map { name in
            "\(name)=\((try? FileManager.default.attributesOfItem(atPath: d + "/dir/" + name)[.size] as? Int) ?? -1)"
        }
        return r.stdout + "(exit \(r.status)) " + sizes.joined(separator: " ")
    }

    func testTruncateToTimestampMatchesRedisCheckAof() throws {
        let real = try Interop.tool("redis-check-aof", purpose: "comparing vigil-check-aof --truncate-to-timestamp")
        let ours = try Interop.built("vigil-check-aof")
        let stamps = ["0", "-3", String(t0 - 5)] + (t0 - 1...t0 + 4).map(String.init)
        for (name, layout) in layouts().sorted(by: { $0.key < $1.key }) {
            let target = layout["appendonly.aof.manifest"] != nil ? "dir/appendonly.aof.manifest" : "dir/one.aof"
            for ts in stamps {
                let args = ["--truncate-to-timestamp", ts, target]
                XCTAssertEqual(try run(ours, layout, args), try run(real, layout, args), "\(name) at \(ts)")
            }
        }
    }

    func testArgumentErrorsMatchRedisCheckAof() throws {
        let real = try Interop.tool("redis-check-aof", purpose: "comparing vigil-check-aof's arguments")
        let ours = try Interop.built("vigil-check-aof")
        let layout = layouts()["single"]!
        for args in [["--truncate-to-timestamp", "12x", "dir/one.aof"], ["--truncate-to-timestamp", "", "dir/one.aof"],
                     ["--truncate-to-timestamp", "5"], ["--truncate-to-timestamp", "5", "dir/one.aof", "more"],
                     ["--fix", "5", "dir/one.aof"], ["--truncate-to-timestamp", "\(t0)", "dir/missing.aof"]] {
            // The usage line names the program as it was called: compare it without.
            let o = try run(ours, layout, args).replacingOccurrences(of: ours, with: "TOOL")
            let r = try run(real, layout, args).replacingOccurrences(of: real, with: "TOOL")
            XCTAssertEqual(o, r, "\(args)")
        }
    }
}
