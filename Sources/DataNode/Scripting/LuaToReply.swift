import Lua
import Protocol

/// A script's return value to the caller's reply (script_lua.c
/// luaReplyToRedisReply): strings to bulks, numbers truncated to integers,
/// tables with err/ok/double/big_number/verbatim_string/map/set fields to
/// those replies, other tables to arrays up to their first nil.
enum LuaToReply {
    /// Nesting at which Redis's lua_checkstack gives up (LUAI_MAXCSTACK
    /// less the slots the reply code already holds).
    static let maxDepth = 7995

    static func write(_ v: LuaValue, to out: inout RESPWriter, scriptResp: Int, stats: (_ code: String, _ counted: Bool) -> Void) {
        // Most scripts return a string, number or boolean: no work list for those.
        guard case .table = v else {
            writeScalar(v, to: &out, scriptResp: scriptResp)
            return
        }
        // An explicit stack, not recursion: a table holding itself nests
        // thousands of levels before the limit.
        var work: [(LuaValue, Int)] = [(v, 0)]
        while let (value, depth) = work.popLast() {
            if depth >= maxDepth {
                out.error("ERR reached lua stack limit")
                continue
            }
            if case .table(let t) = value {
                let children = writeTable(t, &out, stats)
                for c in children.reversed() { work.append((c, depth + 1)) }
            } else {
                writeScalar(value, to: &out, scriptResp: scriptResp)
            }
        }
    }

    @inline(__always)
    private static func writeScalar(_ value: LuaValue, to out: inout RESPWriter, scriptResp: Int) {
        switch value {
        case .string(let s):
            out.bulk(s.bytes)
        case .number(let d):
            out.integer(truncated(d))
        case .bool(let b):
            if scriptResp == 2 {
                if b { out.integer(1) } else { out.nullBulk() }
            } else {
                out.boolean(b)
            }
        default:
            out.nullBulk()
        }
    }

    /// C's (long long) cast of a double, saturating instead of trapping.
    static func truncated(_ d: Double) -> Int64 {
        if d.isNaN { return Int64.min }
        if d >= 9.2233720368547758e18 { return Int64.min }
        if d <= -9.2233720368547758e18 { return Int64.min }
        return Int64(d.rounded(.towardZero))
    }

    /// Writes the table's own header (or whole reply) and returns the values
    /// nested in it, to be written next.
    private static func writeTable(_ t: LuaTable, _ out: inout RESPWriter, _ stats: (_ code: String, _ counted: Bool) -> Void) -> [LuaValue] {
        if case .string(let e) = t.get(ReplyToLua.errKey) {
            out.error(bytes: e.bytes)
            stats(String(decoding: e.bytes.prefix { $0 != 32 }, as: UTF8.self), t.get(ReplyToLua.ignoreStatsKey) == .bool(true))
            return []
        }
        if case .string(let s) = t.get(ReplyToLua.okKey) {
            out.simpleString(bytes: s.bytes.map { $0 == 10 || $0 == 13 ? 32 : $0 })
            return []
        }
        if case .number(let d) = t.get(ReplyToLua.doubleKey) {
            if d.isNaN {
                // printf's %.17g shows the sign of a NaN (0/0 is -nan on x86)
                let text = Array((d.sign == .minus ? "-nan" : "nan").utf8)
                if out.proto >= 3 { out.raw([UInt8(ascii: ",")] + text + [13, 10]) } else { out.bulk(text) }
            } else {
                out.double(d)
            }
            return []
        }
        if case .string(let s) = t.get(ReplyToLua.bigNumberKey) {
            // sdsmapchars(big_num, "\r\n", "  "): the number cannot break the protocol.
            let mapped = s.bytes.map { $0 == 13 || $0 == 10 ? UInt8(32) : $0 }
            out.bigNumber(String(decoding: mapped, as: UTF8.self))
            return []
        }
        if case .table(let vt) = t.get(ReplyToLua.verbatimKey),
           case .string(let f) = vt.get(ReplyToLua.formatKey), case .string(let s) = vt.get(ReplyToLua.stringKey) {
            if out.proto >= 3 {
                out.raw(Array("=\(f.bytes.count + 1 + s.bytes.count)\r\n".utf8))
                out.raw(f.bytes)
                out.raw([UInt8(ascii: ":")])
                out.raw(s.bytes)
                out.raw([13, 10])
            } else {
                out.bulk(s.bytes)
            }
            return []
        }
        if case .table(let m) = t.get(ReplyToLua.mapKey) {
            var pairs: [(LuaValue, LuaValue)] = []
            var k = LuaValue.nil_
            while let (nk, nv) = try? m.next(k) { pairs.append((nk, nv)); k = nk }
            out.mapHeader(pairs.count)
            return pairs.flatMap { [$0.0, $0.1] }
        }
        if case .table(let s) = t.get(ReplyToLua.setKey) {
            var members: [LuaValue] = []
            var k = LuaValue.nil_
            while let (nk, _) = try? s.next(k) { members.append(nk); k = nk }
            out.setHeader(members.count)
            return members
        }
        var items: [LuaValue] = []
        while case let v = t.get(int: items.count + 1), !v.isNil { items.append(v) }
        out.arrayHeader(items.count)
        return items
    }
}
