import Foundation
import Glibc
import Protocol
import RESPClient
import XCTest

/// Where a data node writes through relative paths once it runs, compared
/// with redis-server 7.0.15: serverLogRaw opens the logfile by name for every
/// line, relative to the directory the server is in at that moment.
final class ServerPathsProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testVigilRelativeLogfileFollowsConfigSetDirAndARotation() throws {
        try relativeLogfileFollowsConfigSetDirAndARotation { try self.fixture.startVigil($0) }
    }

    func testRedisRelativeLogfileFollowsConfigSetDirAndARotation() throws {
        try relativeLogfileFollowsConfigSetDirAndARotation { try self.fixture.startRedis($0) }
    }

    func relativeLogfileFollowsConfigSetDirAndARotation(_ start: ([String]) throws -> ProcessFixture.Started) throws {
        let s = try start(["--logfile", "server.log", "--enable-protected-configs", "yes", "--enable-debug-command", "yes"])
        let moved = s.dir + "/moved"
        try FileManager.default.createDirectory(atPath: moved, withIntermediateDirectories: true)
        let c = try ProcessFixture.connect(s.port)
        defer { c.close() }
        func log(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        XCTAssertTrue(log(s.dir + "/server.log").contains("Ready to accept connections"), "started logging in its --dir")

        XCTAssertEqual(try c.call("CONFIG", "SET", "dir", moved), .simple("OK"))
        XCTAssertEqual(try c.call("DEBUG", "LOG", "after-config-set-dir"), .simple("OK"))
        XCTAssertTrue(log(moved + "/server.log").contains("after-config-set-dir"), "the relative logfile follows the new dir")
        XCTAssertFalse(log(s.dir + "/server.log").contains("after-config-set-dir"))

        // logrotate's default: rename, and the server writes a fresh file.
        XCTAssertEqual(rename(moved + "/server.log", moved + "/server.log.1"), 0)
        XCTAssertEqual(try c.call("DEBUG", "LOG", "after-rotation"), .simple("OK"))
        XCTAssertTrue(log(moved + "/server.log").contains("after-rotation"), "a rotated log is recreated")
        XCTAssertFalse(log(moved + "/server.log.1").contains("after-rotation"))
    }
}
