/// Compiles the resolved AST to register bytecode, one `FuncState` per function.
final class Compiler {
    final class FuncState {
        let proto = Proto()
        let parent: FuncState?
        var freereg: Int32 = 0
        var activeTop: Int32 = 0
        var upvalMap: [ObjectIdentifier: Int32] = [:]
        var constMap: [ConstKey: Int32] = [:]
        var breakLists: [[Int]] = []
        var line: Int32 = 0
        var owned: Set<ObjectIdentifier> = []
        /// Indices in proto.localVars of the locals in scope, innermost last.
        var activeLocals: [Int] = []
        init(parent: FuncState?) { self.parent = parent }
    }

    var fs: FuncState
    let chunk: String

    init(chunk: String) {
        self.chunk = chunk
        fs = FuncState(parent: nil)
    }

    static func compile(_ body: FuncBody, chunk: String) -> Proto {
        let c = Compiler(chunk: chunk)
        let p = c.function(body, parent: nil)
        p.prepare()
        return p
    }

    // MARK: emission

    @discardableResult
    func emit(_ op: Op, _ a: Int32, _ b: Int32 = 0, _ c: Int32 = 0) -> Int {
        fs.proto.code.append(Instr(op, a, b, c))
        fs.proto.lines.append(fs.line)
        return fs.proto.code.count - 1
    }
    var pc: Int { fs.proto.code.count }
    func jump() -> Int { emit(.jmp, 0, 0) }
    func patch(_ j: Int, to target: Int) { fs.proto.code[j].b = Int32(target - j - 1) }
    func patchHere(_ js: [Int]) { for j in js { patch(j, to: pc) } }
    func setNames(_ at: Int, _ names: [Int32: VarName]) {
        if !names.isEmpty { fs.proto.names[at] = names }
    }

    func allocReg() -> Int32 {
        let r = fs.freereg
        fs.freereg += 1
        if Int(fs.freereg) + 1 > fs.proto.maxStack { fs.proto.maxStack = Int(fs.freereg) + 1 }
        return r
    }
    func reserve(_ n: Int32) { for _ in 0..<n { _ = allocReg() } }

    /// Constants are shared by value, and like Lua 5.1 0 and -0 are one
    /// constant: whichever the code uses first.
    typealias ConstKey = LuaValue

    func constant(_ v: LuaValue) -> Int32 {
        let key = v
        if let k = fs.constMap[key] { return k }
        let k = Int32(fs.proto.constants.count)
        fs.proto.constants.append(v)
        fs.constMap[key] = k
        return k
    }
    func rkConst(_ v: LuaValue) -> Int32 { -1 - constant(v) }
    func line(_ l: Int) { fs.line = Int32(l) }

    // MARK: functions

    func function(_ body: FuncBody, parent: FuncState?) -> Proto {
        let saved = fs
        let nfs = FuncState(parent: parent)
        fs = nfs
        defer { fs = saved }
        let p = nfs.proto
        p.chunk = chunk
        p.line = body.line
        p.lastLine = body.lastLine
        p.numParams = body.params.count
        p.isVararg = body.isVararg
        line(body.line)
        for v in body.params { declareLocal(v, reg: allocReg()) }
        for v in body.params where v.captured { emit(.newcell, v.register) }
        block(body.body)
        line(body.lastLine)
        emit(.ret, 0, 1)
        return p
    }

    @discardableResult
    func declareLocal(_ v: LocalVar, reg: Int32) -> Int {
        noteLocal(v.name.description, reg: reg)
        v.register = reg
        fs.owned.insert(ObjectIdentifier(v))
        fs.activeTop = max(fs.activeTop, reg + 1)
        if fs.freereg < fs.activeTop { fs.freereg = fs.activeTop }
        return fs.activeLocals.last!
    }

    /// Records a local's name and register from the next instruction on, for
    /// debuggers (Lua's locvars); `closeLocals` ends its range.
    @discardableResult
    func noteLocal(_ name: String, reg: Int32) -> Int {
        fs.proto.localVars.append(LocalVarInfo(name: name, register: Int(reg), startPC: pc, endPC: Int.max))
        fs.activeLocals.append(fs.proto.localVars.count - 1)
        return fs.proto.localVars.count - 1
    }

    func closeLocals(downTo count: Int) {
        while fs.activeLocals.count > count {
            fs.proto.localVars[fs.activeLocals.removeLast()].endPC = pc
        }
    }

    func upvalIndex(_ v: LocalVar, _ f: FuncState) -> Int32 {
        if let i = f.upvalMap[ObjectIdentifier(v)] { return i }
        let parent = f.parent!
        let desc: UpvalDesc
        if parent.owned.contains(ObjectIdentifier(v)) {
            desc = UpvalDesc(fromRegister: true, index: v.register)
        } else {
            desc = UpvalDesc(fromRegister: false, index: upvalIndex(v, parent))
        }
        let i = Int32(f.proto.upvals.count)
        f.proto.upvals.append(desc)
        f.proto.upvalNames.append(v.name.description)
        f.upvalMap[ObjectIdentifier(v)] = i
        return i
    }

    // MARK: statements

    func block(_ stats: [Stat]) {
        let savedTop = fs.activeTop, savedFree = fs.freereg
        let savedLocals = fs.activeLocals.count
        for s in stats {
            statement(s)
            fs.freereg = fs.activeTop
        }
        closeLocals(downTo: savedLocals)
        fs.activeTop = savedTop
        fs.freereg = savedFree
    }

    func statement(_ s: Stat) {
        switch s {
        case .expr(let e, let l):
            line(l)
            let base = allocReg()
            call(e, base: base, nresults: 0)
        case .local(let vars, let es, let l):
            line(l)
            let base = fs.freereg
            explist(es, want: vars.count)
            for (i, v) in vars.enumerated() { declareLocal(v, reg: base + Int32(i)) }
            for v in vars where v.captured { emit(.newcell, v.register) }
        case .localFunction(let v, let body):
            line(body.line)
            let r = allocReg()
            declareLocal(v, reg: r)
            if v.captured {
                emit(.loadnil, r, r)
                emit(.newcell, r)
                let t = allocReg()
                closure(body, into: t)
                emit(.setcell, r, t)
            } else {
                closure(body, into: r)
            }
        case .assign(let targets, let es, let l):
            line(l)
            assign(targets, es)
        case .block(let b):
            block(b)
        case .whileLoop(let cond, let body, let l):
            line(l)
            let start = pc
            let exits = jumpIfFalse(cond)
            fs.breakLists.append([])
            block(body)
            let j = jump()
            patch(j, to: start)
            patchHere(exits)
            patchHere(fs.breakLists.removeLast())
        case .repeatLoop(let body, let cond, let l):
            line(l)
            let start = pc
            fs.breakLists.append([])
            let savedTop = fs.activeTop, savedFree = fs.freereg
            let savedLocals = fs.activeLocals.count
            for s in body { statement(s); fs.freereg = fs.activeTop }
            let back = jumpIfFalse(cond)
            for j in back { patch(j, to: start) }
            closeLocals(downTo: savedLocals)
            fs.activeTop = savedTop; fs.freereg = savedFree
            patchHere(fs.breakLists.removeLast())
        case .ifChain(let clauses, let elseBlock, let l):
            line(l)
            var ends: [Int] = []
            for (i, (cond, body)) in clauses.enumerated() {
                let f = jumpIfFalse(cond)
                block(body)
                if i < clauses.count - 1 || elseBlock != nil { ends.append(jump()) }
                patchHere(f)
            }
            if let e = elseBlock { block(e) }
            patchHere(ends)
        case .numFor(let v, let start, let limit, let step, let body, let l):
            line(l)
            let savedTop = fs.activeTop
            let base = fs.freereg
            exp2reg(start, allocReg())
            exp2reg(limit, allocReg())
            if let s = step { exp2reg(s, allocReg()) } else { emit(.loadk, allocReg(), constant(.number(1))) }
            fs.activeTop = base + 3
            let savedLocals = fs.activeLocals.count
            for (j, n) in ["(for index)", "(for limit)", "(for step)"].enumerated() { noteLocal(n, reg: base + Int32(j)) }
            let loopVar = declareLocal(v, reg: allocReg())
            line(l)
            let prep = emit(.forprep, base, 0)
            let bodyStart = pc
            fs.proto.localVars[loopVar].startPC = bodyStart
            if v.captured { emit(.newcell, v.register) }
            fs.breakLists.append([])
            block(body)
            line(l)
            patch(prep, to: pc)
            // the loop variable's scope ends before FORLOOP, the control values' after it
            closeLocals(downTo: savedLocals + 3)
            let loop = emit(.forloop, base, 0)
            patch(loop, to: bodyStart)
            patchHere(fs.breakLists.removeLast())
            closeLocals(downTo: savedLocals)
            fs.activeTop = savedTop
        case .genFor(let vars, let es, let body, let l):
            line(l)
            let savedTop = fs.activeTop
            let base = fs.freereg
            explist(es, want: 3)
            fs.activeTop = base + 3
            let savedLocals = fs.activeLocals.count
            for (j, n) in ["(for generator)", "(for state)", "(for control)"].enumerated() { noteLocal(n, reg: base + Int32(j)) }
            for v in vars { declareLocal(v, reg: allocReg()) }
            reserve(3)  // room for the iterator call
            fs.freereg -= 3
            let j = jump()
            let bodyStart = pc
            for v in vars where v.captured { emit(.newcell, v.register) }
            fs.breakLists.append([])
            block(body)
            line(l)
            patch(j, to: pc)
            closeLocals(downTo: savedLocals + 3)
            emit(.tforloop, base, 0, Int32(vars.count))
            let back = jump()
            patch(back, to: bodyStart)
            patchHere(fs.breakLists.removeLast())
            closeLocals(downTo: savedLocals)
            fs.activeTop = savedTop
        case .ret(let es, let l):
            line(l)
            if es.isEmpty { emit(.ret, 0, 1); return }
            if es.count == 1, isCall(es[0]) {
                let base = fs.freereg
                call(es[0], base: base, nresults: -1)
                fs.proto.code[fs.proto.code.count - 1].op = .tailcall
                emit(.ret, base, 0)
                return
            }
            if es.count == 1 && !es[0].isMulti {
                let (r, _) = exp2anyreg(es[0])
                emit(.ret, r, 2)
                return
            }
            let base = fs.freereg
            let n = explist(es, want: -1)
            emit(.ret, base, n < 0 ? 0 : Int32(n) + 1)
        case .brk:
            let j = jump()
            fs.breakLists[fs.breakLists.count - 1].append(j)
        }
    }

    /// Evaluates `es` into consecutive registers from freereg. `want` -1 keeps
    /// every value of a multi-valued last expression (returns -1: "up to top").
    @discardableResult
    func explist(_ es: [Expr], want: Int) -> Int {
        if es.isEmpty {
            if want > 0 { let b = fs.freereg; reserve(Int32(want)); emit(.loadnil, b, b + Int32(want) - 1) }
            return max(want, 0)
        }
        for (i, e) in es.enumerated() {
            let isLast = i == es.count - 1
            if isLast && e.isMulti {
                let n = want < 0 ? -1 : max(want - i, 0)
                let r = allocReg()
                if n == 0 {
                    call(e, base: r, nresults: 0)
                    fs.freereg = r
                } else {
                    multi(e, base: r, nresults: n)
                }
                if want < 0 { return -1 }
                fs.freereg = r + Int32(n)
                if Int(fs.freereg) + 1 > fs.proto.maxStack { fs.proto.maxStack = Int(fs.freereg) + 1 }
                return want
            }
            exp2reg(e, allocReg())
        }
        if want >= 0 && es.count < want {
            let b = fs.freereg
            reserve(Int32(want - es.count))
            emit(.loadnil, b, fs.freereg - 1)
        }
        return want < 0 ? es.count : want
    }

    /// A call or `...` with `nresults` values (-1: all) from `base`.
    func multi(_ e: Expr, base: Int32, nresults: Int) {
        if case .vararg = e {
            emit(.vararg, base, Int32(nresults + 1))
        } else {
            call(e, base: base, nresults: nresults)
        }
    }

    func assign(_ targets: [Expr], _ es: [Expr]) {
        if targets.count == 1 && es.count == 1 {
            store(targets[0], es[0])
            return
        }
        // evaluate target prefixes, then values, then store right to left
        var prepared: [(Expr, Int32, Int32, VarName?)] = []
        for t in targets {
            if case .index(let obj, let key, _) = t {
                let (o, n) = exp2anyreg(obj, fresh: true)
                let (k, _) = exp2rk(key, fresh: true)
                prepared.append((t, o, k, n))
            } else {
                prepared.append((t, 0, 0, nil))
            }
        }
        let base = fs.freereg
        explist(es, want: targets.count)
        for i in stride(from: targets.count - 1, through: 0, by: -1) {
            let src = base + Int32(i)
            let (t, o, k, n) = prepared[i]
            storeReg(t, src, obj: o, key: k, objName: n)
        }
    }

    func store(_ t: Expr, _ e: Expr) {
        switch t {
        case .local(let v) where !v.captured:
            exp2reg(e, v.register)
        case .index(let obj, let key, let l):
            let (o, n) = exp2anyreg(obj)
            let (k, _) = exp2rk(key)
            let (v, _) = exp2rk(e)
            line(l)
            let at = emit(.settable, o, k, v)
            if let n = n { setNames(at, [0: n]) }
        default:
            let (r, _) = exp2rk(e)
            storeReg(t, r, obj: 0, key: 0, objName: nil)
        }
    }

    func storeReg(_ t: Expr, _ src: Int32, obj: Int32, key: Int32, objName: VarName?) {
        switch t {
        case .local(let v):
            if v.captured { emit(.setcell, v.register, src) }
            else if v.register != src { emit(.move, v.register, src) }
        case .upval(let v):
            var s = src
            if s < 0 { s = allocReg(); emit(.loadk, s, -1 - src) }
            emit(.setupval, s, upvalIndex(v, fs))
        case .global(let n):
            var s = src
            if s < 0 { s = allocReg(); emit(.loadk, s, -1 - src) }
            emit(.setglobal, s, constant(.string(n)))
        case .index:
            let at = emit(.settable, obj, key, src)
            if let n = objName { setNames(at, [0: n]) }
        default:
            break
        }
    }

    func closure(_ body: FuncBody, into r: Int32) {
        let p = function(body, parent: fs)
        fs.proto.protos.append(p)
        // Lua places CLOSURE on the function's `end` line (a debugger stepping
        // over `local function f() ... end` stops there).
        let saved = fs.line
        line(body.lastLine)
        emit(.closure, r, Int32(fs.proto.protos.count - 1))
        fs.line = saved
    }

    // MARK: expressions

    func varName(_ e: Expr) -> VarName? {
        switch e {
        case .local(let v): return VarName(kind: "local", name: v.name.description)
        case .upval(let v): return VarName(kind: "upvalue", name: v.name.description)
        case .global(let n): return VarName(kind: "global", name: n.description)
        case .index(_, .string(let k), _): return VarName(kind: "field", name: k.description)
        default: return nil
        }
    }

    /// Is `r` a register that may be written before the expression's operands are read?
    func isFreshTop(_ r: Int32) -> Bool { r >= fs.activeTop && r == fs.freereg - 1 }

    func exp2anyreg(_ e: Expr, fresh: Bool = false) -> (Int32, VarName?) {
        if case .local(let v) = e, !v.captured, !fresh {
            return (v.register, varName(e))
        }
        let r = allocReg()
        exp2reg(e, r)
        return (r, varName(e))
    }

    func exp2rk(_ e: Expr, fresh: Bool = false) -> (Int32, VarName?) {
        switch e {
        case .number(let d): return (rkConst(.number(d)), nil)
        case .string(let s): return (rkConst(.string(s)), nil)
        case .nil_: return (rkConst(.nil_), nil)
        case .true_: return (rkConst(.bool(true)), nil)
        case .false_: return (rkConst(.bool(false)), nil)
        default: return exp2anyreg(e, fresh: fresh)
        }
    }

    func exp2reg(_ e: Expr, _ r: Int32) {
        let saved = fs.freereg
        defer { fs.freereg = saved }
        switch e {
        case .nil_: emit(.loadnil, r, r)
        case .true_: emit(.loadbool, r, 1, 0)
        case .false_: emit(.loadbool, r, 0, 0)
        case .number(let d): emit(.loadk, r, constant(.number(d)))
        case .string(let s): emit(.loadk, r, constant(.string(s)))
        case .vararg: emit(.vararg, r, 2)
        case .local(let v):
            if v.captured { emit(.getcell, r, v.register) }
            else if v.register != r { emit(.move, r, v.register) }
        case .upval(let v): emit(.getupval, r, upvalIndex(v, fs))
        case .global(let n): emit(.getglobal, r, constant(.string(n)))
        case .index(let obj, let key, let l):
            let (o, n) = exp2anyreg(obj)
            let (k, _) = exp2rk(key)
            line(l)
            let at = emit(.gettable, r, o, k)
            if let n = n { setNames(at, [0: n]) }
        case .call, .method:
            if isFreshTop(r) {
                call(e, base: r, nresults: 1)
            } else {
                let b = allocReg()
                call(e, base: b, nresults: 1)
                emit(.move, r, b)
            }
        case .function(let body):
            closure(body, into: r)
        case .paren(let inner):
            exp2reg(inner, r)
        case .unop(let op, let x, let l):
            let (b, n) = exp2anyreg(x)
            line(l)
            let at = emit(op == .neg ? .unm : op == .not ? .not : .len, r, b)
            if let n = n { setNames(at, [0: n]) }
        case .binop(let op, let x, let y, let l):
            switch op {
            case .add, .sub, .mul, .div, .mod, .pow:
                // Lua 5.1 adds a numeric left operand to the constants only
                // after the right one (which decides whether 0 or -0 is shared)
                var b: Int32 = 0, bn: VarName? = nil, c: Int32 = 0, cn: VarName? = nil
                if case .number = x {
                    (c, cn) = exp2rk(y)
                    (b, bn) = exp2rk(x)
                } else {
                    (b, bn) = exp2rk(x)
                    (c, cn) = exp2rk(y)
                }
                line(l)
                let o: Op = op == .add ? .add : op == .sub ? .sub : op == .mul ? .mul : op == .div ? .div : op == .mod ? .mod : .pow
                let at = emit(o, r, b, c)
                var names: [Int32: VarName] = [:]
                if let bn = bn { names[0] = bn }
                if let cn = cn { names[1] = cn }
                setNames(at, names)
            case .concat:
                var parts: [Expr] = [x]
                var rest = y
                while case .binop(.concat, let a, let b, _) = rest { parts.append(a); rest = b }
                parts.append(rest)
                let base = fs.freereg
                var names: [Int32: VarName] = [:]
                for (i, p) in parts.enumerated() {
                    exp2reg(p, allocReg())
                    if let n = varName(p) { names[Int32(i)] = n }
                }
                line(l)
                let at = emit(.concat, r, base, base + Int32(parts.count) - 1)
                setNames(at, names)
            default:
                let falses = jumpIfFalse(e)
                emit(.loadbool, r, 1, 1)
                patchHere(falses)
                emit(.loadbool, r, 0, 0)
            }
        case .and(let x, let y), .or(let x, let y):
            if !isFreshTop(r) {
                let t = allocReg()
                exp2reg(e, t)
                emit(.move, r, t)
                return
            }
            var isAnd = false
            if case .and = e { isAnd = true }
            exp2reg(x, r)
            emit(.test, r, 0, isAnd ? 0 : 1)
            let j = jump()
            exp2reg(y, r)
            patchHere([j])
        case .table(let items, let l):
            if !isFreshTop(r) {
                let t = allocReg()
                exp2reg(e, t)
                emit(.move, r, t)
                return
            }
            line(l)
            var narr = 0, nhash = 0
            for (i, it) in items.enumerated() {
                if case .positional(let v) = it {
                    // a trailing call or `...` is sized when it runs, as in lparser.c
                    if !(i == items.count - 1 && v.isMulti) { narr += 1 }
                } else { nhash += 1 }
            }
            emit(.newtable, r, Int32(TableSizeHint.rounded(narr)), Int32(TableSizeHint.rounded(nhash)))
            var pending: Int32 = 0
            var stored: Int32 = 0
            for (i, it) in items.enumerated() {
                switch it {
                case .keyed(let k, let v):
                    let save = fs.freereg
                    let (kr, _) = exp2rk(k)
                    let (vr, _) = exp2rk(v)
                    emit(.settable, r, kr, vr)
                    fs.freereg = save
                case .positional(let v):
                    let isLastItem = i == items.count - 1
                    if isLastItem && v.isMulti {
                        let b = allocReg()
                        multi(v, base: b, nresults: -1)
                        emit(.setlist, r, 0, stored)
                        fs.freereg = r + 1
                        pending = 0
                        continue
                    }
                    exp2reg(v, allocReg())
                    pending += 1
                    if pending == 50 {
                        emit(.setlist, r, pending, stored)
                        stored += pending
                        pending = 0
                        fs.freereg = r + 1
                    }
                }
            }
            if pending > 0 { emit(.setlist, r, pending, stored) }
        }
    }

    /// `return f(x)` and `return o:m(x)` (not `return (f(x))`): a tail call.
    func isCall(_ e: Expr) -> Bool {
        switch e {
        case .call, .method: return true
        default: return false
        }
    }

    /// Emits a call with the function at `base` (which must be the top register).
    func call(_ e: Expr, base: Int32, nresults: Int) {
        fs.freereg = base + 1
        var callee: VarName? = nil
        var nargs: Int
        var l = 0
        switch e {
        case .call(let f, let args, let line_):
            l = line_
            exp2reg(f, base)
            callee = varName(f)
            fs.freereg = base + 1
            nargs = explist(args, want: -1)
        case .method(let obj, let name, let args, let line_):
            l = line_
            let (o, _) = exp2anyreg(obj)
            line(l)
            let at = emit(.selfOp, base, o, rkConst(.string(name)))
            if let n = varName(obj) { setNames(at, [0: n]) }
            callee = VarName(kind: "method", name: name.description)
            fs.freereg = base + 2
            if Int(fs.freereg) + 1 > fs.proto.maxStack { fs.proto.maxStack = Int(fs.freereg) + 1 }
            let n = explist(args, want: -1)
            nargs = n < 0 ? -1 : n + 1
        default:
            // a parenthesised call or `...` used as a statement cannot parse; keep the register state sane
            exp2reg(e, base)
            return
        }
        line(l)
        let at = emit(.call, base, nargs < 0 ? 0 : Int32(nargs) + 1, Int32(nresults + 1))
        if let c = callee { setNames(at, [0: c]) }
        fs.freereg = base + Int32(max(nresults, 0))
        if Int(fs.freereg) + 1 > fs.proto.maxStack { fs.proto.maxStack = Int(fs.freereg) + 1 }
    }

    // MARK: conditions

    func comparison(_ e: Expr) -> (Op, Int32, Int32, Bool, Int)? {
        guard case .binop(let op, let x, let y, let l) = e else { return nil }
        switch op {
        case .eq, .ne, .lt, .le, .gt, .ge: break
        default: return nil
        }
        let (b, _) = exp2rk(x)
        let (c, _) = exp2rk(y)
        switch op {
        case .eq: return (.eq, b, c, true, l)
        case .ne: return (.eq, b, c, false, l)
        case .lt: return (.lt, b, c, true, l)
        case .le: return (.le, b, c, true, l)
        case .gt: return (.lt, c, b, true, l)
        default: return (.le, c, b, true, l)
        }
    }

    /// Jumps taken when `e` is false (or true, with `when: true`).
    func jumpIf(_ e: Expr, when: Bool) -> [Int] {
        let saved = fs.freereg
        defer { fs.freereg = saved }
        switch e {
        case .true_, .number, .string:
            return when ? [jump()] : []
        case .nil_, .false_:
            return when ? [] : [jump()]
        case .unop(.not, let x, _):
            return jumpIf(x, when: !when)
        case .and(let x, let y):
            if when {
                let f = jumpIf(x, when: false)
                let t = jumpIf(y, when: true)
                patchHere(f)
                return t
            }
            return jumpIf(x, when: false) + jumpIf(y, when: false)
        case .or(let x, let y):
            if when { return jumpIf(x, when: true) + jumpIf(y, when: true) }
            let t = jumpIf(x, when: true)
            let f = jumpIf(y, when: false)
            patchHere(t)
            return f
        default:
            if let (op, b, c, expect, l) = comparison(e) {
                line(l)
                // the JMP after a comparison runs when the result equals A
                emit(op, (expect == when) ? 1 : 0, b, c)
                return [jump()]
            }
            let (r, _) = exp2anyreg(e)
            emit(.test, r, 0, when ? 1 : 0)
            return [jump()]
        }
    }

    func jumpIfFalse(_ e: Expr) -> [Int] { jumpIf(e, when: false) }
}
