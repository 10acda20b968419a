/// The interpreter loop. Lua-to-Lua calls and returns stay in the loop (a
/// frame is pushed or popped); calls from Swift (natives, metamethods) enter
/// it again through `call(at:)`, which is what the native depth limit counts.
extension LuaVM {
    /// Runs the top frame from its saved pc. `resumed` >= 0: that frame is a
    /// coroutine suspended in a call to `yield`, whose `resumed` results are
    /// already in place from the call's function slot.
    func execute(resumed: Int = -1) throws -> Int {
        var fi = frames.count - 1
        // Not retained: the running function stays in the slot below its
        // frame's base, and its proto with it; reference counting them on
        // every call and return was a fifth of a call's cost.
        unowned(unsafe) var cl = frames[fi].closure
        unowned(unsafe) var proto = cl.proto
        var code = proto.codePtr!
        var k = proto.kPtr!
        var base = frames[fi].base
        var pc = frames[fi].pc
        var mtop = 0   // the end of a multi-valued result (CALL/VARARG with "all")
        if resumed >= 0 {
            let i = code[pc]
            let fslot = base + Int(i.a)
            let want = Int(i.c) - 1
            if want >= 0 {
                var j = resumed
                while j < want { stack[fslot + j] = .nil_; j += 1 }
            } else {
                mtop = fslot + resumed
            }
            top = base + proto.maxStack
            pc += 1
        }

        @inline(__always) func rk(_ x: Int32, _ r: UnsafeMutablePointer<LuaValue>) -> LuaValue {
            x >= 0 ? r[Int(x)] : k[Int(-1 - x)]
        }

        /// A number stored over a register that holds a number already (what
        /// arithmetic and numeric loops keep doing) has no old value to
        /// release: the outlined destroy of the old value is skipped.
        @inline(__always) func storeNumber(_ p: UnsafeMutablePointer<LuaValue>, _ d: Double) {
            if case .number = p.pointee { p.initialize(to: .number(d)) } else { p.pointee = .number(d) }
        }

        while true {
            do {
                while true {
                    let i = code[pc]
                    pc += 1
                    budget &-= 1
                    if budget <= 0 { frames.at(fi).pointee.pc = pc - 1; try runHook() }
                    let r = stack + base
                    let a = Int(i.a)
                    switch i.op {
                    case .move:
                        r[a] = r[Int(i.b)]
                    case .loadk:
                        r[a] = k[Int(i.b)]
                    case .loadbool:
                        r[a] = .bool(i.b != 0)
                        if i.c != 0 { pc += 1 }
                    case .loadnil:
                        var j = a
                        while j <= Int(i.b) { r[j] = .nil_; j += 1 }
                    case .getupval:
                        r[a] = cl.cells[Int(i.b)]._withUnsafeGuaranteedRef { $0.value }
                    case .setupval:
                        cl.cells[Int(i.b)]._withUnsafeGuaranteedRef { $0.value = r[a] }
                    case .getcell:
                        if case .cell(let c) = r[Int(i.b)] { r[a] = c.value } else { r[a] = .nil_ }
                    case .setcell:
                        if case .cell(let c) = r[a] { c.value = rk(i.b, r) }
                    case .newcell:
                        let c = LuaCell(r[a])
                        heap.register(c)
                        r[a] = .cell(c)
                    case .getglobal:
                        let key = k[Int(i.b)]
                        let env = cl.env
                        let v = env.get(key)
                        if v.isNil && env.metatable != nil {
                            frames[fi].pc = pc - 1
                            let res = try index(.table(env), key)
                            stack[base + a] = res
                        } else {
                            r[a] = v
                        }
                    case .setglobal:
                        let env = cl.env
                        if env.metatable == nil { try rawSet(env, k[Int(i.b)], r[a]) }
                        else { frames[fi].pc = pc - 1; try setIndex(.table(env), k[Int(i.b)], r[a]) }
                    case .gettable:
                        let key = rk(i.c, r)
                        if case .table(let t) = r[Int(i.b)] {
                            let v = t.get(key)
                            if !v.isNil || t.metatable == nil { r[a] = v; continue }
                        }
                        frames[fi].pc = pc - 1
                        let res = try index(r[Int(i.b)], key, slot: 0)
                        stack[base + a] = res
                    case .settable:
                        let key = rk(i.b, r)
                        if case .table(let t) = r[a], t.metatable == nil {
                            if case .number(let d) = key, let n = Int(exactly: d) { try t.set(int: n, rk(i.c, r)) }
                            else { try rawSet(t, key, rk(i.c, r)) }
                            continue
                        }
                        frames[fi].pc = pc - 1
                        try setIndex(r[a], key, rk(i.c, r), slot: 0)
                    case .newtable:
                        let t = LuaTable(narr: Int(i.b), nhash: Int(i.c))
                        heap.register(t)
                        r[a] = .table(t)
                    case .selfOp:
                        let obj = r[Int(i.b)]
                        let key = rk(i.c, r)
                        r[a + 1] = obj
                        if case .table(let t) = obj {
                            let v = t.get(key)
                            if !v.isNil || t.metatable == nil { r[a] = v; continue }
                        }
                        frames[fi].pc = pc - 1
                        let res = try index(obj, key, slot: 0)
                        stack[base + a] = res
                    case .add:
                        if case .number(let x) = rk(i.b, r), case .number(let y) = rk(i.c, r) { storeNumber(r + a, x + y); continue }
                        frames[fi].pc = pc - 1
                        let res = try arithSlow(.add, rk(i.b, r), rk(i.c, r))
                        stack[base + a] = res
                    case .sub:
                        if case .number(let x) = rk(i.b, r), case .number(let y) = rk(i.c, r) { storeNumber(r + a, x - y); continue }
                        frames[fi].pc = pc - 1
                        let res = try arithSlow(.sub, rk(i.b, r), rk(i.c, r))
                        stack[base + a] = res
                    case .mul:
                        if case .number(let x) = rk(i.b, r), case .number(let y) = rk(i.c, r) { storeNumber(r + a, x * y); continue }
                        frames[fi].pc = pc - 1
                        let res = try arithSlow(.mul, rk(i.b, r), rk(i.c, r))
                        stack[base + a] = res
                    case .div:
                        if case .number(let x) = rk(i.b, r), case .number(let y) = rk(i.c, r) { storeNumber(r + a, x / y); continue }
                        frames[fi].pc = pc - 1
                        let res = try arithSlow(.div, rk(i.b, r), rk(i.c, r))
                        stack[base + a] = res
                    case .mod:
                        if case .number(let x) = rk(i.b, r), case .number(let y) = rk(i.c, r) { storeNumber(r + a, LuaVM.mod(x, y)); continue }
                        frames[fi].pc = pc - 1
                        let res = try arithSlow(.mod, rk(i.b, r), rk(i.c, r))
                        stack[base + a] = res
                    case .pow:
                        if case .number(let x) = rk(i.b, r), case .number(let y) = rk(i.c, r) { storeNumber(r + a, LuaVM.pow(x, y)); continue }
                        frames[fi].pc = pc - 1
                        let res = try arithSlow(.pow, rk(i.b, r), rk(i.c, r))
                        stack[base + a] = res
                    case .unm:
                        let v = r[Int(i.b)]
                        if case .number(let x) = v { r[a] = .number(-x); continue }
                        frames[fi].pc = pc - 1
                        if let x = v.toNumber { r[a] = .number(-x); continue }
                        let tm = metamethod(v, MM.unm)
                        if tm.isNil { throw LuaRuntimeError.type("perform arithmetic on", v, slot: 0) }
                        let res = try call1(tm, v, v)
                        stack[base + a] = res
                    case .not:
                        r[a] = .bool(!r[Int(i.b)].truthy)
                    case .len:
                        let v = r[Int(i.b)]
                        switch v {
                        case .string(let s): r[a] = .number(Double(s.bytes.count))
                        case .table(let t): r[a] = .number(Double(t.length))
                        default:
                            frames[fi].pc = pc - 1
                            let tm = metamethod(v, MM.len)
                            if tm.isNil { throw LuaRuntimeError.type("get length of", v, slot: 0) }
                            let res = try call1(tm, v, .nil_)
                            stack[base + a] = res
                        }
                    case .concat:
                        let b = Int(i.b), c = Int(i.c)
                        var total = 0
                        var allStrings = true
                        for j in b...c {
                            switch r[j] {
                            case .string(let s): total += s.bytes.count
                            case .number: total += 24
                            default: allStrings = false
                            }
                        }
                        if allStrings {
                            if total > maxStringLength { throw LuaError.message("not enough memory") }
                            var out: [UInt8] = []
                            out.reserveCapacity(total)
                            for j in b...c {
                                switch r[j] {
                                case .string(let s): out.append(contentsOf: s.bytes)
                                case .number(let d): out.append(contentsOf: LuaNumber.format(d).utf8)
                                default: break
                                }
                            }
                            r[a] = .string(LuaString(out))
                            continue
                        }
                        frames[fi].pc = pc - 1
                        var acc = r[c]
                        var j = c - 1
                        while j >= b {
                            acc = try concat2(stack[base + j], acc, slotA: Int32(j - b), slotB: Int32(j + 1 - b))
                            j -= 1
                        }
                        stack[base + a] = acc
                    case .jmp:
                        pc += Int(i.b)
                    case .eq:
                        let x = rk(i.b, r), y = rk(i.c, r)
                        let res: Bool
                        if case .number(let p) = x, case .number(let q) = y { res = p == q }
                        else { frames[fi].pc = pc - 1; res = try equals(x, y) }
                        if res == (i.a != 0) { pc += Int(code[pc].b) + 1 } else { pc += 1 }
                    case .lt:
                        let x = rk(i.b, r), y = rk(i.c, r)
                        let res: Bool
                        if case .number(let p) = x, case .number(let q) = y { res = p < q }
                        else { frames[fi].pc = pc - 1; res = try lessThan(x, y) }
                        if res == (i.a != 0) { pc += Int(code[pc].b) + 1 } else { pc += 1 }
                    case .le:
                        let x = rk(i.b, r), y = rk(i.c, r)
                        let res: Bool
                        if case .number(let p) = x, case .number(let q) = y { res = p <= q }
                        else { frames[fi].pc = pc - 1; res = try lessEqual(x, y) }
                        if res == (i.a != 0) { pc += Int(code[pc].b) + 1 } else { pc += 1 }
                    case .test:
                        if r[a].truthy != (i.c != 0) { pc += 1 }
                    case .testset:
                        if r[Int(i.b)].truthy == (i.c != 0) { r[a] = r[Int(i.b)] } else { pc += 1 }
                    case .call, .tailcall:
                        let fslot = base + a
                        var nargs = i.b == 0 ? mtop - fslot - 1 : Int(i.b) - 1
                        let want = Int(i.c) - 1
                        frames.at(fi).pointee.pc = pc - 1
                        // the common call: a Lua function, no metamethod, no tail call
                        if i.op == .call, case .function(let f) = r[a], !f.isNative {
                            unowned(unsafe) let lc = unsafeDowncast(f, to: LuaClosure.self)
                            if pushFrameFast(lc, fslot: fslot, nargs: nargs, nresults: want) {
                                fi += 1
                                cl = lc; proto = lc.proto; code = proto.codePtr; k = proto.kPtr
                                base = fslot + 1; pc = 0
                                continue
                            }
                        }
                        var fv = r[a]
                        while true {
                            if case .function(let f) = fv {
                                if !f.isNative {
                                    let lc = unsafeDowncast(f, to: LuaClosure.self)
                                    if i.op == .tailcall {
                                        // the callee takes the caller's frame: tail recursion runs in constant space
                                        try ensureStack(fslot + max(lc.proto.maxStack, nargs) + 64)
                                        let cur = frames.removeLast()
                                        let dst = cur.base - 1
                                        let s = stack
                                        for j in 0...nargs { s[dst + j] = s[fslot + j] }
                                        try pushFrame(lc, fslot: dst, nargs: nargs, nresults: cur.nresults, entry: cur.entry, fromNative: false)
                                        cl = lc; proto = lc.proto; code = proto.codePtr; k = proto.kPtr
                                        base = dst + 1; pc = 0
                                        break
                                    }
                                    if !pushFrameFast(lc, fslot: fslot, nargs: nargs, nresults: want) {
                                        try pushFrame(lc, fslot: fslot, nargs: nargs, nresults: want, entry: false, fromNative: false)
                                    }
                                    fi += 1
                                    cl = lc; proto = lc.proto; code = proto.codePtr; k = proto.kPtr
                                    base = fslot + 1; pc = 0
                                    break
                                }
                                let nf = unsafeDowncast(f, to: LuaNative.self)
                                let savedTop = top
                                top = max(top, fslot + 1 + nargs)
                                nativeSites.append(nativeSite)
                                nativeSite = (proto, pc - 1)
                                let n: Int
                                do {
                                    n = try nf.body(self, fslot + 1, nargs)
                                    nativeSite = nativeSites.removeLast()
                                } catch let e as LuaRuntimeError {
                                    nativeSite = nativeSites.removeLast()
                                    throw LuaError.value(.str(e.message(nil)))
                                } catch {
                                    nativeSite = nativeSites.removeLast()
                                    throw error
                                }
                                top = savedTop
                                let s = stack
                                for j in 0..<n { s[fslot + j] = s[fslot + 1 + j] }
                                if want >= 0 {
                                    var j = n
                                    while j < want { s[fslot + j] = .nil_; j += 1 }
                                } else {
                                    mtop = fslot + n
                                }
                                break
                            }
                            let tm = metamethod(fv, MM.call)
                            guard case .function = tm else {
                                throw LuaRuntimeError.type("call", fv, slot: fv == r[a] ? 0 : -1)
                            }
                            try ensureStack(fslot + nargs + 2)
                            var j = fslot + nargs + 1
                            while j > fslot { stack[j] = stack[j - 1]; j -= 1 }
                            stack[fslot] = tm
                            nargs += 1
                            fv = tm
                        }
                    case .ret:
                        let n = i.b == 0 ? mtop - (base + a) : Int(i.b) - 1
                        let dst = base - 1
                        let s = stack
                        for j in 0..<n { s[dst + j] = s[base + a + j] }
                        let done = frames.at(fi)
                        let entry = done.pointee.entry, nresults = done.pointee.nresults
                        frames.dropLast()
                        if entry {
                            return n
                        }
                        fi -= 1
                        let caller = frames.at(fi)
                        cl = caller.pointee.closure; proto = cl.proto; code = proto.codePtr; k = proto.kPtr
                        base = caller.pointee.base; pc = caller.pointee.pc + 1
                        top = base + proto.maxStack
                        if nresults >= 0 {
                            var j = n
                            while j < nresults { s[dst + j] = .nil_; j += 1 }
                        } else {
                            mtop = dst + n
                        }
                    case .forprep:
                        guard let initv = r[a].toNumber else { throw LuaError.message("'for' initial value must be a number") }
                        guard let limit = r[a + 1].toNumber else { throw LuaError.message("'for' limit must be a number") }
                        guard let step = r[a + 2].toNumber else { throw LuaError.message("'for' step must be a number") }
                        r[a] = .number(initv - step)
                        r[a + 1] = .number(limit)
                        r[a + 2] = .number(step)
                        pc += Int(i.b)
                    case .forloop:
                        if case .number(let idx0) = r[a], case .number(let limit) = r[a + 1], case .number(let step) = r[a + 2] {
                            let idx = idx0 + step
                            storeNumber(r + a, idx)
                            if step > 0 ? idx <= limit : limit <= idx {
                                storeNumber(r + a + 3, idx)
                                pc += Int(i.b)
                            }
                        }
                    case .tforloop:
                        let cb = base + a + 3
                        r[a + 3] = r[a]; r[a + 4] = r[a + 1]; r[a + 5] = r[a + 2]
                        frames[fi].pc = pc - 1
                        let savedTop = top
                        top = max(top, cb + 3)
                        _ = try call(at: cb, nargs: 2, nresults: Int(i.c))
                        top = savedTop
                        let s = stack + base
                        if !s[a + 3].isNil { s[a + 2] = s[a + 3] } else { pc += 1 }
                    case .setlist:
                        guard case .table(let t) = r[a] else { continue }
                        let n = i.b == 0 ? mtop - (base + a) - 1 : Int(i.b)
                        t.reserveArray(Int(i.c) + n)
                        var j = 1
                        while j <= n { try t.set(int: Int(i.c) + j, r[a + j]); j += 1 }
                    case .closure:
                        let p = proto.protos[Int(i.b)]
                        var ups: [LuaCell] = []
                        ups.reserveCapacity(p.upvals.count)
                        for d in p.upvals {
                            if d.fromRegister {
                                if case .cell(let c) = r[Int(d.index)] { ups.append(c) } else { ups.append(LuaCell(r[Int(d.index)])) }
                            } else {
                                ups.append(cl.upvalues[Int(d.index)])
                            }
                        }
                        let nc = LuaClosure(proto: p, upvalues: ups, env: cl.env)
                        heap.register(nc)
                        r[a] = .function(nc)
                    case .vararg:
                        let va = frames[fi].varargs ?? []
                        if i.b == 0 {
                            try ensureStack(base + a + va.count + 64)
                            let s = stack + base
                            for (j, v) in va.enumerated() { s[a + j] = v }
                            mtop = base + a + va.count
                        } else {
                            let n = Int(i.b) - 1
                            for j in 0..<n { r[a + j] = j < va.count ? va[j] : .nil_ }
                        }
                    }
                }
            } catch let e as LuaRuntimeError {
                frames[fi].pc = pc - 1
                let name = e.slot >= 0 ? proto.names[pc - 1]?[e.slot] : nil
                throw LuaError.value(.str(position(ofFrame: fi) + e.message(name)))
            } catch LuaError.message(let m) {
                frames[fi].pc = pc - 1
                throw LuaError.value(.str(position(ofFrame: fi) + m))
            }
        }
    }
}
