import Foundation
import ServerKit
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// How vigil-sentinel resolves the paths in its config, as redis-sentinel
/// 7.0.15 does (measured): `dir` changes directory while the file is read, so
/// later relative paths (include, logfile, the queued `sentinel` lines) mean
/// the directory the last `dir` chose.
final class ConfigPathsTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        // Canonical, as getcwd would name it after a chdir.
        root = ConfigPaths.canonicalPath(NSTemporaryDirectory()) + "/vigil-sentinel-paths-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + "/X/a/b", withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func write(_ name: String, _ text: String) {
        FileManager.default.createFile(atPath: root + "/" + name, contents: Data(text.utf8))
    }

    func testRelativeDirResolvesAgainstTheStartingDirectory() throws {
        let c = try SentinelConfigLoader.load(text: "dir X/a\n", cwd: root)
        XCTAssertEqual(c.options.dir, root + "/X/a")
    }

    func testSecondRelativeDirResolvesAgainstTheFirst() throws {
        let c = try SentinelConfigLoader.load(text: "dir \(root)/X\ndir a/b\n", cwd: "/")
        XCTAssertEqual(c.options.dir, root + "/X/a/b")
    }

    func testDotDotAfterASymlinkedDirMeansTheTargetsParent() throws {
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/X/a/b")
        let c = try SentinelConfigLoader.load(text: "dir \(root)/link\ndir ..\n", cwd: "/")
        XCTAssertEqual(c.options.dir, root + "/X/a", "chdir follows the link; getcwd names the target")
    }

    func testEmptyOrMissingDirIsRefused() throws {
        for (text, reason) in [("dir \"\"\n", "No such file or directory"), ("dir nowhere\n", "No such file or directory")] {
            XCTAssertThrowsError(try SentinelConfigLoader.load(text: text, cwd: root), text) { e in
                XCTAssertEqual((e as? SentinelConfigError)?.reason, reason, text)
            }
        }
    }

    func testStateFileWrittenBeforeDirStillMeansTheLastDir() throws {
        let c = try SentinelConfigLoader.load(text: "sentinel state-config-file s.state\ndir X\ndir a\n", cwd: root)
        XCTAssertEqual(c.options.stateConfigFile, root + "/X/a/s.state")
    }

    func testIncludeIsReadFromTheCurrentDirAndItsDirCarriesOn() throws {
        write("X/inc.conf", "loglevel verbose\ndir a\nsentinel down-after-milliseconds m 7000\n")
        let c = try SentinelConfigLoader.load(text: "dir \(root)/X\ninclude inc.conf\nsentinel monitor m 127.0.0.1 6379 2\n", cwd: "/")
        XCTAssertEqual(c.options.loglevel, .verbose)
        XCTAssertEqual(c.options.dir, root + "/X/a", "a dir in an included file changes the directory for what follows")
        XCTAssertEqual(c.directives.map { $0.args[0] }, ["down-after-milliseconds", "monitor"])
        XCTAssertEqual(c.directives[0].source, "inc.conf")
        XCTAssertEqual(c.directives[0].line, 3)
    }

    func testIncludeGlobReadsEveryMatchInOrderAndAnEmptyMatchIsFine() throws {
        try FileManager.default.createDirectory(atPath: root + "/X/conf.d", withIntermediateDirectories: true)
        write("X/conf.d/2.conf", "hz 20\n")
        write("X/conf.d/1.conf", "hz 15\nport 7001\n")
        let c = try SentinelConfigLoader.load(text: "dir X\ninclude conf.d/*.conf\ninclude empty.d/*.conf\n", cwd: root)
        XCTAssertEqual(c.options.hz, 20, "2.conf is read after 1.conf")
        XCTAssertEqual(c.options.port, 7001)
    }

    func testMissingIncludeIsFatalAsInRedis() throws {
        XCTAssertThrowsError(try SentinelConfigLoader.load(text: "dir X\ninclude missing.conf\n", cwd: root)) { e in
            XCTAssertEqual((e as? SentinelConfigError)?.redisText,
                           "Fatal error, can't open config file 'missing.conf': No such file or directory")
        }
    }

    func testIncludeLoopIsRefused() throws {
        write("X/a.conf", "include b.conf\n")
        write("X/b.conf", "include a.conf\n")
        XCTAssertThrowsError(try SentinelConfigLoader.load(text: "dir X\ninclude a.conf\n", cwd: root)) { e in
            XCTAssertEqual((e as? SentinelConfigError)?.reason, "include loop: 'a.conf' is already being read")
        }
    }

    /// redis-sentinel accepts a monitor line in an included file, copies it
    /// into the main file at its first rewrite and then cannot restart
    /// ("Duplicate master name."); vigil-sentinel refuses it at once.
    func testLinesTheRewriteCopiesAreRefusedInAnIncludedFile() throws {
        let id = String(repeating: "a", count: 40)
        for line in ["sentinel monitor m 127.0.0.1 6379 2", "sentinel known-replica m 127.0.0.1 6380",
                     "sentinel known-sentinel m 127.0.0.1 26380 \(id)", "sentinel rename-command m CONFIG X"] {
            write("X/inc.conf", line + "\n")
            XCTAssertThrowsError(try SentinelConfigLoader.load(text: "dir X\ninclude inc.conf\n", cwd: root), line) { e in
                let err = e as? SentinelConfigError
                XCTAssertEqual(err?.source, "inc.conf", line)
                XCTAssertEqual(err?.line, 1, line)
                XCTAssertTrue(err?.reason.hasPrefix("this line can't come from an included file") == true, "\(line): \(String(describing: err))")
            }
        }
    }

    /// As redis.conf says: "include" is never rewritten; what it set and the
    /// sentinel changed is written into the main file, after it.
    func testRewriteKeepsTheIncludeLineAndWritesTheStateAfterIt() throws {
        write("X/inc.conf", "sentinel down-after-milliseconds m 7000\n")
        let text = "dir \(root)/X\ninclude inc.conf\nsentinel monitor m 127.0.0.1 6379 2\n"
        let c = try SentinelConfigLoader.load(text: text, cwd: "/")
        let core = SentinelCore(seed: 1, now: 0)
        try SentinelConfigApplier.apply(c.directives, to: core, now: 0)
        let out = SentinelConfigWriter.rewriteMain(oldContent: text, options: c.options, cwd: root + "/X", userLines: nil, snapshot: core.snapshot())
        let lines = out.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.prefix(3)), ["dir \"\(root)/X\"", "include inc.conf", "sentinel monitor m 127.0.0.1 6379 2"], out)
        XCTAssertTrue(lines.contains("sentinel down-after-milliseconds m 7000"), out)
        let again = try SentinelConfigLoader.load(text: out, cwd: "/")
        XCTAssertEqual(again.directives.filter { $0.args[0] == "down-after-milliseconds" }.map(\.source), ["inc.conf", "(text)"],
                       "the main file's copy comes last and wins")
    }

    func testRelativeLogfileIsOpenedInTheLastDir() throws {
        _ = try SentinelConfigLoader.load(text: "logfile s.log\ndir X/a\n", cwd: root)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/X/a/s.log"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/s.log"))
    }

    func testLogfileThatCannotOpenIsFatal() throws {
        XCTAssertThrowsError(try SentinelConfigLoader.load(text: "logfile nodir/s.log\ndir X\n", cwd: root)) { e in
            XCTAssertEqual((e as? SentinelConfigError)?.redisText,
                           "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory")
        }
    }
}
