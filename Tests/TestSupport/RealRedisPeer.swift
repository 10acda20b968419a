import RESPClient
import XCTest

/// Starts a real redis-server for one test, or skips (fails when
/// VIGIL_REQUIRE_INTEROP=1) when none is installed.
public func startRealRedis(extraArguments: [String] = []) throws -> (TestProcess, Int) {
    guard TestProcess.findRedisServer() != nil else {
        if TestProcess.interopRequired {
            XCTFail("redis-server not found on PATH and VIGIL_REQUIRE_INTEROP=1")
        }
        throw XCTSkip("redis-server not found on PATH (set VIGIL_REQUIRE_INTEROP=1 to make this a failure)")
    }
    let port = TestProcess.freePort()
    let server = try TestProcess.launchRedisServer(port: port, extraArguments: extraArguments)
    return (server, port)
}

public func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
