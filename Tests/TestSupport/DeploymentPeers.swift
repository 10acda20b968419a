import Deployment
import XCTest

extension LocalDeployment {
    /// The real redis-server and redis-sentinel under the interop policy, and
    /// the built vigil-sentinel (missing is a failure).
    public static func requireBinaries(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        for name in ["redis-server", "redis-sentinel"] {
            _ = try Interop.tool(name, purpose: "a deployment mixing Vigil and Redis", file: file, line: line)
        }
        return try Interop.built("vigil-sentinel", file: file, line: line)
    }
}
