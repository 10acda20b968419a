import Foundation
import Glibc
import Protocol
import RESPClient
import XCTest

/// Real processes on loopback for the sentinel process tests: a redis-server
/// master with replicas, vigil-sentinels and real redis-sentinels, each on a
/// free port with its own config file in a scratch directory.
final class SentinelDeployment {
    let dir: String
    let masterName = "mymaster"
    var master: TestProcess!
    var masterPort = 0
    var replicas: [(TestProcess, Int)] = []
    var sentinels: [Node] = []
    /// Written into every sentinel config; failover tests make it short.
    var failoverTimeout = 60000
    /// More config lines for the sentinel started `index`-th, on `port`
    /// (ConfigPathsProcessTests gives each its own directory and relative paths).
    var perSentinelConfig: ((_ index: Int, _ port: Int) throws -> [String])?
    /// Data nodes replaced by a restart (FailoverDeployment), cleaned up at the end.
    var retired: [TestProcess] = []

    final class Node {
        let kind: Kind
        let port: Int
        let configPath: String
        var process: TestProcess
        var myid = ""
        /// Where its learned state goes when the config names a state file.
        var statePath: String?
        /// Run as `vigil-server --sentinel`; restarts keep it so.
        var viaVigilServer = false
        /// A connection kept across calls (connectAndReplay).
        var conversation: RedisConnection?
        enum Kind { case vigil, real }
        var label: String { "\(kind == .vigil ? "vigil" : "redis")-sentinel:\(port)" }

        init(kind: Kind, port: Int, configPath: String, process: TestProcess) {
            self.kind = kind
            self.port = port
            self.configPath = configPath
            self.process = process
        }

        func connect(timeoutMs: Int = 5000) throws -> RedisConnection {
            try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 1000, ioTimeoutMs: timeoutMs)
        }

        func call(_ args: String...) throws -> RESPValue {
            let c = try connect()
            defer { c.close() }
            return try c.call(args)
        }
    }

    /// Fails or skips (per VIGIL_REQUIRE_INTEROP) when a real binary is missing,
    /// and finds the built vigil-sentinel.
    static func requireBinaries() throws -> String {
        for name in ["redis-server", "redis-sentinel"] where TestProcess.findExecutable(named: name) == nil {
            if TestProcess.interopRequired { XCTFail("\(name) not found on PATH and VIGIL_REQUIRE_INTEROP=1") }
            throw XCTSkip("\(name) not found on PATH (set VIGIL_REQUIRE_INTEROP=1 to make this a failure)")
        }
        guard let vigil = TestProcess.builtExecutable(named: "vigil-sentinel") else {
            throw XCTSkip("vigil-sentinel is not built (run swift build first)")
        }
        return vigil
    }

    init() throws {
        dir = NSTemporaryDirectory() + "vigil-sentinel-deploy-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    /// The master and `replicaCount` replicas. Replica priority 0 (the default
    /// here) keeps a real redis-sentinel from promoting one: these tests watch,
    /// they never fail over. Failover tests pass one priority per replica.
    func startDataNodes(replicaCount: Int, priorities: [Int]? = nil) throws {
        masterPort = TestProcess.freePort()
        master = try TestProcess.launchRedisServer(port: masterPort, extraArguments: Self.dataNodeArguments)
        for i in 0..<replicaCount {
            let p = TestProcess.freePort()
            let priority = priorities?[i] ?? 0
            let r = try TestProcess.launchRedisServer(port: p, extraArguments: Self.dataNodeArguments + [
                "--replicaof", "127.0.0.1", String(masterPort), "--replica-priority", String(priority)])
            replicas.append((r, p))
        }
        // Wait until the master lists every replica, in sync, so INFO shows them all at once.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let c = try RedisConnection(host: "127.0.0.1", port: masterPort)
            let info = try c.call("INFO", "replication").string ?? ""
            c.close()
            if info.contains("connected_slaves:\(replicaCount)")
                && info.components(separatedBy: ",state=online,").count - 1 == replicaCount { return }
            usleep(50_000)
        }
        throw RedisClientError.io("replicas did not connect to the master")
    }

    /// Redis 7 waits 5 s before a diskless full sync, in case more replicas
    /// come: replicas would not be in sync (nor FAILOVER TO targets) until
    /// then. Replicas get it too: they may be promoted.
    static let dataNodeArguments = ["--repl-diskless-sync-delay", "0"]

    func sentinelConfig(port: Int, downAfter: Int, extra: [String]) -> String {
        ([
            "# written by SentinelDeployment",
            "port \(port)",
            "bind 127.0.0.1",
            "sentinel monitor \(masterName) 127.0.0.1 \(masterPort) 2",
            "sentinel down-after-milliseconds \(masterName) \(downAfter)",
            "sentinel failover-timeout \(masterName) \(failoverTimeout)",
        ] + extra).joined(separator: "\n") + "\n"
    }

    @discardableResult
    func startSentinel(_ kind: Node.Kind, vigil: String, downAfter: Int = 1000, extra: [String] = [],
                       useVigilServer: Bool = false) throws -> Node {
        let port = TestProcess.freePort()
        let path = "\(dir)/sentinel-\(port).conf"
        let own = try perSentinelConfig?(sentinels.count, port) ?? []
        FileManager.default.createFile(atPath: path, contents: Data(sentinelConfig(port: port, downAfter: downAfter, extra: extra + own).utf8))
        let node = Node(kind: kind, port: port, configPath: path, process: try launch(kind, vigil: vigil, config: path, useVigilServer: useVigilServer))
        node.viaVigilServer = useVigilServer
        try node.process.waitForPing(port: port)
        node.myid = (try node.call("SENTINEL", "MYID")).string ?? ""
        sentinels.append(node)
        return node
    }

    /// Started in the deployment's directory unless told otherwise.
    func launch(_ kind: Node.Kind, vigil: String, config: String, useVigilServer: Bool = false,
                workingDirectory: String? = nil) throws -> TestProcess {
        let cwd = workingDirectory ?? dir
        switch kind {
        case .real:
            return try TestProcess.launch(executable: TestProcess.findExecutable(named: "redis-sentinel")!, arguments: [config],
                                          workingDirectory: cwd)
        case .vigil:
            if useVigilServer, let server = TestProcess.builtExecutable(named: "vigil-server") {
                return try TestProcess.launch(executable: server, arguments: [config, "--sentinel"], workingDirectory: cwd)
            }
            return try TestProcess.launch(executable: vigil, arguments: [config], workingDirectory: cwd)
        }
    }

    /// Stops a sentinel and starts it again from its (rewritten) config file.
    func restart(_ node: Node, vigil: String, workingDirectory: String? = nil) throws {
        node.process.terminate()
        node.process = try launch(node.kind, vigil: vigil, config: node.configPath, useVigilServer: node.viaVigilServer,
                                  workingDirectory: workingDirectory)
        try node.process.waitForPing(port: node.port)
    }

    func tearDown() {
        for s in sentinels {
            s.conversation?.close()
            s.process.cleanUp()
        }
        for (r, _) in replicas { r.cleanUp() }
        for r in retired { r.cleanUp() }
        master?.kill(signal: SIGCONT)
        master?.cleanUp()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A SENTINEL reply map as ordered (field, value) pairs.
    static func pairs(_ v: RESPValue) -> [(String, String)] {
        guard let items = v.elements else { return [] }
        var out: [(String, String)] = []
        var i = 0
        while i + 1 < items.count {
            out.append((items[i].string ?? "", items[i + 1].string ?? ""))
            i += 2
        }
        return out
    }

    /// Polls `check` every 50 ms until it holds or `seconds` pass; returns the time taken.
    @discardableResult
    static func waitUntil(_ seconds: Double, _ what: String, _ check: () throws -> Bool) throws -> Double {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if (try? check()) == true { return Date().timeIntervalSince(start) }
            usleep(50_000)
        }
        XCTFail("timed out after \(seconds)s waiting for \(what)")
        return seconds
    }
}

/// PSUBSCRIBE * on several sentinels, polled from the test thread; each
/// event is stamped with the time it arrived.
final class EventWatcher {
    struct Event {
        let node: String
        let type: String
        let message: String
        let at: Date
    }

    private var conns: [(String, RedisConnection)] = []
    private(set) var events: [Event] = []

    init(_ nodes: [SentinelDeployment.Node]) throws {
        for n in nodes {
            let c = try n.connect()
            try c.send(["PSUBSCRIBE", "*"])
            _ = try c.readReply()
            conns.append((n.label, c))
        }
    }

    /// Reads whatever arrived, for up to `seconds`, or until `stop` holds.
    func pump(for seconds: Double, until stop: (([Event]) -> Bool)? = nil) {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            for (label, c) in conns {
                while let v = try? c.readReply(timeoutMs: 5), let items = v.elements, items.count == 4 {
                    events.append(Event(node: label, type: items[2].string ?? "", message: items[3].string ?? "", at: Date()))
                }
            }
            if let stop, stop(events) { return }
        }
    }

    func first(_ node: String, _ type: String, after: Date) -> Event? {
        events.first { $0.node == node && $0.type == type && $0.at >= after }
    }

    func close() {
        for (_, c) in conns { c.close() }
    }
}
