import Foundation
import RESPClient
import TestSupport
import XCTest

/// CLIENT INFO / CLIENT LIST fields that follow the protocol bytes rather
/// than the allocator, against redis-server 7.0.15: qbuf counts the running
/// command (Redis trims its query buffer after the read batch) and the
/// unparsed rest of another client's partial command; argv-mem and
/// multi-mem. (qbuf-free, rbs, rbp and tot-mem depend on jemalloc's sizes and
/// Redis's reply-buffer resizing cron: not compared, see the README.)
final class ClientListFieldsRealRedisTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    static let compared = ["qbuf", "argv-mem", "multi-mem", "multi", "sub", "psub", "cmd"]

    func fields(_ line: String) -> String {
        let pairs = line.split(separator: " ").compactMap { p -> (String, String)? in
            let kv = p.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }
        return Self.compared.map { k in "\(k)=\(pairs.first { $0.0 == k }?.1 ?? "?")" }.joined(separator: " ")
    }

    func observe(port: Int) throws -> [String] {
        let a = try ProcessFixture.connect(port)
        defer { a.close() }
        var out: [String] = []
        func info(_ args: String...) throws -> String {
            guard case .bulkString(let b?) = try a.call(args) else { return "?" }
            return String(decoding: b, as: UTF8.self)
        }
        out.append(fields(try info("CLIENT", "INFO")))
        _ = try a.call("MULTI")
        _ = try a.call("SET", "k", String(repeating: "v", count: 100))
        _ = try a.call("CLIENT", "INFO")
        guard case .array(let replies?) = try a.call("EXEC"), let last = replies.last?.bytes else { return out + ["EXEC failed"] }
        out.append("in EXEC: " + fields(String(decoding: last, as: UTF8.self)))
        // Another client stopped in the middle of a command.
        let b = try ProcessFixture.connect(port)
        defer { b.close() }
        try b.sendRaw(Array("*3\r\n$3\r\nset\r\n$1\r\na\r\n$10\r\nabc".utf8))
        Thread.sleep(forTimeInterval: 0.2)
        let list = try info("CLIENT", "LIST").split(separator: "\n").map(String.init)
        for l in list where !l.contains("cmd=client|list") { out.append("other: " + fields(l)) }
        return out
    }

    func testProtocolDerivedFieldsMatchRedis() throws {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        let expected = try Interop.talking(to: "redis-server") { try observe(port: redis.port) }
        XCTAssertEqual(expected.first?.contains("qbuf=26"), true, "redis-server itself: \(expected)")
        XCTAssertEqual(try observe(port: vigil.port), expected)
    }
}
