import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
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

    func testVigilRewrittenConfigWithARelativeDirRestartsTheSameFromAnotherDirectory() throws {
        try rewrittenConfigWithARelativeDirRestartsTheSame(try Interop.built("vigil-server"))
    }

    func testRedisRewrittenConfigWithARelativeDirRestartsTheSameFromAnotherDirectory() throws {
        try rewrittenConfigWithARelativeDirRestartsTheSame(try Interop.tool("redis-server", purpose: "comparison with real Redis"))
    }

    /// Started from its directory with `dir data` and relative files, the
    /// server's CONFIG REWRITE writes an absolute dir: restarted from `/`,
    /// the same file means the same directory and files.
    func rewrittenConfigWithARelativeDirRestartsTheSame(_ exe: String) throws {
        let root = canonicalPath(try makeScratchDirectory("paths"))
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        let port = Ports.free(), config = root + "/server.conf"
        try "port \(port)\nbind 127.0.0.1\nsave \"\"\ndir data\nlogfile server.log\npidfile server.pid\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        var p = try NodeProcess.launch(executable: exe, arguments: [config], workingDirectory: root)
        defer { p.cleanUp() }
        try p.waitForPing(port: port)
        var c = try ProcessFixture.connect(port)
        XCTAssertEqual(try c.call("CONFIG", "SET", "maxmemory", "2mb"), .simple("OK"))
        XCTAssertEqual(try c.call("CONFIG", "REWRITE"), .simple("OK"))
        c.close()
        let written = try String(contentsOfFile: config, encoding: .utf8)
        XCTAssertTrue(written.contains("\ndir \"\(root)/data\"\n"), written)
        p.terminate()
        try? FileManager.default.removeItem(atPath: root + "/data/server.log")

        p = try NodeProcess.launch(executable: exe, arguments: [config], workingDirectory: "/")
        try p.waitForPing(port: port)
        c = try ProcessFixture.connect(port)
        defer { c.close() }
        XCTAssertEqual(try c.call("CONFIG", "GET", "dir"), .array([.bulk("dir"), .bulk(root + "/data")]))
        XCTAssertEqual(try c.call("CONFIG", "GET", "maxmemory"), .array([.bulk("maxmemory"), .bulk("2097152")]))
        for f in ["server.log", "server.pid"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/data/" + f), "\(f) in the rewritten dir")
        }
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

/// What getcwd names a directory (the temp dir may be a symlink).
private func canonicalPath(_ p: String) -> String {
    guard let rp = realpath(p, nil) else { return p }
    defer { free(rp) }
    return String(cString: rp)
}
