import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// proc-title-template is applied as redis-server applies it: at start-up
/// and on CONFIG SET, written over argv so that /proc/<pid>/cmdline shows
/// it. Each scenario runs against vigil-server and a real redis-server and
/// expects the same title from each (modulo their own executable and port).
final class ProcTitleProcessTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func both() throws -> [ProcessFixture.Started] {
        [try fixture.startVigil(), try Interop.talking(to: "redis-server") { try fixture.startRedis() }]
    }

    /// /proc/<pid>/cmdline up to its first NUL: the title (the rest is the
    /// NUL padding of the old argv).
    private func title(_ s: ProcessFixture.Started) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(s.process.pid)/cmdline"))
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private func firstBind(_ c: RedisConnection) throws -> String {
        let reply = try c.call(["CONFIG", "GET", "bind"])
        let value = reply.elements?.last?.string ?? ""
        return value.split(separator: " ").first.map(String.init) ?? "*"
    }

    func testTheDefaultTemplateShowsTheExecutableAndTheListenAddressAtStartUp() throws {
        for s in try both() {
            let c = try ProcessFixture.connect(s.port)
            defer { c.close() }
            XCTAssertEqual(try title(s), "\(s.process.executable) \(try firstBind(c)):\(s.port)", s.process.executable)
        }
    }

    func testConfigSetAppliesEveryVariable() throws {
        for s in try both() {
            let c = try ProcessFixture.connect(s.port)
            defer { c.close() }
            let set = try c.call(["CONFIG", "SET", "proc-title-template", "TEST {title} {listen-addr} {port} {tls-port} {unixsocket} {config-file} {server-mode}"])
            XCTAssertEqual(set.string, "OK", s.process.executable)
            XCTAssertEqual(try title(s), "TEST \(s.process.executable) \(try firstBind(c)):\(s.port) \(s.port) 0  -", s.process.executable)
        }
    }

    func testATitleLongerThanTheOriginalArgvFitsUpTo255Bytes() throws {
        let long = String(repeating: "t", count: 300)
        for s in try both() {
            let c = try ProcessFixture.connect(s.port)
            defer { c.close() }
            XCTAssertEqual(try c.call(["CONFIG", "SET", "proc-title-template", long]).string, "OK")
            XCTAssertEqual(try title(s), String(repeating: "t", count: 255), s.process.executable)
            XCTAssertEqual(try c.call(["CONFIG", "SET", "proc-title-template", "short {port}"]).string, "OK")
            XCTAssertEqual(try title(s), "short \(s.port)", s.process.executable)
        }
    }

    func testAnInvalidTemplateIsRefusedWithRedisTextAndLeavesTheTitle() throws {
        var errors: [String] = []
        for s in try both() {
            let c = try ProcessFixture.connect(s.port)
            defer { c.close() }
            let before = try title(s)
            let reply = try c.call(["CONFIG", "SET", "proc-title-template", "{invalid-var}"])
            XCTAssertTrue(reply.isError)
            errors.append(reply.string ?? "")
            XCTAssertEqual(try title(s), before)
        }
        XCTAssertEqual(errors.first, "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables")
        XCTAssertEqual(errors.first, errors.last)
    }
}
