#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Roberto Ierusalimschy's `struct` library as Redis bundles it: pack,
/// unpack and size with the format letters of struct.c (x86-64 sizes:
/// short 2, int 4, long and size_t 8; native order little-endian).
extension LuaVM {
    private struct StructFormat {
        let bytes: [UInt8]
        var pos = 0
        var bigEndian = false
        var align = 1

        init(_ b: [UInt8]) { bytes = b }

        mutating func number(_ def: Int) throws -> Int {
            guard pos < bytes.count, isDigit(bytes[pos]) else { return def }
            var a = 0
            repeat {
                let d = Int(bytes[pos] - 48)
                if a > Int(Int32.max) / 10 || a * 10 > Int(Int32.max) - d { throw LuaError.message("integral size overflow") }
                a = a * 10 + d
                pos += 1
            } while pos < bytes.count && isDigit(bytes[pos])
            return a
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

        mutating func size(_ opt: UInt8) throws -> Int {
            switch opt {
            case UInt8(ascii: "B"), UInt8(ascii: "b"): return 1
            case UInt8(ascii: "H"), UInt8(ascii: "h"): return 2
            case UInt8(ascii: "L"), UInt8(ascii: "l"), UInt8(ascii: "T"), UInt8(ascii: "d"): return 8
            case UInt8(ascii: "f"): return 4
            case UInt8(ascii: "x"): return 1
            case UInt8(ascii: "c"): return try number(1)
            case UInt8(ascii: "i"), UInt8(ascii: "I"):
                let sz = try number(4)
                if sz > 32 { throw LuaError.message("integral size \(sz) is larger than limit of 32") }
                return sz
            default: return 0
            }
        }

        func toAlign(_ len: Int, _ opt: UInt8, _ size: Int) -> Int {
            if size == 0 || opt == UInt8(ascii: "c") { return 0 }
            let s = min(size, align)
            return (s - (len & (s - 1))) & (s - 1)
        }

        mutating func control(_ opt: UInt8, _ vm: LuaVM, _ fname: String) throws {
            switch opt {
            case UInt8(ascii: " "): return
            case UInt8(ascii: ">"): bigEndian = true
            case UInt8(ascii: "<"): bigEndian = false
            case UInt8(ascii: "!"):
                let a = try number(8)
                if a & (a - 1) != 0 { throw LuaError.message("alignment \(a) is not a power of 2") }
                align = a
            default:
                throw vm.argError(0, fname, "invalid format option '\(String(decoding: [opt], as: UTF8.self))'")
            }
        }
    }

    static func isIntegerOption(_ o: UInt8) -> Bool {
        switch o {
        case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "l"),
             UInt8(ascii: "L"), UInt8(ascii: "T"), UInt8(ascii: "i"), UInt8(ascii: "I"): return true
        default: return false
        }
    }

    /// C's (long long) cast of a double, as gcc does on x86-64 (out of range: INT64_MIN).
    static func cLongLong(_ d: Double) -> Int64 {
        if d.isNaN || d >= 9223372036854775808.0 || d < -9223372036854775808.0 { return Int64.min }
        return Int64(d)
    }

    func openStruct() {
        let t = LuaTable()
        globals.set("struct", .table(t))
        register(t, "pack") { vm, base, nargs in
            var f = StructFormat(try vm.checkString(base, nargs, 0, "pack"))
            var out: [UInt8] = []
            var argi = 1
            // b_pack pushes a nil above its arguments: a missing one reads as nil
            func number() throws -> Double {
                if argi >= nargs { throw vm.argError(argi, "pack", "number expected, got nil") }
                defer { argi += 1 }
                return try vm.checkNumber(base, nargs, argi, "pack")
            }
            while f.pos < f.bytes.count {
                let opt = f.bytes[f.pos]; f.pos += 1
                var size = try f.size(opt)
                let pad = f.toAlign(out.count, opt, size)
                out.append(contentsOf: repeatElement(0, count: pad))
                switch opt {
                case _ where LuaVM.isIntegerOption(opt):
                    let n = try number()
                    var value = n < 0 ? UInt64(bitPattern: LuaVM.cLongLong(n))
                        : (n >= 18446744073709551616.0 || n.isNaN ? 0 : (n >= 9223372036854775808.0 ? UInt64(n) : UInt64(LuaVM.cLongLong(n))))
                    var buf = [UInt8](repeating: 0, count: size)
                    for j in 0..<size {
                        buf[f.bigEndian ? size - 1 - j : j] = UInt8(truncatingIfNeeded: value)
                        value = j < 7 ? value >> 8 : 0
                    }
                    out.append(contentsOf: buf)
                case UInt8(ascii: "x"):
                    out.append(0)
                case UInt8(ascii: "f"):
                    let v = Float(try number())
                    let bits = f.bigEndian ? v.bitPattern.bigEndian : v.bitPattern.littleEndian
                    withUnsafeBytes(of: bits) { out.append(contentsOf: $0) }
                case UInt8(ascii: "d"):
                    let v = try number()
                    let bits = f.bigEndian ? v.bitPattern.bigEndian : v.bitPattern.littleEndian
                    withUnsafeBytes(of: bits) { out.append(contentsOf: $0) }
                case UInt8(ascii: "c"), UInt8(ascii: "s"):
                    if argi >= nargs { throw vm.argError(argi, "pack", "string expected, got nil") }
                    let s = try vm.checkString(base, nargs, argi, "pack"); argi += 1
                    if size == 0 { size = s.count }
                    if s.count < size { throw vm.argError(argi, "pack", "string too short") }
                    out.append(contentsOf: s[0..<size])
                    if opt == UInt8(ascii: "s") { out.append(0); size += 1 }
                default:
                    try f.control(opt, vm, "pack")
                }
                if out.count > vm.maxStringLength { throw LuaError.message("not enough memory") }
            }
            return vm.result(base, .str(out))
        }
        register(t, "unpack") { vm, base, nargs in
            var f = StructFormat(try vm.checkString(base, nargs, 0, "unpack"))
            let data = try vm.checkString(base, nargs, 1, "unpack")
            let ld = data.count
            let start = try vm.optInteger(base, nargs, 2, "unpack", 1)
            // the offset is a size_t there: a negative one passes this check and is too large for the data
            if start == 0 { throw vm.argError(2, "unpack", "offset must be 1 or greater") }
            var pos = start - 1
            var res: [LuaValue] = []
            while f.pos < f.bytes.count {
                let opt = f.bytes[f.pos]; f.pos += 1
                var size = try f.size(opt)
                pos += f.toAlign(pos, opt, size)
                if pos < 0 || pos + size > ld { throw vm.argError(1, "unpack", "data string too short") }
                if res.count > 7990 { throw LuaError.message("stack overflow (too many results)") }
                switch opt {
                case _ where LuaVM.isIntegerOption(opt):
                    var l: UInt64 = 0
                    for j in 0..<size {
                        let byte = data[pos + (f.bigEndian ? j : size - 1 - j)]
                        l = l << 8 | UInt64(byte)
                    }
                    if opt >= UInt8(ascii: "a") {
                        let shift = size * 8 - 1
                        // x86's shift takes its count modulo 64 (sizes past 8 in struct.c)
                        let mask: UInt64 = ~UInt64(0) << UInt64(shift & 63)
                        if l & mask != 0 { l |= mask }
                        res.append(.number(Double(Int64(bitPattern: l))))
                    } else {
                        res.append(.number(Double(l)))
                    }
                case UInt8(ascii: "x"):
                    break
                case UInt8(ascii: "f"):
                    var bits: UInt32 = 0
                    for j in 0..<4 { bits |= UInt32(data[pos + j]) << UInt32(8 * j) }
                    if f.bigEndian { bits = bits.byteSwapped }
                    res.append(.number(Double(Float(bitPattern: bits))))
                case UInt8(ascii: "d"):
                    var bits: UInt64 = 0
                    for j in 0..<8 { bits |= UInt64(data[pos + j]) << UInt64(8 * j) }
                    if f.bigEndian { bits = bits.byteSwapped }
                    res.append(.number(Double(bitPattern: bits)))
                case UInt8(ascii: "c"):
                    if size == 0 {
                        guard let last = res.last, let n = last.toNumber else {
                            throw LuaError.message("format 'c0' needs a previous size")
                        }
                        res.removeLast()
                        size = n < 0 || n.isNaN ? Int.max : (n >= 9.2e18 ? Int.max : Int(n))
                        if size > ld || pos > ld - size { throw vm.argError(1, "unpack", "data string too short") }
                    }
                    res.append(.str(Array(data[pos..<pos + size])))
                case UInt8(ascii: "s"):
                    guard let e = data[pos...].firstIndex(of: 0) else { throw LuaError.message("unfinished string in data") }
                    size = e - pos + 1
                    res.append(.str(Array(data[pos..<e])))
                default:
                    try f.control(opt, vm, "unpack")
                }
                pos += size
            }
            res.append(.number(Double(pos + 1)))
            return try vm.results(base, res)
        }
        register(t, "size") { vm, base, nargs in
            var f = StructFormat(try vm.checkString(base, nargs, 0, "size"))
            var pos = 0
            while f.pos < f.bytes.count {
                let opt = f.bytes[f.pos]; f.pos += 1
                let size = try f.size(opt)
                pos += f.toAlign(pos, opt, size)
                if opt == UInt8(ascii: "s") { throw vm.argError(0, "size", "option 's' has no fixed size") }
                if opt == UInt8(ascii: "c") && size == 0 { throw vm.argError(0, "size", "option 'c0' has no fixed size") }
                let c = Character(Unicode.Scalar(opt))
                if !(c.isASCII && (c.isLetter || c.isNumber)) { try f.control(opt, vm, "size") }
                pos += size
            }
            return vm.result(base, .number(Double(pos)))
        }
    }
}
