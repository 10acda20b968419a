// swift-tools-version:6.0
import PackageDescription

// No third-party packages: the toolchain and our own C shim only.

// The server is single-threaded and its hot path touches class properties on
// every command; runtime exclusivity checks there cost ~10% of throughput
// (measured with perf under redis-benchmark -P 16). Debug builds keep them.
// For the same reason reference counting is non-atomic in these modules
// (-assume-single-threaded): atomic retain/release were ~20% of the server's
// profile at -P 16. No code in them may share objects across threads.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked", "-Xfrontend", "-assume-single-threaded"],
                                            .when(configuration: .release))]

// The sentinel's core and the simulation are optimized in debug builds too:
// `swift test` runs 1,000 simulated fault runs, which took 45 s of CPU unoptimized
// and 14 s so. -O keeps preconditions, overflow and exclusivity checks (neither
// module uses assert or #if DEBUG); only stepping through them in a debugger suffers.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "Vigil",
    products: [
        .executable(name: "vigil-server", targets: ["vigil-server"]),
        .executable(name: "vigil-cli", targets: ["vigil-cli"]),
        .executable(name: "vigil-sentinel", targets: ["vigil-sentinel"]),
        .executable(name: "vigil-check-aof", targets: ["vigil-check-aof"]),
        .executable(name: "vigil-check-rdb", targets: ["vigil-check-rdb"]),
        .executable(name: "vigil", targets: ["vigil"]),
        .executable(name: "vigil-sim", targets: ["vigil-sim"]),
    ],
    targets: [
        .target(name: "CVigilShim"),
        // A prefetch hint for the keyspace's tables (header only, no IO).
        .target(name: "CVigilPrefetch"),
        // The server's counting malloc (used_memory as Redis's zmalloc counts it).
        // Only the server executable links it: it replaces malloc process-wide.
        .target(name: "CVigilAlloc"),
        .target(name: "Protocol", swiftSettings: hotPath),
        .target(name: "Reactor", dependencies: ["CVigilShim", "Protocol"], swiftSettings: hotPath),
        // What the pure cores share with the servers: Redis's glob matcher (KEYS,
        // SCAN MATCH, PSUBSCRIBE, ACL patterns, CONFIG GET; hot on KEYS/SCAN) and the
        // log levels. No IO, so SentinelCore may import it.
        .target(name: "CoreKit", swiftSettings: hotPath),
        // What both servers need besides the event loop: logging, atomic files, child
        // processes, daemonize/pidfile, help texts, the redis.conf reader (argv,
        // lexer, include, paths, C parsing rules, CONFIG REWRITE state) and its
        // errors, and the server frame they share (connection refusal, pre-dispatch
        // error texts, the pub/sub registry, CLIENT LIST lines, CLIENT KILL/PAUSE
        // arguments, INFO's server section). Protocol for RESP (sdssplitargs,
        // sdscatrepr, replies). Not for the cores.
        .target(name: "ServerKit", dependencies: ["Protocol", "CoreKit"], swiftSettings: hotPath),
        // Redis 7.0's ACL engine both servers share: users, rules, selectors,
        // the canonical rule text, permission checks, the ACL log. No IO.
        .target(name: "ACL", dependencies: ["CoreKit"], swiftSettings: hotPath),
        .target(name: "RESPClient", dependencies: ["Protocol", "CVigilShim"]),
        // Starting, watching and stopping server processes and whole deployments:
        // tests, benchmarks and the operator's tool share it.
        .target(name: "Deployment", dependencies: ["RESPClient", "Protocol", "CVigilShim"]),
        // redis-cli's behaviour (options, formatting, prompt) apart from the client it drives.
        .target(name: "CLI", dependencies: ["RESPClient", "Protocol", "CVigilShim"]),
        // Values, their compact encodings and the databases that hold them, with
        // the pure algorithms on them (geohash, HyperLogLog, bit operations):
        // no server, no client, no IO.
        // Its hot paths (DenseDict, Key, the value types) are called from DataNode
        // on every command: cross-module optimization keeps them specializable
        // and inlinable there, as they were inside one module.
        .target(name: "Keyspace", dependencies: ["Protocol", "CoreKit", "CVigilPrefetch"],
                swiftSettings: hotPath + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]),
        // A Lua 5.1 interpreter (lexer, parser, register bytecode, VM, the
        // libraries Redis exposes) with no knowledge of Redis: the scripting
        // layer of the data node sits on top of it. Scripts run on the server's
        // thread, so it takes the hot-path flags too.
        .target(name: "Lua", swiftSettings: hotPath),
        // Redis's file formats: the RDB writer and reader, DUMP payloads, LZF,
        // CRC-64, the AOF's manifest, command reader and checker. Pure apart
        // from the file-descriptor sink a forked child writes through; no
        // server, no event loop. The data node and the check tools share it.
        .target(name: "Persistence", dependencies: ["Keyspace", "Protocol", "CoreKit"], swiftSettings: hotPath),
        .target(name: "DataNode", dependencies: ["ACL", "Keyspace", "Persistence", "ReplicationCore", "Lua", "Protocol", "Reactor", "CVigilShim", "ServerKit", "CoreKit"], swiftSettings: hotPath),
        // The sentinel is not a hot path: it keeps runtime exclusivity checks.
        // Its decision logic is a target of its own so that the compiler keeps
        // it free of IO: with only Protocol (RESP values) to import it cannot
        // reach a socket, a file, the clock or libc, and the simulation can
        // drive it exactly as the process does. Sentinel is the shell around it.
        .target(name: "SentinelCore", dependencies: ["Protocol", "CoreKit"], swiftSettings: optimizedInDebug),
        // Replication's decisions (the replica's link to its master, the
        // master's backlog, PSYNC answers, ACK bookkeeping) in the sentinel
        // core's shape: inputs in, effects out, no IO, so a simulation can
        // drive it as the data node does.
        .target(name: "ReplicationCore", dependencies: ["Protocol", "CoreKit"]),
        // The deterministic simulation (sentinel cores, replication cores, a keyspace, writing
        // clients, a simulated network and clock): pure, so no Reactor, no Sentinel shell.
        // Single-threaded like the servers (vigil-sim runs seeds in parallel as processes), so
        // it takes the hot-path flags: exclusivity checks were a tenth of a simulated run.
        .target(name: "Simulation", dependencies: ["SentinelCore", "ReplicationCore", "Protocol", "CoreKit"], swiftSettings: hotPath + optimizedInDebug),
        // Runs many simulation seeds and prints acknowledged writes lost per configuration and fault.
        .executableTarget(name: "vigil-sim", dependencies: ["Simulation"], swiftSettings: hotPath),
                .target(name: "Sentinel", dependencies: ["ACL", "SentinelCore", "Protocol", "Reactor", "CVigilShim", "ServerKit", "CoreKit"]),
        // Exported symbols let the crash report and the watchdog name the functions in their stack traces.
        .executableTarget(name: "vigil-server", dependencies: ["DataNode", "Sentinel", "CVigilAlloc"],
                          linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"])]),
        .executableTarget(name: "vigil-sentinel", dependencies: ["Sentinel"]),
        .executableTarget(name: "vigil-cli", dependencies: ["CLI"]),
        .executableTarget(name: "vigil-check-aof", dependencies: ["Persistence"]),
        // The operator's tool (up/down/status/drill): drives deployments from outside, over RESP and signals.
        .target(name: "Operator", dependencies: ["Deployment", "RESPClient", "Protocol", "CVigilShim"]),
        // `vigil` is also a multi-call binary (`vigil server ...`, `vigil sentinel ...`), so that
        // `swift run vigil up` builds everything the deployment runs.
        .executableTarget(name: "vigil", dependencies: ["Operator", "DataNode", "Sentinel", "CVigilAlloc"],
                          linkerSettings: [.unsafeFlags(["-Xlinker", "--export-dynamic"])]),
        // redis-check-rdb's twin: the walk and report are Persistence.RDBCheck.
        .executableTarget(name: "vigil-check-rdb", dependencies: ["Persistence", "ServerKit"]),
        // Helpers every test tier shares (real-Redis peers, the interop policy, process fixtures, the in-process data node).
        .target(name: "TestSupport", dependencies: ["Deployment", "RESPClient", "Protocol", "DataNode", "Keyspace", "Persistence"], path: "Tests/TestSupport"),
        // Test tiers: pick one with `swift test --filter '^<Target>\.'` (README).
        // Unit: one target per module, in process, no server process of ours or Redis's.
        .testTarget(name: "LuaTests", dependencies: ["Lua", "TestSupport"]),
        .testTarget(name: "ProtocolTests", dependencies: ["Protocol", "TestSupport"]),
        .testTarget(name: "ReactorTests", dependencies: ["Reactor", "Protocol"]),
        .testTarget(name: "RESPClientTests", dependencies: ["RESPClient", "Protocol", "Deployment"]),
        .testTarget(name: "DeploymentTests", dependencies: ["Deployment", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "RESPClient", "Protocol"]),
        .testTarget(name: "OperatorTests", dependencies: ["Operator", "Deployment", "RESPClient", "Protocol", "TestSupport"]),
        .testTarget(name: "ACLTests", dependencies: ["ACL", "CoreKit"]),
        .testTarget(name: "ServerKitTests", dependencies: ["ServerKit", "CoreKit", "Protocol"]),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence", "Keyspace", "TestSupport"]),
        .testTarget(name: "DataNodeTests", dependencies: ["ACL", "DataNode", "Keyspace", "Protocol", "ServerKit", "Deployment", "TestSupport"]),
        .testTarget(name: "ReplicationCoreTests", dependencies: ["ReplicationCore", "Protocol", "CoreKit"]),
        .testTarget(name: "SentinelCoreTests", dependencies: ["SentinelCore", "Sentinel", "ServerKit", "Protocol", "Deployment"]),
        // Simulation: the sentinel core driven by a seeded, simulated network and clock.
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "SentinelCore", "ReplicationCore", "Sentinel", "Protocol"]),
        // Processes: only our built binaries, on loopback.
        .testTarget(name: "ProcessTests", dependencies: ["RESPClient", "Protocol", "DataNode", "Persistence", "Deployment", "TestSupport"]),
        // Interop: needs a real Redis binary or client (redis-server, redis-sentinel,
        // redis-cli, redis-benchmark, redis-py).
        .testTarget(name: "InteropTests", dependencies: ["Lua", "DataNode", "Persistence", "Keyspace", "CLI", "RESPClient", "Protocol", "Deployment", "TestSupport"]),
    ]
)
