// swift-tools-version:6.0
import PackageDescription

// No third-party packages: the toolchain and our own C shim only.
let package = Package(
    name: "Vigil",
    products: [
        .executable(name: "vigil-server", targets: ["vigil-server"]),
        .executable(name: "vigil-cli", targets: ["vigil-cli"]),
    ],
    targets: [
        .target(name: "CVigilShim"),
        .target(name: "Protocol"),
        .target(name: "Reactor", dependencies: ["CVigilShim", "Protocol"]),
        .target(name: "RESPClient", dependencies: ["Protocol", "CVigilShim"]),
        .target(name: "DataNode", dependencies: ["Protocol", "Reactor", "CVigilShim"]),
        .executableTarget(name: "vigil-server", dependencies: ["DataNode"]),
        .executableTarget(name: "vigil-cli", dependencies: ["RESPClient", "Protocol", "CVigilShim"]),
        .testTarget(name: "ProtocolTests", dependencies: ["Protocol"]),
        .testTarget(name: "RESPClientTests", dependencies: ["RESPClient", "Protocol"]),
        .testTarget(name: "DataNodeTests", dependencies: ["DataNode", "Protocol"]),
        .testTarget(name: "IntegrationTests", dependencies: ["RESPClient", "Protocol", "DataNode"]),
    ]
)
