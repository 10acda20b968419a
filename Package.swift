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
        // What both servers need besides the wire: logging, files, processes,
        // help texts, glob matching. No Reactor, so the sentinel core may use it.
        .target(name: "ServerKit", swiftSettings: hotPath),
        .target(name: "RESPClient", dependencies: ["Protocol", "Reactor", "CVigilShim"]),
        .target(name: "DataNode", dependencies: ["Protocol", "Reactor", "CVigilShim", "ServerKit"], swiftSettings: hotPath),
        // The sentinel is not a hot path: it keeps runtime exclusivity checks.
        .target(name: "Sentinel", dependencies: ["Protocol", "Reactor", "CVigilShim", "ServerKit"]),
        .executableTarget(name: "vigil-server", dependencies: ["DataNode", "Sentinel"]),
        .executableTarget(name: "vigil-sentinel", dependencies: ["Sentinel"]),
        .executableTarget(name: "vigil-cli", dependencies: ["RESPClient", "Protocol", "CVigilShim"]),
        .testTarget(name: "ProtocolTests", dependencies: ["Protocol"]),
        .testTarget(name: "ReactorTests", dependencies: ["Reactor", "RESPClient", "DataNode", "Protocol"]),
        .testTarget(name: "RESPClientTests", dependencies: ["RESPClient", "Protocol"]),
        .testTarget(name: "ServerKitTests", dependencies: ["ServerKit"]),
        .testTarget(name: "DataNodeTests", dependencies: ["DataNode", "Protocol", "ServerKit"]),
        .testTarget(name: "SentinelTests", dependencies: ["Sentinel", "RESPClient", "Protocol"]),
        .testTarget(name: "IntegrationTests", dependencies: ["RESPClient", "Protocol", "DataNode"]),
    ]
)
