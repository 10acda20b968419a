import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Start-up from an AOF directory is a load like an RDB's: clients that
/// connect meanwhile get -LOADING, and INFO shows the loading_* fields
/// counting through the AOF files (as Redis 7.0's loadAppendOnlyFiles with
/// startLoading over the files' total size).
final class AOFLoadingProcessTests: XCTestCase {
    private let loadingError = RESPValue.error(Array("LOADING Redis is loading the dataset in memory".utf8))

    /// A directory whose incr file holds 3000 SETs (one script's effects), and
    /// a restart that replays them at 1 ms each (key-load-delay): a three-second load.
    private func slowStart(_ d: PersistentDirectory, preamble: String) throws -> PersistentDirectory.Running {
        let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", preamble]
        let first = try d.startVigil(args)
        let c = try first.connect()
        _ = try c.call("EVAL", "for i = 1, 3000 do redis.call('SET', 'k' .. i, i) end", "0")
        if preamble == "yes" {
            // Into the RDB base: the load then spends its time in the preamble.
            _ = try c.call("BGREWRITEAOF")
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, d.files().contains(where: { $0.hasSuffix(".base.rdb") }) == false { usleep(20_000) }
        }
        first.process.terminate()
        // Clients are served every 1024 commands, and every KiB of an RDB base.
        return try d.startVigil(args + ["--key-load-delay", "1000", "--loading-process-events-interval-bytes", "1024"],
                                waitForPing: false)
    }

    /// Connects (the server listens before it loads) and sends one command.
    private func firstReply(_ node: PersistentDirectory.Running, _ args: String...) throws -> (RESPValue, RedisConnection) {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let c = try? node.connect(ioTimeoutMs: 5000) { return (try c.call(args), c) }
            usleep(20_000)
        }
        throw RedisClientError.timeout
    }

    private func waitForKeys(_ node: PersistentDirectory.Running, _ n: Int) {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if (try? node.connect().call("DBSIZE")) == .integer(Int64(n)) { return }
            usleep(50_000)
        }
        XCTFail("the load never ended with \(n) keys:\n\(node.process.logTail())")
    }

    private func fields(_ info: RESPValue) -> [String: String] {
        guard case .bulkString(let b?) = info else { return [:] }
        var out: [String: String] = [:]
        for line in String(decoding: b, as: UTF8.self).split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return out
    }

    func testClientsGetLoadingWhileTheAofReplays() throws {
        let d = try PersistentDirectory("aof-loading-reply")
        let node = try slowStart(d, preamble: "no")
        let (reply, _) = try firstReply(node, "SET", "x", "1")
        XCTAssertEqual(reply, loadingError)
        waitForKeys(node, 3000)
    }

    func testInfoCountsLoadingThroughTheAofFiles() throws {
        let d = try PersistentDirectory("aof-loading-info")
        let node = try slowStart(d, preamble: "no")
        let total = d.files().filter { $0 != "appendonly.aof.manifest" }
            .reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: d.file($1))[.size] as? Int) ?? 0) }
        let (info, _) = try firstReply(node, "INFO", "persistence")
        let f = fields(info)
        XCTAssertEqual(f["loading"], "1")
        // Off while its files replay, as Redis's aof_state is.
        XCTAssertEqual(f["aof_enabled"], "0")
        XCTAssertEqual(f["loading_total_bytes"], String(total))
        let loaded = Int(f["loading_loaded_bytes"] ?? "") ?? -1
        XCTAssertTrue(loaded >= 0 && loaded < total, "loaded \(loaded) of \(total)")
        for name in ["loading_start_time", "loading_rdb_used_mem", "loading_loaded_perc", "loading_eta_seconds"] {
            XCTAssertNotNil(f[name], name)
        }
        waitForKeys(node, 3000)
    }

    func testClientsGetLoadingWhileAnRdbBaseLoads() throws {
        let d = try PersistentDirectory("aof-loading-base")
        let node = try slowStart(d, preamble: "yes")
        let (reply, c) = try firstReply(node, "SET", "x", "1")
        XCTAssertEqual(reply, loadingError)
        // The base's used-mem aux field is reported while it loads, as rdbLoadRio sets it.
        let f = fields(try c.call("INFO", "persistence"))
        XCTAssertEqual(f["loading"], "1")
        XCTAssertEqual(f["aof_enabled"], "0")
        XCTAssertNotEqual(f["loading_rdb_used_mem"], "0")
        waitForKeys(node, 3000)
    }
}
