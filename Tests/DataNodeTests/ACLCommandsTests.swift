import ACL
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// ACL on the data node through the real dispatch path: logins, NOPERM
/// replies, the ACL log, transactions and what user changes do to
/// connections (texts as redis-server 7.0.15 answers).
final class ACLCommandsTests: XCTestCase {
    private func harnessWithUser(_ rules: [String]) throws -> (Harness, Client) {
        let h = try Harness()
        XCTAssertEqual(h.call(args: ["ACL", "SETUSER", "bob", "on", ">pw"] + rules), .ok)
        let c = h.newClient()
        _ = h.raw(["AUTH", "bob", "pw"], on: c)
        return (h, c)
    }

    func testAuthWithAUserRunsAsThatUser() throws {
        let (h, c) = try harnessWithUser(["+@all", "~*"])
        XCTAssertEqual(h.call(args: ["ACL", "WHOAMI"], on: c), .bulk("bob"))
        XCTAssertEqual(String(decoding: h.raw(["AUTH", "bob", "nope"], on: c), as: UTF8.self),
                       "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
    }

    func testAuthWithOnlyAPasswordWhenDefaultIsNopassIsAnError() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("AUTH", "x"),
                       "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n")
    }

    func testCommandKeyAndChannelDenialsUseRedisTexts() throws {
        let (h, c) = try harnessWithUser(["+get", "+publish", "~k*", "&ch*"])
        XCTAssertEqual(String(decoding: h.raw(["SET", "k", "v"], on: c), as: UTF8.self),
                       "-NOPERM this user has no permissions to run the 'set' command\r\n")
        XCTAssertEqual(String(decoding: h.raw(["GET", "x"], on: c), as: UTF8.self),
                       "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n")
        XCTAssertEqual(String(decoding: h.raw(["PUBLISH", "other", "m"], on: c), as: UTF8.self),
                       "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n")
        XCTAssertEqual(String(decoding: h.raw(["CLIENT", "LIST"], on: c), as: UTF8.self),
                       "-NOPERM this user has no permissions to run the 'client|list' command\r\n")
        XCTAssertEqual(h.call(args: ["GET", "k1"], on: c), .bulkString(nil))
    }

    func testDenialsAreLoggedNewestFirstAndMergedWhenRepeated() throws {
        let (h, c) = try harnessWithUser(["+get", "~k*"])
        _ = h.raw(["SET", "k", "v"], on: c)
        _ = h.raw(["GET", "x"], on: c)
        _ = h.raw(["GET", "x"], on: c)
        guard case .array(let entries?) = h.call("ACL", "LOG") else { return XCTFail("no log") }
        XCTAssertEqual(entries.count, 2)
        guard case .array(let newest?) = entries[0] else { return XCTFail("entry is not a map") }
        XCTAssertEqual(Array(newest.prefix(10)), [.bulk("count"), .integer(2), .bulk("reason"), .bulk("key"),
                                                  .bulk("context"), .bulk("toplevel"), .bulk("object"), .bulk("x"),
                                                  .bulk("username"), .bulk("bob")])
        XCTAssertEqual(newest[10], .bulk("age-seconds"))
        XCTAssertEqual(newest[12], .bulk("client-info"))
        XCTAssertTrue(newest[13].string?.contains(" cmd=get user=bob ") ?? false, "\(newest[13])")
        XCTAssertEqual(h.call("ACL", "LOG", "RESET"), .ok)
        XCTAssertEqual(h.call("ACL", "LOG"), .array([]))
    }

    func testFailedAuthIsLoggedWithTheTriedUser() throws {
        let h = try Harness()
        _ = h.rawString("AUTH", "nobody", "pw")
        guard case .array(let entries?) = h.call("ACL", "LOG"), case .array(let e?) = entries.first else { return XCTFail("no log") }
        XCTAssertEqual(Array(e.prefix(10)), [.bulk("count"), .integer(1), .bulk("reason"), .bulk("auth"), .bulk("context"),
                                             .bulk("toplevel"), .bulk("object"), .bulk("AUTH"), .bulk("username"), .bulk("nobody")])
    }

    func testAclLogIsBoundedByAcllogMaxLen() throws {
        let (h, c) = try harnessWithUser(["+get", "~k*"])
        XCTAssertEqual(h.call("CONFIG", "SET", "acllog-max-len", "2"), .ok)
        for k in ["a", "b", "c"] { _ = h.raw(["GET", k], on: c) }
        guard case .array(let entries?) = h.call("ACL", "LOG") else { return XCTFail("no log") }
        XCTAssertEqual(entries.count, 2)
    }

    func testDenialInMultiFailsQueueingAndAbortsExec() throws {
        let (h, c) = try harnessWithUser(["+multi", "+exec", "+get", "~*"])
        XCTAssertEqual(h.call(args: ["MULTI"], on: c), .ok)
        XCTAssertEqual(String(decoding: h.raw(["SET", "k", "v"], on: c), as: UTF8.self),
                       "-NOPERM this user has no permissions to run the 'set' command\r\n")
        XCTAssertEqual(String(decoding: h.raw(["EXEC"], on: c), as: UTF8.self),
                       "-EXECABORT Transaction discarded because of previous errors.\r\n")
    }

    func testRulesChangedBeforeExecRefuseTheQueuedCommand() throws {
        let (h, c) = try harnessWithUser(["+@all", "~*", "&*"])
        XCTAssertEqual(h.call(args: ["MULTI"], on: c), .ok)
        _ = h.raw(["SET", "k", "v"], on: c)
        _ = h.raw(["GET", "k"], on: c)
        XCTAssertEqual(h.call("ACL", "SETUSER", "bob", "-set"), .ok)
        XCTAssertEqual(String(decoding: h.raw(["EXEC"], on: c), as: UTF8.self),
                       "*2\r\n-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand\r\n$-1\r\n")
    }

    func testDeletingAUserClosesItsConnections() throws {
        let (h, c) = try harnessWithUser(["+@all"])
        XCTAssertEqual(h.call("ACL", "DELUSER", "bob", "nosuch"), .integer(1))
        XCTAssertTrue(c.isFreed)
        XCTAssertEqual(h.rawString("ACL", "DELUSER", "default"), "-ERR The 'default' user cannot be removed\r\n")
    }

    func testSubscriberLosingItsChannelIsDisconnected() throws {
        let (h, c) = try harnessWithUser(["+@all", "&*"])
        _ = h.raw(["SUBSCRIBE", "news"], on: c)
        XCTAssertEqual(h.call("ACL", "SETUSER", "bob", "resetchannels", "&news"), .ok)
        XCTAssertFalse(c.isFreed, "a channel still allowed keeps the subscriber")
        XCTAssertEqual(h.call("ACL", "SETUSER", "bob", "resetchannels", "&other"), .ok)
        XCTAssertTrue(c.isFreed)
    }

    func testRequirepassIsTheDefaultUsersPassword() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "requirepass", "s3"), .ok)
        guard case .array(let list?) = h.call("ACL", "LIST") else { return XCTFail("no list") }
        XCTAssertEqual(list.first?.string, "user default on #" + SHA256.hex(Array("s3".utf8)) + " ~* &* +@all")
        let c = h.newClient()
        XCTAssertEqual(String(decoding: h.raw(["GET", "k"], on: c), as: UTF8.self), "-NOAUTH Authentication required.\r\n")
        XCTAssertEqual(h.call(args: ["AUTH", "s3"], on: c), .ok)
    }

    func testDryrunJudgesWithoutRunning() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("ACL", "SETUSER", "u", "on", "+get", "~k*"), .ok)
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "get", "k1"), .ok)
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "get", "x"), .bulk("This user has no permissions to access the 'x' key"))
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "set", "k", "v"), .bulk("This user has no permissions to run the 'set' command"))
        XCTAssertEqual(h.rawString("ACL", "DRYRUN", "nobody", "get", "k"), "-ERR User 'nobody' not found\r\n")
        XCTAssertEqual(h.rawString("ACL", "DRYRUN", "u", "nosuch"), "-ERR Command 'nosuch' not found\r\n")
        XCTAssertEqual(h.rawString("ACL", "DRYRUN", "u", "get"), "-ERR wrong number of arguments for 'get' command\r\n")
    }

    /// SORT's BY pattern and GET read keys no key spec names, so they need
    /// read access to every key (acl-v2.tcl "Test sort with ACL permissions").
    func testSortByPatternAndGetNeedReadAccessToEveryKey() throws {
        let (h, c) = try harnessWithUser(["+sort", "~mylist"])
        h.call("RPUSH", "mylist", "1")
        let byDenied = "-ERR BY option of SORT denied due to insufficient ACL permissions.\r\n"
        let getDenied = "-ERR GET option of SORT denied due to insufficient ACL permissions.\r\n"
        XCTAssertEqual(String(decoding: h.raw(["SORT", "mylist", "BY", "v*"], on: c), as: UTF8.self), byDenied)
        XCTAssertEqual(String(decoding: h.raw(["SORT", "mylist", "GET", "#"], on: c), as: UTF8.self), getDenied)
        XCTAssertEqual(h.call(args: ["SORT", "mylist", "BY", "nosort"], on: c), .array([.bulk("1")]),
                       "a BY without '*' reads no key")
        XCTAssertEqual(h.call("ACL", "SETUSER", "bob", "resetkeys", "~mylist", "%W~*"), .ok)
        XCTAssertEqual(String(decoding: h.raw(["SORT", "mylist", "BY", "v*"], on: c), as: UTF8.self), byDenied,
                       "write access to every key is not read access")
        XCTAssertEqual(h.call("ACL", "SETUSER", "bob", "resetkeys", "~mylist", "%R~*"), .ok)
        XCTAssertEqual(h.call(args: ["SORT", "mylist", "BY", "v*", "GET", "#"], on: c), .array([.bulk("1")]))
    }

    /// SET's key flags depend on its arguments (VARIABLE_FLAGS): with GET it
    /// reads the key too (answers as redis-server 7.0.15 gives them).
    func testSetWithGetAlsoNeedsReadAccessToItsKey() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("ACL", "SETUSER", "u", "on", "+set", "%W~k*"), .ok)
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "set", "k", "v"), .ok)
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "set", "k", "v", "GET"), .bulk("This user has no permissions to access the 'k' key"))
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "set", "k", "v", "get"), .bulk("This user has no permissions to access the 'k' key"))
    }

    func testTheFirstRefusedKeyInArgumentOrderIsReported() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("ACL", "SETUSER", "u", "on", "+mset", "~m*"), .ok)
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "mset", "m1", "v", "x", "v", "y", "v"),
                       .bulk("This user has no permissions to access the 'x' key"))
    }

    func testAKeyRefusedByTheRootSelectorIsAllowedByAnother() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("ACL", "SETUSER", "u", "on", "+get", "~a*", "(+get ~b*)"), .ok)
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "get", "b1"), .ok)
        XCTAssertEqual(h.call("ACL", "DRYRUN", "u", "get", "c"), .bulk("This user has no permissions to access the 'c' key"))
    }

    func testAclSubcommandArityErrorsEchoTheSubcommandAsTyped() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("ACL", "CAT", "a", "b"),
                       "-ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.\r\n")
        XCTAssertEqual(h.rawString("acl", "GenPass", "1", "2"),
                       "-ERR unknown subcommand or wrong number of arguments for 'GenPass'. Try ACL HELP.\r\n")
        XCTAssertEqual(h.rawString("ACL", "log", "1", "2"),
                       "-ERR unknown subcommand or wrong number of arguments for 'log'. Try ACL HELP.\r\n")
    }
}
