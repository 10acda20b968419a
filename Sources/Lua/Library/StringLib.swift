/// The string library (lstrlib.c).
extension LuaVM {
    /// posrelat: negative positions count from the end.
    static func posrelat(_ pos: Int, _ len: Int) -> Int { pos >= 0 ? pos : (pos < -len ? 0 : len + pos + 1) }

    func checkLength(_ n: Int) throws {
        if n > maxStringLength || n < 0 { throw LuaError.message("not enough memory") }
    }

    func openString() {
        let s = LuaTable()
        globals.set("string", .table(s))
        let meta = LuaTable()
        meta.set("__index", .table(s))
        stringMetatable = meta
        openStringDump(s)

        register(s, "len") { vm, base, nargs in
            vm.result(base, .number(Double(try vm.checkString(base, nargs, 0, "len").count)))
        }
        register(s, "sub") { vm, base, nargs in
            let str = try vm.checkString(base, nargs, 0, "sub")
            let l = str.count
            var i = LuaVM.posrelat(try vm.checkInteger(base, nargs, 1, "sub"), l)
            var j = LuaVM.posrelat(try vm.optInteger(base, nargs, 2, "sub", -1), l)
            if i < 1 { i = 1 }
            if j > l { j = l }
            return vm.result(base, i <= j ? .str(Array(str[(i - 1)..<j])) : .str(""))
        }
        register(s, "upper") { vm, base, nargs in
            let str = try vm.checkString(base, nargs, 0, "upper")
            return vm.result(base, .str(str.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }))
        }
        register(s, "lower") { vm, base, nargs in
            let str = try vm.checkString(base, nargs, 0, "lower")
            return vm.result(base, .str(str.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }))
        }
        register(s, "reverse") { vm, base, nargs in
            vm.result(base, .str(Array(try vm.checkString(base, nargs, 0, "reverse").reversed())))
        }
        register(s, "rep") { vm, base, nargs in
            let str = try vm.checkString(base, nargs, 0, "rep")
            let n = try vm.checkInt(base, nargs, 1, "rep")
            if n <= 0 || str.isEmpty { return vm.result(base, .str("")) }
            let (total, overflow) = str.count.multipliedReportingOverflow(by: n)
            if overflow { throw LuaError.message("not enough memory") }
            try vm.checkLength(total)
            var out: [UInt8] = []
            out.reserveCapacity(total)
            for _ in 0..<n { out.append(contentsOf: str) }
            return vm.result(base, .str(out))
        }
        register(s, "byte") { vm, base, nargs in
            let str = try vm.checkString(base, nargs, 0, "byte")
            let l = str.count
            let posi = LuaVM.posrelat(try vm.optInteger(base, nargs, 1, "byte", 1), l)
            let pose = LuaVM.posrelat(try vm.optInteger(base, nargs, 2, "byte", posi), l)
            let i = max(posi, 1), e = min(pose, l)
            if i > e { return 0 }
            let n = e - i + 1
            if n >= 8000 { throw LuaError.message("string slice too long") }
            try vm.ensureStack(base + n + 1)
            for k in 0..<n { vm.stack[base + k] = .number(Double(str[i - 1 + k])) }
            return n
        }
        register(s, "char") { vm, base, nargs in
            var out: [UInt8] = []
            for i in 0..<nargs {
                let c = try vm.checkInt(base, nargs, i, "char")
                if c < 0 || c > 255 { throw vm.argError(i, "char", "invalid value") }
                out.append(UInt8(c))
            }
            return vm.result(base, .str(out))
        }
        register(s, "format") { vm, base, nargs in
            vm.result(base, .str(try vm.format(base, nargs)))
        }
        register(s, "find") { vm, base, nargs in try vm.strFind(base, nargs, find: true) }
        register(s, "match") { vm, base, nargs in try vm.strFind(base, nargs, find: false) }
        register(s, "gmatch") { vm, base, nargs in
            let str = try vm.checkString(base, nargs, 0, "gmatch")
            let pat = try vm.checkString(base, nargs, 1, "gmatch")
            var pos = 0
            let iter = LuaNative("gmatch_iter") { vm, base, _ in
                var m = PatternMatcher(src: str, pat: pat)
                var src = pos
                while src <= str.count {
                    m.level = 0
                    if let e = try m.match(src, 0) {
                        pos = e == src ? e + 1 : e
                        return try vm.results(base, try m.captures(src, e, wholeIfNone: true))
                    }
                    src += 1
                }
                pos = str.count + 1
                return 0
            }
            return vm.result(base, .function(iter))
        }
        register(s, "gsub") { vm, base, nargs in try vm.gsub(base, nargs) }
    }

    func strFind(_ base: Int, _ nargs: Int, find: Bool) throws -> Int {
        let fname = find ? "find" : "match"
        let str = try checkString(base, nargs, 0, fname)
        let pat = try checkString(base, nargs, 1, fname)
        var initPos = LuaVM.posrelat(try optInteger(base, nargs, 2, fname, 1), str.count) - 1
        if initPos < 0 { initPos = 0 } else if initPos > str.count { initPos = str.count }
        let specials = Array("^$*+?.([%-".utf8)
        let plain = arg(base, nargs, 3).truthy || !pat.contains(where: { specials.contains($0) })
        if find && plain {
            if let at = LuaVM.indexOf(pat, in: str, from: initPos) {
                return try results(base, [.number(Double(at + 1)), .number(Double(at + pat.count))])
            }
            return result(base, .nil_)
        }
        var m = PatternMatcher(src: str, pat: pat)
        let anchor = pat.first == UInt8(ascii: "^")
        let p0 = anchor ? 1 : 0
        var s1 = initPos
        repeat {
            m.level = 0
            if let e = try m.match(s1, p0) {
                if find {
                    return try results(base, [.number(Double(s1 + 1)), .number(Double(e))] + m.captures(s1, e, wholeIfNone: false))
                }
                return try results(base, try m.captures(s1, e, wholeIfNone: true))
            }
            s1 += 1
        } while s1 <= str.count && !anchor
        return result(base, .nil_)
    }

    static func indexOf(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        if needle.isEmpty { return from }
        if needle.count > hay.count - from { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    func gsub(_ base: Int, _ nargs: Int) throws -> Int {
        let src = try checkString(base, nargs, 0, "gsub")
        let pat = try checkString(base, nargs, 1, "gsub")
        let repl = arg(base, nargs, 2)
        switch repl {
        case .number, .string, .table, .function: break
        default: throw typeError(base, nargs, 2, "gsub", "string/function/table")
        }
        let maxN = arg(base, nargs, 3).isNil ? src.count + 1 : try checkInt(base, nargs, 3, "gsub")
        let anchor = pat.first == UInt8(ascii: "^")
        let p0 = anchor ? 1 : 0
        var m = PatternMatcher(src: src, pat: pat)
        var out: [UInt8] = []
        var s = 0
        var n = 0
        let replBytes = repl.stringBytes
        while n < maxN {
            m.level = 0
            let e = try m.match(s, p0)
            if let e = e {
                n += 1
                // add_value
                var value: LuaValue
                if let rb = replBytes {
                    var i = 0
                    while i < rb.count {
                        let c = rb[i]
                        if c == UInt8(ascii: "%") {
                            i += 1
                            let d: UInt8 = i < rb.count ? rb[i] : 0
                            if d < 48 || d > 57 { out.append(d) }
                            else if d == 48 { out.append(contentsOf: src[s..<e]) }
                            else {
                                let cap = try m.capture(Int(d) - 49, s, e)
                                if let cb = cap.stringBytes { out.append(contentsOf: cb) }
                            }
                        } else {
                            out.append(c)
                        }
                        i += 1
                    }
                    try checkLength(out.count)
                    if e > s { s = e } else if s < src.count { out.append(src[s]); s += 1 } else { break }
                    if anchor { break }
                    continue
                }
                let first = try m.capture(0, s, e)
                if case .table(let t) = repl {
                    value = try index(.table(t), first)
                } else {
                    let caps = try m.captures(s, e, wholeIfNone: true)
                    value = try call(repl, caps).first ?? .nil_
                }
                if !value.truthy {
                    out.append(contentsOf: src[s..<e])
                } else if let vb = value.stringBytes {
                    out.append(contentsOf: vb)
                } else {
                    throw LuaError.message("invalid replacement value (a \(value.typeName))")
                }
                try checkLength(out.count)
            }
            if let e = e, e > s { s = e }
            else if s < src.count { out.append(src[s]); s += 1 }
            else { break }
            if anchor { break }
        }
        if s < src.count { out.append(contentsOf: src[s...]) }
        stack[base] = .str(out)
        stack[base + 1] = .number(Double(n))
        return 2
    }
}
