import Foundation
import XCTest
@testable import ServerKit

/// `include` as loadServerConfig reads it.
final class ConfigIncludeTests: XCTestCase {
    private var dir = ""
    private let at = ConfigLine(args: [Array("include".utf8)], source: "main.conf", line: 7, redisLine: 7, text: "include x")

    override func setUpWithError() throws {
        dir = ConfigPaths.canonicalPath(NSTemporaryDirectory()) + "/vigil-include-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/empty.d", withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func write(_ name: String, _ text: String) {
        FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(text.utf8))
    }

    private func read(_ path: String, chain: [String] = []) throws -> (text: ConfigText, chain: [String]) {
        try ConfigInclude.read(Array(path.utf8), dir: dir, from: at, chain: chain, program: "t")
    }

    func testRelativePathMeansTheTrackedDirectory() throws {
        write("a.conf", "port 1\n")
        let r = try read("a.conf")
        XCTAssertEqual(String(decoding: r.text.bytes, as: UTF8.self), "port 1\n")
        XCTAssertEqual(r.text.segments.map(\.name), ["a.conf"])
        XCTAssertEqual(r.chain, [dir + "/a.conf"])
    }

    func testGlobMatchesAreJoinedInOrderSoLinesRunOn() throws {
        write("b.part", "hz 2\n")
        write("a.part", "hz 1\n")
        let r = try read("*.part")
        XCTAssertEqual(String(decoding: r.text.bytes, as: UTF8.self), "hz 1\nhz 2\n")
        XCTAssertEqual(r.text.segments.map(\.name), [dir + "/a.part", dir + "/b.part"])
        var lines: [(String, Int?, Int)] = []
        try r.text.forEachDirective(program: "t") { lines.append(($0.source, $0.line, $0.redisLine)) }
        XCTAssertEqual(lines.map(\.0), [dir + "/a.part", dir + "/b.part"])
        XCTAssertEqual(lines.map(\.1), [1, 1])
        XCTAssertEqual(lines.map(\.2), [1, 2])
    }

    func testGlobMatchingNothingIncludesNothing() throws {
        let r = try read("empty.d/*.conf")
        XCTAssertTrue(r.text.bytes.isEmpty)
        XCTAssertTrue(r.text.segments.isEmpty)
    }

    func testMissingFileIsFatalAtTheIncludeLine() {
        XCTAssertThrowsError(try read("missing.conf")) { e in
            let err = e as? ConfigError
            XCTAssertEqual(err?.redisText, "Fatal error, can't open config file 'missing.conf': No such file or directory")
            XCTAssertEqual(err?.source, "main.conf")
            XCTAssertEqual(err?.line, 7)
            XCTAssertEqual(err?.directive, "include")
        }
    }

    func testIncludeLoopIsRefused() {
        write("loop.conf", "include loop.conf\n")
        XCTAssertThrowsError(try read("loop.conf", chain: [dir + "/loop.conf"])) { e in
            let err = e as? ConfigError
            XCTAssertEqual(err?.reason, "include loop: 'loop.conf' is already being read")
            XCTAssertEqual(err?.line, 7)
            XCTAssertTrue(err?.redisText.hasSuffix("at line 7\n>>> 'include x'\ninclude loop: 'loop.conf' is already being read") ?? false)
        }
    }
}
