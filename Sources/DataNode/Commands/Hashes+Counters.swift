import Keyspace
import Protocol

/// HINCRBY and HINCRBYFLOAT. The increment is parsed before the key is looked
/// up, and a missing key is created before the field is read, as in Redis.
extension HashCommands {
    static func hincrby(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let incr = parseStrictInt64(argv[3]) else {
            client.replyError("ERR value is not an integer or out of range")
            return
        }
        let key = Key(argv[1])
        guard let h = lookupWriteOrCreate(client, key) else { return }
        var value: Int64 = 0
        if let current = h.withValue(argv[2], { parseStrictInt64($0) }) {
            guard let v = current else {
                client.replyError("ERR hash value is not an integer")
                return
            }
            value = v
        }
        let (sum, overflow) = value.addingReportingOverflow(incr)
        if overflow {
            client.replyError("ERR increment or decrement would overflow")
            return
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        appendDecimal(sum, to: &digits)
        h.set(argv[2], digits, maxEntries: server.config.hashMaxListpackEntries,
              maxValue: server.config.hashMaxListpackValue)
        client.out.integer(sum)
        signalModified(client.db, key)
        server.notifyKeyspaceEvent(Notify.hash, "hincrby", key, db: client.db.id)
        server.dirty += 1
    }

    static func hincrbyfloat(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let incr = StringCommands.parseLongDouble(argv[3]) else {
            client.replyError("ERR value is not a valid float")
            return
        }
        if incr.isNaN || incr.isInfinite {
            client.replyError("ERR value is NaN or Infinity")
            return
        }
        let key = Key(argv[1])
        guard let h = lookupWriteOrCreate(client, key) else { return }
        var value: Float80 = 0
        if let current = h.withValue(argv[2], { StringCommands.parseLongDouble(Array($0)) }) {
            guard let v = current else {
                client.replyError("ERR hash value is not a float")
                return
            }
            value = v
        }
        value += incr
        if value.isNaN || value.isInfinite {
            client.replyError("ERR increment would produce NaN or Infinity")
            return
        }
        let text = StringCommands.formatLongDoubleHuman(value)
        h.set(argv[2], text, maxEntries: server.config.hashMaxListpackEntries,
              maxValue: server.config.hashMaxListpackValue)
        client.out.bulk(text)
        signalModified(client.db, key)
        server.notifyKeyspaceEvent(Notify.hash, "hincrbyfloat", key, db: client.db.id)
        server.dirty += 1
    }
}
