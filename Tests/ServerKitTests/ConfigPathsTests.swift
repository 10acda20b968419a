import Foundation
import Glibc
import XCTest
@testable import ServerKit

/// Paths as redis-server resolves them while it reads a config.
final class ConfigPathsTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = ConfigPaths.canonicalPath(NSTemporaryDirectory()) + "/vigil-configpaths-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + "/X/a", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/X/a")
        FileManager.default.createFile(atPath: root + "/file", contents: Data())
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testRelativeConfigFileJoinsTheWorkingDirectory() {
        XCTAssertEqual(ConfigPaths.absolutePath("redis.conf", cwd: "/a/b"), "/a/b/redis.conf")
    }

    func testLeadingParentStepsFoldIntoTheWorkingDirectory() {
        XCTAssertEqual(ConfigPaths.absolutePath("../../x.conf", cwd: "/a/b/c"), "/a/x.conf")
        XCTAssertEqual(ConfigPaths.absolutePath("../../../x.conf", cwd: "/a"), "/x.conf")
    }

    func testAbsolutePathIsTrimmedAndKept() {
        XCTAssertEqual(ConfigPaths.absolutePath(" /etc/r.conf\n", cwd: "/a"), "/etc/r.conf")
    }

    func testDotSlashIsNotNormalised() {
        // redis-sentinel ./missing.conf reports '/cwd/./missing.conf' (measured).
        XCTAssertEqual(ConfigPaths.absolutePath("./r.conf", cwd: "/"), "/./r.conf")
    }

    func testResolveJoinsRelativePathsToTheDirectory() {
        XCTAssertEqual(ConfigPaths.resolve("a.log", in: "/var/x"), "/var/x/a.log")
        XCTAssertEqual(ConfigPaths.resolve("a.log", in: "/"), "/a.log")
        XCTAssertEqual(ConfigPaths.resolve("/abs.log", in: "/var/x"), "/abs.log")
    }

    func testDirectoryResolvesAsChdirThenGetcwd() {
        XCTAssertEqual(try ConfigPaths.resolveDirectory(Array("X/a".utf8), from: root).get(), root + "/X/a")
        // Through a link, then "..": the parent of the link's target.
        let viaLink = try? ConfigPaths.resolveDirectory(Array("link".utf8), from: root).get()
        XCTAssertEqual(viaLink, root + "/X/a")
        XCTAssertEqual(try ConfigPaths.resolveDirectory(Array("..".utf8), from: viaLink ?? "").get(), root + "/X")
    }

    func testDirectoryErrorsAreStrerrorText() {
        func reason(_ p: String) -> String? {
            guard case .failure(let e) = ConfigPaths.resolveDirectory(Array(p.utf8), from: root) else { return nil }
            return "\(e)"
        }
        XCTAssertEqual(reason(""), "No such file or directory")
        XCTAssertEqual(reason("missing"), "No such file or directory")
        XCTAssertEqual(reason("file"), "Not a directory")
        // chdir("missing/../X") fails although the folded path exists.
        XCTAssertEqual(reason("missing/../X"), "No such file or directory")
    }

    func testLogfileMustOpenFromTheTrackedDirectory() throws {
        try ConfigPaths.checkLogfile("s.log", dir: root + "/X", source: "a.conf", program: "t")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/X/s.log"))
        XCTAssertThrowsError(try ConfigPaths.checkLogfile("nodir/s.log", dir: root, source: "a.conf", program: "t")) { e in
            let err = e as? ConfigError
            XCTAssertEqual(err?.redisText, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory")
            XCTAssertEqual(err?.source, "a.conf")
            XCTAssertNil(err?.line)
        }
    }

    func testReadFileReportsTheErrno() {
        guard case .failure(let e) = ConfigPaths.readFile(root + "/none") else { return XCTFail("read a missing file") }
        XCTAssertEqual(e.code, ENOENT)
        XCTAssertEqual(try ConfigPaths.readFile(root + "/file").get(), [])
    }
}
