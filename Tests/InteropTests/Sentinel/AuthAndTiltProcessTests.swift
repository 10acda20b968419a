import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Credentials on every link (master, replicas, other sentinels) and TILT.
final class AuthAndTiltProcessTests: XCTestCase {
    func testPasswordsEverywhere() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        // A master and replica that require a password, sentinels that require one too.
        d.masterPort = Ports.free()
        d.master = try NodeProcess.startRedisServer(port: d.masterPort, extraArguments: ["--requirepass", "nodepw"])
        let rp = Ports.free()
        let replica = try NodeProcess.startRedisServer(port: rp, extraArguments: [
            "--replicaof", "127.0.0.1", String(d.masterPort), "--masterauth", "nodepw", "--requirepass", "nodepw", "--replica-priority", "0"])
        d.replicas.append((replica, rp))
        let extra = ["requirepass sentpw", "sentinel auth-pass mymaster nodepw"]
        let v1 = try d.startSentinel(.vigil, vigil: vigil, downAfter: 1000, extra: extra)
        let v2 = try d.startSentinel(.vigil, vigil: vigil, downAfter: 1000, extra: extra)
        let real = try d.startSentinel(.real, vigil: vigil, downAfter: 1000, extra: extra)
        func authed(_ n: LocalDeployment.Node, _ args: String...) throws -> RESPValue {
            let c = try n.connect()
            defer { c.close() }
            _ = try c.call("AUTH", "sentpw")
            return try c.call(args)
        }
        // Everyone knows everyone, and no link is disconnected (flags carry "disconnected" otherwise).
        try LocalDeployment.waitUntil(8, "authenticated discovery") {
            try [v1, v2, real].allSatisfy { n in
                let sents = (try authed(n, "SENTINEL", "SENTINELS", d.masterName).elements ?? []).map(LocalDeployment.pairs)
                let reps = (try authed(n, "SENTINEL", "REPLICAS", d.masterName).elements ?? []).map(LocalDeployment.pairs)
                let master = LocalDeployment.pairs(try authed(n, "SENTINEL", "MASTER", d.masterName))
                return sents.count == 2 && reps.count == 1
                    && (sents + reps + [master]).allSatisfy { $0.first { $0.0 == "flags" }?.1.contains("disconnected") == false }
            }
        }
        XCTAssertEqual(try v1.call("SENTINEL", "MASTERS"), .err("NOAUTH Authentication required."))
    }

    func testStoppedSentinelEntersTilt() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        try d.startDataNodes(replicaCount: 0)
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 1000)
        let watcher = try EventWatcher([v])
        defer { watcher.close() }
        v.process.kill(signal: SIGSTOP)
        usleep(2_600_000)
        v.process.kill(signal: SIGCONT)
        watcher.pump(for: 3) { ev in ev.contains { $0.type == "+tilt" } }
        XCTAssertEqual(watcher.events.first { $0.type == "+tilt" }?.message, "#tilt mode entered")
        let info = try v.call("INFO", "sentinel").string ?? ""
        XCTAssertTrue(info.contains("sentinel_tilt:1\r\n"), info)
        XCTAssertFalse(info.contains("sentinel_tilt_since_seconds:-1"), info)
        // Shorten TILT to see it end.
        XCTAssertEqual(try v.call("SENTINEL", "DEBUG", "tilt-period", "500"), .simple("OK"))
        watcher.pump(for: 3) { ev in ev.contains { $0.type == "-tilt" } }
        XCTAssertEqual(watcher.events.first { $0.type == "-tilt" }?.message, "#tilt mode exited")
    }
}
