import Protocol
import RESPClient
import TestSupport

/// A PSUBSCRIBE `__key*__:*` connection: after each command, `drain()` pings
/// it and returns what was published before the PONG, as
/// "channel message" lines (the order both servers must agree on).
final class KeyspaceEventWatcher {
    let conn: RedisConnection

    init(port: Int) throws {
        conn = try ProcessFixture.connect(port, ioTimeoutMs: 5000)
        try conn.send(["PSUBSCRIBE", "__key*__:*"])
        _ = try conn.readRawReply()
    }

    func drain() throws -> [String] { try Self.drainSubscribed(conn) }

    /// What a connection in subscribed mode received before a PING's PONG.
    static func drainSubscribed(_ conn: RedisConnection) throws -> [String] {
        try conn.send(["PING", "__events_end__"])
        var events: [String] = []
        while true {
            let raw = try conn.readRawReply()
            guard let e = (try? ReplyParser().parse(raw))?.value.elements else {
                events.append("<unparsable \(visible(raw))>")
                continue
            }
            let words = e.map { $0.bytes.map { DiffCommand.quote($0) } ?? "?" }
            if words.first == "\"pong\"" { return events }
            // [p]message [pattern] channel payload
            events.append(words.count >= 3 ? words.suffix(2).joined(separator: " ") : words.joined(separator: " "))
        }
    }

    func close() { conn.close() }
}
