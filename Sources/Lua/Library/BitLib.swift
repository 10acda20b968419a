/// LuaBitOp 1.0.2 (`bit`), as Redis bundles it: 32-bit operations on numbers,
/// results as signed 32-bit values.
extension LuaVM {
    /// barg: the number plus 2^52+2^51 leaves its value, rounded to nearest
    /// even and taken modulo 2^32, in the low word of the double's bits.
    func bitArg(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String) throws -> UInt32 {
        let v = arg(base, nargs, i)
        let d = v.toNumber ?? 0
        let b = UInt32(truncatingIfNeeded: (d + 6755399441055744.0).bitPattern)
        if b == 0 && v.toNumber == nil { throw typeError(base, nargs, i, fname, "number") }
        return b
    }

    @inline(__always) func bitResult(_ base: Int, _ b: UInt32) -> Int {
        result(base, .number(Double(Int32(bitPattern: b))))
    }

    func openBit() {
        let t = LuaTable()
        globals.set("bit", .table(t))
        register(t, "tobit") { vm, base, nargs in vm.bitResult(base, try vm.bitArg(base, nargs, 0, "tobit")) }
        register(t, "bnot") { vm, base, nargs in vm.bitResult(base, ~(try vm.bitArg(base, nargs, 0, "bnot"))) }
        register(t, "bswap") { vm, base, nargs in vm.bitResult(base, (try vm.bitArg(base, nargs, 0, "bswap")).byteSwapped) }
        let folds: [(String, (UInt32, UInt32) -> UInt32)] = [("band", { $0 & $1 }), ("bor", { $0 | $1 }), ("bxor", { $0 ^ $1 })]
        for (name, op) in folds {
            register(t, name) { vm, base, nargs in
                var b = try vm.bitArg(base, nargs, 0, name)
                var i = nargs - 1
                while i > 0 { b = op(b, try vm.bitArg(base, nargs, i, name)); i -= 1 }
                return vm.bitResult(base, b)
            }
        }
        let shifts: [(String, (UInt32, UInt32) -> UInt32)] = [
            ("lshift", { $0 << $1 }),
            ("rshift", { $0 >> $1 }),
            ("arshift", { UInt32(bitPattern: Int32(bitPattern: $0) >> Int32($1)) }),
            ("rol", { $0 << $1 | $0 >> ((32 - $1) & 31) }),
            ("ror", { $0 >> $1 | $0 << ((32 - $1) & 31) }),
        ]
        for (name, op) in shifts {
            register(t, name) { vm, base, nargs in
                let b = try vm.bitArg(base, nargs, 0, name)
                let n = try vm.bitArg(base, nargs, 1, name) & 31
                return vm.bitResult(base, op(b, n))
            }
        }
        register(t, "tohex") { vm, base, nargs in
            var b = try vm.bitArg(base, nargs, 0, "tohex")
            var n = nargs < 2 ? 8 : Int(Int32(bitPattern: try vm.bitArg(base, nargs, 1, "tohex")))
            var digits = Array("0123456789abcdef".utf8)
            if n < 0 { n = -n; digits = Array("0123456789ABCDEF".utf8) }
            if n > 8 { n = 8 }
            var out = [UInt8](repeating: 0, count: n)
            var i = n - 1
            while i >= 0 { out[i] = digits[Int(b & 15)]; b >>= 4; i -= 1 }
            return vm.result(base, .str(out))
        }
    }
}
