import ACL
import XCTest

/// The rule text ACL LIST / GETUSER print, pinned against replies captured
/// from redis-server 7.0.15.
final class ACLRuleTextTests: XCTestCase {
    private func line(_ rules: [String], name: String = "u") throws -> String {
        let users = Redis70Catalog.users()
        try users.setUser(name, rules)
        return users.user(name)!.describe(users.catalog)
    }

    func testNewUserIsOffWithoutChannelsAndCommands() throws {
        XCTAssertEqual(try line([]), "user u off resetchannels -@all")
    }

    func testDefaultUserAtBoot() {
        let users = Redis70Catalog.users()
        XCTAssertEqual(users.defaultUser.describe(users.catalog), "user default on nopass ~* &* +@all")
    }

    func testCategoriesAreRecomputedFromTheBitmap() throws {
        XCTAssertEqual(try line(["-@all", "+@read", "+@write"]), "user u off resetchannels -@all +@write +@read")
    }

    func testAllMinusCategoryStays() throws {
        XCTAssertEqual(try line(["+@all", "-@dangerous"]), "user u off resetchannels +@all -@dangerous")
    }

    func testFullUserLineWithPasswordsPatternsFirstArgsAndSelector() throws {
        let l = try line(["on", ">p1", "~k*", "%R~r*", "%W~w*", "%RW~rw*", "&ch*", "+@string", "-set", "+client|id", "+select|0",
                          "(~s*", "+smembers)"], name: "alice")
        // Redis walks single commands in hash-table order (random per process): compare them as a set.
        let expected = "user alice on #" + SHA256.hex(Array("p1".utf8))
            + " ~k* %R~r* %W~w* ~rw* resetchannels &ch* -@all +@string -set +client|id +select|0 (~s* resetchannels -@all +smembers)"
        let prefix = "user alice on #" + SHA256.hex(Array("p1".utf8)) + " ~k* %R~r* %W~w* ~rw* resetchannels &ch* -@all +@string "
        let suffix = " (~s* resetchannels -@all +smembers)"
        XCTAssertTrue(l.hasPrefix(prefix) && l.hasSuffix(suffix), l)
        XCTAssertEqual(Set(l.split(separator: " ")), Set(expected.split(separator: " ")))
    }

    func testResetShowsSanitizePayload() throws {
        XCTAssertEqual(try line(["reset"]), "user u off sanitize-payload resetchannels -@all")
    }

    func testPercentFormsOfStarArePatternsNotAllKeys() throws {
        XCTAssertEqual(try line(["%RW~*", "%R"]), "user u off ~* %R~ resetchannels -@all")
        XCTAssertEqual(try line(["%R~*"]), "user u off %R~* resetchannels -@all")
    }

    func testDuplicatePatternOrsItsPermissions() throws {
        XCTAssertEqual(try line(["%R~k", "%W~k"]), "user u off ~k resetchannels -@all")
    }

    func testReadFlagWithoutTildeIsAnEmptyReadPattern() throws {
        XCTAssertEqual(try line(["%R"]), "user u off %R~ resetchannels -@all")
    }

    func testSha256KnownVector() {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
