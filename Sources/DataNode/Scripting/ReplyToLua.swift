import Lua
import Protocol

/// A command's reply, as the script client's output bytes, to the Lua value
/// redis.call returns (script_lua.c redisProtocolToLuaType): integers to
/// numbers, null bulk and null array to false, status to {ok=...}, errors to
/// {err=...}, RESP3 maps, sets, doubles, big numbers and verbatim strings to
/// their tagged tables, attributes dropped.
struct ReplyToLua {
    let bytes: [UInt8]
    var pos = 0

    nonisolated(unsafe) static let okKey = LuaValue.str("ok")
    nonisolated(unsafe) static let errKey = LuaValue.str("err")
    /// Set on an error a command replied or a script call was refused with:
    /// the error stats counted it already, the script's reply must not again.
    nonisolated(unsafe) static let ignoreStatsKey = LuaValue.str("ignore_error_stats_update")
    nonisolated(unsafe) static let mapKey = LuaValue.str("map")
    nonisolated(unsafe) static let setKey = LuaValue.str("set")
    nonisolated(unsafe) static let doubleKey = LuaValue.str("double")
    nonisolated(unsafe) static let bigNumberKey = LuaValue.str("big_number")
    nonisolated(unsafe) static let verbatimKey = LuaValue.str("verbatim_string")
    nonisolated(unsafe) static let formatKey = LuaValue.str("format")
    nonisolated(unsafe) static let stringKey = LuaValue.str("string")

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The first reply in the buffer; `isError` tells call() to raise it.
    mutating func convert() -> (value: LuaValue, isError: Bool) {
        guard pos < bytes.count else { return (.nil_, false) }
        let isError = bytes[pos] == UInt8(ascii: "-")
        return (value(), isError)
    }

    private mutating func line() -> ArraySlice<UInt8> {
        let start = pos
        while pos + 1 < bytes.count && !(bytes[pos] == 13 && bytes[pos + 1] == 10) { pos += 1 }
        let l = bytes[start..<min(pos, bytes.count)]
        pos += 2
        return l
    }

    private mutating func length() -> Int {
        let l = line()
        // parsed where it lies: no array made per length or integer reply
        return parseStrictInt64(l).map { Int($0) } ?? -1
    }

    private mutating func value() -> LuaValue {
        let type = bytes[pos]
        pos += 1
        switch type {
        case UInt8(ascii: ":"):
            let l = line()
            return .number(Double(parseStrictInt64(l) ?? 0))
        case UInt8(ascii: "$"):
            let n = length()
            if n < 0 { return .bool(false) }
            let s = Array(bytes[pos..<pos + n])
            pos += n + 2
            return .str(s)
        case UInt8(ascii: "+"):
            return tagged(Self.okKey, .str(Array(line())))
        case UInt8(ascii: "-"):
            // every table starts empty, as lua_newtable makes Redis's: their
            // layout, and so the order pairs walks them, grows as Redis's does
            let t = LuaTable()
            try? t.set(Self.errKey, .str(Array(line())))
            try? t.set(Self.ignoreStatsKey, .bool(true))
            return .table(t)
        case UInt8(ascii: "*"), UInt8(ascii: ">"):
            let n = length()
            if n < 0 { return .bool(false) }
            let t = LuaTable()
            for i in 0..<n { try? t.set(int: i + 1, value()) }
            return .table(t)
        case UInt8(ascii: "%"):
            let n = length()
            let m = LuaTable()
            for _ in 0..<n {
                let k = value()
                let v = value()
                if !k.isNil { try? m.set(k, v) }
            }
            return tagged(Self.mapKey, .table(m))
        case UInt8(ascii: "~"):
            let n = length()
            let s = LuaTable()
            for _ in 0..<n {
                let k = value()
                if !k.isNil { try? s.set(k, .bool(true)) }
            }
            return tagged(Self.setKey, .table(s))
        case UInt8(ascii: ","):
            let l = String(decoding: line(), as: UTF8.self)
            let d: Double
            switch l {
            case "inf": d = .infinity
            case "-inf": d = -.infinity
            case "nan", "-nan": d = .nan
            default: d = Double(l) ?? 0
            }
            return tagged(Self.doubleKey, .number(d))
        case UInt8(ascii: "("):
            return tagged(Self.bigNumberKey, .str(Array(line())))
        case UInt8(ascii: "#"):
            return .bool(line().first == UInt8(ascii: "t"))
        case UInt8(ascii: "_"):
            _ = line()
            return .nil_
        case UInt8(ascii: "="):
            let n = length()
            let body = bytes[pos..<pos + n]
            pos += n + 2
            let v = LuaTable()
            v.set("format", .str(Array(body.prefix(3))))
            v.set("string", .str(Array(body.dropFirst(4))))
            return tagged(Self.verbatimKey, .table(v))
        case UInt8(ascii: "|"):
            // attributes are dropped: only the value that follows counts
            let n = length()
            for _ in 0..<(2 * n) { _ = value() }
            return value()
        default:
            _ = line()
            return .nil_
        }
    }

    private func tagged(_ key: LuaValue, _ v: LuaValue) -> LuaValue {
        let t = LuaTable()
        try? t.set(key, v)
        return .table(t)
    }
}
