import ACL
import XCTest

/// ACL SETUSER's refusals and their texts (7.0.15).
final class ACLRuleErrorTests: XCTestCase {
    private func error(_ rules: [String], name: String = "u") -> String? {
        do { try Redis70Catalog.users().setUser(name, rules); return nil } catch { return error.text }
    }

    func testUnknownCommandAndCategory() {
        XCTAssertEqual(error(["+nosuch"]), "Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL")
        XCTAssertEqual(error(["+@nosuch"]), "Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL")
        XCTAssertEqual(error(["-get|x"]), "Error in ACL SETUSER modifier '-get|x': Unknown command or category name in ACL")
        XCTAssertEqual(error(["+config|nosuch"]), "Error in ACL SETUSER modifier '+config|nosuch': Unknown command or category name in ACL")
    }

    func testSyntaxErrors() {
        XCTAssertEqual(error(["foo"]), "Error in ACL SETUSER modifier 'foo': Syntax error")
        XCTAssertEqual(error(["+get|"]), "Error in ACL SETUSER modifier '+get|': Syntax error")
        XCTAssertEqual(error(["%X~x"]), "Error in ACL SETUSER modifier '%X~x': Syntax error")
        XCTAssertEqual(error(["%~x"]), "Error in ACL SETUSER modifier '%~x': Syntax error")
        XCTAssertEqual(error(["(~x foo)"]), "Error in ACL SETUSER modifier '(~x foo)': Syntax error")
    }

    func testFirstArgOfASubcommand() {
        XCTAssertEqual(error(["+config|get|x"]), "Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is not supported")
    }

    func testPatternsAfterAllKeysOrAllChannels() {
        XCTAssertEqual(error(["allkeys", "~x"]), "Error in ACL SETUSER modifier '~x': " + ACLRuleError.patternAfterAllKeys.text)
        XCTAssertEqual(error(["allchannels", "&x"]), "Error in ACL SETUSER modifier '&x': " + ACLRuleError.patternAfterAllChannels.text)
    }

    func testPasswordErrors() {
        XCTAssertEqual(error(["<nope"]), "Error in ACL SETUSER modifier '<nope': The password you are trying to remove from the user does not exist")
        XCTAssertEqual(error(["#ABC"]), "Error in ACL SETUSER modifier '#ABC': " + ACLRuleError.badHash.text)
    }

    func testUnmatchedParenthesisAndBadNames() {
        XCTAssertEqual(error(["(~x", "+get"]), "Unmatched parenthesis in acl selector starting at '(~x'.")
        XCTAssertEqual(error([], name: "a b"), "Usernames can't contain spaces or null characters")
    }

    func testAFailedSetuserChangesNothing() throws {
        let users = Redis70Catalog.users()
        try users.setUser("u", ["on", "+get"])
        XCTAssertThrowsError(try users.setUser("u", ["off", "+nosuch"]))
        XCTAssertEqual(users.user("u")!.describe(users.catalog), "user u on resetchannels -@all +get")
        XCTAssertThrowsError(try users.setUser("v", ["+nosuch"]))
        XCTAssertNil(users.user("v"))
    }
}
