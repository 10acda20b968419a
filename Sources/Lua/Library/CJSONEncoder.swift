/// lua-cjson 2.1.0's encoder: Lua values to JSON text with its choices (empty
/// tables are objects, sparse arrays by ratio, `\/` escaped, numbers with
/// `%.14g`) and its error texts.
struct CJSONEncoder {
    let cfg: CJSONConfig
    let vm: LuaVM
    var out: [UInt8] = []

    init(cfg: CJSONConfig, vm: LuaVM) { self.cfg = cfg; self.vm = vm }

    static let escapes: [[UInt8]?] = (0..<256).map { c -> [UInt8]? in
        switch c {
        case 8: return Array("\\b".utf8)
        case 9: return Array("\\t".utf8)
        case 10: return Array("\\n".utf8)
        case 12: return Array("\\f".utf8)
        case 13: return Array("\\r".utf8)
        case 34: return Array("\\\"".utf8)
        case 47: return Array("\\/".utf8)
        case 92: return Array("\\\\".utf8)
        case 0..<32, 127:
            let hex = Array("0123456789abcdef".utf8)
            return Array("\\u00".utf8) + [hex[c >> 4], hex[c & 15]]
        default: return nil
        }
    }

    func failure(_ v: LuaValue, _ reason: String) -> LuaError {
        .message("Cannot serialise \(v.typeName): \(reason)")
    }

    mutating func string(_ b: [UInt8]) {
        out.append(34)
        for c in b {
            if let e = CJSONEncoder.escapes[Int(c)] { out.append(contentsOf: e) } else { out.append(c) }
        }
        out.append(34)
    }

    /// json_append_number as Redis's 2.1.0 has it: "inf" and "-inf" come out
    /// of printf when allowed, NaN is spelled "nan" whatever its sign.
    mutating func number(_ v: LuaValue, _ d: Double) throws {
        if d.isNaN || d.isInfinite {
            switch cfg.encodeInvalidNumbers {
            case 0: throw failure(v, "must not be NaN or Inf")
            case 1: if d.isNaN { out.append(contentsOf: Array("nan".utf8)); return }
            default: out.append(contentsOf: Array("null".utf8)); return
            }
        }
        let s = cfg.encodeNumberPrecision == 14 ? LuaNumber.format(d) : LuaNumber.cFormat("%.\(cfg.encodeNumberPrecision)g", d)
        out.append(contentsOf: Array(s.utf8))
    }

    mutating func value(_ v: LuaValue, depth: Int) throws {
        switch v {
        case .string(let s): string(s.bytes)
        case .number(let d): try number(v, d)
        case .bool(let b): out.append(contentsOf: Array((b ? "true" : "false").utf8))
        case .nil_: out.append(contentsOf: Array("null".utf8))
        case .userdata(let u) where u === LuaLightUserdata.jsonNull: out.append(contentsOf: Array("null".utf8))
        case .table(let t):
            let d = depth + 1
            if d > cfg.encodeMaxDepth { throw LuaError.message("Cannot serialise, excessive nesting (\(d))") }
            if out.count > vm.maxStringLength { throw LuaError.message("not enough memory") }
            let n = try arrayLength(t)
            if n > 0 { try array(t, n, depth: d) } else { try object(t, depth: d) }
        default:
            throw failure(v, "type not supported")
        }
    }

    /// lua_array_length: the largest positive integer key when every key is
    /// one, -1 for an object (or a sparse array converted to one).
    func arrayLength(_ t: LuaTable) throws -> Int {
        // `max` is a C int: a key past its range converts to INT_MIN, which
        // makes the table an object
        var max: Int32 = 0, items: Int32 = 0
        var key = LuaValue.nil_
        while let (k, _) = try t.next(key) {
            key = k
            if case .number(let d) = k, d != 0, d.rounded(.down) == d, d >= 1 {
                if d > Double(max) { max = d < 2147483648.0 ? Int32(d) : Int32.min }
                items &+= 1
                continue
            }
            return -1
        }
        if cfg.encodeSparseRatio > 0 && Int64(max) > Int64(items) * Int64(cfg.encodeSparseRatio) && Int(max) > cfg.encodeSparseSafe {
            if cfg.encodeSparseConvert == 0 { throw failure(.table(t), "excessively sparse array") }
            return -1
        }
        return Int(max)
    }

    mutating func array(_ t: LuaTable, _ n: Int, depth: Int) throws {
        out.append(UInt8(ascii: "["))
        for i in 1...n {
            if i > 1 { out.append(UInt8(ascii: ",")) }
            try value(t.get(int: i), depth: depth)
        }
        out.append(UInt8(ascii: "]"))
    }

    mutating func object(_ t: LuaTable, depth: Int) throws {
        out.append(UInt8(ascii: "{"))
        var first = true
        var key = LuaValue.nil_
        while let (k, v) = try t.next(key) {
            key = k
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            switch k {
            case .number(let d):
                out.append(34)
                try number(k, d)
                out.append(contentsOf: [34, UInt8(ascii: ":")])
            case .string(let s):
                string(s.bytes)
                out.append(UInt8(ascii: ":"))
            default:
                throw failure(k, "table key must be a number or string")
            }
            try value(v, depth: depth)
        }
        out.append(UInt8(ascii: "}"))
    }
}
