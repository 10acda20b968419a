import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// vigil-server and redis-server started with an aclfile, given the same
/// ACL commands: ACL SAVE writes the same file, ACL LOAD reads an edited
/// one the same way and refuses a broken one with the same error, leaving
/// the users in place. Redis writes single-command rules in hash-table
/// order, so files and ACL LIST are compared as ACLDifferentialTests does.
final class ACLFileProcessTests: XCTestCase {
    private let fixture = ProcessFixture()
    override func tearDown() { fixture.stopAll() }

    static let setUsers: [[String]] = [
        ["ACL", "SETUSER", "alice", "on", ">pw", "~app:*", "%R~ro:*", "&news", "-@all", "+get", "+set", "+client|id", "(~x* +del)"],
        ["ACL", "SETUSER", "bob", "off", "nopass"],
        ["ACL", "SETUSER", "carol", "on", "#2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", "allkeys", "+@read", "-keys"],
    ]

    /// One server of each kind with its own aclfile (empty, as Redis requires one to exist).
    private struct Pair {
        let vigil: RedisConnection, redis: RedisConnection
        let vigilFile: String, redisFile: String
    }

    private func startPair() throws -> Pair {
        let dir = try makeScratchDirectory("aclfile")
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let vigilFile = dir + "/vigil.acl", redisFile = dir + "/redis.acl"
        for f in [vigilFile, redisFile] { FileManager.default.createFile(atPath: f, contents: Data()) }
        guard let r = try fixture.optionalRedis(["--aclfile", redisFile], purpose: "aclfile comparison") else {
            throw XCTSkip("redis-server is not installed")
        }
        let v = try fixture.startVigil(["--aclfile", vigilFile])
        let pair = Pair(vigil: try ProcessFixture.connect(v.port), redis: try ProcessFixture.connect(r.port),
                        vigilFile: vigilFile, redisFile: redisFile)
        addTeardownBlock { pair.vigil.close(); pair.redis.close() }
        return pair
    }

    /// Sends `args` to both; the replies must match (the file paths each names aside).
    @discardableResult
    private func both(_ p: Pair, _ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try p.vigil.send(args)
        try p.redis.send(args)
        let ours = ACLDifferentialTests.normalized(try p.vigil.readRawReply()).replacingOccurrences(of: p.vigilFile, with: "<aclfile>")
        let theirs = ACLDifferentialTests.normalized(try p.redis.readRawReply()).replacingOccurrences(of: p.redisFile, with: "<aclfile>")
        XCTAssertEqual(ours, theirs, "\(args)", file: file, line: line)
        return theirs
    }

    private func fileText(_ path: String) -> String {
        ACLDifferentialTests.normalized(Array((FileManager.default.contents(atPath: path) ?? Data()).map { $0 }))
    }

    private func write(_ p: Pair, _ text: String) {
        for f in [p.vigilFile, p.redisFile] { FileManager.default.createFile(atPath: f, contents: Data(text.utf8)) }
    }

    func testACLSaveWritesTheFileRedisServerWrites() throws {
        let p = try startPair()
        for args in Self.setUsers { try both(p, args) }
        XCTAssertEqual(try both(p, ["ACL", "SAVE"]), "+OK\r\n")
        let theirs = fileText(p.redisFile)
        XCTAssert(theirs.contains("user alice on #"), theirs)
        XCTAssertEqual(fileText(p.vigilFile), theirs)
    }

    func testACLLoadReadsAnEditedFile() throws {
        let p = try startPair()
        for args in Self.setUsers { try both(p, args) }
        try both(p, ["ACL", "SAVE"])
        write(p, "user default on nopass ~* &* +@all\nuser dave on >x ~d:* &d:* -@all +@string -append\r\n\tuser erin off\n")
        XCTAssertEqual(try both(p, ["ACL", "LOAD"]), "+OK\r\n")
        let list = try both(p, ["ACL", "LIST"])
        XCTAssert(list.contains("user dave on #") && !list.contains("alice"), list)
        try both(p, ["ACL", "GETUSER", "dave"])
    }

    func testABrokenFileAtACLLoadKeepsTheUsersAndNamesTheLine() throws {
        let p = try startPair()
        for args in Self.setUsers { try both(p, args) }
        let before = try both(p, ["ACL", "LIST"])
        write(p, "user default on nopass ~* &* +@all\nuser dave on >x ~d:*\nuser erin on ~e:* +nosuch bogus\n")
        let refusal = try both(p, ["ACL", "LOAD"])
        XCTAssert(refusal.hasPrefix("-ERR <aclfile>:3: Error in applying operation '+nosuch'"), refusal)
        XCTAssertEqual(try both(p, ["ACL", "LIST"]), before)
        // The users still log in as before.
        XCTAssertEqual(try both(p, ["AUTH", "carol", "x"]), "+OK\r\n")
    }
}
