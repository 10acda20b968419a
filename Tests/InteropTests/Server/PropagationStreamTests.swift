import DataNode
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// The propagation feed, pinned against real Redis 7.0: the same command
/// sequences run on a redis-server and on a vigil-server, each with a raw
/// SYNC reader attached, and the streams they send must match command by
/// command. Only what must differ is normalised: absolute expiry times
/// (each server's clock; compared within a tolerance) and the members of a
/// random SPOP.
final class PropagationStreamTests: XCTestCase {
    private var fixture: ProcessFixture!
    /// Where the MIGRATE case moves keys to.
    private var migrateTarget = 0

    override func setUp() { fixture = ProcessFixture() }
    override func tearDown() { fixture.stopAll() }

    private struct Node {
        let port: Int
        let reader: ReplicationStreamReader
    }

    private func startPair(psync: Bool) throws -> (real: Node, vigil: Node)? {
        // No cron PING gets between the commands of a case.
        let args = ["--repl-ping-replica-period", "3600", "--repl-diskless-sync", "no"]
        guard let real = try fixture.optionalRedis(args, purpose: "the propagation stream comparison") else { return nil }
        let vigil = try fixture.startVigil(["--repl-ping-replica-period", "3600"])
        migrateTarget = try fixture.startRedis().port
        return (Node(port: real.port, reader: try ReplicationStreamReader(port: real.port, psync: psync)),
                Node(port: vigil.port, reader: try ReplicationStreamReader(port: vigil.port, psync: psync)))
    }

    func testEveryCaseStreamsWhatRedisStreams() throws {
        guard let (real, vigil) = try startPair(psync: false) else { return }
        let only = ProcessInfo.processInfo.environment["VIGIL_FEED_CASE"]
        for testCase in propagationStreamCases where only == nil || testCase.name == only {
            let expected = try run(testCase, on: real)
            let got = try run(testCase, on: vigil)
            if testCase.randomMembers {
                try assertSremsMatchReplies(got, testCase, "vigil")
                try assertSremsMatchReplies(expected, testCase, "redis")
            }
            assertSameStream(normalised(expected.stream, testCase), normalised(got.stream, testCase), testCase.name)
            // Leave nothing for the next case (FLUSHALL streams the same on both).
            for node in [real, vigil] {
                let conn = try ProcessFixture.connect(node.port)
                _ = try conn.call("FLUSHALL")
                conn.close()
                _ = try node.reader.commands()
            }
        }
    }

    func testPsyncGetsFullResyncHeaderThenTheSameStream() throws {
        guard let (real, vigil) = try startPair(psync: true) else { return }
        for node in [real, vigil] {
            let line = try XCTUnwrap(node.reader.fullResyncLine, "port \(node.port)")
            let parts = line.split(separator: " ")
            XCTAssertEqual(parts.count, 3, line)
            XCTAssertEqual(parts.last.map(String.init), "0", "a master that never had a backlog starts at offset 0: \(line)")
            XCTAssertEqual(parts.count > 1 ? parts[1].count : 0, 40, line)
        }
        let testCase = propagationStreamCases[0]
        assertSameStream(normalised(try run(testCase, on: real).stream, testCase),
                         normalised(try run(testCase, on: vigil).stream, testCase), testCase.name)
    }

    /// The empty RDB both send: the same AUX fields in the same order, and a valid checksum.
    func testEmptySnapshotHasRedisLayout() throws {
        guard let (real, vigil) = try startPair(psync: false) else { return }
        let realFields = try auxNames(real.reader.snapshot)
        XCTAssertEqual(try auxNames(vigil.reader.snapshot), realFields)
        XCTAssertEqual(realFields, ["redis-ver", "redis-bits", "ctime", "used-mem", "repl-stream-db", "repl-id", "repl-offset", "aof-base"])
    }

    /// Every command Vigil implements that writes (or may replicate) runs in some case.
    func testCasesCoverEveryWriteCommand() {
        var used = Set<String>()
        let only = ProcessInfo.processInfo.environment["VIGIL_FEED_CASE"]
        for testCase in propagationStreamCases where only == nil || testCase.name == only {
            for step in testCase.steps {
                let words = step.first == "#block" ? Array(step.dropFirst()) : step
                if let name = words.first { used.insert(name.lowercased()) }
                if words.count > 1 { used.insert("\(words[0])|\(words[1])".lowercased()) }
            }
        }
        let writes = CommandTable().all.filter { !$0.flags.isDisjoint(with: [.write, .mayReplicate]) && $0.handler != nil }
        let missing = writes.map(\.fullName).filter { !used.contains($0) }.sorted()
        XCTAssertEqual(missing, [], "write commands without a propagation case")
    }

    // MARK: running a case

    private struct Outcome {
        let stream: [[String]]
        let replies: [RESPValue]
    }

    private func run(_ testCase: PropagationStreamCase, on node: Node) throws -> Outcome {
        let conn = try ProcessFixture.connect(node.port)
        defer { conn.close() }
        var blockers: [RedisConnection] = []
        var replies: [RESPValue] = []
        for step in testCase.steps {
            switch step.first {
            case "#sleep":
                usleep(UInt32(Int(step[1])! * 1000))
            case "#block":
                let b = try ProcessFixture.connect(node.port)
                try b.send(Array(step.dropFirst()))
                blockers.append(b)
                try waitForBlocked(conn, count: 1, testCase.name)
            default:
                replies.append(try conn.call(step.map { $0 == "$TARGET" ? Array(String(migrateTarget).utf8) : stepArgument($0) }))
            }
        }
        // Blocked clients were served by the pushes: their replies are owed.
        for b in blockers {
            _ = try b.readReply()
            b.close()
        }
        return Outcome(stream: try node.reader.commands(), replies: replies)
    }

    private func waitForBlocked(_ conn: RedisConnection, count: Int, _ name: String) throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if case .bulkString(let b?) = try conn.call("INFO", "clients"),
               String(decoding: b, as: UTF8.self).contains("blocked_clients:\(count)\r\n") { return }
            usleep(10_000)
        }
        XCTFail("\(name): the client never blocked")
    }

    // MARK: comparing

    private func normalised(_ stream: [[String]], _ testCase: PropagationStreamCase) -> [[String]] {
        guard testCase.randomMembers else { return stream }
        return stream.map { $0.first == "SREM" ? [$0[0], $0[1], "<member>"] : $0 }
    }

    private func assertSameStream(_ expected: [[String]], _ got: [[String]], _ name: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        let same = expected.count == got.count && zip(expected, got).allSatisfy { e, g in
            e.count == g.count && zip(e, g).allSatisfy { sameArgument($0, $1) }
        }
        XCTAssertTrue(same, "\(name): stream differs\n redis: \(expected)\n vigil: \(got)", file: file, line: line)
    }

    /// Equal, or both absolute millisecond times close enough to be the same
    /// expiry computed from two clocks a case apart.
    private func sameArgument(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        // Stream IDs generated from each server's clock (`XADD *`): the same sequence, close times.
        let sa = a.split(separator: "-"), sb = b.split(separator: "-")
        if sa.count == 2, sb.count == 2, sa[1] == sb[1], sa[0].count == 13 {
            return sameArgument(String(sa[0]), String(sb[0]))
        }
        guard a.count == 13, b.count == 13, let x = Int64(a), let y = Int64(b) else { return false }
        return abs(x - y) < 60_000
    }

    /// A random SPOP's SREMs name exactly the members its reply gave.
    private func assertSremsMatchReplies(_ outcome: Outcome, _ testCase: PropagationStreamCase, _ who: String) throws {
        var popped: [String] = []
        for (step, reply) in zip(testCase.steps.filter { !$0[0].hasPrefix("#") }, outcome.replies) where step[0] == "spop" {
            switch reply {
            case .array(let items?), .set(let items):
                for case .bulkString(let m?) in items { popped.append(String(decoding: m, as: UTF8.self)) }
            default: break
            }
        }
        let removed = outcome.stream.filter { $0.first == "SREM" }.map { $0[2] }
        XCTAssertEqual(removed, popped, "\(who): SREMs must replay the members SPOP answered")
    }

    /// The AUX field names of an RDB whose only contents are AUX fields.
    private func auxNames(_ rdb: [UInt8]) throws -> [String] {
        XCTAssertEqual(Array(rdb.prefix(9)), Array("REDIS0010".utf8))
        var i = 9, names: [String] = []
        func string() throws -> String {
            let b = rdb[i]
            switch b >> 6 {
            case 0:
                i += 1
                defer { i += Int(b) }
                return String(decoding: rdb[i..<(i + Int(b))], as: UTF8.self)
            case 3:
                let width = [1, 2, 4][Int(b & 0x3F)]
                i += 1 + width
                return "<int>"
            default:
                throw RawSocketError.failed("unexpected string encoding \(b) in an empty RDB")
            }
        }
        while rdb[i] == 0xFA {
            i += 1
            names.append(try string())
            _ = try string()
        }
        XCTAssertEqual(rdb[i], 0xFF, "only AUX fields before the end")
        XCTAssertEqual(rdb.count, i + 9, "the end marker is followed by the 8-byte checksum")
        return names
    }
}
