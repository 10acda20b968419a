#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The 48-bit linear congruential generator Redis gives `math.random`
/// (rand48): the same sequence on every platform, seeded only by
/// `math.randomseed`.
public struct Rand48 {
    public var state: UInt64 = 0x1234_ABCD_330E
    public init() {}
    public mutating func seed(_ s: Int32) {
        state = (UInt64(UInt32(bitPattern: s)) << 16) | 0x330E
    }
    public mutating func next() -> Int32 {
        state = (0x5_DEEC_E66D &* state &+ 0xB) & 0xFFFF_FFFF_FFFF
        return Int32(truncatingIfNeeded: state >> 17)
    }
}

extension LuaVM {
    func openMath() {
        let m = LuaTable()
        globals.set("math", .table(m))
        m.set("pi", .number(Double.pi))
        m.set("huge", .number(Double.infinity))

        func unary(_ name: String, _ f: @escaping (Double) -> Double) {
            register(m, name) { vm, base, nargs in vm.result(base, .number(f(try vm.checkNumber(base, nargs, 0, name)))) }
        }
        unary("abs") { Swift.abs($0) }
        unary("ceil") { $0.rounded(.up) }
        unary("floor") { $0.rounded(.down) }
        unary("sqrt") { $0.squareRoot() }
        unary("sin") { sin($0) }
        unary("cos") { cos($0) }
        unary("tan") { tan($0) }
        unary("asin") { asin($0) }
        unary("acos") { acos($0) }
        unary("atan") { atan($0) }
        unary("sinh") { sinh($0) }
        unary("cosh") { cosh($0) }
        unary("tanh") { tanh($0) }
        unary("exp") { exp($0) }
        unary("log") { log($0) }
        unary("log10") { log10($0) }
        unary("deg") { $0 * (180.0 / Double.pi) }
        unary("rad") { $0 * (Double.pi / 180.0) }

        register(m, "atan2") { vm, base, nargs in
            vm.result(base, .number(atan2(try vm.checkNumber(base, nargs, 0, "atan2"), try vm.checkNumber(base, nargs, 1, "atan2"))))
        }
        register(m, "pow") { vm, base, nargs in
            vm.result(base, .number(LuaVM.pow(try vm.checkNumber(base, nargs, 0, "pow"), try vm.checkNumber(base, nargs, 1, "pow"))))
        }
        let fmodBody: LuaNativeBody = { vm, base, nargs in
            vm.result(base, .number(fmod(try vm.checkNumber(base, nargs, 0, "fmod"), try vm.checkNumber(base, nargs, 1, "fmod"))))
        }
        register(m, "fmod", fmodBody)
        register(m, "mod", fmodBody)
        register(m, "modf") { vm, base, nargs in
            let x = try vm.checkNumber(base, nargs, 0, "modf")
            var ip: Double = 0
            let frac = modf(x, &ip)
            return try vm.results(base, [.number(ip), .number(frac)])
        }
        register(m, "frexp") { vm, base, nargs in
            var e: Int32 = 0
            let f = frexp(try vm.checkNumber(base, nargs, 0, "frexp"), &e)
            return try vm.results(base, [.number(f), .number(Double(e))])
        }
        register(m, "ldexp") { vm, base, nargs in
            vm.result(base, .number(ldexp(try vm.checkNumber(base, nargs, 0, "ldexp"), Int(Int32(truncatingIfNeeded: try vm.checkInt(base, nargs, 1, "ldexp"))))))
        }
        register(m, "min") { vm, base, nargs in
            var d = try vm.checkNumber(base, nargs, 0, "min")
            for i in stride(from: 1, to: nargs, by: 1) { let x = try vm.checkNumber(base, nargs, i, "min"); if x < d { d = x } }
            return vm.result(base, .number(d))
        }
        register(m, "max") { vm, base, nargs in
            var d = try vm.checkNumber(base, nargs, 0, "max")
            for i in stride(from: 1, to: nargs, by: 1) { let x = try vm.checkNumber(base, nargs, i, "max"); if x > d { d = x } }
            return vm.result(base, .number(d))
        }
        register(m, "random") { vm, base, nargs in
            let r = Double(vm.random.next() % Int32.max) / Double(Int32.max)
            switch nargs {
            case 0:
                return vm.result(base, .number(r))
            case 1:
                let u = try vm.checkInt(base, nargs, 0, "random")
                if !(1 <= u) { throw vm.argError(0, "random", "interval is empty") }
                return vm.result(base, .number((r * Double(u)).rounded(.down) + 1))
            case 2:
                let l = try vm.checkInt(base, nargs, 0, "random")
                let u = try vm.checkInt(base, nargs, 1, "random")
                if !(l <= u) { throw vm.argError(1, "random", "interval is empty") }
                return vm.result(base, .number((r * (Double(u) - Double(l) + 1)).rounded(.down) + Double(l)))
            default:
                throw LuaError.message("wrong number of arguments")
            }
        }
        register(m, "randomseed") { vm, base, nargs in
            vm.random.seed(Int32(truncatingIfNeeded: try vm.checkInt(base, nargs, 0, "randomseed")))
            return 0
        }
    }

    func openOS() {
        let os = LuaTable()
        globals.set("os", .table(os))
        register(os, "clock") { vm, base, _ in
            vm.result(base, .number(Double(clock()) / Double(CLOCKS_PER_SEC)))
        }
    }
}
