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
}
