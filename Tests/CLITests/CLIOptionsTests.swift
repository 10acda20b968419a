import CLI
import RESPClient
import XCTest

final class CLIOptionsTests: XCTestCase {
    func testDefaultsAndCommand() throws {
        let o = try CLIOptions.parse(["get", "-p", "x"])
        XCTAssertEqual(o.host, "127.0.0.1")
        XCTAssertEqual(o.port, 6379)
        XCTAssertEqual(o.repeatCount, 1)
        XCTAssertNil(o.output)
        // Options end at the first word that is not one.
        XCTAssertEqual(o.command, ["get", "-p", "x"])
    }

    func testAllOptions() throws {
        let o = try CLIOptions.parse(["-h", "10.0.0.1", "-p", "7000", "-a", "pw", "--user", "bob", "-n", "3",
                                      "-r", "-1", "-i", "0.25", "--raw", "-3", "--no-auth-warning", "-x", "set", "k"])
        XCTAssertEqual(o.host, "10.0.0.1")
        XCTAssertEqual(o.port, 7000)
        XCTAssertEqual(o.password, "pw")
        XCTAssertTrue(o.passwordOnCommandLine)
        XCTAssertEqual(o.user, "bob")
        XCTAssertEqual(o.db, 3)
        XCTAssertEqual(o.repeatCount, -1)
        XCTAssertEqual(o.interval, 0.25)
        XCTAssertEqual(o.output, .raw)
        XCTAssertTrue(o.resp3)
        XCTAssertTrue(o.noAuthWarning)
        XCTAssertTrue(o.lastArgFromStdin)
        XCTAssertEqual(o.command, ["set", "k"])
        XCTAssertEqual(try CLIOptions.parse(["--raw", "--no-raw"]).output, .standard)
        XCTAssertEqual(try CLIOptions.parse(["--pass", "x"]).password, "x")
    }

    func testEvalTakesAFileAndLdbSwitchesToRawOutput() throws {
        let o = try CLIOptions.parse(["--ldb-sync-mode", "--eval", "s.lua", "k", ",", "a"])
        XCTAssertEqual(o.evalFile, "s.lua")
        XCTAssertTrue(o.ldb)
        XCTAssertTrue(o.ldbSync)
        XCTAssertEqual(o.output, .raw)
        XCTAssertEqual(o.command, ["k", ",", "a"])
        XCTAssertFalse(try CLIOptions.parse(["--ldb", "--eval", "s.lua"]).ldbSync)
        XCTAssertThrowsError(try CLIOptions.parse(["--eval"]))
    }

    func testNumbersReadLikeAtoi() throws {
        XCTAssertEqual(try CLIOptions.parse(["-p", "abc"]).port, 0)
        XCTAssertEqual(try CLIOptions.parse(["-p", "12ab"]).port, 12)
        XCTAssertEqual(try CLIOptions.parse(["-r", "x"]).repeatCount, 0)
        XCTAssertEqual(try CLIOptions.parse(["-i", "1.5s"]).interval, 1.5)
        XCTAssertEqual(try CLIOptions.parse(["-i", "junk"]).interval, 0)
    }

    func testUnrecognizedAndMissingValues() {
        for argv in [["--bogus"], ["-p"], ["-a"], ["-n"], ["-z", "ping"]] {
            XCTAssertThrowsError(try CLIOptions.parse(argv)) { error in
                XCTAssertEqual("\(error)", "Unrecognized option or bad number of args for: '\(argv[0])'")
            }
        }
    }

    func testHelpVersionAndEnvironmentPassword() throws {
        XCTAssertTrue(try CLIOptions.parse(["-h"]).showHelp)
        XCTAssertFalse(try CLIOptions.parse(["-h", "host"]).showHelp)
        XCTAssertTrue(try CLIOptions.parse(["--help"]).showHelp)
        XCTAssertTrue(try CLIOptions.parse(["-v"]).showVersion)
        let env = try CLIOptions.parse([], environment: ["REDISCLI_AUTH": "envpw"])
        XCTAssertEqual(env.password, "envpw")
        XCTAssertFalse(env.passwordOnCommandLine)
        XCTAssertEqual(try CLIOptions.parse(["-a", "cli"], environment: ["REDISCLI_AUTH": "envpw"]).password, "cli")
    }
}
