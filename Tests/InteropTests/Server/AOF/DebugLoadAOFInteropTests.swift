import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// DEBUG LOADAOF side by side with redis-server 7.0: the same commands get
/// the same replies.
final class DebugLoadAOFInteropTests: XCTestCase {
    /// What a client sees of one sequence around DEBUG LOADAOF (inside a
    /// transaction too, where the queued write is propagated only after EXEC).
    private func loadaofSession(_ node: PersistentDirectory.Running) throws -> [RESPValue] {
        let c = try node.connect()
        var out: [RESPValue] = []
        for cmd in [["SET", "a", "1"], ["RPUSH", "l", "x", "y"], ["DEBUG", "POPULATE", "5"], ["DBSIZE"],
                    ["DEBUG", "LOADAOF"], ["DBSIZE"], ["LRANGE", "l", "0", "-1"],
                    ["MULTI"], ["SET", "c", "3"], ["DEBUG", "LOADAOF"], ["GET", "c"], ["EXEC"],
                    ["GET", "c"], ["DEBUG", "LOADAOF"], ["GET", "c"], ["DBSIZE"]] {
            out.append(try c.call(cmd))
        }
        return out
    }

    func testDebugLoadaofRepliesAsRedis() throws {
        let d = try PersistentDirectory("loadaof-interop")
        let theirs = try loadaofSession(try d.startRedis(["--appendonly", "yes"]))
        let e = try PersistentDirectory("loadaof-interop-vigil")
        let ours = try loadaofSession(try e.startVigil(["--appendonly", "yes"]))
        XCTAssertEqual(ours, theirs)
    }
}
