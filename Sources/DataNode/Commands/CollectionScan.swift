import CoreKit
import Keyspace
import Protocol
import ServerKit

/// What HSCAN, SSCAN and ZSCAN share (Redis's scanGenericCommand): the
/// checks before the walk, the options, and the reply (whose cursor and
/// start position SCAN shares too).
struct CollectionScan {
    var count = 10
    var pattern: [UInt8]? = nil

    @inline(__always)
    func matches(_ bytes: [UInt8]) -> Bool {
        guard let p = pattern else { return true }
        return stringMatch(pattern: p, string: bytes, nocase: false)
    }

    /// The cursor, then the key (missing: the empty scan reply; another
    /// type: WRONGTYPE), then the options, in Redis's order; nil once replied.
    static func start<V>(_ client: Client, _ argv: [[UInt8]], _ ofType: (Value) -> V?)
        -> (cursor: UInt64, value: V, options: CollectionScan)?
    {
        guard let cursor = KeyCommands.parseScanCursor(argv[2]) else {
            client.replyError("ERR invalid cursor")
            return nil
        }
        guard let found = client.db.lookupRead(Key(argv[1])) else {
            replyEmpty(client)
            return nil
        }
        guard let value = ofType(found) else {
            client.replyError(HashCommands.wrongType)
            return nil
        }
        guard let options = parseOptions(client, argv, from: 3) else { return nil }
        return (cursor, value, options)
    }

    /// COUNT and MATCH from left to right, the last of each winning; TYPE is
    /// only SCAN's, so it is a syntax error here.
    static func parseOptions(_ client: Client, _ argv: [[UInt8]], from start: Int) -> CollectionScan? {
        var o = CollectionScan()
        var i = start
        while i < argv.count {
            let more = argv.count - i >= 2
            if more && argEquals(argv[i], "count") {
                guard let n = parseStrictInt64(argv[i + 1]) else {
                    client.replyError("ERR value is not an integer or out of range")
                    return nil
                }
                guard n >= 1 else {
                    client.replyError("ERR syntax error")
                    return nil
                }
                o.count = Int(n)
                i += 2
            } else if more && argEquals(argv[i], "match") {
                let p = argv[i + 1]
                o.pattern = (p.count == 1 && p[0] == UInt8(ascii: "*")) ? nil : p
                i += 2
            } else {
                client.replyError("ERR syntax error")
                return nil
            }
        }
        return o
    }

    /// The DenseDict position a client cursor stands for (huge cursors clamp).
    static func startIndex(_ cursor: UInt64) -> Int {
        cursor > UInt64(Int.max) ? Int.max : Int(cursor)
    }

    static func reply(_ client: Client, cursor: Int, _ items: [[UInt8]]) {
        replyHeader(client, cursor: cursor, count: items.count)
        for b in items { client.out.bulk(b) }
    }

    /// Every *SCAN reply up to its elements: [cursor, [count elements...]].
    static func replyHeader(_ client: Client, cursor: Int, count: Int) {
        client.out.arrayHeader(2)
        var digits: [UInt8] = []
        appendDecimal(Int64(cursor), to: &digits)
        client.out.bulk(digits)
        client.out.arrayHeader(count)
    }

    /// Redis's shared.emptyscan: cursor 0, no elements.
    static func replyEmpty(_ client: Client) {
        reply(client, cursor: 0, [])
    }
}
