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

let package = Package(
    name: "Vigil",
    products: [
        .executable(name: "vigil-server", targets: ["vigil-server"]),
        .executable(name: "vigil-cli", targets: ["vigil-cli"]),
        .executable(name: "vigil-sentinel", targets: ["vigil-sentinel"]),
    ],
    targets: [
        .target(name: "CVigilShim"),
        .target(name: "Protocol", swiftSettings: hotPath),
        .target(name: "Reactor", dependencies: ["CVigilShim", "Protocol"], swiftSettings: hotPath),
        // Redis's glob matcher (KEYS, SCAN MATCH, PSUBSCRIBE, ACL patterns, CONFIG GET):
        // pure, so the sentinel core may use it too. Hot on the KEYS/SCAN path.
        .target(name: "Glob", swiftSettings: hotPath),
        // What both servers need besides the wire: logging, atomic files, child
        // processes, daemonize/pidfile, help texts, config errors. Not for the cores.
        .target(name: "ServerKit", swiftSettings: hotPath),
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
        .target(name: "Keyspace", dependencies: ["Protocol", "Glob"],
                swiftSettings: hotPath + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]),
        .target(name: "DataNode", dependencies: ["Keyspace", "Protocol", "Reactor", "CVigilShim", "ServerKit", "Glob"], swiftSettings: hotPath),
        // The sentinel is not a hot path: it keeps runtime exclusivity checks.
        // Its decision logic is a target of its own so that the compiler keeps
        // it free of IO: with only Protocol (RESP values) to import it cannot
        // reach a socket, a file, the clock or libc, and the simulation can
        // drive it exactly as the process does. Sentinel is the shell around it.
        .target(name: "SentinelCore", dependencies: ["Protocol", "Glob"]),
        .target(name: "Sentinel", dependencies: ["SentinelCore", "Protocol", "Reactor", "CVigilShim", "ServerKit", "Glob"]),
        .executableTarget(name: "vigil-server", dependencies: ["DataNode", "Sentinel"]),
        .executableTarget(name: "vigil-sentinel", dependencies: ["Sentinel"]),
        .executableTarget(name: "vigil-cli", dependencies: ["CLI"]),
        // Helpers every test tier shares (real-Redis peers, the interop policy).
        .target(name: "TestSupport", dependencies: ["Deployment", "RESPClient", "Protocol"], path: "Tests/TestSupport"),
        .testTarget(name: "ProtocolTests", dependencies: ["Protocol", "TestSupport"]),
        .testTarget(name: "ReactorTests", dependencies: ["Reactor", "Protocol"]),
        .testTarget(name: "RESPClientTests", dependencies: ["RESPClient", "Protocol", "Deployment", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "RESPClient", "Protocol", "Deployment", "TestSupport"]),
        .testTarget(name: "ServerKitTests", dependencies: ["ServerKit", "Glob"]),
        .testTarget(name: "DataNodeTests", dependencies: ["DataNode", "Keyspace", "Protocol", "ServerKit", "Deployment", "TestSupport"]),
        .testTarget(name: "SentinelTests", dependencies: ["SentinelCore", "Sentinel", "RESPClient", "Protocol", "Deployment", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["RESPClient", "Protocol", "DataNode", "Deployment", "TestSupport"]),
    ]
)
