#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A runtime check that failed in an instruction: the interpreter loop turns it
/// into `chunk:line: attempt to index local 't' (a nil value)` using the
/// operand names the compiler recorded; raised under a native, it has no position.
struct LuaRuntimeError: Error {
    let op: String?      // "index", "call", "perform arithmetic on"...; nil: `text` is the message
    let value: LuaValue
    let slot: Int32
    let text: String

    static func type(_ op: String, _ v: LuaValue, slot: Int32) -> LuaRuntimeError {
        LuaRuntimeError(op: op, value: v, slot: slot, text: "")
    }
    static func plain(_ s: String) -> LuaRuntimeError { LuaRuntimeError(op: nil, value: .nil_, slot: -1, text: s) }

    func message(_ name: VarName?) -> String {
        guard let op = op else { return text }
        if let n = name { return "attempt to \(op) \(n.kind) '\(n.name)' (a \(value.typeName) value)" }
        return "attempt to \(op) a \(value.typeName) value"
    }
}

struct Frame {
    /// The function value stays in the slot below `base` for the whole call,
    /// which keeps the closure alive: no reference counting per call.
    unowned(unsafe) let closure: LuaClosure
    let base: Int
    var pc: Int
    /// Extra arguments of a vararg function (nil for the others).
    var varargs: [LuaValue]?
    /// Results the caller wants (-1: all).
    let nresults: Int
    /// Returning from it leaves the interpreter loop (it was called from Swift).
    let entry: Bool
}

/// One Lua state: globals, the value stack, the call frames and the limits.
public final class LuaVM {
    public let globals = LuaTable()
    /// The metatable strings share (`("x"):upper()`).
    public var stringMetatable: LuaTable?
    /// Where `print` writes.
    public var output: (String) -> Void = { print($0, terminator: "") }

    /// Called every `hookInterval` instructions when set; throw `LuaAbort` to stop the script
    /// (pcall cannot catch it) or a `LuaError` to raise an error in it.
    public var hook: ((LuaVM) throws -> Void)?
    public var hookInterval = 0 { didSet { resetBudget() } }
    var budget = Int.max
    /// Called before the first instruction of each new source line a Lua
    /// function reaches (and on every backward jump and function entry, as
    /// Lua's line hook), with that line; `hook` then still runs every
    /// `hookInterval` instructions. Neither runs while one of them runs.
    public var lineHook: ((LuaVM, Int) throws -> Void)? { didSet { hookPCs.removeAll(); resetBudget() } }
    /// Instructions left before `hook` runs while a line hook looks at every one.
    var countLeft = Int.max
    /// Per frame depth: the instruction the line hook last looked at.
    var hookPCs: [Int] = []
    var inHook = false

    /// Nested Lua frames (Lua 5.1's LUAI_MAXCALLS) and Swift re-entries (LUAI_MAXCCALLS).
    public var maxFrames = 20000
    public var maxNativeDepth = 200
    /// Longest string a script may build (string.rep, concatenation, buffers).
    public var maxStringLength = 512 * 1024 * 1024
    /// Stack slots at most (values of all live frames).
    public var maxStackSlots = 4_000_000

    let heap = LuaHeap()
    /// Values the host keeps (compiled scripts, functions): roots of the collector.
    public let registry = LuaTable()
    var stack: UnsafeMutablePointer<LuaValue>
    var stackSize: Int
    var top = 0
    var frames = FrameStack()
    var nativeDepth = 0
    /// The coroutine whose frames are running (nil: the main one).
    var currentCoroutine: LuaCoroutine?
    /// The Lua instruction that called the running native (nil: called from
    /// Swift, as through pcall), for "bad argument #1 to 'rep'" and `error`'s levels.
    var nativeSite: (proto: Proto, pc: Int)? = nil
    /// The call sites of the natives below the running one.
    var nativeSites: [(proto: Proto, pc: Int)?] = []
    var nativeCalledFromLua: Bool { nativeSite != nil }
    /// math.random's generator (Redis's rand48); the host may reset or share it.
    public var random = Rand48()

    public init() {
        stackSize = 1024
        stack = .allocate(capacity: stackSize)
        stack.initialize(repeating: .nil_, count: stackSize)
    }

    deinit {
        heap.detach()
        frames.release()
        stack.deinitialize(count: stackSize)
        stack.deallocate()
    }

    func ensureStack(_ n: Int) throws {
        if n < stackSize { return }
        if n >= maxStackSlots { throw LuaError.message("stack overflow") }
        var size = stackSize
        while size <= n { size *= 2 }
        size = min(size, maxStackSlots + 64)
        let s = UnsafeMutablePointer<LuaValue>.allocate(capacity: size)
        s.moveInitialize(from: stack, count: stackSize)
        (s + stackSize).initialize(repeating: .nil_, count: size - stackSize)
        stack.deallocate()
        stack = s
        stackSize = size
    }

    // MARK: loading

    /// Compiles `source`; errors (syntax) are `LuaError.value` with Lua's text.
    /// `chunkName` is what messages show (`user_script` gives `user_script:1: ...`).
    public func load(_ source: [UInt8], chunkName: String) throws -> LuaValue {
        let body = try Parser.parseChunk(source, chunk: chunkName)
        let proto = Compiler.compile(body, chunk: chunkName)
        return .function(LuaClosure(proto: proto, upvalues: [], env: globals))
    }

    public func load(_ source: String, chunkName: String) throws -> LuaValue {
        try load(Array(source.utf8), chunkName: chunkName)
    }

    /// Compiles and runs `source`, returning its results.
    @discardableResult
    public func run(_ source: String, chunkName: String = "input") throws -> [LuaValue] {
        try call(try load(source, chunkName: chunkName), [])
    }

    // MARK: calling

    /// Calls `f` from Swift.
    public func call(_ f: LuaValue, _ args: [LuaValue]) throws -> [LuaValue] {
        let fslot = top
        try ensureStack(fslot + args.count + 64)
        stack[fslot] = f
        for (i, a) in args.enumerated() { stack[fslot + 1 + i] = a }
        top = fslot + 1 + args.count
        defer { top = fslot }
        let n = try call(at: fslot, nargs: args.count, nresults: -1)
        return Array(UnsafeBufferPointer(start: stack + fslot, count: n))
    }

    /// Calls `f` from Swift and returns its first result (nil when it returns
    /// none): a host that keeps one value builds no array of them.
    /// The registers of the called function are emptied after it: what it
    /// left in them is not kept alive until a later call overwrites them (so
    /// a table the host handed in is then held by the host alone).
    public func callFirst(_ f: LuaValue, _ args: [LuaValue]) throws -> LuaValue {
        let fslot = top
        try ensureStack(fslot + args.count + 64)
        stack[fslot] = f
        for (i, a) in args.enumerated() { stack[fslot + 1 + i] = a }
        top = fslot + 1 + args.count
        var window = fslot + 1 + args.count
        if case .function(let fn) = f, !fn.isNative {
            window = max(window, fslot + 1 + unsafeDowncast(fn, to: LuaClosure.self).proto.maxStack)
        }
        defer {
            var i = fslot
            let end = min(window, stackSize)
            while i < end { stack[i] = .nil_; i += 1 }
            top = fslot
        }
        let n = try call(at: fslot, nargs: args.count, nresults: -1)
        return n > 0 ? stack[fslot] : .nil_
    }

    /// Calls the value at `fslot` with `nargs` arguments above it; results land
    /// from `fslot` (exactly `nresults` of them unless it is -1); returns their count.
    func call(at fslot: Int, nargs: Int, nresults: Int) throws -> Int {
        nativeDepth += 1
        let savedTop = top
        defer { nativeDepth -= 1; top = savedTop }
        // counted as Lua counts nCcalls, whose first level is the host's own call
        if nativeDepth + 1 >= maxNativeDepth {
            throw LuaError.message(nativeDepth + 1 == maxNativeDepth ? "C stack overflow" : "error in error handling")
        }
        var nargs = nargs
        var n: Int
        while true {
            switch stack[fslot] {
            case .function(let f):
                if !f.isNative {
                                    let lc = unsafeDowncast(f, to: LuaClosure.self)
                    let savedFrames = frames.count
                    do {
                        try pushFrame(lc, fslot: fslot, nargs: nargs, nresults: -1, entry: true, fromNative: true)
                        n = try execute()
                    } catch {
                        frames.truncate(to: savedFrames)
                        throw error
                    }
                } else {
                    let nf = unsafeDowncast(f, to: LuaNative.self)
                    top = max(top, fslot + 1 + nargs)
                    nativeSites.append(nativeSite)
                    nativeSite = nil
                    defer { nativeSite = nativeSites.removeLast() }
                    do {
                        n = try nf.body(self, fslot + 1, nargs)
                    } catch let e as LuaError {
                        if case .message(let m) = e { throw LuaError.value(.str(m)) }
                        throw e
                    } catch let e as LuaRuntimeError {
                        throw LuaError.value(.str(e.message(nil)))
                    }
                    for i in 0..<n { stack[fslot + i] = stack[fslot + 1 + i] }
                }
            default:
                let tm = metamethod(stack[fslot], MM.call)
                if case .function = tm {
                    try ensureStack(fslot + nargs + 2)
                    var i = fslot + nargs + 1
                    while i > fslot { stack[i] = stack[i - 1]; i -= 1 }
                    stack[fslot] = tm
                    nargs += 1
                    continue
                }
                throw LuaRuntimeError.type("call", stack[fslot], slot: -1)
            }
            break
        }
        if nresults >= 0 {
            try ensureStack(fslot + nresults + 1)
            var i = n
            while i < nresults { stack[fslot + i] = .nil_; i += 1 }
            return nresults
        }
        return n
    }

    /// The common case of pushFrame: a fixed-arity function whose registers
    /// fit the stack as it is. False: take the general path.
    @inline(__always)
    func pushFrameFast(_ lc: LuaClosure, fslot: Int, nargs: Int, nresults: Int) -> Bool {
        let p = lc.proto
        let base = fslot + 1
        guard !p.isVararg, frames.count < maxFrames, base + p.maxStack + 64 < stackSize, nargs <= p.maxStack else { return false }
        var i = nargs
        while i < p.numParams { stack[base + i] = .nil_; i += 1 }
        frames.append(Frame(closure: lc, base: base, pc: 0, varargs: nil, nresults: nresults, entry: false))
        top = base + p.maxStack
        return true
    }

    func pushFrame(_ lc: LuaClosure, fslot: Int, nargs: Int, nresults: Int, entry: Bool, fromNative: Bool) throws {
        if frames.count >= maxFrames { throw LuaError.message("stack overflow") }
        let p = lc.proto
        let base = fslot + 1
        try ensureStack(base + max(p.maxStack, nargs) + 64)
        var varargs: [LuaValue]? = nil
        if p.isVararg {
            varargs = nargs > p.numParams ? Array(UnsafeBufferPointer(start: stack + base + p.numParams, count: nargs - p.numParams)) : []
        }
        // missing parameters are nil; every other register is written before it is read
        var i = nargs
        while i < p.numParams { stack[base + i] = .nil_; i += 1 }
        frames.append(Frame(closure: lc, base: base, pc: 0, varargs: varargs, nresults: nresults, entry: entry))
        top = base + p.maxStack
    }

    // MARK: positions

    func position(ofFrame i: Int) -> String {
        let f = frames[i]
        let p = f.closure.proto
        let pc = max(0, min(f.pc, p.lines.count - 1))
        return p.lines.isEmpty ? "\(p.chunk):?: " : "\(p.chunk):\(p.lines[pc]): "
    }

    /// The source line of the Lua instruction that called the running native
    /// (nil when Swift called it): a host's error report names it.
    public var callerLine: Int? {
        guard let site = nativeSite, site.pc < site.proto.lines.count else { return nil }
        return Int(site.proto.lines[site.pc])
    }

    /// The line the innermost Lua function stands at, as saved before it
    /// called a metamethod or the hook (nil outside any Lua function).
    public var currentLine: Int? {
        guard !frames.isEmpty else { return nil }
        let p = frames[frames.count - 1].closure.proto
        guard !p.lines.isEmpty else { return nil }
        return Int(p.lines[max(0, min(frames[frames.count - 1].pc, p.lines.count - 1))])
    }

    /// luaL_where for `error(msg, level)`.
    func whereLevel(_ level: Int) -> String {
        if level == 1 {
            return nativeCalledFromLua && !frames.isEmpty ? position(ofFrame: frames.count - 1) : ""
        }
        if level == 2 {
            if !nativeCalledFromLua {
                // called by another native (pcall(error, msg, 2)): level 2 is that native's caller
                if let outer = nativeSites.last, outer != nil, !frames.isEmpty { return position(ofFrame: frames.count - 1) }
                return ""
            }
            guard frames.count >= 2, !frames[frames.count - 1].entry else { return "" }
            return position(ofFrame: frames.count - 2)
        }
        return ""
    }

    // MARK: metatables

    public func metatable(of v: LuaValue) -> LuaTable? {
        switch v {
        case .table(let t): return t.metatable
        case .string: return stringMetatable
        default: return nil
        }
    }

    @inline(__always) func metamethod(_ v: LuaValue, _ name: LuaString) -> LuaValue {
        guard let mt = metatable(of: v) else { return .nil_ }
        return mt.get(string: name)
    }

    func call1(_ f: LuaValue, _ a: LuaValue, _ b: LuaValue) throws -> LuaValue {
        let fslot = top
        try ensureStack(fslot + 4)
        stack[fslot] = f; stack[fslot + 1] = a; stack[fslot + 2] = b
        top = fslot + 3
        defer { top = fslot }
        _ = try call(at: fslot, nargs: 2, nresults: 1)
        return stack[fslot]
    }

    /// t[k] with __index.
    public func index(_ t: LuaValue, _ k: LuaValue, slot: Int32 = -1) throws -> LuaValue {
        var t = t
        var slot = slot
        for _ in 0..<100 {
            let tm: LuaValue
            if case .table(let tt) = t {
                let v = tt.get(k)
                if !v.isNil { return v }
                guard let mt = tt.metatable else { return .nil_ }
                tm = mt.get(.string(MM.index))
                if tm.isNil { return .nil_ }
            } else {
                tm = metamethod(t, MM.index)
                if tm.isNil { throw LuaRuntimeError.type("index", t, slot: slot) }
            }
            if case .function = tm { return try call1(tm, t, k) }
            t = tm
            slot = -1
        }
        throw LuaRuntimeError.plain("loop in gettable")
    }

    /// t[k] = v with __newindex.
    public func setIndex(_ t: LuaValue, _ k: LuaValue, _ v: LuaValue, slot: Int32 = -1) throws {
        var t = t
        var slot = slot
        for _ in 0..<100 {
            let tm: LuaValue
            if case .table(let tt) = t {
                if let mt = tt.metatable {
                    let existing = tt.get(k)
                    if existing.isNil {
                        let h = mt.get(.string(MM.newindex))
                        if !h.isNil { tm = h } else { try rawSet(tt, k, v); return }
                    } else { try rawSet(tt, k, v); return }
                } else { try rawSet(tt, k, v); return }
            } else {
                tm = metamethod(t, MM.newindex)
                if tm.isNil { throw LuaRuntimeError.type("index", t, slot: slot) }
            }
            if case .function = tm {
                let fslot = top
                try ensureStack(fslot + 5)
                stack[fslot] = tm; stack[fslot + 1] = t; stack[fslot + 2] = k; stack[fslot + 3] = v
                top = fslot + 4
                defer { top = fslot }
                _ = try call(at: fslot, nargs: 3, nresults: 0)
                return
            }
            t = tm
            slot = -1
        }
        throw LuaRuntimeError.plain("loop in settable")
    }

    public func rawSet(_ t: LuaTable, _ k: LuaValue, _ v: LuaValue) throws {
        switch k {
        case .nil_: throw LuaRuntimeError.plain("table index is nil")
        case .number(let d) where d.isNaN: throw LuaRuntimeError.plain("table index is NaN")
        default: try t.set(k, v)
        }
    }

    // MARK: operators

    static func pow(_ a: Double, _ b: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.pow(a, b)
        #else
        return Darwin.pow(a, b)
        #endif
    }

    @inline(__always) static func mod(_ a: Double, _ b: Double) -> Double {
        a - (a / b).rounded(.down) * b
    }

    static func arith(_ op: Op, _ x: Double, _ y: Double) -> Double {
        switch op {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        case .mod: return mod(x, y)
        case .pow: return pow(x, y)
        default: return -x
        }
    }

    static func eventName(_ op: Op) -> LuaString {
        switch op {
        case .add: return MM.add
        case .sub: return MM.sub
        case .mul: return MM.mul
        case .div: return MM.div
        case .mod: return MM.mod
        case .pow: return MM.pow
        default: return MM.unm
        }
    }

    func arithSlow(_ op: Op, _ a: LuaValue, _ b: LuaValue) throws -> LuaValue {
        if let x = a.toNumber, let y = b.toNumber { return .number(LuaVM.arith(op, x, y)) }
        let ev = LuaVM.eventName(op)
        var tm = metamethod(a, ev)
        if tm.isNil { tm = metamethod(b, ev) }
        if !tm.isNil { return try call1(tm, a, b) }
        if a.toNumber == nil { throw LuaRuntimeError.type("perform arithmetic on", a, slot: 0) }
        throw LuaRuntimeError.type("perform arithmetic on", b, slot: op == .unm ? 0 : 1)
    }

    public func equals(_ a: LuaValue, _ b: LuaValue) throws -> Bool {
        if a == b { return true }
        guard case .table(let ta) = a, case .table(let tb) = b else { return false }
        guard let m1 = ta.metatable else { return false }
        let tm1 = m1.get(.string(MM.eq))
        if tm1.isNil { return false }
        if let m2 = tb.metatable, m2 !== m1 {
            let tm2 = m2.get(.string(MM.eq))
            if tm1 != tm2 { return false }
        } else if tb.metatable == nil { return false }
        return try call1(tm1, a, b).truthy
    }

    static func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i += 1
        }
        return a.count < b.count ? -1 : a.count > b.count ? 1 : 0
    }

    func orderError(_ a: LuaValue, _ b: LuaValue) -> LuaRuntimeError {
        let t1 = a.typeName, t2 = b.typeName
        return .plain(t1 == t2 ? "attempt to compare two \(t1) values" : "attempt to compare \(t1) with \(t2)")
    }

    func orderMeta(_ a: LuaValue, _ b: LuaValue, _ ev: LuaString) throws -> Bool? {
        let tm1 = metamethod(a, ev)
        if tm1.isNil { return nil }
        let tm2 = metamethod(b, ev)
        if tm1 != tm2 { return nil }
        return try call1(tm1, a, b).truthy
    }

    public func lessThan(_ a: LuaValue, _ b: LuaValue) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)): return LuaVM.compareBytes(x.bytes, y.bytes) < 0
        default:
            if a.typeName == b.typeName, let r = try orderMeta(a, b, MM.lt) { return r }
            throw orderError(a, b)
        }
    }

    public func lessEqual(_ a: LuaValue, _ b: LuaValue) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x <= y
        case (.string(let x), .string(let y)): return LuaVM.compareBytes(x.bytes, y.bytes) <= 0
        default:
            if a.typeName == b.typeName {
                if let r = try orderMeta(a, b, MM.le) { return r }
                if let r = try orderMeta(b, a, MM.lt) { return !r }
            }
            throw orderError(a, b)
        }
    }

    /// `a .. b` for two values, with __concat.
    func concat2(_ a: LuaValue, _ b: LuaValue, slotA: Int32, slotB: Int32) throws -> LuaValue {
        if let x = a.stringBytes, let y = b.stringBytes {
            if x.count + y.count > maxStringLength { throw LuaError.message("not enough memory") }
            return .str(x + y)
        }
        var tm = metamethod(a, MM.concat)
        if tm.isNil { tm = metamethod(b, MM.concat) }
        if !tm.isNil { return try call1(tm, a, b) }
        if a.stringBytes != nil { throw LuaRuntimeError.type("concatenate", b, slot: slotB) }
        throw LuaRuntimeError.type("concatenate", a, slot: slotA)
    }

    /// tostring(), with __tostring.
    public func tostring(_ v: LuaValue) throws -> LuaValue {
        let tm = metamethod(v, MM.tostring)
        if !tm.isNil {
            let r = try call1(tm, v, .nil_)
            return r
        }
        return .str(LuaVM.rawToString(v))
    }

    public static func rawToString(_ v: LuaValue) -> String {
        switch v {
        case .nil_: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return LuaNumber.format(d)
        case .string(let s): return s.description
        case .table(let t): return "table: " + address(t)
        case .function(let f): return "function: " + address(f)
        case .userdata(let u): return (u is LuaCoroutine ? "thread: " : "userdata: ") + address(u)
        case .cell: return "cell"
        }
    }

    static func address(_ o: AnyObject) -> String {
        "0x" + String(UInt(bitPattern: Unmanaged.passUnretained(o).toOpaque()), radix: 16)
    }

    /// Frees the cycles no root reaches: the globals, the registry, the
    /// string metatable, `extraRoots`, and the stack of a running script.
    /// Call it between scripts (Redis steps its collector every 50 calls);
    /// objects reachable only from a native function's Swift captures are
    /// not seen, so hold those in the registry. Returns the objects emptied.
    @discardableResult
    public func collectGarbage(extraRoots: [LuaValue] = []) -> Int {
        var roots: [LuaValue] = [.table(globals), .table(registry)] + extraRoots
        if let m = stringMetatable { roots.append(.table(m)) }
        for i in 0..<top { roots.append(stack[i]) }
        // slots above the top are dead registers: drop what they still hold
        var i = top
        while i < stackSize { stack[i] = .nil_; i += 1 }
        for i in 0..<frames.count {
            roots.append(.function(frames[i].closure))
            if let va = frames[i].varargs { roots.append(contentsOf: va) }
        }
        let freed = heap.collect(roots: roots)
        liveAfterCollect = heap.count
        return freed
    }

    /// Tables, closures and cells made by scripts that are still alive.
    public var liveObjects: Int { heap.count }

    /// What survived the last collection (-1: none yet).
    private var liveAfterCollect = -1

    /// The host's periodic step: a collection, unless no more objects are
    /// registered than survived the last one. Reference counting frees all
    /// garbage but cycles, so a heap that has not grown can hold at most as
    /// many uncollected objects as were live then; one that grows is
    /// collected as before. (Marking from the globals walks every library
    /// table, far more work than a short script's run.)
    @discardableResult
    public func collectGarbageIfGrown() -> Int {
        if liveAfterCollect >= 0 && heap.count <= liveAfterCollect { return 0 }
        return collectGarbage()
    }

    func resetBudget() {
        countLeft = hookInterval > 0 ? hookInterval : Int.max
        budget = lineHook != nil ? 1 : countLeft
    }

    func runHook() throws {
        guard let lh = lineHook else {
            budget = hookInterval > 0 ? hookInterval : Int.max
            if !inHook, let h = hook {
                inHook = true
                defer { inHook = false }
                try h(self)
            }
            return
        }
        budget = 1
        if inHook { return }
        inHook = true
        defer { inHook = false }
        countLeft -= 1
        if countLeft <= 0 {
            countLeft = hookInterval > 0 ? hookInterval : Int.max
            if let h = hook { try h(self) }
        }
        if let line = newLineReached() { try lh(self, line) }
    }
}
