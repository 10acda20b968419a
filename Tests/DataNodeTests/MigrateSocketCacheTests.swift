import TestSupport
import XCTest
@testable import DataNode

/// MIGRATE's connection cache: one connection per "host:port", closed by the
/// cron only once unused for more than 10 seconds (times given, not waited).
final class MigrateSocketCacheTests: XCTestCase {
    private var listener: SilentListener!
    private var port: [UInt8] = []

    override func setUpWithError() throws {
        listener = try SilentListener()
        port = Array(String(listener.port).utf8)
    }

    private let host = Array("127.0.0.1".utf8)

    func testSecondUseOfATargetReusesItsConnection() throws {
        let cache = MigrateSocketCache()
        let first = try XCTUnwrap(cache.socket(host: host, port: port, timeoutMs: 1000, nowSeconds: 100))
        let second = try XCTUnwrap(cache.socket(host: host, port: port, timeoutMs: 1000, nowSeconds: 101))
        XCTAssertTrue(first === second)
        XCTAssertEqual(cache.count, 1)
    }

    func testCronClosesAConnectionOnlyAfterTenIdleSeconds() throws {
        let cache = MigrateSocketCache()
        _ = try XCTUnwrap(cache.socket(host: host, port: port, timeoutMs: 1000, nowSeconds: 100))
        _ = cache.socket(host: host, port: port, timeoutMs: 1000, nowSeconds: 105)
        cache.closeIdle(nowSeconds: 115)
        XCTAssertEqual(cache.count, 1, "10 seconds unused is not yet more than the TTL")
        cache.closeIdle(nowSeconds: 116)
        XCTAssertEqual(cache.count, 0)
    }

    func testClosingAfterAnErrorForgetsTheTargetsDatabase() throws {
        let cache = MigrateSocketCache()
        let first = try XCTUnwrap(cache.socket(host: host, port: port, timeoutMs: 1000, nowSeconds: 100))
        first.lastDbId = 3
        cache.close(host: host, port: port)
        let again = try XCTUnwrap(cache.socket(host: host, port: port, timeoutMs: 1000, nowSeconds: 100))
        XCTAssertEqual(again.lastDbId, -1)
    }
}
