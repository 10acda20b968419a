import Deployment
import XCTest

/// A real redis-server for one test on a free port (persistence off, its own
/// dir), under the interop policy.
public func startRealRedis(extraArguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> (NodeProcess, Int) {
    _ = try Interop.tool("redis-server", purpose: "comparison with real Redis", file: file, line: line)
    let port = Ports.free()
    let server = try Interop.talking(to: "redis-server", file: file, line: line) {
        try NodeProcess.startRedisServer(port: port, extraArguments: extraArguments)
    }
    return (server, port)
}

public func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
