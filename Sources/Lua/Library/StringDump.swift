/// string.dump (lstrlib.c str_dump, ldump.c): a Lua 5.1 binary chunk. The
/// header and the layout of each function (source, lines, sizes, constants,
/// nested functions, line info, upvalue names) are Lua 5.1's; the
/// instruction words are this VM's own instructions packed into Lua's iABC
/// fields, so the code section is not byte-identical to PUC Lua's. Scripts
/// can only get the string back: loading a binary chunk is refused, as in
/// Redis (its loadstring reads a binary chunk as text and fails).
extension LuaVM {
    func openStringDump(_ s: LuaTable) {
        register(s, "dump") { vm, base, nargs in
            guard case .function(let f) = vm.arg(base, nargs, 0) else {
                throw vm.typeError(base, nargs, 0, "dump", "function")
            }
            guard let closure = f as? LuaClosure else { throw LuaError.message("unable to dump given function") }
            var out = BinaryChunkWriter()
            out.header()
            out.function(closure.proto, parentSource: nil)
            return vm.result(base, .str(out.bytes))
        }
    }
}

/// ldump.c's writer for x86-64: 4-byte ints and instructions, 8-byte size_t,
/// little-endian, 8-byte doubles.
struct BinaryChunkWriter {
    var bytes: [UInt8] = []

    mutating func header() {
        // "\27Lua", version 5.1, official format, little-endian, sizeof int,
        // size_t, Instruction, lua_Number, and lua_Number being floating point.
        bytes += [0x1B, 0x4C, 0x75, 0x61, 0x51, 0, 1, 4, 8, 4, 8, 0]
    }

    mutating func int(_ v: Int) {
        let u = UInt32(truncatingIfNeeded: v)
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: u >> (8 * UInt32(i)))) }
    }

    mutating func sizeT(_ v: Int) {
        let u = UInt64(v)
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(i)))) }
    }

    /// DumpString: the length counting a terminating NUL, then the bytes and
    /// the NUL; a missing string is a zero length.
    mutating func string(_ s: [UInt8]?) {
        guard let s else { sizeT(0); return }
        sizeT(s.count + 1)
        bytes += s
        bytes.append(0)
    }

    mutating func number(_ d: Double) {
        let u = d.bitPattern
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: u >> (8 * UInt64(i)))) }
    }

    /// The source Lua would hold: "@name" for a named chunk.
    static func source(of p: Proto) -> [UInt8] {
        Array((p.chunk.hasPrefix("[string") ? p.chunk : "@" + p.chunk).utf8)
    }

    /// DumpFunction: a nested function sharing its parent's source omits it.
    mutating func function(_ p: Proto, parentSource: [UInt8]?) {
        let source = Self.source(of: p)
        string(source == parentSource ? nil : source)
        int(p.line)
        int(p.lastLine)
        bytes.append(UInt8(truncatingIfNeeded: p.upvals.count))
        bytes.append(UInt8(truncatingIfNeeded: p.numParams))
        // VARARG_ISVARARG, as the parser sets it for `...` and for a main chunk.
        bytes.append(p.isVararg ? 2 : 0)
        bytes.append(UInt8(truncatingIfNeeded: p.maxStack))
        int(p.code.count)
        for ins in p.code { int(Int(Self.word(ins))) }
        int(p.constants.count)
        for k in p.constants {
            switch k {
            case .nil_: bytes.append(0)
            case .bool(let b): bytes.append(1); bytes.append(b ? 1 : 0)
            case .number(let d): bytes.append(3); number(d)
            case .string(let s): bytes.append(4); string(s.bytes)
            default: bytes.append(0)
            }
        }
        int(p.protos.count)
        for sub in p.protos { function(sub, parentSource: source) }
        int(p.lines.count)
        for l in p.lines { int(Int(l)) }
        // Local variable ranges are not kept by this compiler.
        int(0)
        int(p.upvalNames.count)
        for n in p.upvalNames { string(Array(n.utf8)) }
    }

    /// iABC: op in 6 bits, A in 8, C in 9, B in 9; a constant operand is
    /// 256 + its index (BITRK).
    static func word(_ i: Instr) -> UInt32 {
        func rk(_ v: Int32) -> UInt32 { UInt32(truncatingIfNeeded: v < 0 ? 256 + (-1 - v) : v) & 0x1FF }
        return UInt32(i.op.rawValue) & 0x3F
            | (UInt32(truncatingIfNeeded: i.a) & 0xFF) << 6
            | rk(i.c) << 14
            | rk(i.b) << 23
    }
}
