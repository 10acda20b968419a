import Deployment
import Foundation
import Keyspace
import Persistence
import RESPClient
import TestSupport
import XCTest

/// vigil-check-rdb against redis-check-rdb 7.0 on the same files: good files
/// (redis-server's SAVE and our writer's), truncated ones, a wrong checksum
/// and values corrupted in the ways Redis names. The whole report must be
/// the same, line for line (the log line's pid and time aside), and so must
/// the exit code.
final class CheckRDBToolTests: XCTestCase {
    private var dir = ""

    override func setUpWithError() throws { dir = try makeScratchDirectory("check-rdb") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    /// Both tools on `bytes` written as `name` in the scratch dir (run from there, so the name is the same).
    private func assertSameReport(_ bytes: [UInt8], _ name: String, expectOK: Bool,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let theirsExe = try Interop.tool("redis-check-rdb", purpose: "comparing vigil-check-rdb's reports")
        let oursExe = try Interop.built("vigil-check-rdb")
        FileManager.default.createFile(atPath: dir + "/" + name, contents: Data(bytes))
        let theirs = try ToolRun.run(theirsExe, [name], workingDirectory: dir)
        let ours = try ToolRun.run(oursExe, [name], workingDirectory: dir)
        XCTAssertEqual(normalised(ours.stdout), normalised(theirs.stdout), name, file: file, line: line)
        XCTAssertEqual(ours.status, theirs.status, "exit code for \(name)", file: file, line: line)
        XCTAssertEqual(theirs.status, expectOK ? 0 : 1, "redis-check-rdb's verdict on \(name)", file: file, line: line)
    }

    /// `1234:C 06 Dec 2026 17:34:24.361 # msg` → `# msg`.
    private func normalised(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            if let r = line.range(of: ":C "), line[..<r.lowerBound].allSatisfy(\.isNumber), let hash = line.range(of: " # ") {
                return "#" + line[hash.upperBound...]
            }
            return String(line)
        }
    }

    /// A file with `body` in db 0 and a correct checksum.
    private func file(_ body: [UInt8]) -> [UInt8] {
        var f = Array("REDIS0010".utf8) + [0xFE, 0x00] + body + [0xFF]
        var crc = CRC64.checksum(f)
        for _ in 0..<8 {
            f.append(UInt8(crc & 0xFF))
            crc >>= 8
        }
        return f
    }

    private func redisSavedFile() throws -> [UInt8] {
        let (server, port) = try startRealRedis(extraArguments: ["--dir", dir, "--dbfilename", "saved.rdb"])
        defer { server.cleanUp() }
        let c = try Interop.talking(to: "redis-server") { try RedisConnection(host: "127.0.0.1", port: port) }
        defer { c.close() }
        for cmd in PersistenceFixtures.commands(PersistenceFixtures.databases()) { _ = try c.call(cmd) }
        // One key whose time has passed by the time the tools run.
        _ = try c.call(["DEBUG", "SET-ACTIVE-EXPIRE", "0"])
        _ = try c.call(["SET", "soon", "v", "PX", "1"])
        usleep(5000)
        XCTAssertEqual(try c.call(["SAVE"]).string, "OK")
        return try RDBReader.readFile(dir + "/saved.rdb")
    }

    func testGoodFilesGiveTheSameReport() throws {
        let saved = try redisSavedFile()
        try assertSameReport(saved, "saved-copy.rdb", expectOK: true)
        let ours = try RDBWriter.snapshot(databases: PersistenceFixtures.databases(),
                                          aux: RDBAux.standard(redisVersion: "7.0.15", ctime: 1_700_000_000, usedMemory: 1_000_000,
                                                               replication: nil, aofBase: false))
        try assertSameReport(ours, "ours.rdb", expectOK: true)
        var unchecked = Array(ours.dropLast(8))
        unchecked += [UInt8](repeating: 0, count: 8)
        try assertSameReport(unchecked, "no-checksum.rdb", expectOK: true)
    }

    func testTruncatedFilesGiveTheSameReport() throws {
        let saved = try redisSavedFile()
        // Inside the header, AUX fields, keys, collection counts and members, the checksum.
        for cut in [0, 5, 9, 30] + stride(from: 100, to: saved.count, by: saved.count / 23) + [saved.count - 9, saved.count - 3] {
            try assertSameReport(Array(saved.prefix(cut)), "cut-\(cut).rdb", expectOK: false)
        }
    }

    func testWrongChecksumGivesTheSameReport() throws {
        var saved = try redisSavedFile()
        saved[saved.count - 1] ^= 0x01
        try assertSameReport(saved, "bad-crc.rdb", expectOK: false)
    }

    func testBadHeaderGivesTheSameReport() throws {
        try assertSameReport(Array("RUDIS0010".utf8) + [0xFF] + [UInt8](repeating: 0, count: 8), "signature.rdb", expectOK: false)
        try assertSameReport(Array("REDIS0011".utf8) + [0xFF] + [UInt8](repeating: 0, count: 8), "version.rdb", expectOK: false)
    }

    func testCorruptValuesGiveTheSameReport() throws {
        func string(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }
        let zsetDup = [5] + string("z") + [2] + string("a") + withUnsafeBytes(of: 1.0.bitPattern.littleEndian, Array.init)
            + string("a") + withUnsafeBytes(of: 2.0.bitPattern.littleEndian, Array.init)
        let cases: [(String, [UInt8])] = [
            ("length-encoding", [0x00, 0xBF, 0x00]),
            ("object-type", [0x08] + string("k") + string("v")),
            ("hash-listpack", [0x10] + string("h") + [5, 1, 2, 3, 4, 5]),
            ("intset", [0x0B] + string("s") + [5, 1, 2, 3, 4, 5]),
            ("list-ziplist", [0x0A] + string("l") + [5, 1, 2, 3, 4, 5]),
            ("quicklist-container", [0x12] + string("l") + [1, 5] + string("a")),
            ("lzf", [0x00] + string("k") + [0xC3, 3, 0x10, 0xFF, 0xFF, 0xFF]),
            ("string-encoding", [0x00] + string("k") + [0xC5]),
            ("set-duplicate", [0x02] + string("s") + [2] + string("a") + string("a")),
            ("hash-duplicate", [0x04] + string("h") + [2] + string("a") + string("b") + string("a") + string("c")),
            ("zset-duplicate", zsetDup),
            ("empty-set", [0x02] + string("s") + [0]),
        ]
        for (name, body) in cases { try assertSameReport(file(body), "\(name).rdb", expectOK: false) }
    }

    /// Streams corrupted where rdbLoadObject checks them: each report names
    /// the check, its rdb.c line and the offset Redis reached.
    func testCorruptStreamsGiveTheSameReport() throws {
        let small = StreamFixtures.stream([("1-1", ["a", "1", "b", "hello"]), ("1-2", ["a", "2", "b", "x"]), ("2-0", ["c", "3"])],
                                          deleting: ["1-2"], groups: [StreamFixtures.Group("g", lastID: "1-1", entriesRead: -1, consumers: [
                                              StreamFixtures.Consumer("alice", seenTime: 1_700_000_000_000,
                                                                      pending: [StreamFixtures.Pending("1-1", time: 1_700_000_000_000, count: 1)])])])
        let v = Array(DumpPayload.encode(.stream(small)).dropLast(10))
        func body(_ value: [UInt8]) -> [UInt8] { [value[0], 1, UInt8(ascii: "k")] + value.dropFirst() }
        // Offsets in the value: node key 2..<19, listpack length 19..<21, listpack 21..<88, then the length.
        let node = Array(v[2..<88])
        let pelAt = v.count - 31 - 1 - 25 - 1
        var cases: [(String, [UInt8])] = []
        cases.append(("stream-key-size", [v[0], 1, 15] + v[3...]))
        var term = v
        term[21 + 18] = 1
        cases.append(("stream-master-terminator", term))
        cases.append(("stream-empty-listpack", [19, 1, 16] + [UInt8](repeating: 0, count: 16) + [7, 7, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
        cases.append(("stream-node-twice", [v[0], 2] + node + node + v[88...]))
        cases.append(("stream-length-without-nodes", [19, 0, 5, 2, 0, 1, 1, 0, 0, 3, 0]))
        let groupAt = v.firstIndex(of: UInt8(ascii: "g"))! - 2
        cases.append(("stream-group-twice", Array(v[..<groupAt]) + [2] + v[(groupAt + 1)...] + v[(groupAt + 1)...]))
        let pel = Array(v[(pelAt + 1)..<(pelAt + 26)])
        cases.append(("stream-pel-twice", Array(v[..<pelAt]) + [2] + pel + pel + v[(pelAt + 26)...]))
        let consumer = Array(v.suffix(31))
        cases.append(("stream-consumer-twice", Array(v.dropLast(32)) + [2] + consumer + consumer))
        var missing = v
        missing[missing.count - 1] = 2
        cases.append(("stream-consumer-entry-missing", missing))
        cases.append(("stream-pel-without-consumer", Array(v.dropLast(17)) + [0]))
        cases.append(("stream-entry-owned-twice", Array(v.dropLast(17)) + [2] + v.suffix(16) + v.suffix(16)))
        for (name, value) in cases { try assertSameReport(file(body(value)), "\(name).rdb", expectOK: false) }
        // Cut at every byte of the stream: the short read names what was being read.
        let whole = file(body(v))
        for cut in 14..<(whole.count - 9) { try assertSameReport(Array(whole.prefix(cut)), "stream-cut-\(cut).rdb", expectOK: false) }
    }
}
