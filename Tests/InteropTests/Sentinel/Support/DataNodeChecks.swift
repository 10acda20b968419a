import Foundation
import Glibc
import RESPClient
import Deployment
import XCTest

/// What the failover matrix reads from data nodes beyond their role: the
/// master's sync counters, every node's DEBUG DIGEST, whether replicas
/// applied all the master produced, and the old master brought back from
/// the files it left behind.
extension LocalDeployment {
    /// One INFO section of a data node as field → value.
    static func info(port: Int, section: String) throws -> [String: String] {
        let c = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 500, ioTimeoutMs: 2000)
        defer { c.close() }
        var out: [String: String] = [:]
        for line in (try c.call("INFO", section).string ?? "").split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return out
    }

    /// sync_full and sync_partial_ok of a node, as its INFO stats counts the
    /// resyncs it served as a master.
    static func syncCounts(port: Int) throws -> (full: Int, partial: Int) {
        let s = try info(port: port, section: "stats")
        return (Int(s["sync_full"] ?? "") ?? -1, Int(s["sync_partial_ok"] ?? "") ?? -1)
    }

    static func digest(port: Int) throws -> String {
        let c = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 500, ioTimeoutMs: 5000)
        defer { c.close() }
        return try c.call("DEBUG", "DIGEST").string ?? "?"
    }

    /// Every replica's link is up at the master's offset, then every node's
    /// DEBUG DIGEST equals the master's (which holds data).
    static func expectSameData(master: Int, replicas: [Int], _ when: String, seconds: Double = 20,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        try waitUntil(seconds, "\(replicas) applied everything \(master) produced (\(when))") {
            let target = try replication(port: master)["master_repl_offset"]
            return try replicas.allSatisfy {
                let r = try replication(port: $0)
                return r["master_link_status"] == "up" && r["slave_repl_offset"] == target
            }
        }
        let expected = try digest(port: master)
        XCTAssertNotEqual(expected, String(repeating: "0", count: 40), "the master holds data (\(when))", file: file, line: line)
        for r in replicas {
            XCTAssertEqual(try digest(port: r), expected, "DEBUG DIGEST of \(r) \(when)", file: file, line: line)
        }
    }

    /// The SIGKILLed master again, from its own directory and arguments (its
    /// dump.rdb), believing it is a master.
    func restartOldMasterFromItsFiles() throws {
        let old = master!
        master = try old.relaunchFromItsFiles(port: masterPort)
        retired.append(old)
    }
}
