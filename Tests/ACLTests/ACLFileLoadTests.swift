import ACL
import XCTest

/// ACL LOAD's reading of an aclfile (ACLLoadFromFile, 7.0.15): all or
/// nothing, with redis-server's error text naming each bad line.
final class ACLFileLoadTests: XCTestCase {
    private let path = "/tmp/users.acl"

    private func load(_ users: ACLUsers, _ text: String) -> String? {
        var replaced: [ACLUser] = []
        return users.load(fileText: text, path: path, replaced: &replaced)
    }

    func testEveryBadLineIsNamedAsRedisNamesIt() {
        let text = "user default on nopass ~* &* +@all\n"
            + "user dave on bogus1 bogus2 +nosuch1 +nosuch2 bogus3\n"
            + "user dave on\n"
            + "foo bar\n"
            + "user x (~a +get\n"
            + "user y on\n\n   \n"
            + "user z on +get|x|y\n"
        // What redis-server 7.0.15 answered to ACL LOAD of this file.
        XCTAssertEqual(load(Redis70Catalog.users(), text),
                       "/tmp/users.acl:2: Syntax error. "
                       + "/tmp/users.acl:2: Error in applying operation '+nosuch1': Unknown command or category name in ACL. "
                       + "/tmp/users.acl:2: Error in applying operation '+nosuch2': Unknown command or category name in ACL. "
                       + "WARNING: Duplicate user 'dave' found on line 3. "
                       + "/tmp/users.acl:4 should start with user keyword followed by the username. "
                       + "/tmp/users.acl:5: Unmatched parenthesis in selector definition."
                       + "/tmp/users.acl:9: Error in applying operation '+get|x|y': Unknown command or category name in ACL. "
                       + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
    }

    func testABrokenFileLeavesTheUsersInPlace() throws {
        let users = Redis70Catalog.users()
        try users.setUser("alice", ["on", ">pw", "~app:*", "+get"])
        let before = users.fileText
        XCTAssertNotNil(load(users, "user carol on >x ~c:* +@read\nuser dave on +nosuch\n"))
        XCTAssertEqual(users.fileText, before)
        XCTAssertNil(users.user("carol"))
    }

    func testAGoodFileReplacesEveryUserButKeepsTheDefaultUsersIdentity() throws {
        let users = Redis70Catalog.users()
        try users.setUser("alice", ["on", ">pw"])
        let defaultUser = users.defaultUser
        XCTAssertNil(load(users, "user carol on >x ~c:* +@read\n"))
        XCTAssertNil(users.user("alice"))
        XCTAssert(users.user("default") === defaultUser)
        XCTAssertEqual(users.fileText,
                       "user carol on #2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881 ~c:* resetchannels -@all +@read\n"
                       + "user default on nopass ~* &* +@all\n")
    }
}
