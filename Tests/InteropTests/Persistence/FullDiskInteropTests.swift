import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// redis-server 7.0 and vigil-server on a real full disk (a 1 MB tmpfs
/// mounted over each one's directory): a BGSAVE that can't be written and
/// an AOF that can't be appended to fail the same visible way on both
/// (INFO, log, MISCONF refusals), and once the disk has room again the AOF
/// catches up and loses no acknowledged write. The unit of this is the
/// injected-fault test (PersistenceFaultProcessTests); this shows the real
/// disk gives the same picture, on Redis as on Vigil.
final class FullDiskInteropTests: XCTestCase {
    /// A 1 MB tmpfs over a PersistentDirectory's path, unmounted after its servers stop.
    private final class TinyDisk {
        let dir: PersistentDirectory
        init(_ tag: String) throws {
            dir = try PersistentDirectory(tag)
            let r = try ToolRun.run("/usr/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.path])
            guard r.status == 0 else { throw Interop.machineLacks("mounting a 1 MB tmpfs failed (it needs root): \(r.stderr)") }
        }

        func unmount() {
            for p in dir.processes { p.terminate() }
            _ = try? ToolRun.run("/usr/bin/umount", [dir.path])
        }

        /// Writes a file until the disk refuses more; returns its path.
        func fill() -> String {
            let path = dir.path + "/filler"
            let fd = open(path, O_WRONLY | O_CREAT, 0o644)
            var block = [UInt8](repeating: 0x5a, count: 4096)
            while block.withUnsafeMutableBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
            close(fd)
            return path
        }
    }

    private func start(_ disk: TinyDisk, vigil: Bool, _ args: [String]) throws -> PersistentDirectory.Running {
        vigil ? try disk.dir.startVigil(args) : try disk.dir.startRedis(args)
    }

    /// The log's messages (without pid, role and time) that contain one of `words`.
    private func messages(_ node: PersistentDirectory.Running, containing words: [String]) -> [String] {
        node.process.logText.split(separator: "\n").compactMap { line in
            guard words.contains(where: { line.contains($0) }), let mark = line.range(of: #"[.*#-] "#, options: .regularExpression) else { return nil }
            return String(line[mark.lowerBound...])
        }
    }

    /// 30 values of 100 KB that don't compress: three times the disk.
    private func fillDataset(_ c: RedisConnection) throws {
        var rng = SystemRandomNumberGenerator()
        for i in 0..<30 {
            let value = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertEqual(try c.call([Array("SET".utf8), Array("big:\(i)".utf8), value]), .simpleString(Array("OK".utf8)))
        }
    }

    private func bgsaveOnFullDisk(vigil: Bool) throws -> [String] {
        let disk = try TinyDisk("full-disk-bgsave")
        defer { disk.unmount() }
        let node = try start(disk, vigil: vigil, [])
        let c = try node.connect()
        try fillDataset(c)
        _ = try c.call("CONFIG", "SET", "save", "3600 1")
        var seen = ["\(try c.call("BGSAVE"))"]
        try c.waitForInfo("rdb_bgsave_in_progress", "0", section: "persistence")
        seen.append(try c.infoField("rdb_last_bgsave_status", section: "persistence") ?? "none")
        seen.append("\(try c.call("SET", "a", "b"))")
        seen.append("\(try c.call("PING"))")
        seen += messages(node, containing: ["Write error saving DB", "Background saving error"])
        // SIGTERM would refuse to stop a server whose save points can't be saved.
        _ = try c.call("CONFIG", "SET", "save", "")
        return seen
    }

    func testBgsaveOnAFullDiskFailsAsRedis() throws {
        let theirs = try bgsaveOnFullDisk(vigil: false)
        let ours = try bgsaveOnFullDisk(vigil: true)
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(ours.count, 6, "\(ours)")
    }

    private func bgrewriteaofOnFullDisk(vigil: Bool) throws -> [String] {
        let disk = try TinyDisk("full-disk-rewrite")
        defer { disk.unmount() }
        let node = try start(disk, vigil: vigil, ["--appendonly", "yes"])
        let c = try node.connect()
        XCTAssertEqual(try c.call("SET", "k", "v"), .simpleString(Array("OK".utf8)))
        _ = disk.fill()
        var seen = ["\(try c.call("BGREWRITEAOF"))"]
        for field in ["aof_last_bgrewrite_status", "aof_rewrites", "aof_rewrites_consecutive_failures", "aof_last_write_status"] {
            seen.append("\(field):\(try c.infoField(field, section: "persistence") ?? "none")")
        }
        seen += messages(node, containing: ["manifest"])
        seen += disk.dir.files()
        return seen
    }

    /// The new incr file's manifest can't be written: refused before any fork, as Redis.
    func testBgrewriteaofOnAFullDiskFailsAsRedis() throws {
        let theirs = try bgrewriteaofOnFullDisk(vigil: false)
        let ours = try bgrewriteaofOnFullDisk(vigil: true)
        XCTAssertEqual(ours, theirs)
        XCTAssertTrue(ours.contains("aof_last_bgrewrite_status:err"), "\(ours)")
    }

    private struct AOFRun: Equatable {
        var refusal = ""
        /// PING, a script that writes, one that reads, a transaction with a write.
        var others: [String] = []
        var statusWhileFull = ""
        var toldWhy = false
        var toldSolved = false
        var statusAfter = ""
        var acknowledgedKept = false
    }

    private func aofOnFullDisk(vigil: Bool) throws -> AOFRun {
        let disk = try TinyDisk("full-disk-aof")
        defer { disk.unmount() }
        let args = ["--appendonly", "yes", "--appendfsync", "everysec"]
        let node = try start(disk, vigil: vigil, args)
        let c = try node.connect()
        XCTAssertEqual(try c.call("SET", "before", "1"), .simpleString(Array("OK".utf8)))
        let filler = disk.fill()
        var run = AOFRun()
        var acknowledged = ["before"]
        for i in 0..<50 {
            let key = "k\(i)"
            let reply = try c.call([Array("SET".utf8), Array(key.utf8), [UInt8](repeating: 0x61, count: 2000)])
            if case .error(let e) = reply {
                run.refusal = String(decoding: e, as: UTF8.self)
                break
            }
            acknowledged.append(key)
        }
        run.statusWhileFull = try c.infoField("aof_last_write_status", section: "persistence") ?? "none"
        for cmd in [["PING"], ["EVAL", "return redis.call('SET', 'x', '1')", "0"], ["EVAL", "return redis.call('GET', 'before')", "0"],
                    ["MULTI"], ["SET", "y", "1"], ["EXEC"]] {
            run.others.append("\(try c.call(cmd))")
        }
        run.toldWhy = !messages(node, containing: ["Short write while writing to the AOF file", "Error writing to the AOF file: No space left on device"]).isEmpty
        unlink(filler)
        try c.waitForInfo("aof_last_write_status", "ok", section: "persistence")
        run.statusAfter = try c.infoField("aof_last_write_status", section: "persistence") ?? "none"
        run.toldSolved = !messages(node, containing: ["AOF write error looks solved, Redis can write again."]).isEmpty
        XCTAssertEqual(try c.call("SET", "after", "1"), .simpleString(Array("OK".utf8)))
        acknowledged.append("after")
        node.process.terminate()
        let again = try start(disk, vigil: vigil, args).connect()
        run.acknowledgedKept = try again.call(["EXISTS"] + acknowledged) == .integer(Int64(acknowledged.count))
        return run
    }

    func testAofOnAFullDiskFailsAndRecoversAsRedis() throws {
        let theirs = try aofOnFullDisk(vigil: false)
        let ours = try aofOnFullDisk(vigil: true)
        XCTAssertEqual(ours, theirs)
        var expected = AOFRun(refusal: "MISCONF Errors writing to the AOF file: No space left on device", statusWhileFull: "err",
                              toldWhy: true, toldSolved: true, statusAfter: "ok", acknowledgedKept: true)
        expected.others = ours.others
        XCTAssertEqual(ours, expected)
    }
}
