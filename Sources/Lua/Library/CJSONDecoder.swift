#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// lua-cjson 2.1.0's decoder: its tokenizer (a NUL ends the text, strtod reads
/// numbers, so hex, Infinity and NaN pass unless decode_invalid_numbers is
/// off) and its "Expected X but found Y at character N" errors.
struct CJSONDecoder {
    let cfg: CJSONConfig
    let vm: LuaVM
    let data: [UInt8]
    var ptr = 0
    var depth = 0

    init(cfg: CJSONConfig, vm: LuaVM, data: [UInt8]) { self.cfg = cfg; self.vm = vm; self.data = data }

    enum Kind: String {
        case objBegin = "T_OBJ_BEGIN", objEnd = "T_OBJ_END", arrBegin = "T_ARR_BEGIN", arrEnd = "T_ARR_END"
        case string = "T_STRING", number = "T_NUMBER", boolean = "T_BOOLEAN", null = "T_NULL"
        case colon = "T_COLON", comma = "T_COMMA", end = "T_END", error = "T_ERROR"
    }

    struct Token {
        var kind: Kind
        var index: Int
        var value: LuaValue = .nil_
        var error = ""
    }

    /// The byte at `i`, or the C string's terminating NUL past the end.
    @inline(__always) func at(_ i: Int) -> UInt8 { i < data.count ? data[i] : 0 }

    mutating func decode() throws -> LuaValue {
        if data.count >= 2 && (data[0] == 0 || data[1] == 0) {
            throw LuaError.message("JSON parser does not support UTF-16 or UTF-32")
        }
        var tok = try next()
        let v = try value(tok)
        tok = try next()
        if tok.kind != .end { throw parseError("the end", tok) }
        return v
    }

    func parseError(_ expected: String, _ t: Token) -> LuaError {
        let found = t.kind == .error ? t.error : t.kind.rawValue
        return .message("Expected \(expected) but found \(found) at character \(t.index + 1)")
    }

    mutating func value(_ t: Token) throws -> LuaValue {
        switch t.kind {
        case .string, .number, .boolean: return t.value
        case .null: return .userdata(.jsonNull)
        case .objBegin: return try object()
        case .arrBegin: return try array()
        default: throw parseError("value", t)
        }
    }

    mutating func descend() throws {
        depth += 1
        // lua_checkstack's own limit (LUAI_MAXCSTACK) also bounds the nesting
        if depth <= cfg.decodeMaxDepth && depth < 7990 { return }
        throw LuaError.message("Found too many nested data structures (\(depth)) at character \(ptr)")
    }

    mutating func object() throws -> LuaValue {
        try descend()
        let t = LuaTable()
        vm.heap.register(t)
        var tok = try next()
        if tok.kind == .objEnd { depth -= 1; return .table(t) }
        while true {
            if tok.kind != .string { throw parseError("object key string", tok) }
            let key = tok.value
            tok = try next()
            if tok.kind != .colon { throw parseError("colon", tok) }
            tok = try next()
            let v = try value(tok)
            try t.set(key, v)
            tok = try next()
            if tok.kind == .objEnd { depth -= 1; return .table(t) }
            if tok.kind != .comma { throw parseError("comma or object end", tok) }
            tok = try next()
        }
    }

    mutating func array() throws -> LuaValue {
        try descend()
        let t = LuaTable()
        vm.heap.register(t)
        var tok = try next()
        if tok.kind == .arrEnd { depth -= 1; return .table(t) }
        var i = 1
        while true {
            try t.set(int: i, try value(tok))
            i += 1
            tok = try next()
            if tok.kind == .arrEnd { depth -= 1; return .table(t) }
            if tok.kind != .comma { throw parseError("comma or array end", tok) }
            tok = try next()
        }
    }

    func errorToken(_ what: String) -> Token { Token(kind: .error, index: ptr, error: what) }

    mutating func next() throws -> Token {
        var c = at(ptr)
        while c == 32 || c == 9 || c == 10 || c == 13 { ptr += 1; c = at(ptr) }
        let index = ptr
        switch c {
        case 0: return Token(kind: .end, index: index)
        case UInt8(ascii: "{"): ptr += 1; return Token(kind: .objBegin, index: index)
        case UInt8(ascii: "}"): ptr += 1; return Token(kind: .objEnd, index: index)
        case UInt8(ascii: "["): ptr += 1; return Token(kind: .arrBegin, index: index)
        case UInt8(ascii: "]"): ptr += 1; return Token(kind: .arrEnd, index: index)
        case UInt8(ascii: ":"): ptr += 1; return Token(kind: .colon, index: index)
        case UInt8(ascii: ","): ptr += 1; return Token(kind: .comma, index: index)
        case UInt8(ascii: "\""): return try stringToken()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if cfg.decodeInvalidNumbers == 0 && isInvalidNumber() { return errorToken("invalid number") }
            return numberToken()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "i"), UInt8(ascii: "I"), UInt8(ascii: "N"), UInt8(ascii: "+"):
            if matches("true") { ptr += 4; return Token(kind: .boolean, index: index, value: .bool(true)) }
            if matches("false") { ptr += 5; return Token(kind: .boolean, index: index, value: .bool(false)) }
            if matches("null") { ptr += 4; return Token(kind: .null, index: index) }
            if cfg.decodeInvalidNumbers != 0 && isInvalidNumber() { return numberToken() }
            return errorToken("invalid token")
        default:
            return errorToken("invalid token")
        }
    }

    func matches(_ word: String) -> Bool {
        var i = ptr
        for b in word.utf8 { if at(i) != b { return false }; i += 1 }
        return true
    }

    func isInvalidNumber() -> Bool {
        var p = ptr
        if at(p) == UInt8(ascii: "+") { return true }
        if at(p) == UInt8(ascii: "-") { p += 1 }
        if at(p) == UInt8(ascii: "0") {
            let c2 = at(p + 1)
            return c2 | 0x20 == UInt8(ascii: "x") || (c2 >= 48 && c2 <= 57)
        }
        if at(p) <= UInt8(ascii: "9") { return false }
        func prefix(_ w: String) -> Bool {
            var i = p
            for b in w.utf8 { if at(i) | 0x20 != b { return false }; i += 1 }
            return true
        }
        return prefix("inf") || prefix("nan")
    }

    /// strtod over the text from `ptr` (glibc's, for hex, inf and nan).
    mutating func numberToken() -> Token {
        let index = ptr
        var end = ptr
        // every character strtod could consume: digits, letters, sign, point, parentheses
        while end < data.count, data[end] != 0, end - ptr < 400 {
            let c = data[end]
            let ok = (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122) || c == 43 || c == 45 || c == 46 || c == 40 || c == 41 || c == 95
            if !ok { break }
            end += 1
        }
        var cstr = [CChar](repeating: 0, count: end - ptr + 1)
        for i in ptr..<end { cstr[i - ptr] = CChar(bitPattern: data[i]) }
        var consumed = 0
        let d = cstr.withUnsafeBufferPointer { buf -> Double in
            var endp: UnsafeMutablePointer<CChar>? = nil
            let r = strtod(buf.baseAddress!, &endp)
            consumed = endp.map { UnsafePointer($0) - buf.baseAddress! } ?? 0
            return r
        }
        if consumed == 0 { return errorToken("invalid number") }
        ptr += consumed
        return Token(kind: .number, index: index, value: .number(d))
    }

    static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c) - 48
        case 97...102: return Int(c) - 87
        case 65...70: return Int(c) - 55
        default: return nil
        }
    }

    func hex4(_ p: Int) -> Int? {
        var v = 0
        for i in 0..<4 {
            guard let h = CJSONDecoder.hexValue(at(p + i)) else { return nil }
            v = v << 4 | h
        }
        return v
    }

    mutating func stringToken() throws -> Token {
        let index = ptr
        ptr += 1
        var out: [UInt8] = []
        while true {
            var c = at(ptr)
            if c == UInt8(ascii: "\"") { break }
            if c == 0 { return errorToken("unexpected end of string") }
            if c == UInt8(ascii: "\\") {
                switch at(ptr + 1) {
                case UInt8(ascii: "\""): c = 34
                case UInt8(ascii: "\\"): c = 92
                case UInt8(ascii: "/"): c = 47
                case UInt8(ascii: "b"): c = 8
                case UInt8(ascii: "t"): c = 9
                case UInt8(ascii: "n"): c = 10
                case UInt8(ascii: "f"): c = 12
                case UInt8(ascii: "r"): c = 13
                case UInt8(ascii: "u"):
                    if unicodeEscape(&out) { continue }
                    return errorToken("invalid unicode escape code")
                default:
                    return errorToken("invalid escape code")
                }
                ptr += 1
            }
            out.append(c)
            ptr += 1
        }
        ptr += 1
        return Token(kind: .string, index: index, value: .str(out))
    }

    mutating func unicodeEscape(_ out: inout [UInt8]) -> Bool {
        guard var cp = hex4(ptr + 2) else { return false }
        var len = 6
        if cp & 0xF800 == 0xD800 {
            if cp & 0x400 != 0 { return false }
            if at(ptr + 6) != UInt8(ascii: "\\") || at(ptr + 7) != UInt8(ascii: "u") { return false }
            guard let low = hex4(ptr + 8), low & 0xFC00 == 0xDC00 else { return false }
            cp = ((cp & 0x3FF) << 10 | (low & 0x3FF)) + 0x10000
            len = 12
        }
        switch cp {
        case 0..<0x80: out.append(UInt8(cp))
        case 0x80..<0x800: out += [UInt8(0xC0 | cp >> 6), UInt8(0x80 | cp & 0x3F)]
        case 0x800..<0x10000: out += [UInt8(0xE0 | cp >> 12), UInt8(0x80 | (cp >> 6) & 0x3F), UInt8(0x80 | cp & 0x3F)]
        default: out += [UInt8(0xF0 | cp >> 18), UInt8(0x80 | (cp >> 12) & 0x3F), UInt8(0x80 | (cp >> 6) & 0x3F), UInt8(0x80 | cp & 0x3F)]
        }
        ptr += len
        return true
    }
}
