import XCTest
@testable import DataNode

/// MIGRATE's argument reading (migrateCommand's option loop and sanity checks):
/// which error wins, where the keys are, which secrets are redacted.
final class MigrateArgumentsTests: XCTestCase {
    private func parse(_ args: String...) -> MigrateArguments.Parsed {
        MigrateArguments.parse(args.map { Array($0.utf8) })
    }

    func testSingleKeyFormMigratesTheKeyArgument() {
        let p = parse("MIGRATE", "h", "1", "k", "3", "500")
        XCTAssertNil(p.error)
        XCTAssertEqual(p.arguments?.keyPositions, 3..<4)
        XCTAssertEqual(p.arguments?.dbid, 3)
        XCTAssertEqual(p.arguments?.timeoutMs, 500)
    }

    func testKeysOptionTakesEveryArgumentAfterIt() {
        let p = parse("MIGRATE", "h", "1", "", "0", "500", "COPY", "KEYS", "a", "replace", "b")
        XCTAssertEqual(p.arguments?.keyPositions, 8..<11)
        XCTAssertEqual(p.arguments?.copy, true)
        XCTAssertEqual(p.arguments?.replace, false, "REPLACE after KEYS is a key name")
    }

    func testKeysOptionWithANonEmptyKeyArgumentIsRefused() {
        XCTAssertEqual(parse("MIGRATE", "h", "1", "k", "0", "500", "KEYS", "a").error,
                       "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")
    }

    func testZeroOrNegativeTimeoutMeansOneSecond() {
        XCTAssertEqual(parse("MIGRATE", "h", "1", "k", "0", "0").arguments?.timeoutMs, 1000)
        XCTAssertEqual(parse("MIGRATE", "h", "1", "k", "0", "-5").arguments?.timeoutMs, 1000)
    }

    func testOptionErrorsComeBeforeNumberErrors() {
        XCTAssertEqual(parse("MIGRATE", "h", "1", "k", "x", "y", "BOGUS").error, "ERR syntax error")
        XCTAssertEqual(parse("MIGRATE", "h", "1", "k", "x", "500").error, "ERR value is not an integer or out of range")
        XCTAssertEqual(parse("MIGRATE", "h", "1", "k", "0", "y").error, "ERR value is not an integer or out of range")
    }

    func testAuthPasswordIsRedacted() {
        let p = parse("MIGRATE", "h", "1", "k", "0", "500", "AUTH", "secret")
        XCTAssertEqual(p.redacted, [7])
        XCTAssertEqual(p.arguments?.password, Array("secret".utf8))
        XCTAssertNil(p.arguments?.username)
    }

    func testAuth2UsernameAndPasswordAreRedacted() {
        let p = parse("MIGRATE", "h", "1", "k", "0", "500", "AUTH2", "user", "secret", "COPY")
        XCTAssertEqual(p.redacted, [7, 8])
        XCTAssertEqual(p.arguments?.username, Array("user".utf8))
        XCTAssertEqual(p.arguments?.copy, true)
    }

    func testSecretsReadBeforeASyntaxErrorStayRedacted() {
        let p = parse("MIGRATE", "h", "1", "k", "0", "500", "AUTH", "secret", "AUTH2", "user")
        XCTAssertEqual(p.error, "ERR syntax error")
        XCTAssertEqual(p.redacted, [7])
    }
}
