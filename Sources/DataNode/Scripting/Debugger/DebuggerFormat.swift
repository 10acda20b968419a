import Lua
import Protocol

/// How the debugger shows Lua values and Redis replies (eval.c
/// ldbCatStackValue, ldbRedisProtocolToHuman).
enum DebuggerFormat {
    /// Tables nested deeper than this show a marker (LUA_MINSTACK/2).
    static let maxDepth = 10

    static func value(_ v: LuaValue) -> [UInt8] {
        var out: [UInt8] = []
        append(v, to: &out, level: 0)
        return out
    }

    static func append(_ v: LuaValue, to out: inout [UInt8], level: Int) {
        if level == maxDepth {
            out += Array("<max recursion level reached! Nested table?>".utf8)
            return
        }
        let level = level + 1
        switch v {
        case .string(let s): appendSdsRepr(s.bytes, to: &out)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let d): out += Array(LuaNumber.cFormat("%g", d).utf8)
        case .nil_: out += Array("nil".utf8)
        case .table(let t):
            // One pass builds both forms; the table is an array when its keys
            // came as 1, 2, 3... in iteration order.
            var asArray: [UInt8] = [], asMap: [UInt8] = []
            var isArray = true
            var expected = 1.0
            var key = LuaValue.nil_
            while let (k, val) = (try? t.next(key)) ?? nil {
                if isArray, case .number(let n) = k, n == expected {} else { isArray = false }
                append(val, to: &asArray, level: level)
                asArray += Array("; ".utf8)
                asMap.append(UInt8(ascii: "["))
                append(k, to: &asMap, level: level)
                asMap += Array("]=".utf8)
                append(val, to: &asMap, level: level)
                asMap += Array("; ".utf8)
                expected += 1
                key = k
            }
            if !asArray.isEmpty { asArray.removeLast(2) }
            if !asMap.isEmpty { asMap.removeLast(2) }
            out.append(UInt8(ascii: "{"))
            out += isArray ? asArray : asMap
            out.append(UInt8(ascii: "}"))
        case .function(let f): out += Array("\"function@\(pointer(f))\"".utf8)
        case .userdata(let u): out += Array("\"\(u is LuaCoroutine ? "thread" : "userdata")@\(pointer(u))\"".utf8)
        case .cell: out += Array("\"<unknown-lua-type>\"".utf8)
        }
    }

    /// %p of an object's address.
    static func pointer(_ o: AnyObject) -> String {
        "0x" + String(UInt(bitPattern: Unmanaged.passUnretained(o).toOpaque()), radix: 16)
    }

    /// A RESP reply as the debugger logs it: strings quoted, arrays as
    /// [a,b], maps as {k => v}, sets as ~(a,b).
    static func reply(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var p = 0
        appendReply(b, &p, &out)
        return out
    }

    private static func lineEnd(_ b: [UInt8], _ from: Int) -> Int {
        var i = from
        while i < b.count && b[i] != 13 { i += 1 }
        return i
    }

    private static func appendReply(_ b: [UInt8], _ p: inout Int, _ out: inout [UInt8]) {
        guard p < b.count else { return }
        let type = b[p]
        let end = lineEnd(b, p + 1)
        let header = Array(b[(p + 1)..<end])
        let n = Int(parseStrictInt64(header) ?? 0)
        let next = min(end + 2, b.count)
        func elements(_ count: Int, _ sep: String, pairs: Bool = false) {
            p = next
            for j in 0..<max(count, 0) {
                appendReply(b, &p, &out)
                if pairs { out += Array(" => ".utf8); appendReply(b, &p, &out) }
                if j != count - 1 { out += Array(sep.utf8) }
            }
        }
        switch type {
        case UInt8(ascii: ":"):
            out += header
            p = next
        case UInt8(ascii: "$"):
            if n < 0 { out += Array("NULL".utf8); p = next; return }
            let stop = min(next + n, b.count)
            appendSdsRepr(Array(b[next..<stop]), to: &out)
            p = min(stop + 2, b.count)
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            appendSdsRepr(Array(b[p..<end]), to: &out)
            p = next
        case UInt8(ascii: "*"):
            if n < 0 { out += Array("NULL".utf8); p = next; return }
            out.append(UInt8(ascii: "["))
            elements(n, ",")
            out.append(UInt8(ascii: "]"))
        case UInt8(ascii: "~"):
            out += Array("~(".utf8)
            elements(n, ",")
            out.append(UInt8(ascii: ")"))
        case UInt8(ascii: "%"):
            out.append(UInt8(ascii: "{"))
            elements(n, ",", pairs: true)
            out.append(UInt8(ascii: "}"))
        case UInt8(ascii: "_"):
            out += Array("(null)".utf8)
            p = next
        case UInt8(ascii: "#"):
            out += Array((header.first == UInt8(ascii: "t") ? "#true" : "#false").utf8)
            p = next
        case UInt8(ascii: ","):
            out += Array("(double) ".utf8) + header
            p = next
        default:
            // Types Redis's debugger does not know show nothing; stop here.
            p = b.count
        }
    }
}
