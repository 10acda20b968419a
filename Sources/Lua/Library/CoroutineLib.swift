/// A coroutine: its own value stack and frame stack, swapped into the VM
/// while it runs. A yield unwinds the Swift calls of the interpreter loop but
/// leaves the frames in place, so it is only possible where no Swift call
/// (pcall, a metamethod, an iterator called by the loop) sits between the
/// coroutine's body and `yield` — Lua 5.1's C-call boundary.
public final class LuaCoroutine: LuaLightUserdata {
    enum Status: String { case running, suspended, normal, dead }
    var status = Status.suspended
    var stack: UnsafeMutablePointer<LuaValue>
    var stackSize: Int
    var top = 0
    var frames = FrameStack()
    var started = false
    /// The Swift re-entry depth its body runs at; a yield deeper than this crosses a boundary.
    var depth = 0
    /// The values a yield passes out.
    var transfer: [LuaValue] = []
    var mark: UInt32 = 0

    init(_ f: LuaValue) {
        stackSize = 128
        stack = .allocate(capacity: stackSize)
        stack.initialize(repeating: .nil_, count: stackSize)
        stack[0] = f
        super.init(name: "thread")
    }

    deinit {
        frames.release()
        stack.deinitialize(count: stackSize)
        stack.deallocate()
    }

    /// What the collector must treat as reachable from it.
    var liveValues: [LuaValue] {
        var vs = Array(UnsafeBufferPointer(start: stack, count: max(top, 1)))
        for i in 0..<frames.count {
            vs.append(.function(frames[i].closure))
            if let va = frames[i].varargs { vs.append(contentsOf: va) }
        }
        return vs + transfer
    }
}

/// Thrown by `coroutine.yield` up to the `resume` that runs the coroutine.
struct LuaYield: Error {}

extension LuaVM {
    func checkCoroutine(_ base: Int, _ nargs: Int, _ i: Int, _ fname: String) throws -> LuaCoroutine {
        if case .userdata(let u) = arg(base, nargs, i), let co = u as? LuaCoroutine { return co }
        throw argError(i, fname, "coroutine expected")
    }

    /// Runs `co` with `args` until it yields, returns or raises: (true,
    /// values) or (false, [error value]).
    func resume(_ co: LuaCoroutine, _ args: [LuaValue]) throws -> (Bool, [LuaValue]) {
        if co.status != .suspended { return (false, [.str("cannot resume \(co.status.rawValue) coroutine")]) }
        if nativeDepth + 1 >= maxNativeDepth { return (false, [.str("C stack overflow")]) }
        let previous = currentCoroutine
        let savedStack = stack, savedSize = stackSize, savedTop = top, savedFrames = frames
        previous?.status = .normal
        stack = co.stack; stackSize = co.stackSize; top = co.top; frames = co.frames
        currentCoroutine = co
        co.status = .running
        nativeDepth += 1
        co.depth = nativeDepth
        var outcome: (Bool, [LuaValue])
        var abort: Error? = nil
        do {
            let n: Int
            if !co.started {
                co.started = true
                guard case .function(let f) = stack[0] else { throw LuaError.message("cannot resume dead coroutine") }
                try ensureStack(args.count + 64)
                for (i, a) in args.enumerated() { stack[1 + i] = a }
                top = 1 + args.count
                try pushFrame(unsafeDowncast(f, to: LuaClosure.self), fslot: 0, nargs: args.count, nresults: -1, entry: true, fromNative: true)
                n = try execute()
            } else {
                let f = frames[frames.count - 1]
                let i = f.closure.proto.code[f.pc]
                let fslot = f.base + Int(i.a)
                try ensureStack(fslot + args.count + 64)
                for (j, a) in args.enumerated() { stack[fslot + j] = a }
                n = try execute(resumed: args.count)
            }
            outcome = (true, Array(UnsafeBufferPointer(start: stack, count: n)))
            co.status = .dead
        } catch is LuaYield {
            outcome = (true, co.transfer)
            co.transfer = []
            co.status = .suspended
        } catch let e as LuaError {
            outcome = (false, [e.value])
            co.status = .dead
        } catch let e as LuaRuntimeError {
            outcome = (false, [.str(e.message(nil))])
            co.status = .dead
        } catch {
            outcome = (false, [])
            co.status = .dead
            abort = error
        }
        nativeDepth -= 1
        if co.status == .dead {
            // a finished coroutine keeps nothing alive
            frames.truncate(to: 0)
            for i in 0..<stackSize { stack[i] = .nil_ }
        }
        co.stack = stack; co.stackSize = stackSize; co.top = co.status == .dead ? 0 : top; co.frames = frames
        stack = savedStack; stackSize = savedSize; top = savedTop; frames = savedFrames
        currentCoroutine = previous
        previous?.status = .running
        if let e = abort { throw e }
        return outcome
    }

    func openCoroutine() {
        let t = LuaTable()
        globals.set("coroutine", .table(t))
        register(t, "create") { vm, base, nargs in
            guard case .function(let f) = vm.arg(base, nargs, 0), !f.isNative else {
                throw vm.argError(0, "create", "Lua function expected")
            }
            return vm.result(base, .userdata(LuaCoroutine(.function(f))))
        }
        register(t, "resume") { vm, base, nargs in
            let co = try vm.checkCoroutine(base, nargs, 0, "resume")
            let args = nargs > 1 ? Array(UnsafeBufferPointer(start: vm.stack + base + 1, count: nargs - 1)) : []
            let (ok, values) = try vm.resume(co, args)
            return try vm.results(base, [.bool(ok)] + values)
        }
        register(t, "yield") { vm, base, nargs in
            guard let co = vm.currentCoroutine, vm.nativeDepth == co.depth else {
                throw LuaError.value(.str("attempt to yield across metamethod/C-call boundary"))
            }
            co.transfer = Array(UnsafeBufferPointer(start: vm.stack + base, count: nargs))
            throw LuaYield()
        }
        register(t, "status") { vm, base, nargs in
            let co = try vm.checkCoroutine(base, nargs, 0, "status")
            return vm.result(base, .str(co.status.rawValue))
        }
        register(t, "running") { vm, base, _ in
            vm.result(base, vm.currentCoroutine.map { .userdata($0) } ?? .nil_)
        }
        register(t, "wrap") { vm, base, nargs in
            guard case .function(let f) = vm.arg(base, nargs, 0), !f.isNative else {
                throw vm.argError(0, "wrap", "Lua function expected")
            }
            let co = LuaCoroutine(.function(f))
            let wrapper = LuaNative("wrap") { vm, base, nargs in
                let args = Array(UnsafeBufferPointer(start: vm.stack + base, count: nargs))
                let (ok, values) = try vm.resume(co, args)
                if !ok { throw LuaError.value(values.first ?? .nil_) }
                return try vm.results(base, values)
            }
            // the collector reaches the coroutine through the wrapper
            wrapper.captured = .userdata(co)
            return vm.result(base, .function(wrapper))
        }
    }
}
