import CoreKit
import Protocol
@testable import ReplicationCore

/// Drives a replica link the way the data node does, keeping what it was asked to do.
struct LinkHarness {
    var link: ReplicaLink
    var now: Int64 = 1_000_000
    var effects: [ReplicaLinkEffect] = []

    static let masterId = String(repeating: "a", count: 40)
    static let ownId = String(repeating: "c", count: 40)

    init(settings: ReplicaLinkSettings = ReplicaLinkSettings(listeningPort: 6380)) {
        link = ReplicaLink(history: ReplicationHistory(replid: Self.ownId), settings: settings)
    }

    @discardableResult
    mutating func run(_ step: (inout ReplicaLink, Int64) -> [ReplicaLinkEffect]) -> [ReplicaLinkEffect] {
        let fx = step(&link, now)
        effects += fx
        return fx
    }

    @discardableResult mutating func receive(_ s: String) -> [ReplicaLinkEffect] { receive(Array(s.utf8)) }
    @discardableResult mutating func receive(_ b: [UInt8]) -> [ReplicaLinkEffect] { run { $0.received(b, nowMs: $1) } }
    @discardableResult mutating func tick(after ms: Int64) -> [ReplicaLinkEffect] {
        now += ms
        return run { $0.tick(nowMs: $1) }
    }

    /// From REPLICAOF (as configured at start-up) to the PSYNC request.
    mutating func handshake(host: String = "10.0.0.1", port: Int = 6379) {
        run { $0.replicaOf(host: host, port: port, nowMs: $1, fromConfig: true) }
        run { $0.connected(nowMs: $1) }
        receive("+PONG\r\n")
        receive("+OK\r\n+OK\r\n")
    }

    /// A full sync from a `$<len>` payload at `offset`, loaded successfully.
    mutating func fullSync(offset: Int64 = 100, rdb: [UInt8] = Array("REDIS0010-fake".utf8)) {
        handshake()
        receive("+FULLRESYNC \(Self.masterId) \(offset)\r\n$\(rdb.count)\r\n")
        receive(rdb)
        run { $0.payloadLoaded(success: true, nowMs: $1) }
    }

    var logs: [String] { effects.compactMap { if case .log(_, let t) = $0 { return t } else { return nil } } }
    var sent: [[UInt8]] { effects.compactMap { if case .send(let b) = $0 { return b } else { return nil } } }
    var sentText: [String] { sent.map { String(decoding: $0, as: UTF8.self) } }
    var applied: [[String]] { effects.compactMap { if case .apply(let a) = $0 { return a.map { String(decoding: $0, as: UTF8.self) } } else { return nil } } }
    var forwarded: [[UInt8]] { effects.compactMap { if case .forward(let b) = $0 { return b } else { return nil } } }
    var payload: [UInt8] { effects.flatMap { if case .appendPayload(let b) = $0 { return b } else { return [] } } }

    mutating func clear() { effects.removeAll() }

    static func command(_ args: String...) -> [UInt8] {
        var out = Array("*\(args.count)\r\n".utf8)
        for a in args { out += Array("$\(a.utf8.count)\r\n\(a)\r\n".utf8) }
        return out
    }
    static func ack(_ n: Int64) -> String { String(decoding: command("REPLCONF", "ACK", String(n)), as: UTF8.self) }
}
