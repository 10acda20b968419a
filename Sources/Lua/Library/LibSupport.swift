/// Argument access and luaL_check* errors for native functions.
extension LuaVM {
    @inline(__always) public func arg(_ base: Int, _ nargs: Int, _ i: Int) -> LuaValue {
        i < nargs ? stack[base + i] : .nil_
    }

    /// luaL_argerror: the function is named as its call site names it ('?'
    /// when called from Swift, as through pcall); a method call counts `self`.
    public func argError(_ i: Int, _ fname: String, _ msg: String) -> LuaError {
        guard let site = nativeSite, let name = site.proto.names[site.pc]?[0] else {
            return .message("bad argument #\(i + 1) to '?' (\(msg))")
        }
        if name.kind == "method" {
            if i == 0 { return .message("calling '\(name.name)' on bad self (\(msg))") }
            return .message("bad argument #\(i) to '\(name.name)' (\(msg))")
        }
        return .message("bad argument #\(i + 1) to '\(name.name)' (\(msg))")
    }

    func typeError(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String, _ expected: String) -> LuaError {
        let got = i < nargs ? stack[base + i].typeName : "no value"
        return argError(i, fname, "\(expected) expected, got \(got)")
    }

    public func checkAny(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String) throws -> LuaValue {
        if i >= nargs { throw argError(i, fname, "value expected") }
        return stack[base + i]
    }

    public func checkNumber(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String) throws -> Double {
        if let d = arg(base, nargs, i).toNumber { return d }
        throw typeError(base, nargs, i, fname, "number")
    }

    /// luaL_checkint: the number cast to a 64-bit integer, then to a C int
    /// (its low 32 bits), as Lua 5.1 does on x86-64.
    public func checkInt(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String) throws -> Int {
        Int(Int32(truncatingIfNeeded: LuaVM.cInt(try checkNumber(base, nargs, i, fname))))
    }

    public func optInt(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String, _ def: Int) throws -> Int {
        if arg(base, nargs, i).isNil { return def }
        return try checkInt(base, nargs, i, fname)
    }

    /// luaL_checkinteger: the number cast to a 64-bit integer (string positions).
    public func checkInteger(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String) throws -> Int {
        LuaVM.cInt(try checkNumber(base, nargs, i, fname))
    }

    public func optInteger(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String, _ def: Int) throws -> Int {
        if arg(base, nargs, i).isNil { return def }
        return try checkInteger(base, nargs, i, fname)
    }

    public func optNumber(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String, _ def: Double) throws -> Double {
        if arg(base, nargs, i).isNil { return def }
        return try checkNumber(base, nargs, i, fname)
    }

    public func checkString(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String) throws -> [UInt8] {
        if let b = arg(base, nargs, i).stringBytes { return b }
        throw typeError(base, nargs, i, fname, "string")
    }

    public func optString(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String, _ def: [UInt8]) throws -> [UInt8] {
        if arg(base, nargs, i).isNil { return def }
        return try checkString(base, nargs, i, fname)
    }

    public func checkTable(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String) throws -> LuaTable {
        if case .table(let t) = arg(base, nargs, i) { return t }
        throw typeError(base, nargs, i, fname, "table")
    }

    /// C's (int)/(long) cast of a double, without trapping on NaN or overflow.
    @inline(__always) static func cInt(_ d: Double) -> Int {
        if let i = Int(exactly: d.rounded(.towardZero)) { return i }
        return Int.min
    }

    /// Writes results from `base` (growing the stack if needed) and returns their count.
    public func results(_ base: Int, _ values: [LuaValue]) throws -> Int {
        try ensureStack(base + values.count + 1)
        for (i, v) in values.enumerated() { stack[base + i] = v }
        return values.count
    }

    @inline(__always) public func result(_ base: Int, _ v: LuaValue) -> Int {
        stack[base] = v
        return 1
    }

    public func register(_ t: LuaTable, _ name: String, _ body: @escaping LuaNativeBody) {
        t.set(name, .function(LuaNative(name, body)))
    }

    /// Opens the libraries Redis exposes: base, coroutine, string, table, math, os.clock,
    /// and Redis's own cjson, cmsgpack, bit and struct.
    public func openStandardLibraries() {
        openBase()
        openString()
        openTable()
        openMath()
        openOS()
        openCoroutine()
        openCJSON()
        openCMsgpack()
        openBit()
        openStruct()
    }
}
