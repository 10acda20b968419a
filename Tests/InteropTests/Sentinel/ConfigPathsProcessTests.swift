import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Relative paths in a sentinel's config mean the last `dir`, as for
/// redis-sentinel, so a sentinel restarts from the file it wrote whatever its
/// working directory; and every file it writes along a failover scenario
/// brings back the same state (restart-check), in either implementation.
final class ConfigPathsProcessTests: XCTestCase {
    /// Issue 9: `dir X/a/b` and a notification script `../../scripts/notify.sh`,
    /// started from X/a/b, rewritten, restarted from `/`. vigil-sentinel used
    /// to refuse ("Notification script seems non existing or non executable").
    func testVigilSentinelRestartsFromAnotherDirectoryWithARelativeScript() throws {
        try restartFromAnotherDirectoryWithARelativeScript(.vigil)
    }

    func testRedisSentinelRestartsFromAnotherDirectoryWithARelativeScript() throws {
        try restartFromAnotherDirectoryWithARelativeScript(.real)
    }

    func restartFromAnotherDirectoryWithARelativeScript(_ kind: LocalDeployment.Node.Kind) throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        d.masterPort = Ports.free()
        let home = d.dir + "/X/a/b", events = d.dir + "/events.txt"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Self.script(d.dir + "/X/scripts/notify.sh", "echo \"$1 $2\" >> \(events)")
        let port = Ports.free()
        let config = d.dir + "/sentinel.conf"
        try d.sentinelConfig(port: port, downAfter: 60000, extra: [
            "dir \(home)",
            "sentinel notification-script \(d.masterName) ../../scripts/notify.sh",
            "sentinel auth-pass \(d.masterName) s3cret",
            "sentinel auth-user \(d.masterName) ops",
            "sentinel rename-command \(d.masterName) CONFIG GUARDED-CONFIG",
        ]).write(toFile: config, atomically: true, encoding: .utf8)
        let node = LocalDeployment.Node(kind: kind, port: port, configPath: config,
                                           process: try d.launch(kind, vigil: vigil, config: config, workingDirectory: home))
        d.sentinels.append(node)
        try node.process.waitForPing(port: port)
        XCTAssertEqual(try node.call("SENTINEL", "FLUSHCONFIG"), .simple("OK"))
        let written = try String(contentsOfFile: config, encoding: .utf8)
        XCTAssertTrue(written.contains("\ndir \"\(home)\"\n"), written)
        XCTAssertTrue(written.contains("\nsentinel notification-script \(d.masterName) ../../scripts/notify.sh\n"), written)

        try FileManager.default.removeItem(atPath: events)
        try d.restart(node, vigil: vigil, workingDirectory: "/")
        let master = Dictionary(LocalDeployment.pairs(try node.call("SENTINEL", "MASTER", d.masterName)), uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(master["notification-script"], "../../scripts/notify.sh")
        // The relative script runs from the restarted sentinel (+monitor is its first event).
        try LocalDeployment.waitUntil(5, "the script's first event after the restart") {
            ((try? String(contentsOfFile: events, encoding: .utf8)) ?? "").hasPrefix("+monitor master \(d.masterName) ")
        }
        try d.restartCheck([node], vigil: vigil, step: "restarted from /", crossLoad: true)
    }

    /// The steps of the forced failover (FailoverProcessTests) with the
    /// management commands that rewrite the config in between, each sentinel
    /// in its own directory with relative dir, logfile, pidfile, scripts and
    /// (the first) state file; restart-check after every step.
    func testEveryWrittenConfigRestartsFromAnotherDirectoryWithTheSameState() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        d.failoverTimeout = FailoverProcessTests.failoverTimeout
        try Self.script(d.dir + "/scripts/notify.sh", "exit 0")
        try Self.script(d.dir + "/scripts/reconfig.sh", "exit 0")
        d.perSentinelConfig = { index, port in
            try FileManager.default.createDirectory(atPath: d.dir + "/home-\(port)/state", withIntermediateDirectories: true)
            let paths = ["logfile sentinel.log", "pidfile sentinel.pid",
                         "sentinel notification-script \(d.masterName) ../scripts/notify.sh",
                         "sentinel client-reconfig-script \(d.masterName) ../scripts/reconfig.sh"]
            // With a state file the operator's file is never rewritten, so its
            // `dir` stays as written: a relative one would mean the starting directory.
            if index == 0 { return ["dir \(d.dir)/home-\(port)", "sentinel state-config-file state/learned.state"] + paths }
            return ["dir home-\(port)"] + paths
        }
        try d.startDataNodes(replicaCount: 2, priorities: [0, 50])
        let sentinels = try d.startQuorum([.vigil, .vigil, .real], vigil: vigil, downAfter: FailoverProcessTests.downAfter)
        let stateful = sentinels[0]
        stateful.statePath = d.dir + "/home-\(stateful.port)/state/learned.state"
        for n in sentinels {
            XCTAssertTrue(FileManager.default.fileExists(atPath: d.dir + "/home-\(n.port)/sentinel.log"), "\(n.label): relative logfile")
            XCTAssertTrue(FileManager.default.fileExists(atPath: d.dir + "/home-\(n.port)/sentinel.pid"), "\(n.label): relative pidfile")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: stateful.statePath!), "relative state file")
        try d.restartCheck(sentinels, vigil: vigil, step: "deployed", crossLoad: true)

        for n in sentinels {
            XCTAssertEqual(try n.call("SENTINEL", "SET", d.masterName, "parallel-syncs", "2", "failover-timeout", "3500"), .simple("OK"))
        }
        try d.restartCheck(sentinels, vigil: vigil, step: "SENTINEL SET")

        for n in sentinels { XCTAssertEqual(try n.call("SENTINEL", "CONFIG", "SET", "resolve-hostnames", "yes"), .simple("OK")) }
        try d.restartCheck(sentinels, vigil: vigil, step: "SENTINEL CONFIG SET")

        let nowhere = String(Ports.free())
        for n in sentinels {
            XCTAssertEqual(try n.call("SENTINEL", "MONITOR", "other", "127.0.0.1", nowhere, "2"), .simple("OK"))
            XCTAssertEqual(try n.call("SENTINEL", "SET", "other", "down-after-milliseconds", "60000"), .simple("OK"))
        }
        try d.restartCheck(sentinels, vigil: vigil, step: "SENTINEL MONITOR")

        for n in sentinels { XCTAssertEqual(try n.call("SENTINEL", "REMOVE", "other"), .simple("OK")) }
        try d.restartCheck(sentinels, vigil: vigil, step: "SENTINEL REMOVE")

        let (never, chosen) = (d.replicaPorts[0], d.replicaPorts[1])
        let watcher = try EventWatcher(sentinels)
        let start = Date()
        XCTAssertEqual(try sentinels[0].call("SENTINEL", "FAILOVER", d.masterName), .simple("OK"))
        try d.expectSwitch(watcher, sentinels, from: d.masterPort, to: chosen, since: start)
        try d.waitForReplica(never, following: chosen, pumping: watcher)
        try d.waitForReplica(d.masterPort, following: chosen, seconds: 15, pumping: watcher)
        watcher.close()
        let replicasNow = Set([never, d.masterPort].map { "127.0.0.1:\($0)" })
        try waitForReplicas(sentinels, d, replicasNow)
        try d.restartCheck(sentinels, vigil: vigil, step: "failover", crossLoad: true)

        for n in sentinels { XCTAssertEqual(try n.call("SENTINEL", "RESET", d.masterName), .integer(1)) }
        try waitForReplicas(sentinels, d, replicasNow)
        try LocalDeployment.waitUntil(10, "every sentinel knows the others again") {
            try sentinels.allSatisfy { n in
                Set((try n.call("SENTINEL", "SENTINELS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 })
                    == Set(sentinels.filter { $0 !== n }.map(\.myid))
            }
        }
        try d.restartCheck(sentinels, vigil: vigil, step: "SENTINEL RESET")
    }

    func testVigilSentinelListensOnARelativeUnixSocketInItsDir() throws {
        try listensOnARelativeUnixSocketInItsDir(.vigil)
    }

    func testRedisSentinelListensOnARelativeUnixSocketInItsDir() throws {
        try listensOnARelativeUnixSocketInItsDir(.real)
    }

    /// `unixsocket s.sock` after `dir`: the socket is made there (with
    /// unixsocketperm), answers, names its clients "s.sock:0", and is removed at shutdown.
    func listensOnARelativeUnixSocketInItsDir(_ kind: LocalDeployment.Node.Kind) throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        d.masterPort = Ports.free()
        let home = d.dir + "/home", socket = home + "/s.sock"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let port = Ports.free()
        let config = d.dir + "/sentinel.conf"
        try d.sentinelConfig(port: port, downAfter: 60000, extra: ["dir home", "unixsocket s.sock", "unixsocketperm 700"])
            .write(toFile: config, atomically: true, encoding: .utf8)
        let node = LocalDeployment.Node(kind: kind, port: port, configPath: config,
                                           process: try d.launch(kind, vigil: vigil, config: config, workingDirectory: d.dir))
        d.sentinels.append(node)
        try node.process.waitForPing(port: port)
        XCTAssertEqual(try Self.unixCall(socket, "PING\r\n"), "+PONG\r\n")
        XCTAssertTrue(try Self.unixCall(socket, "CLIENT LIST\r\n").contains(" addr=s.sock:0 "))
        var st = stat()
        XCTAssertEqual(stat(socket, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o700)
        XCTAssertEqual(try node.call("SENTINEL", "FLUSHCONFIG"), .simple("OK"))
        let written = try String(contentsOfFile: config, encoding: .utf8)
        XCTAssertTrue(written.contains("\nunixsocket \"s.sock\"\nunixsocketperm 700\n"), written)
        node.process.terminate()
        XCTAssertFalse(FileManager.default.fileExists(atPath: socket), "removed at shutdown")
    }

    /// One request over a unix socket; the first read's bytes.
    static func unixCall(_ path: String, _ request: String) throws -> String {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisClientError.io("socket: \(errno)") }
        defer { close(fd) }
        var sa = sockaddr_un()
        sa.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &sa.sun_path) { buf in
            for (i, b) in path.utf8.prefix(buf.count - 1).enumerated() { buf[i] = b }
        }
        let ok = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else { throw RedisClientError.io("connect \(path): \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = request.withCString { write(fd, $0, strlen($0)) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &buf, buf.count)
        return n > 0 ? String(decoding: buf[0..<n], as: UTF8.self) : ""
    }

    /// Every sentinel lists exactly `names` as the master's replicas.
    func waitForReplicas(_ nodes: [LocalDeployment.Node], _ d: LocalDeployment, _ names: Set<String>) throws {
        try LocalDeployment.waitUntil(10, "every sentinel lists the replicas \(names.sorted())") {
            try nodes.allSatisfy { n in
                Set((try n.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 }) == names
            }
        }
    }

    /// An executable shell script at `path` (its directory made).
    static func script(_ path: String, _ body: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "#!/bin/sh\n\(body)\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }
}
