import Deployment
import Foundation
import Keyspace
import Protocol
import RESPClient
import TestSupport
import XCTest

/// AOF directories move between vigil-server and redis-server 7.0 both ways,
/// with RESP bases and RDB-preamble bases, and vigil-check-aof says what
/// redis-check-aof says about the same files.
final class AOFInteropTests: XCTestCase {
    private func waitForRewrite(_ c: RedisConnection) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            guard case .bulkString(let b?) = try c.call("INFO", "persistence") else { break }
            let text = String(decoding: b, as: UTF8.self)
            if text.contains("aof_rewrite_in_progress:0"), text.contains("aof_rewrites:1"), text.contains("aof_rewrite_scheduled:0") { return }
            usleep(20_000)
        }
        XCTFail("the rewrite did not finish")
    }

    /// Writes the dataset on `writer` (a rewrite in the middle, so there is a
    /// base and an incr file), stops it and loads the directory on `reader`.
    private func move(preamble: String, writeWithVigil: Bool) throws {
        let d = try PersistentDirectory("aof-interop")
        let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", preamble]
        _ = try Interop.tool("redis-server", purpose: "AOF interop")
        let writer = writeWithVigil ? try d.startVigil(args) : try d.startRedis(args)
        let c = try writer.connect()
        try PersistenceDataset.populate(c)
        _ = try c.call("BGREWRITEAOF")
        try waitForRewrite(c)
        _ = try c.call("SET", "after:rewrite", "1")
        _ = try c.call("HSET", "hash:small", "f3", "later")
        let expected = try PersistenceDataset.fingerprint(c)
        writer.process.terminate()
        let base = "appendonly.aof.2.base.\(preamble == "yes" ? "rdb" : "aof")"
        XCTAssertEqual(String(decoding: d.read("appendonly.aof.manifest") ?? [], as: UTF8.self),
                       "file \(base) seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
        let reader = writeWithVigil ? try d.startRedis(args) : try d.startVigil(args)
        XCTAssertEqual(try PersistenceDataset.fingerprint(reader.connect()), expected, reader.process.logTail())
        XCTAssertTrue(reader.process.logText.contains("DB loaded from base file \(base): "), reader.process.logTail())
        XCTAssertTrue(reader.process.logText.contains("DB loaded from incr file appendonly.aof.2.incr.aof: "))
    }

    func testRedisLoadsVigilsDirectoryWithRespBase() throws { try move(preamble: "no", writeWithVigil: true) }
    func testRedisLoadsVigilsDirectoryWithRdbBase() throws { try move(preamble: "yes", writeWithVigil: true) }
    func testVigilLoadsRedisDirectoryWithRespBase() throws { try move(preamble: "no", writeWithVigil: false) }
    func testVigilLoadsRedisDirectoryWithRdbBase() throws { try move(preamble: "yes", writeWithVigil: false) }

    /// The incr file vigil writes for a command sequence is byte for byte the
    /// one redis-server writes.
    func testIncrFileBytesMatchRedis() throws {
        var files: [[UInt8]] = []
        for vigil in [true, false] {
            let d = try PersistentDirectory("aof-bytes")
            let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"]
            let node = vigil ? try d.startVigil(args) : try d.startRedis(args)
            let c = try node.connect()
            for cmd in [["set", "a", "1"], ["SELECT", "2"], ["incrby", "n", "5"], ["SET", "t", "v", "EX", "100"].map { $0 },
                        ["MULTI"], ["lpush", "l", "x"], ["sadd", "s", "m"], ["EXEC"], ["PUBLISH", "ch", "msg"], ["del", "missing"]] {
                _ = try c.call(cmd)
            }
            node.process.terminate()
            var bytes = d.read("appendonly.aof.1.incr.aof") ?? []
            // SET EX becomes SET ... PXAT <absolute ms>: the instant differs between the runs.
            if let r = bytes.firstRange(of: Array("PXAT\r\n$13\r\n".utf8)) { bytes.replaceSubrange(r.upperBound..<(r.upperBound + 13), with: Array(repeating: UInt8(ascii: "T"), count: 13)) }
            files.append(bytes)
        }
        XCTAssertEqual(String(decoding: files[0], as: UTF8.self), String(decoding: files[1], as: UTF8.self))
    }

    /// The RESP base an AOF rewrite writes for streams (XADD per live entry,
    /// XSETID, XGROUP CREATE, XCLAIM ... JUSTID FORCE, XGROUP CREATECONSUMER)
    /// is byte for byte redis-server's for the same streams.
    func testRewrittenStreamBaseMatchesRedis() throws {
        // One stream a database: the base lists keys in hash-table order.
        var commands: [[[UInt8]]] = []
        var dbID = 0
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count {
                guard case .stream(let st) = db.dict.value(at: i) else { continue }
                commands.append([Array("SELECT".utf8), Array(String(dbID).utf8)])
                commands += StreamFixtures.commands(key: db.dict.key(at: i).bytes, st)
                dbID += 1
            }
        }
        var bases: [String] = []
        for vigil in [true, false] {
            let d = try PersistentDirectory("aof-stream-base")
            let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"]
            let node = vigil ? try d.startVigil(args) : try d.startRedis(args)
            let c = try node.connect()
            for cmd in commands {
                let r = try c.call(cmd)
                XCTAssertFalse(r.isError, "\(cmd.prefix(3).map { String(decoding: $0, as: UTF8.self) }): \(r)")
            }
            _ = try c.call("BGREWRITEAOF")
            try waitForRewrite(c)
            node.process.terminate()
            bases.append(String(decoding: d.read("appendonly.aof.2.base.aof") ?? [], as: UTF8.self))
        }
        XCTAssertTrue(bases[1].contains("XSETID"), "redis-server's base has no stream")
        XCTAssertEqual(bases[0], bases[1])
    }

    // MARK: the check tool

    private func check(_ tool: String, _ args: [String], in dir: String) throws -> String {
        let r = try ToolRun.run(tool, args, workingDirectory: dir)
        return r.stdout + "(exit \(r.status))"
    }

    /// Mutations of a real AOF (cut at many offsets, bytes changed, unbalanced
    /// transactions) checked by both tools, as a manifest set and as single files.
    func testCheckToolPrintsWhatRedisCheckAofPrints() throws {
        let real = try Interop.tool("redis-check-aof", purpose: "comparing vigil-check-aof")
        let ours = try Interop.built("vigil-check-aof")
        let select = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
        let body = select + "*3\r\n$3\r\nset\r\n$1\r\na\r\n$2\r\n10\r\n" + "*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nincr\r\n$1\r\nn\r\n*1\r\n$4\r\nEXEC\r\n"
            + "#TS:1700000000\r\n*4\r\n$5\r\nrpush\r\n$1\r\nl\r\n$3\r\nabc\r\n$0\r\n\r\n"
        let bytes = Array(body.utf8)
        var cases: [[UInt8]] = []
        for cut in stride(from: 1, to: bytes.count, by: 3) { cases.append(Array(bytes.prefix(cut))) }
        for (i, b) in [(5, UInt8(ascii: "x")), (24, UInt8(ascii: "$")), (30, 0), (40, 13), (60, UInt8(ascii: "*")), (100, 0xff)] where i < bytes.count {
            var m = bytes
            m[i] = b
            cases.append(m)
        }
        cases.append(Array((select + "*1\r\n$4\r\nEXEC\r\n").utf8))
        cases.append(Array((select + "*1\r\n$5\r\nMULTI\r\n*1\r\n$5\r\nMULTI\r\n").utf8))
        cases.append(Array((select + "*1\r\n$5\r\nmulti\r\n").utf8))
        cases.append(Array("*1\r\n$-4\r\n".utf8))
        let d = try makeScratchDirectory("aof-check")
        defer { try? FileManager.default.removeItem(atPath: d) }
        try FileManager.default.createDirectory(atPath: d + "/dir", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: d + "/dir/appendonly.aof.manifest",
                                       contents: Data("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n".utf8))
        FileManager.default.createFile(atPath: d + "/dir/appendonly.aof.1.base.aof", contents: Data(select.utf8))
        for (n, c) in cases.enumerated() {
            FileManager.default.createFile(atPath: d + "/dir/appendonly.aof.1.incr.aof", contents: Data(c))
            for args in [["dir/appendonly.aof.manifest"], ["dir/appendonly.aof.1.incr.aof"]] {
                XCTAssertEqual(try check(ours, args, in: d), try check(real, args, in: d), "case \(n): \(visible(c))")
            }
        }
    }

    /// --fix: both tools cut the last file at the same offset after a "y".
    func testFixTruncatesLikeRedisCheckAof() throws {
        let real = try Interop.tool("redis-check-aof", purpose: "comparing vigil-check-aof --fix")
        let ours = try Interop.built("vigil-check-aof")
        var results: [(String, Int)] = []
        for tool in [ours, real] {
            let d = try makeScratchDirectory("aof-fix")
            defer { try? FileManager.default.removeItem(atPath: d) }
            let content = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n*3\r\n$3\r\nset\r\n"
            FileManager.default.createFile(atPath: d + "/x.aof", contents: Data(content.utf8))
            let r = try ToolRun.run(tool, ["--fix", "x.aof"], stdin: "y\n", workingDirectory: d)
            let size = (try? FileManager.default.attributesOfItem(atPath: d + "/x.aof")[.size] as? Int) ?? -1
            results.append((r.stdout + "(exit \(r.status))", size))
        }
        XCTAssertEqual(results[0].0, results[1].0)
        XCTAssertEqual(results[0].1, results[1].1)
        XCTAssertEqual(results[0].1, 50)
    }
}
