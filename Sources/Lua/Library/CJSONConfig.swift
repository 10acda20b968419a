/// The settings of one lua-cjson 2.1.0 instance (`cjson` or a `cjson.new()`),
/// with the library's defaults.
final class CJSONConfig {
    var encodeSparseConvert = 0
    var encodeSparseRatio = 2
    var encodeSparseSafe = 10
    var encodeMaxDepth = 1000
    var decodeMaxDepth = 1000
    var encodeInvalidNumbers = 0   // 0 off, 1 on, 2 null
    var decodeInvalidNumbers = 1
    var encodeKeepBuffer = 1
    var encodeNumberPrecision = 14
}

extension LuaLightUserdata {
    /// lua-cjson's `cjson.null`: the NULL light userdata, one identity for all VMs.
    nonisolated(unsafe) public static let jsonNull = LuaLightUserdata(name: "NULL")
}

extension LuaVM {
    func openCJSON() {
        globals.set("cjson", .table(makeCJSON()))
    }

    func makeCJSON() -> LuaTable {
        let t = LuaTable()
        let cfg = CJSONConfig()
        register(t, "encode") { vm, base, nargs in
            if nargs != 1 { throw vm.argError(0, "encode", "expected 1 argument") }
            var enc = CJSONEncoder(cfg: cfg, vm: vm)
            try enc.value(vm.stack[base], depth: 0)
            return vm.result(base, .str(enc.out))
        }
        register(t, "decode") { vm, base, nargs in
            if nargs != 1 { throw vm.argError(0, "decode", "expected 1 argument") }
            let s = try vm.checkString(base, nargs, 0, "decode")
            var dec = CJSONDecoder(cfg: cfg, vm: vm, data: s)
            return vm.result(base, try dec.decode())
        }
        register(t, "encode_sparse_array") { vm, base, nargs in
            try vm.cjsonArgs(base, nargs, 3)
            let a = try vm.cjsonEnum(base, nargs, 0, &cfg.encodeSparseConvert, nil, "encode_sparse_array")
            let b = try vm.cjsonInteger(base, nargs, 1, &cfg.encodeSparseRatio, 0, Int(Int32.max), "encode_sparse_array")
            let c = try vm.cjsonInteger(base, nargs, 2, &cfg.encodeSparseSafe, 0, Int(Int32.max), "encode_sparse_array")
            return try vm.results(base, [a, b, c])
        }
        let integers: [(String, ReferenceWritableKeyPath<CJSONConfig, Int>, Int, Int)] = [
            ("encode_max_depth", \.encodeMaxDepth, 1, Int(Int32.max)),
            ("decode_max_depth", \.decodeMaxDepth, 1, Int(Int32.max)),
            ("encode_number_precision", \.encodeNumberPrecision, 1, 14),
        ]
        for (name, key, lo, hi) in integers {
            register(t, name) { vm, base, nargs in
                try vm.cjsonArgs(base, nargs, 1)
                return vm.result(base, try vm.cjsonInteger(base, nargs, 0, &cfg[keyPath: key], lo, hi, name))
            }
        }
        let enums: [(String, ReferenceWritableKeyPath<CJSONConfig, Int>, [String]?)] = [
            ("encode_keep_buffer", \.encodeKeepBuffer, nil),
            ("encode_invalid_numbers", \.encodeInvalidNumbers, ["off", "on", "null"]),
            ("decode_invalid_numbers", \.decodeInvalidNumbers, nil),
        ]
        for (name, key, options) in enums {
            register(t, name) { vm, base, nargs in
                try vm.cjsonArgs(base, nargs, 1)
                return vm.result(base, try vm.cjsonEnum(base, nargs, 0, &cfg[keyPath: key], options, name))
            }
        }
        register(t, "new") { vm, base, _ in vm.result(base, .table(vm.makeCJSON())) }
        t.set("null", .userdata(.jsonNull))
        t.set("_NAME", .str("cjson"))
        t.set("_VERSION", .str("2.1.0"))
        return t
    }

    /// json_arg_init: at most `n` arguments.
    func cjsonArgs(_ base: Int, _ nargs: Int, _ n: Int) throws {
        if nargs > n { throw argError(n, "", "found too many arguments") }
    }

    /// json_integer_option (whose range error always names argument 1).
    func cjsonInteger(_ base: Int, _ nargs: Int, _ i: Int, _ setting: inout Int, _ lo: Int, _ hi: Int, _ fname: String) throws -> LuaValue {
        if !arg(base, nargs, i).isNil {
            let v = Int(Int32(truncatingIfNeeded: try checkInteger(base, nargs, i, fname)))
            if v < lo || v > hi { throw argError(0, fname, "expected integer between \(lo) and \(hi)") }
            setting = v
        }
        return .number(Double(setting))
    }

    /// json_enum_option: booleans or the option names; reported as a boolean
    /// when the setting is off/on.
    func cjsonEnum(_ base: Int, _ nargs: Int, _ i: Int, _ setting: inout Int, _ options: [String]?, _ fname: String) throws -> LuaValue {
        let opts = options ?? ["off", "on"]
        let v = arg(base, nargs, i)
        if !v.isNil {
            if case .bool(let b) = v { setting = b ? 1 : 0 }
            else {
                let s = try checkString(base, nargs, i, fname)
                guard let k = opts.firstIndex(where: { Array($0.utf8) == s }) else {
                    throw argError(i, fname, "invalid option '\(String(decoding: s, as: UTF8.self))'")
                }
                setting = k
            }
        }
        if setting == 0 || setting == 1 { return .bool(setting == 1) }
        return .str(opts[setting])
    }
}
