/// lua-cmsgpack 0.4.0 as Redis bundles it: pack's type choices (integral
/// doubles as the smallest int, other numbers as float when exact, tables as
/// arrays when their keys are exactly 1..n, nesting past 16 as nil) and
/// unpack / unpack_one / unpack_limit with their offsets.
extension LuaVM {
    static let msgpackMaxNesting = 16

    func openCMsgpack() {
        let t = LuaTable()
        globals.set("cmsgpack", .table(t))
        register(t, "pack") { vm, base, nargs in
            if nargs == 0 { throw vm.argError(-1, "pack", "MessagePack pack needs input.") }
            var out: [UInt8] = []
            for i in 0..<nargs { try vm.msgpackEncode(vm.stack[base + i], level: 0, into: &out) }
            return vm.result(base, .str(out))
        }
        register(t, "unpack") { vm, base, nargs in
            try vm.msgpackUnpack(base, nargs, limit: 0, offset: 0, fname: "unpack")
        }
        register(t, "unpack_one") { vm, base, nargs in
            let offset = try vm.optInteger(base, nargs, 1, "unpack_one", 0)
            return try vm.msgpackUnpack(base, 1, limit: 1, offset: Int(Int32(truncatingIfNeeded: offset)), fname: "unpack_one")
        }
        register(t, "unpack_limit") { vm, base, nargs in
            let limit = try vm.checkInteger(base, nargs, 1, "unpack_limit")
            let offset = try vm.optInteger(base, nargs, 2, "unpack_limit", 0)
            return try vm.msgpackUnpack(base, 1, limit: Int(Int32(truncatingIfNeeded: limit)),
                                        offset: Int(Int32(truncatingIfNeeded: offset)), fname: "unpack_limit")
        }
        t.set("_NAME", .str("lua-cmsgpack"))
        t.set("_VERSION", .str("lua-cmsgpack 0.4.0"))
        t.set("_COPYRIGHT", .str("Copyright (C) 2012, Salvatore Sanfilippo"))
        t.set("_DESCRIPTION", .str("MessagePack C implementation for Lua"))
    }

    static func appendBigEndian(_ v: UInt64, bytes n: Int, to out: inout [UInt8]) {
        for i in stride(from: n - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: v >> UInt64(8 * i))) }
    }

    func msgpackEncode(_ v: LuaValue, level: Int, into out: inout [UInt8]) throws {
        if out.count > maxStringLength { throw LuaError.message("not enough memory") }
        switch v {
        case .string(let s):
            let n = s.bytes.count
            if n < 32 { out.append(0xa0 | UInt8(n)) }
            else if n <= 0xff { out += [0xd9, UInt8(n)] }
            else if n <= 0xffff { out.append(0xda); LuaVM.appendBigEndian(UInt64(n), bytes: 2, to: &out) }
            else { out.append(0xdb); LuaVM.appendBigEndian(UInt64(n), bytes: 4, to: &out) }
            out += s.bytes
        case .bool(let b):
            out.append(b ? 0xc3 : 0xc2)
        case .number(let d):
            if !d.isInfinite, d >= -9223372036854775808.0, d < 9223372036854775808.0, d.rounded(.towardZero) == d {
                LuaVM.msgpackInt(Int64(d), into: &out)
            } else {
                let f = Float(d)
                if Double(f) == d { out.append(0xca); LuaVM.appendBigEndian(UInt64(f.bitPattern), bytes: 4, to: &out) }
                else { out.append(0xcb); LuaVM.appendBigEndian(d.bitPattern, bytes: 8, to: &out) }
            }
        case .table(let t) where level < LuaVM.msgpackMaxNesting:
            if try LuaVM.msgpackIsArray(t) {
                let n = t.length
                LuaVM.msgpackHeader(n, fix: 0x90, b16: 0xdc, b32: 0xdd, into: &out)
                if n > 0 { for i in 1...n { try msgpackEncode(try index(v, .number(Double(i))), level: level + 1, into: &out) } }
            } else {
                var n = 0
                var key = LuaValue.nil_
                while let (k, _) = try t.next(key) { key = k; n += 1 }
                LuaVM.msgpackHeader(n, fix: 0x80, b16: 0xde, b32: 0xdf, into: &out)
                key = .nil_
                while let (k, val) = try t.next(key) {
                    key = k
                    try msgpackEncode(k, level: level + 1, into: &out)
                    try msgpackEncode(val, level: level + 1, into: &out)
                }
            }
        default:
            out.append(0xc0)
        }
    }

    static func msgpackHeader(_ n: Int, fix: UInt8, b16: UInt8, b32: UInt8, into out: inout [UInt8]) {
        if n <= 15 { out.append(fix | UInt8(n)) }
        else if n <= 0xffff { out.append(b16); appendBigEndian(UInt64(n), bytes: 2, to: &out) }
        else { out.append(b32); appendBigEndian(UInt64(n), bytes: 4, to: &out) }
    }

    static func msgpackInt(_ n: Int64, into out: inout [UInt8]) {
        let u = UInt64(bitPattern: n)
        if n >= 0 {
            if n <= 127 { out.append(UInt8(n)) }
            else if n <= 0xff { out += [0xcc, UInt8(n)] }
            else if n <= 0xffff { out.append(0xcd); appendBigEndian(u, bytes: 2, to: &out) }
            else if n <= 0xffff_ffff { out.append(0xce); appendBigEndian(u, bytes: 4, to: &out) }
            else { out.append(0xcf); appendBigEndian(u, bytes: 8, to: &out) }
        } else {
            if n >= -32 { out.append(UInt8(truncatingIfNeeded: n)) }
            else if n >= -128 { out += [0xd0, UInt8(truncatingIfNeeded: n)] }
            else if n >= -32768 { out.append(0xd1); appendBigEndian(u, bytes: 2, to: &out) }
            else if n >= -2147483648 { out.append(0xd2); appendBigEndian(u, bytes: 4, to: &out) }
            else { out.append(0xd3); appendBigEndian(u, bytes: 8, to: &out) }
        }
    }

    /// table_is_an_array: every key a positive number that is a C int, and
    /// the largest equal to their count.
    static func msgpackIsArray(_ t: LuaTable) throws -> Bool {
        var count = 0.0, max = 0.0
        var key = LuaValue.nil_
        while let (k, _) = try t.next(key) {
            key = k
            guard case .number(let n) = k, n > 0, n < 2147483648.0, n.rounded(.towardZero) == n else { return false }
            if n > max { max = n }
            count += 1
        }
        return max == count
    }

    func msgpackUnpack(_ base: Int, _ nargs: Int, limit: Int, offset: Int, fname: String) throws -> Int {
        let s = try checkString(base, nargs, 0, fname)
        let decodeAll = limit == 0 && offset == 0
        if offset < 0 || limit < 0 {
            throw LuaError.message("Invalid request to unpack with offset of \(offset) and limit of \(Int32(truncatingIfNeeded: s.count)).")
        }
        if offset > s.count {
            throw LuaError.message("Start offset \(offset) greater than input length \(s.count).")
        }
        var cur = MsgpackCursor(data: s, pos: offset, vm: self)
        var values: [LuaValue] = []
        let max = decodeAll ? Int(Int32.max) : limit
        while cur.pos < s.count && values.count < max {
            if values.count > 7990 { throw LuaError.message("stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)") }
            values.append(try cur.decode(depth: 0))
        }
        if !decodeAll {
            values.insert(.number(cur.pos == s.count ? -1 : Double(cur.pos)), at: 0)
        }
        return try results(base, values)
    }
}

/// Reads one MessagePack value at a time; a short input is "Missing bytes in
/// input." and a type lua-cmsgpack does not know is "Bad data format in input.".
struct MsgpackCursor {
    let data: [UInt8]
    var pos: Int
    let vm: LuaVM

    static let missing = LuaError.message("Missing bytes in input.")

    func need(_ n: Int) throws { if data.count - pos < n { throw MsgpackCursor.missing } }

    func uint(_ at: Int, _ n: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<n { v = v << 8 | UInt64(data[at + i]) }
        return v
    }

    mutating func bytes(_ header: Int, _ len: Int) throws -> LuaValue {
        try need(header + len)
        let v = LuaValue.str(Array(data[pos + header ..< pos + header + len]))
        pos += header + len
        return v
    }

    mutating func decode(depth: Int) throws -> LuaValue {
        try need(1)
        if depth > 3990 { throw LuaError.message("stack overflow (in function mp_decode_to_lua_array)") }
        let c = data[pos]
        switch c {
        case 0xcc: try need(2); defer { pos += 2 }; return .number(Double(data[pos + 1]))
        case 0xd0: try need(2); defer { pos += 2 }; return .number(Double(Int8(bitPattern: data[pos + 1])))
        case 0xcd: try need(3); defer { pos += 3 }; return .number(Double(uint(pos + 1, 2)))
        case 0xd1: try need(3); defer { pos += 3 }; return .number(Double(Int16(truncatingIfNeeded: uint(pos + 1, 2))))
        case 0xce: try need(5); defer { pos += 5 }; return .number(Double(uint(pos + 1, 4)))
        case 0xd2: try need(5); defer { pos += 5 }; return .number(Double(Int32(truncatingIfNeeded: uint(pos + 1, 4))))
        // lua_pushinteger of the 64 bits: above 2^63 they read as negative
        case 0xcf: try need(9); defer { pos += 9 }; return .number(Double(Int64(bitPattern: uint(pos + 1, 8))))
        case 0xd3: try need(9); defer { pos += 9 }; return .number(Double(Int64(bitPattern: uint(pos + 1, 8))))
        case 0xc0: pos += 1; return .nil_
        case 0xc3: pos += 1; return .bool(true)
        case 0xc2: pos += 1; return .bool(false)
        case 0xca: try need(5); defer { pos += 5 }; return .number(Double(Float(bitPattern: UInt32(uint(pos + 1, 4)))))
        case 0xcb: try need(9); defer { pos += 9 }; return .number(Double(bitPattern: uint(pos + 1, 8)))
        case 0xd9: try need(2); return try bytes(2, Int(data[pos + 1]))
        case 0xda: try need(3); return try bytes(3, Int(uint(pos + 1, 2)))
        case 0xdb: try need(5); return try bytes(5, Int(uint(pos + 1, 4)))
        case 0xdc: try need(3); let n = Int(uint(pos + 1, 2)); pos += 3; return try array(n, depth)
        case 0xdd: try need(5); let n = Int(uint(pos + 1, 4)); pos += 5; return try array(n, depth)
        case 0xde: try need(3); let n = Int(uint(pos + 1, 2)); pos += 3; return try map(n, depth)
        case 0xdf: try need(5); let n = Int(uint(pos + 1, 4)); pos += 5; return try map(n, depth)
        default:
            if c & 0x80 == 0 { pos += 1; return .number(Double(c)) }
            if c & 0xe0 == 0xe0 { pos += 1; return .number(Double(Int8(bitPattern: c))) }
            if c & 0xe0 == 0xa0 { return try bytes(1, Int(c & 0x1f)) }
            if c & 0xf0 == 0x90 { pos += 1; return try array(Int(c & 0xf), depth) }
            if c & 0xf0 == 0x80 { pos += 1; return try map(Int(c & 0xf), depth) }
            throw LuaError.message("Bad data format in input.")
        }
    }

    mutating func array(_ n: Int, _ depth: Int) throws -> LuaValue {
        let t = LuaTable()
        vm.heap.register(t)
        var i = 1
        while i <= n {
            // a count larger than the input cannot be satisfied: fail before allocating
            try need(1)
            try t.set(int: i, try decode(depth: depth + 1))
            i += 1
        }
        return .table(t)
    }

    mutating func map(_ n: Int, _ depth: Int) throws -> LuaValue {
        let t = LuaTable()
        vm.heap.register(t)
        for _ in 0..<n {
            try need(1)
            let k = try decode(depth: depth + 1)
            try need(1)
            let v = try decode(depth: depth + 1)
            try vm.rawSet(t, k, v)
        }
        return .table(t)
    }
}
