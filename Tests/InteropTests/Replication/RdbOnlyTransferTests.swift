import Foundation
import Deployment
import Glibc
import RESPClient
import TestSupport
import XCTest

/// `redis-cli --rdb FILE` against vigil-server: REPLCONF rdb-only 1 and
/// SYNC, the snapshot alone over the socket, then the master closes the
/// link. The file is one redis-check-rdb accepts and that loads (into
/// vigil-server) to the master's DEBUG DIGEST.
final class RdbOnlyTransferTests: XCTestCase {
    func testRedisCliRdbSavesASnapshotThatLoadsToTheSameDigest() throws {
        let cli = try Interop.tool("redis-cli", purpose: "redis-cli --rdb")
        let check = try Interop.tool("redis-check-rdb", purpose: "checking the file redis-cli wrote")
        let port = Ports.free()
        let master = try NodeProcess.startVigilServer(port: port, arguments: ["--save", "", "--repl-diskless-sync-delay", "0"])
        defer { master.cleanUp() }
        let c = try RedisConnection(host: "127.0.0.1", port: port)
        defer { c.close() }
        try ReplicationSync.loadEveryType(c)
        let expected = try c.call("DEBUG", "DIGEST").string
        let dir = try makeScratchDirectory("rdb-only")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/dump.rdb"

        let run = try Interop.talking(to: "redis-cli") { try ToolRun.run(cli, ["-p", String(port), "--rdb", file]) }
        XCTAssertEqual(run.status, 0, (run.stdout + run.stderr))
        XCTAssertTrue((run.stdout + run.stderr).contains("Transfer finished with success"), (run.stdout + run.stderr))
        ReplicationSync.waitForLog(master, "Replica 127.0.0.1:<unknown-replica-port> asks for synchronization")
        // The rdb-only client is gone, not left as a replica fed the stream.
        try LocalDeployment.waitUntil(5, "the rdb-only replica is disconnected") {
            try c.call("INFO", "replication").string?.contains("connected_slaves:0") == true
        }

        let checked = try ToolRun.run(check, [file])
        XCTAssertEqual(checked.status, 0, (checked.stdout + checked.stderr))
        XCTAssertTrue((checked.stdout + checked.stderr).contains("RDB looks OK!"), (checked.stdout + checked.stderr))
        let loadPort = Ports.free()
        let loaded = try NodeProcess.startVigilServer(port: loadPort, arguments: ["--save", "", "--dir", dir])
        defer { loaded.cleanUp() }
        let l = try RedisConnection(host: "127.0.0.1", port: loadPort)
        defer { l.close() }
        XCTAssertEqual(try l.call("DEBUG", "DIGEST").string, expected)
    }

    func testFilteredSyncWithoutEofCapabilityIsRefused() throws {
        let port = Ports.free()
        let master = try NodeProcess.startVigilServer(port: port, arguments: ["--save", ""])
        defer { master.cleanUp() }
        let c = try RedisConnection(host: "127.0.0.1", port: port)
        defer { c.close() }
        XCTAssertEqual(try c.call("REPLCONF", "rdb-filter-only", "functions"), .simple("OK"))
        XCTAssertEqual(try c.call("SYNC"), .err("ERR Filtered replica requires EOF capability"))
        XCTAssertEqual(try c.call("REPLCONF", "rdb-filter-only", "keys"), .err("ERR Unsupported rdb-filter-only option: keys"))
    }
}
