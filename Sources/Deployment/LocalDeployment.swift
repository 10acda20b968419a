import Foundation
import Glibc
import Protocol
import RESPClient

/// A deployment on loopback: a redis-server master with replicas,
/// vigil-sentinels and real redis-sentinels, each on a free port with its own
/// config file in one scratch directory.
public final class LocalDeployment {
    public let dir: String
    public let masterName = "mymaster"
    public var master: NodeProcess!
    public var masterPort = 0
    public var replicas: [(NodeProcess, Int)] = []
    public var sentinels: [Node] = []
    /// Written into every sentinel config; failover tests make it short.
    public var failoverTimeout = 60000
    /// More config lines for the sentinel started `index`-th, on `port`
    /// (a test can give each its own directory and relative paths).
    public var perSentinelConfig: ((_ index: Int, _ port: Int) throws -> [String])?
    /// Data nodes replaced by a restart, cleaned up at the end.
    public var retired: [NodeProcess] = []

    public final class Node {
        public let kind: Kind
        public let port: Int
        public let configPath: String
        public var process: NodeProcess
        public var myid = ""
        /// Where its learned state goes when the config names a state file.
        public var statePath: String?
        /// Run as `vigil-server --sentinel`; restarts keep it so.
        public var viaVigilServer = false
        /// A connection kept across calls (connectAndReplay).
        public var conversation: RedisConnection?
        public enum Kind: Sendable { case vigil, real }
        public var label: String { "\(kind == .vigil ? "vigil" : "redis")-sentinel:\(port)" }

        public init(kind: Kind, port: Int, configPath: String, process: NodeProcess) {
            self.kind = kind
            self.port = port
            self.configPath = configPath
            self.process = process
        }

        public func connect(timeoutMs: Int = 5000) throws -> RedisConnection {
            try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 1000, ioTimeoutMs: timeoutMs)
        }

        public func call(_ args: String...) throws -> RESPValue {
            let c = try connect()
            defer { c.close() }
            return try c.call(args)
        }
    }

    public init() throws {
        dir = try makeScratchDirectory("deployment")
    }

    /// The master and `replicaCount` replicas. Replica priority 0 (the default
    /// here) keeps a real redis-sentinel from promoting one: these tests watch,
    /// they never fail over. Failover tests pass one priority per replica.
    /// `vigilDataNodes` runs the built vigil-server instead of redis-server;
    /// `kinds` (master first, then one per replica) mixes the two.
    /// `extraArguments` go to every data node (an ACL user line, say).
    public func startDataNodes(replicaCount: Int, priorities: [Int]? = nil, vigilDataNodes: Bool = false,
                               kinds: [DataNodeKind]? = nil, extraArguments: [String] = []) throws {
        func start(_ index: Int, _ port: Int, _ args: [String]) throws -> NodeProcess {
            let kind: DataNodeKind = kinds?[index] ?? (vigilDataNodes ? .vigil : .redis)
            if kind == .vigil { return try NodeProcess.startVigilServer(port: port, arguments: args) }
            return try NodeProcess.startRedisServer(port: port, extraArguments: args)
        }
        masterPort = Ports.free()
        master = try start(0, masterPort, Self.dataNodeArguments + extraArguments)
        for i in 0..<replicaCount {
            let p = Ports.free()
            let priority = priorities?[i] ?? 0
            let r = try start(i + 1, p, Self.dataNodeArguments + extraArguments + [
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
        throw DeploymentError("replicas did not connect to the master")
    }

    /// Redis 7 waits 5 s before a diskless full sync, in case more replicas
    /// come: replicas would not be in sync (nor FAILOVER TO targets) until
    /// then. Replicas get it too: they may be promoted.
    public static let dataNodeArguments = ["--repl-diskless-sync-delay", "0"]

    public func sentinelConfig(port: Int, downAfter: Int, extra: [String]) -> String {
        ([
            "# written by LocalDeployment",
            "port \(port)",
            "bind 127.0.0.1",
            "sentinel monitor \(masterName) 127.0.0.1 \(masterPort) 2",
            "sentinel down-after-milliseconds \(masterName) \(downAfter)",
            "sentinel failover-timeout \(masterName) \(failoverTimeout)",
        ] + extra).joined(separator: "\n") + "\n"
    }

    @discardableResult
    public func startSentinel(_ kind: Node.Kind, vigil: String, downAfter: Int = 1000, extra: [String] = [],
                       useVigilServer: Bool = false) throws -> Node {
        let port = Ports.free()
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
    public func launch(_ kind: Node.Kind, vigil: String, config: String, useVigilServer: Bool = false,
                       workingDirectory: String? = nil) throws -> NodeProcess {
        let cwd = workingDirectory ?? dir
        switch kind {
        case .real:
            guard let exe = Executables.redisSentinel else { throw DeploymentError("redis-sentinel not found on PATH") }
            return try NodeProcess.launch(executable: exe, arguments: [config], workingDirectory: cwd)
        case .vigil:
            if useVigilServer, let server = Executables.built("vigil-server") {
                return try NodeProcess.launch(executable: server, arguments: [config, "--sentinel"], workingDirectory: cwd)
            }
            return try NodeProcess.launch(executable: vigil, arguments: [config], workingDirectory: cwd)
        }
    }

    /// Stops a sentinel and starts it again from its (rewritten) config file.
    public func restart(_ node: Node, vigil: String, workingDirectory: String? = nil) throws {
        node.process.terminate()
        node.process = try launch(node.kind, vigil: vigil, config: node.configPath, useVigilServer: node.viaVigilServer,
                                  workingDirectory: workingDirectory)
        try node.process.waitForPing(port: node.port)
    }

    public func tearDown() {
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
    public static func pairs(_ v: RESPValue) -> [(String, String)] {
        guard let items = v.elements else { return [] }
        var out: [(String, String)] = []
        var i = 0
        while i + 1 < items.count {
            out.append((items[i].string ?? "", items[i + 1].string ?? ""))
            i += 2
        }
        return out
    }

    /// Polls `check` every 50 ms until it holds; returns the time taken, or
    /// throws once `seconds` pass.
    @discardableResult
    public static func waitUntil(_ seconds: Double, _ what: String, _ check: () throws -> Bool) throws -> Double {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if (try? check()) == true { return Date().timeIntervalSince(start) }
            usleep(50_000)
        }
        throw DeploymentError("timed out after \(seconds)s waiting for \(what)")
    }
}

/// PSUBSCRIBE * on several sentinels, polled from the test thread; each
/// event is stamped with the time it arrived.
public final class EventWatcher {
    public struct Event: Sendable {
        public let node: String
        public let type: String
        public let message: String
        public let at: Date
    }

    private var conns: [(String, RedisConnection)] = []
    public private(set) var events: [Event] = []

    public init(_ nodes: [LocalDeployment.Node]) throws {
        for n in nodes {
            let c = try n.connect()
            try c.send(["PSUBSCRIBE", "*"])
            _ = try c.readReply()
            conns.append((n.label, c))
        }
    }

    /// Reads whatever arrived, for up to `seconds`, or until `stop` holds.
    public func pump(for seconds: Double, until stop: (([Event]) -> Bool)? = nil) {
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

    public func first(_ node: String, _ type: String, after: Date) -> Event? {
        events.first { $0.node == node && $0.type == type && $0.at >= after }
    }

    public func close() {
        for (_, c) in conns { c.close() }
    }
}
