import ACL
import CoreKit
import XCTest

/// Which commands, keys and channels a user may use (ACLCheckAllUserCommandPerm).
final class ACLPermissionTests: XCTestCase {
    private let catalog = Redis70Catalog.shared

    private func user(_ rules: [String]) throws -> ACLUser {
        let users = Redis70Catalog.users()
        try users.setUser("u", rules)
        return users.user("u")!
    }

    private func check(_ u: ACLUser, _ argv: [String], keys: [ACLKeyRef] = [], channels: ACLChannelArgs = .none) -> ACLVerdict {
        let name = argv.count > 1 && catalog.lookup(argv[0] + "|" + argv[1]) != nil ? argv[0] + "|" + argv[1] : argv[0]
        return u.check(catalog, command: catalog.lookup(name)!, argv: argv.map { Array($0.utf8) }, keys: { visit in
            for k in keys where !visit(k) { return }
        }, channels: channels)
    }

    func testWriteOnlyPatternAllowsWritesAndRefusesReads() throws {
        let u = try user(["+@all", "%W~*"])
        XCTAssertEqual(check(u, ["set", "k", "v"], keys: [ACLKeyRef(position: 1, read: false, write: true)]), .ok)
        XCTAssertEqual(check(u, ["get", "k"], keys: [ACLKeyRef(position: 1, read: true, write: false)]), .deniedKey(1))
        XCTAssertEqual(check(u, ["exists", "k"], keys: [ACLKeyRef(position: 1, read: false, write: false)]), .ok)
    }

    /// A literal prefix and a final `*` are compared as bytes: the answer must
    /// be the glob matcher's for every key, and patterns with another special
    /// character still go through the glob.
    func testKeyPatternsAnswerAsTheGlobMatcherDoes() throws {
        let patterns = ["key:*", "*", "k?y:*", "a\\*", "[ab]*", "key:", "KEY:*", "x*y*", "ke]*"]
        let keys = ["key:", "key:1", "ke", "KEY:1", "kxy:9", "a*", "ab", "b", "", "key", "xay", "ke]z"]
        for pattern in patterns {
            let allowed = keys.filter { stringMatch(pattern: Array(pattern.utf8), string: Array($0.utf8), nocase: false) }
            let u = try user(["+@all", "%R~" + pattern])  // not "~*": that one is allkeys
            for key in keys {
                let verdict = check(u, ["get", key], keys: [ACLKeyRef(position: 1, read: true, write: false)])
                XCTAssertEqual(verdict, allowed.contains(key) ? .ok : .deniedKey(1), "pattern \(pattern) key \(key)")
            }
        }
    }

    func testSubcommandRuleAllowsOnlyThatSubcommand() throws {
        let u = try user(["+config|get"])
        XCTAssertEqual(check(u, ["config", "get", "x"]), .ok)
        XCTAssertEqual(check(u, ["config", "set", "x", "y"]), .deniedCommand)
    }

    func testFirstArgRuleMatchesCaseInsensitively() throws {
        let u = try user(["+select|0"])
        XCTAssertEqual(check(u, ["select", "0"]), .ok)
        XCTAssertEqual(check(u, ["select", "1"]), .deniedCommand)
    }

    func testNoAuthCommandsSkipTheCommandCheck() throws {
        let u = try user([])
        XCTAssertEqual(check(u, ["auth", "x"]), .ok)
        XCTAssertEqual(check(u, ["ping"]), .deniedCommand)
    }

    func testPsubscribePatternsMustBeLiterallyAllowed() throws {
        let u = try user(["+@all", "&news.*"])
        XCTAssertEqual(check(u, ["psubscribe", "news.*"], channels: .psubscribe), .ok)
        XCTAssertEqual(check(u, ["psubscribe", "news.a*"], channels: .psubscribe), .deniedChannel(1))
        XCTAssertEqual(check(u, ["subscribe", "news.a", "x"], channels: .subscribe), .deniedChannel(2))
        XCTAssertEqual(check(u, ["publish", "news.b", "m"], channels: .publish), .ok)
    }

    func testAnySelectorMayAllowAndTheMostSpecificFailureIsReported() throws {
        let u = try user(["+get", "~a", "(+set ~b)"])
        let w = [ACLKeyRef(position: 1, read: false, write: true)]
        XCTAssertEqual(check(u, ["set", "b", "v"], keys: w), .ok)
        XCTAssertEqual(check(u, ["set", "a", "v"], keys: w), .deniedKey(1))
        XCTAssertEqual(check(u, ["del", "a"], keys: w), .deniedCommand)
    }

    func testPasswordsNopassAndOff() throws {
        let u = try user(["on", ">pw"])
        XCTAssertTrue(u.accepts(password: Array("pw".utf8)))
        XCTAssertFalse(u.accepts(password: Array("x".utf8)))
        let n = try user(["nopass"])
        XCTAssertFalse(n.accepts(password: []), "off users never log in")
    }
}
