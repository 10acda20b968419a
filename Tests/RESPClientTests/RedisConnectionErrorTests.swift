import Protocol
import RESPClient
import Deployment
import XCTest

final class RedisConnectionErrorTests: XCTestCase {
    func testConnectionRefusedCarriesErrnoText() {
        let port = Ports.free()
        XCTAssertThrowsError(try RedisConnection(host: "127.0.0.1", port: port)) { error in
            XCTAssertEqual(error as? RedisClientError, .connectFailed("Connection refused"))
            XCTAssertEqual("\(error)", "Connection refused")
        }
    }

    func testUnknownHostCarriesResolverText() {
        XCTAssertThrowsError(try RedisConnection(host: "no-such-host.invalid", port: 6379)) { error in
            guard case .connectFailed(let text)? = error as? RedisClientError else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertFalse(text.isEmpty)
        }
    }
}
