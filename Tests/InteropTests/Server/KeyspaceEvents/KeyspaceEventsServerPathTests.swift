import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Events that come from the server rather than from a command (the active
/// expire cycle, eviction) and the notify-keyspace-events setting itself,
/// checked on redis-server 7.0 and on vigil-server alike.
final class KeyspaceEventsServerPathTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func bothServers() throws -> [(name: String, port: Int)] {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        return [("redis-server", redis.port), ("vigil-server", vigil.port)]
    }

    /// Messages received within `ms`, as "channel payload".
    func messages(_ c: RedisConnection, count: Int, withinMs ms: Int) throws -> [String] {
        var out: [String] = []
        let deadline = Date().addingTimeInterval(Double(ms) / 1000)
        while out.count < count, Date() < deadline {
            guard let raw = try c.readRawReply(timeoutMs: 100) else { continue }
            let e = try ReplyParser().parse(raw)?.value.elements ?? []
            out.append(e.suffix(2).map { String(decoding: $0.bytes ?? [], as: UTF8.self) }.joined(separator: " "))
        }
        return out
    }

    func testConfigGetRendersClassesInRedisOrder() throws {
        let inputs = ["KEA", "Kgxnm", "AKE", "KEAnm", "g$lshzxetdn", "E$lA", "", "m", "Kq", "A", "xK", "EK"]
        var transcripts: [String: [String]] = [:]
        for (name, port) in try bothServers() {
            let c = try ProcessFixture.connect(port)
            defer { c.close() }
            var lines: [String] = []
            for i in inputs {
                try c.send(["CONFIG", "SET", "notify-keyspace-events", i])
                let set = visible(try c.readRawReply())
                try c.send(["CONFIG", "GET", "notify-keyspace-events"])
                let get = visible(try c.readRawReply())
                lines.append("\(i): \(set) \(get)")
            }
            transcripts[name] = lines
        }
        XCTAssertEqual(transcripts["vigil-server"], transcripts["redis-server"])
    }

    func testActiveExpiryPublishesExpired() throws {
        for (name, port) in try bothServers() {
            let c = try ProcessFixture.connect(port)
            defer { c.close() }
            _ = try c.call("CONFIG", "SET", "notify-keyspace-events", "Ex")
            let sub = try ProcessFixture.connect(port)
            defer { sub.close() }
            _ = try sub.call("SUBSCRIBE", "__keyevent@0__:expired")
            _ = try c.call("SET", "short", "v", "PX", "30")
            _ = try c.call("SET", "long", "v", "EX", "1000")
            // Nobody touches the key: only the active cycle can find it.
            XCTAssertEqual(try messages(sub, count: 1, withinMs: 5000), ["__keyevent@0__:expired short"], name)
        }
    }

    func testEvictionPublishesEvictedForEachRemovedKey() throws {
        for (name, port) in try bothServers() {
            let c = try ProcessFixture.connect(port)
            defer { c.close() }
            _ = try c.call("CONFIG", "SET", "notify-keyspace-events", "Ee")
            let sub = try ProcessFixture.connect(port)
            defer { sub.close() }
            _ = try sub.call("SUBSCRIBE", "__keyevent@0__:evicted")
            let value = String(repeating: "x", count: 1000)
            for i in 0..<200 { _ = try c.call("SET", "k\(i)", value) }
            guard case .bulkString(let info?) = try c.call("INFO", "memory"),
                  let line = String(decoding: info, as: UTF8.self).split(separator: "\r\n").first(where: { $0.hasPrefix("used_memory:") }),
                  let used = Int(line.dropFirst("used_memory:".count)) else { return XCTFail("\(name): no used_memory") }
            _ = try c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")
            _ = try c.call("CONFIG", "SET", "maxmemory", String(used - 50_000))
            _ = try c.call("SET", "trigger", "v")
            // Eviction may go on from a timer between commands: let it reach
            // the limit, then lift the limit and collect everything published.
            Thread.sleep(forTimeInterval: 0.5)
            _ = try c.call("CONFIG", "SET", "maxmemory", "0")
            let evicted = try KeyspaceEventWatcher.drainSubscribed(sub)
            XCTAssertFalse(evicted.isEmpty, "\(name): nothing evicted")
            for m in evicted {
                XCTAssertTrue(m.hasPrefix("\"__keyevent@0__:evicted\" "), "\(name): \(m)")
                let key = Array(m.split(separator: " ").last?.dropFirst().dropLast() ?? "").map { String($0) }.joined()
                XCTAssertEqual(try c.call("EXISTS", key), .integer(0), "\(name): \(key) was reported evicted but exists")
            }
            guard case .integer(let left) = try c.call("DBSIZE") else { return XCTFail("DBSIZE") }
            XCTAssertEqual(Int(left) + evicted.count, 201, "\(name): every removed key is reported once")
        }
    }
}
