import Foundation
import XCTest
@testable import ServerKit

/// The redis.conf lexer both config loaders read through.
final class ConfigTextTests: XCTestCase {
    private func directives(_ text: ConfigText) throws -> [ConfigLine] {
        var out: [ConfigLine] = []
        try text.forEachDirective(program: "test") { out.append($0) }
        return out
    }

    private func lexError(_ text: ConfigText) -> ConfigError? {
        do {
            _ = try directives(text)
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    func testBlankLinesAndCommentsAreSkippedButCounted() throws {
        let lines = try directives(ConfigText("# c\n\n  \t\nport 1\r\n   # indented comment\nhz 5", name: "a.conf"))
        XCTAssertEqual(lines.map(\.text), ["port 1", "hz 5"])
        XCTAssertEqual(lines.map(\.redisLine), [4, 6])
        XCTAssertEqual(lines.map(\.line), [4, 6])
    }

    func testDirectiveNameIsLowerCasedAndArgumentsAreNot() throws {
        let line = try XCTUnwrap(directives(ConfigText("RENAME-Command GET Foo", name: "a")).first)
        XCTAssertEqual(line.name, "rename-command")
        XCTAssertEqual(line.args.map { String(decoding: $0, as: UTF8.self) }, ["rename-command", "GET", "Foo"])
        XCTAssertEqual(line.text, "RENAME-Command GET Foo")
    }

    func testQuotedArgumentsFollowSdssplitargs() throws {
        let line = try XCTUnwrap(directives(ConfigText(#"requirepass "a b\x41\n" 'c d' e"#, name: "a")).first)
        XCTAssertEqual(line.args, [Array("requirepass".utf8), Array("a bA\n".utf8), Array("c d".utf8), Array("e".utf8)])
    }

    func testTextEndsAtItsFirstNul() throws {
        let lines = try directives(ConfigText("port 1\nhz 2\u{0}\nport 3", name: "a"))
        XCTAssertEqual(lines.map(\.text), ["port 1", "hz 2"])
    }

    func testUnbalancedQuotesStopAtThatLineInRedisWords() {
        let e = lexError(ConfigText("port 1\nrequirepass \"abc\n", name: "/etc/a.conf"))
        XCTAssertEqual(e?.source, "/etc/a.conf")
        XCTAssertEqual(e?.line, 2)
        XCTAssertNil(e?.directive)
        XCTAssertEqual(e?.redisText, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n"
                       + ">>> 'requirepass \"abc'\nUnbalanced quotes in configuration line")
        XCTAssertEqual(e?.description.components(separatedBy: "\n").first,
                       "test: /etc/a.conf:2: Unbalanced quotes in configuration line")
    }

    func testEarlierLinesReachTheLoaderBeforeAnUnbalancedOne() {
        var seen: [String] = []
        XCTAssertThrowsError(try ConfigText("port 1\n\"x\n", name: "a").forEachDirective(program: "t") { seen.append($0.text) })
        XCTAssertEqual(seen, ["port 1"])
    }

    func testSegmentsNameTheSourceAndItsOwnLineWhileRedisCountsOverAll() throws {
        let file = Array("port 1\nhz 2\n".utf8), stdin = Array("timeout 3\n".utf8)
        var bytes = file + stdin + [10]
        let optionsStart = bytes.count
        bytes += Array("port 4 \nsave \"\" ".utf8)
        let text = ConfigText(bytes: bytes, segments: [ConfigSegment(name: "/r.conf", start: 0, commandLine: false),
                                                       ConfigSegment(name: "<stdin>", start: file.count, commandLine: false),
                                                       ConfigSegment(name: "(command line)", start: optionsStart, commandLine: true)])
        let lines = try directives(text)
        XCTAssertEqual(lines.map(\.source), ["/r.conf", "/r.conf", "<stdin>", "(command line)", "(command line)"])
        XCTAssertEqual(lines.map(\.line), [1, 2, 1, nil, nil])
        XCTAssertEqual(lines.map(\.redisLine), [1, 2, 3, 5, 6])
    }

    func testArgvOptionsBecomeLinesAfterTheFile() {
        let a = ConfigArguments(["r.conf", "--port", "7000", "--bind", "1.2.3.4", "::1", "--requirepass", "a b"], cwd: "/etc")
        XCTAssertEqual(a.configFile, "/etc/r.conf")
        XCTAssertFalse(a.fromStdin)
        XCTAssertEqual(String(decoding: a.options, as: UTF8.self), "port \"7000\" \nbind \"1.2.3.4\" \"::1\" \nrequirepass \"a b\" ")
    }

    func testOptionWithItsValueInOneArgument() {
        XCTAssertEqual(String(decoding: ConfigArguments(["--port 7000", "--hz", "5"], cwd: "/").options, as: UTF8.self),
                       "port 7000 \nhz \"5\" ")
    }

    func testValuelessSaveMeansAnEmptySave() {
        XCTAssertEqual(String(decoding: ConfigArguments(["--save", "--port", "1"], cwd: "/").options, as: UTF8.self),
                       "save \"\"\nport \"1\" ")
        XCTAssertEqual(String(decoding: ConfigArguments(["--port", "1", "--save"], cwd: "/").options, as: UTF8.self),
                       "port \"1\" \nsave \"\"")
    }

    func testValuelessSentinelLetsTheNextOptionStartALine() {
        XCTAssertEqual(String(decoding: ConfigArguments(["--sentinel", "--port", "1"], cwd: "/").options, as: UTF8.self),
                       "sentinel \nport \"1\" ")
    }

    func testADashReadsStdinOnlyAsFirstOrLastArgument() {
        XCTAssertTrue(ConfigArguments(["-", "--port", "1"], cwd: "/").fromStdin)
        XCTAssertTrue(ConfigArguments(["/r.conf", "--port", "1", "-"], cwd: "/").fromStdin)
        let middle = ConfigArguments(["/r.conf", "-", "--port", "1"], cwd: "/")
        XCTAssertFalse(middle.fromStdin)
        XCTAssertEqual(String(decoding: middle.options, as: UTF8.self), "\"-\" \nport \"1\" ")
    }

    func testAssembledTextJoinsFileStdinAndOptions() throws {
        let dir = NSTemporaryDirectory() + "vigil-configtext-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/r.conf", contents: Data("port 1".utf8))
        let text = try ConfigArguments(["r.conf", "--hz", "5", "-"], cwd: dir).text(program: "t", readStdin: { Array("timeout 2\n".utf8) })
        XCTAssertEqual(String(decoding: text.bytes, as: UTF8.self), "port 1timeout 2\n\nhz \"5\" ")
        XCTAssertEqual(text.segments.map(\.name), [dir + "/r.conf", "<stdin>", "(command line)"])
    }

    func testAMissingConfigFileIsFatalInRedisWords() {
        XCTAssertThrowsError(try ConfigArguments(["/nonexistent/r.conf"], cwd: "/").text(program: "t", readStdin: { [] })) { e in
            let err = e as? ConfigError
            XCTAssertEqual(err?.redisText, "Fatal error, can't open config file '/nonexistent/r.conf': No such file or directory")
            XCTAssertNil(err?.source)
        }
    }
}
