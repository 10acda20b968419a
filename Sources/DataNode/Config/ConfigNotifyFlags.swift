import ServerKit

/// notify.c: the keyspace-event class letters.
enum ConfigNotifyFlags {
    static let keyspace = 1 << 0, keyevent = 1 << 1, generic = 1 << 2, string = 1 << 3
    static let list = 1 << 4, set = 1 << 5, hash = 1 << 6, zset = 1 << 7, expired = 1 << 8
    static let evicted = 1 << 9, stream = 1 << 10, keyMiss = 1 << 11, module = 1 << 13, new = 1 << 14
    static let all = generic | string | list | set | hash | zset | expired | evicted | stream | module

    static func parse(_ raw: [UInt8]) -> Int? {
        var flags = 0
        for c in ConfigCParse.cString(raw) {
            switch c {
            case UInt8(ascii: "A"): flags |= all
            case UInt8(ascii: "g"): flags |= generic
            case UInt8(ascii: "$"): flags |= string
            case UInt8(ascii: "l"): flags |= list
            case UInt8(ascii: "s"): flags |= set
            case UInt8(ascii: "h"): flags |= hash
            case UInt8(ascii: "z"): flags |= zset
            case UInt8(ascii: "x"): flags |= expired
            case UInt8(ascii: "e"): flags |= evicted
            case UInt8(ascii: "K"): flags |= keyspace
            case UInt8(ascii: "E"): flags |= keyevent
            case UInt8(ascii: "t"): flags |= stream
            case UInt8(ascii: "m"): flags |= keyMiss
            case UInt8(ascii: "d"): flags |= module
            case UInt8(ascii: "n"): flags |= new
            default: return nil
            }
        }
        return flags
    }

    static func format(_ flags: Int) -> String {
        var r = ""
        if flags & all == all {
            r += "A"
        } else {
            let letters: [(Int, Character)] = [(generic, "g"), (string, "$"), (list, "l"), (set, "s"),
                                               (hash, "h"), (zset, "z"), (expired, "x"), (evicted, "e"),
                                               (stream, "t"), (module, "d"), (new, "n")]
            for (bit, ch) in letters where flags & bit != 0 { r.append(ch) }
        }
        if flags & keyspace != 0 { r += "K" }
        if flags & keyevent != 0 { r += "E" }
        if flags & keyMiss != 0 { r += "m" }
        return r
    }
}
