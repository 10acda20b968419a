/// The base library (lbaselib.c) without file and module loading.
extension LuaVM {
    func openBase() {
        let g = globals
        g.set("_G", .table(g))
        g.set("_VERSION", .str("Lua 5.1"))

        register(g, "assert") { vm, base, nargs in
            let v = try vm.checkAny(base, nargs, 0, "assert")
            if !v.truthy {
                let msg = try vm.optString(base, nargs, 1, "assert", Array("assertion failed!".utf8))
                throw LuaError.message(String(decoding: msg, as: UTF8.self))
            }
            return nargs
        }
        register(g, "error") { vm, base, nargs in
            let level = try vm.optInt(base, nargs, 1, "error", 1)
            var v = vm.arg(base, nargs, 0)
            if case .string(let s) = v, level > 0 {
                let w = vm.whereLevel(level)
                if !w.isEmpty { v = .str(Array(w.utf8) + s.bytes) }
            }
            throw LuaError.value(v)
        }
        register(g, "getmetatable") { vm, base, nargs in
            let v = try vm.checkAny(base, nargs, 0, "getmetatable")
            guard let mt = vm.metatable(of: v) else { return vm.result(base, .nil_) }
            let protected = mt.get("__metatable")
            return vm.result(base, protected.isNil ? .table(mt) : protected)
        }
        register(g, "setmetatable") { vm, base, nargs in
            let t = try vm.checkTable(base, nargs, 0, "setmetatable")
            let mv = vm.arg(base, nargs, 1)
            var mt: LuaTable? = nil
            switch mv {
            case .nil_: mt = nil
            case .table(let m): mt = m
            default: throw vm.argError(1, "setmetatable", "nil or table expected")
            }
            // raised inside the C API in Redis's Lua: no position
            if t.readonly { throw LuaError.value(.str(LuaTable.readonlyError)) }
            if let old = t.metatable, !old.get("__metatable").isNil {
                throw LuaError.message("cannot change a protected metatable")
            }
            t.metatable = mt
            return vm.result(base, .table(t))
        }
        let ipairsIter = LuaNative("ipairs_iter") { vm, base, nargs in
            let t = try vm.checkTable(base, nargs, 0, "ipairs")
            let i = try vm.checkInt(base, nargs, 1, "ipairs") + 1
            let v = t.get(int: i)
            if v.isNil { return vm.result(base, .nil_) }
            vm.stack[base] = .number(Double(i))
            vm.stack[base + 1] = v
            return 2
        }
        register(g, "ipairs") { vm, base, nargs in
            let t = try vm.checkTable(base, nargs, 0, "ipairs")
            return try vm.results(base, [.function(ipairsIter), .table(t), .number(0)])
        }
        let next = LuaNative("next") { vm, base, nargs in
            let t = try vm.checkTable(base, nargs, 0, "next")
            guard let (k, v) = try t.next(vm.arg(base, nargs, 1)) else { return vm.result(base, .nil_) }
            vm.stack[base] = k
            vm.stack[base + 1] = v
            return 2
        }
        g.set("next", .function(next))
        register(g, "pairs") { vm, base, nargs in
            let t = try vm.checkTable(base, nargs, 0, "pairs")
            return try vm.results(base, [.function(next), .table(t), .nil_])
        }
        register(g, "pcall") { vm, base, nargs in
            _ = try vm.checkAny(base, nargs, 0, "pcall")
            do {
                let n = try vm.call(at: base, nargs: nargs - 1, nresults: -1)
                try vm.ensureStack(base + n + 2)
                var i = n
                while i > 0 { vm.stack[base + i] = vm.stack[base + i - 1]; i -= 1 }
                vm.stack[base] = .bool(true)
                return n + 1
            } catch let e as LuaError {
                vm.stack[base] = .bool(false)
                vm.stack[base + 1] = e.value
                return 2
            } catch let e as LuaRuntimeError {
                vm.stack[base] = .bool(false)
                vm.stack[base + 1] = .str(e.message(nil))
                return 2
            }
        }
        register(g, "xpcall") { vm, base, nargs in
            _ = try vm.checkAny(base, nargs, 1, "xpcall")
            let handler = vm.arg(base, nargs, 1)
            do {
                let n = try vm.call(at: base, nargs: 0, nresults: -1)
                try vm.ensureStack(base + n + 2)
                var i = n
                while i > 0 { vm.stack[base + i] = vm.stack[base + i - 1]; i -= 1 }
                vm.stack[base] = .bool(true)
                return n + 1
            } catch let e as LuaError {
                let r = try vm.call(handler, [e.value])
                vm.stack[base] = .bool(false)
                vm.stack[base + 1] = r.first ?? .nil_
                return 2
            }
        }
        register(g, "print") { vm, base, nargs in
            var out: [UInt8] = []
            for i in 0..<nargs {
                if i > 0 { out.append(9) }
                let s = try vm.tostring(vm.stack[base + i])
                guard let b = s.stringBytes else { throw LuaError.message("'tostring' must return a string to 'print'") }
                // print writes with fputs: a string stops at its first NUL
                out.append(contentsOf: b.firstIndex(of: 0).map { b[..<$0] } ?? b[...])
            }
            out.append(10)
            vm.output(String(decoding: out, as: UTF8.self))
            return 0
        }
        register(g, "rawequal") { vm, base, nargs in
            let a = try vm.checkAny(base, nargs, 0, "rawequal")
            let b = try vm.checkAny(base, nargs, 1, "rawequal")
            return vm.result(base, .bool(a == b))
        }
        register(g, "rawget") { vm, base, nargs in
            let t = try vm.checkTable(base, nargs, 0, "rawget")
            let k = try vm.checkAny(base, nargs, 1, "rawget")
            return vm.result(base, t.get(k))
        }
        register(g, "rawset") { vm, base, nargs in
            let t = try vm.checkTable(base, nargs, 0, "rawset")
            let k = try vm.checkAny(base, nargs, 1, "rawset")
            let v = try vm.checkAny(base, nargs, 2, "rawset")
            try vm.rawSet(t, k, v)
            return vm.result(base, .table(t))
        }
        register(g, "select") { vm, base, nargs in
            if case .string(let s) = vm.arg(base, nargs, 0), s.bytes.first == UInt8(ascii: "#") {
                return vm.result(base, .number(Double(nargs - 1)))
            }
            var i = try vm.checkInt(base, nargs, 0, "select")
            let n = nargs
            if i < 0 { i = n + i } else if i > n { i = n }
            if i < 1 { throw vm.argError(0, "select", "index out of range") }
            let count = n - i
            for j in 0..<count { vm.stack[base + j] = vm.stack[base + i + j] }
            return count
        }
        register(g, "tonumber") { vm, base, nargs in
            let b = try vm.optInt(base, nargs, 1, "tonumber", 10)
            let v = try vm.checkAny(base, nargs, 0, "tonumber")
            if b == 10 {
                return vm.result(base, v.toNumber.map { .number($0) } ?? .nil_)
            }
            guard b >= 2 && b <= 36 else { throw vm.argError(1, "tonumber", "base out of range") }
            let s = try vm.checkString(base, nargs, 0, "tonumber")
            return vm.result(base, LuaVM.parseInteger(s, base: b).map { .number($0) } ?? .nil_)
        }
        register(g, "tostring") { vm, base, nargs in
            let v = try vm.checkAny(base, nargs, 0, "tostring")
            return vm.result(base, try vm.tostring(v))
        }
        register(g, "type") { vm, base, nargs in
            let v = try vm.checkAny(base, nargs, 0, "type")
            return vm.result(base, .str(v.typeName))
        }
        register(g, "unpack") { vm, base, nargs in
            let t = try vm.checkTable(base, nargs, 0, "unpack")
            let i = try vm.optInt(base, nargs, 1, "unpack", 1)
            let e = vm.arg(base, nargs, 2).isNil ? t.length : try vm.checkInt(base, nargs, 2, "unpack")
            if i > e { return 0 }
            let (d, overflow) = e.subtractingReportingOverflow(i)
            if overflow || d >= 8000 { throw LuaError.message("too many results to unpack") }
            let n = d + 1
            try vm.ensureStack(base + n + 1)
            for j in 0..<n { vm.stack[base + j] = t.get(int: i + j) }
            return n
        }
        register(g, "loadstring") { vm, base, nargs in
            let s = try vm.checkString(base, nargs, 0, "loadstring")
            let name = try vm.optString(base, nargs, 1, "loadstring", s)
            do {
                let f = try vm.load(s, chunkName: LuaVM.chunkID(name))
                return vm.result(base, f)
            } catch let e as LuaError {
                vm.stack[base] = .nil_
                vm.stack[base + 1] = e.value
                return 2
            }
        }
        register(g, "load") { vm, base, nargs in
            let f = vm.arg(base, nargs, 0)
            guard case .function = f else { throw vm.typeError(base, nargs, 0, "load", "function") }
            let name = try vm.optString(base, nargs, 1, "load", Array("=(load)".utf8))
            var src: [UInt8] = []
            while true {
                let r = try vm.call(f, []).first ?? .nil_
                guard case .string(let piece) = r, !piece.bytes.isEmpty else {
                    if r.isNil || r.stringBytes?.isEmpty == true { break }
                    vm.stack[base] = .nil_
                    vm.stack[base + 1] = .str("reader function must return a string")
                    return 2
                }
                src += piece.bytes
            }
            do {
                return vm.result(base, try vm.load(src, chunkName: LuaVM.chunkID(name)))
            } catch let e as LuaError {
                vm.stack[base] = .nil_
                vm.stack[base + 1] = e.value
                return 2
            }
        }
        register(g, "gcinfo") { vm, base, _ in vm.result(base, .number(0)) }
        register(g, "collectgarbage") { vm, base, nargs in
            let opt = String(decoding: try vm.optString(base, nargs, 0, "collectgarbage", Array("collect".utf8)), as: UTF8.self)
            let options = ["stop", "restart", "collect", "count", "step", "setpause", "setstepmul"]
            guard options.contains(opt) else { throw vm.argError(0, "collectgarbage", "invalid option '\(opt)'") }
            return vm.result(base, .number(0))
        }
    }

    /// luaO_chunkid: how a chunk name appears in messages.
    public static func chunkID(_ bytes: [UInt8]) -> String {
        let idsize = 80   // LUA_IDSIZE of the Debian build
        // The source is a C string there: it ends at its first NUL (a binary chunk's "\27LuaQ").
        let source = Array(bytes.prefix { $0 != 0 })
        if source.first == UInt8(ascii: "=") {
            return String(decoding: source.dropFirst().prefix(idsize - 1), as: UTF8.self)
        }
        if source.first == UInt8(ascii: "@") {
            var s = Array(source.dropFirst())
            let room = idsize - 4
            if s.count > room { s = Array("...".utf8) + s.suffix(room) }
            return String(decoding: s, as: UTF8.self)
        }
        var len = source.firstIndex(where: { $0 == 10 || $0 == 13 }) ?? source.count
        let bufflen = idsize - 17
        if len > bufflen { len = bufflen }
        var out = "[string \""
        if len < source.count {
            out += String(decoding: source[0..<len], as: UTF8.self) + "..."
        } else {
            out += String(decoding: source, as: UTF8.self)
        }
        return out + "\"]"
    }

    /// tonumber with a base: strtoul's rules, whole string (bar whitespace).
    static func parseInteger(_ s: [UInt8], base: Int) -> Double? {
        var i = 0
        while i < s.count && LuaNumber.isSpace(s[i]) { i += 1 }
        var neg = false
        if i < s.count && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) { neg = s[i] == UInt8(ascii: "-"); i += 1 }
        var v: Double = 0
        var digits = 0
        while i < s.count {
            let c = s[i]
            var d: Int
            if c >= 48 && c <= 57 { d = Int(c - 48) }
            else if c >= 97 && c <= 122 { d = Int(c - 97) + 10 }
            else if c >= 65 && c <= 90 { d = Int(c - 65) + 10 }
            else { break }
            if d >= base { break }
            v = v * Double(base) + Double(d)
            digits += 1
            i += 1
        }
        if digits == 0 { return nil }
        while i < s.count && LuaNumber.isSpace(s[i]) { i += 1 }
        if i != s.count { return nil }
        // strtoul negates in unsigned arithmetic
        if neg { return v == 0 ? 0 : (v < 18446744073709551616.0 ? Double(UInt64(0) &- UInt64(v)) : v) }
        return v
    }
}
