import Foundation
import Deployment
import Glibc
import RESPClient
import TestSupport
import XCTest

/// What the replication interop tests share: INFO fields, waiting until
/// replicas applied everything, DEBUG DIGEST comparison, a write load.
struct ReplicationSync {
    let master: RedisConnection
    let replicas: [RedisConnection]

    func info(_ c: RedisConnection, _ field: String) throws -> String? {
        let text = String(decoding: try c.call(["INFO", "all"]).bytes ?? [], as: UTF8.self)
        return text.split(separator: "\r\n").first { $0.hasPrefix(field + ":") }.map { String($0.dropFirst(field.count + 1)) }
    }

    /// Every replica's link is up and it applied everything the master produced.
    func waitCaughtUp(seconds: Double = 20, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            let target = try info(master, "master_repl_offset")
            var done = true
            last = "master at \(target ?? "?")"
            for r in replicas {
                let status = try info(r, "master_link_status"), applied = try info(r, "slave_repl_offset")
                last += "; replica link \(status ?? "?") at \(applied ?? "?")"
                if status != "up" || applied != target { done = false }
            }
            if done { return }
            usleep(50_000)
        }
        XCTFail("replicas did not catch up: \(last)", file: file, line: line)
        throw XCTSkip("replicas did not catch up (failure recorded)")
    }

    /// DEBUG DIGEST equal (and a real digest, not an error or an empty dataset's).
    func assertSameData(_ when: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dm = try master.call(["DEBUG", "DIGEST"])
        XCTAssertFalse(dm.isError, "\(dm)", file: file, line: line)
        XCTAssertNotEqual(dm.string, String(repeating: "0", count: 40), "the master holds data", file: file, line: line)
        for r in replicas {
            let dr = try r.call(["DEBUG", "DIGEST"])
            XCTAssertFalse(dr.isError, "\(dr)", file: file, line: line)
            XCTAssertEqual(dr.string, dm.string, "DEBUG DIGEST \(when)", file: file, line: line)
        }
    }

    /// For a dataset too large for DEBUG DIGEST in a debug build: the same
    /// DBSIZE, and DEBUG DIGEST-VALUE equal (and not an error) for `keys`.
    func assertSameValues(_ keys: [String], _ when: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let size = try master.call(["DBSIZE"])
        for r in replicas { XCTAssertEqual(try r.call(["DBSIZE"]), size, "DBSIZE \(when)", file: file, line: line) }
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let batch = Array(keys[start..<min(start + 1000, keys.count)])
            let dm = try master.call(["DEBUG", "DIGEST-VALUE"] + batch)
            XCTAssertFalse(dm.isError, "\(dm)", file: file, line: line)
            for r in replicas {
                XCTAssertEqual(try r.call(["DEBUG", "DIGEST-VALUE"] + batch), dm, "DEBUG DIGEST-VALUE \(when)", file: file, line: line)
            }
        }
    }

    /// Writes of every type, in two databases, with transactions, TTLs and deletions.
    static func writeLoad(_ c: RedisConnection, rounds: Int, tag: String) throws {
        for i in 0..<rounds {
            let k = "\(tag):\(i % 37)"
            let cmds: [[String]] = [
                ["SELECT", String(i % 3 == 0 ? 3 : 0)],
                ["SET", "s:" + k, "value-\(i)"],
                ["INCRBY", "n:" + k, String(i)],
                ["APPEND", "s:" + k, "+"],
                ["RPUSH", "l:" + k, "x\(i)", "y\(i)"],
                ["LPOP", "l:" + k],
                ["HSET", "h:" + k, "f\(i % 5)", String(i)],
                ["SADD", "set:" + k, String(i % 11), "m\(i)"],
                ["SREM", "set:" + k, "m\(i - 1)"],
                ["ZADD", "z:" + k, String(Double(i) / 3), "m\(i % 13)"],
                ["ZINCRBY", "z:" + k, "1.5", "m0"],
                ["SET", "ttl:" + k, "v", "EX", "1000"],
                ["PEXPIRE", "s:" + k, "5000000"],
                ["INCRBYFLOAT", "f:" + k, "0.1"],
                ["SETRANGE", "r:" + k, String(i % 9), "abc"],
                ["SPOP", "set:" + k],
                ["DEL", "n:\(tag):\((i + 5) % 37)"],
                ["MULTI"], ["INCR", "tx:" + k], ["LPUSH", "l:" + k, "tx"], ["EXEC"],
            ]
            for cmd in cmds {
                let reply = try c.call(cmd)
                if reply.isError { XCTFail("\(cmd): \(reply)") }
            }
        }
        _ = try c.call(["SELECT", "0"])
    }
}

extension ReplicationSync {
    /// The largest output buffer (CLIENT LIST omem) the master holds for a replica now.
    func replicaOutputBytes() throws -> Int {
        let text = String(decoding: try master.call(["CLIENT", "LIST", "TYPE", "replica"]).bytes ?? [], as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("omem=") }.flatMap { Int($0.dropFirst(5)) }
        }.max() ?? 0
    }

    /// Waits until `replica`'s link is up, sampling the master's replica
    /// output buffers meanwhile: how long it took (nil: not within `seconds`)
    /// and the largest buffer seen.
    func waitLinkUp(_ replica: RedisConnection, seconds: Double) throws -> (seconds: Double?, peakOutputBytes: Int) {
        let start = Date(), deadline = start.addingTimeInterval(seconds)
        var peak = 0
        while Date() < deadline {
            peak = max(peak, try replicaOutputBytes())
            if try info(replica, "master_link_status") == "up" { return (Date().timeIntervalSince(start), peak) }
            usleep(20_000)
        }
        return (nil, peak)
    }

    /// Waits until `process`'s log holds `text`; fails with the log's tail otherwise.
    static func waitForLog(_ process: NodeProcess, _ text: String, seconds: Double = 15,
                           file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if process.logText.contains(text) { return }
            usleep(50_000)
        }
        XCTFail("log never said \"\(text)\":\n\(process.logTail(lines: 40))", file: file, line: line)
    }

    /// Loads every type of PersistenceFixtures, then some writes of every kind.
    static func loadEveryType(_ c: RedisConnection, file: StaticString = #filePath, line: UInt = #line) throws {
        for cmd in PersistenceFixtures.commands(PersistenceFixtures.databases()) {
            let reply = try c.call(cmd)
            XCTAssertFalse(reply.isError, "\(reply)", file: file, line: line)
        }
        try writeLoad(c, rounds: 40, tag: "pre")
    }
}
