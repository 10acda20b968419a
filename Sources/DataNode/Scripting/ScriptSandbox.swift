import Lua

/// The two Lua environments Redis 7.0 builds (eval.c scriptingInit and
/// function_lua.c luaEngineCreate): the libraries Redis exposes, the `redis`
/// table, and the protection of globals (read-only tables, and an error for
/// reading a global that does not exist).
enum ScriptSandbox {
    /// Globals a fresh EVAL VM must not have (never opened in Redis, or
    /// removed after init; Debian's build also drops getfenv/setfenv/newproxy).
    static let removedGlobals = ["print", "dofile", "loadfile", "require", "module", "package", "os", "io",
                                 "debug", "getfenv", "setfenv", "newproxy"]

    static func makeEvalVM(_ server: Server) -> LuaVM {
        let vm = LuaVM()
        configure(vm, server)
        let g = vm.globals
        let redis = RedisLuaAPI.makeRuntimeTable(vm, server, forFunctions: false)
        g.set("redis", .table(redis))
        // The error handler's name is visible to scripts in Redis: keep the name.
        g.set("__redis__err__handler", .function(LuaNative("__redis__err__handler") { vm, base, nargs in
            vm.result(base, vm.arg(base, nargs, 0))
        }))
        replacePcall(vm)
        g.metatable = errorMetatable()
        protect(g)
        return vm
    }

    /// The function VM: its globals are an empty read-only proxy whose
    /// __index points at the runtime globals, or at the load-time API while
    /// FUNCTION LOAD runs a library body.
    static func makeFunctionVM(_ server: Server) -> (vm: LuaVM, runtime: LuaTable, loadAPI: LuaTable, proxyMeta: LuaTable) {
        let vm = LuaVM()
        configure(vm, server)
        // The libraries were opened into vm.globals: move them to the runtime table.
        let runtime = LuaTable()
        var k = LuaValue.nil_
        while let (nk, nv) = try? vm.globals.next(k) {
            try? runtime.set(nk, nv)
            k = nk
        }
        k = .nil_
        var keys: [LuaValue] = []
        while let (nk, _) = try? vm.globals.next(k) { keys.append(nk); k = nk }
        for key in keys { try? vm.globals.set(key, .nil_) }
        runtime.set("_G", .table(runtime))
        runtime.set("redis", .table(RedisLuaAPI.makeRuntimeTable(vm, server, forFunctions: true)))
        let loadAPI = LuaTable()
        loadAPI.set("redis", .table(RedisLuaAPI.makeLoadTable(vm, server)))
        loadAPI.metatable = errorMetatable()
        if case .table(let r) = loadAPI.get("redis") {
            r.metatable = errorMetatable()
        }
        protect(loadAPI)
        replacePcall(vm, into: runtime)
        runtime.metatable = errorMetatable()
        protect(runtime)
        let proxyMeta = LuaTable()
        proxyMeta.set("__index", .table(runtime))
        vm.globals.metatable = proxyMeta
        protect(vm.globals)
        return (vm, runtime, loadAPI, proxyMeta)
    }

    private static func configure(_ vm: LuaVM, _ server: Server) {
        vm.openStandardLibraries()
        vm.output = { _ in }
        // math.random shares one generator across VMs and runs, as 7.0's redisLrand48.
        vm.random = server.scripting.sharedRandom
        for name in removedGlobals { vm.globals.set(name, .nil_) }
    }

    /// Global `pcall` hands a caught Redis error table back as its `err`
    /// string, as 7.0's luaRedisPcall does (`xpcall` still sees the table).
    private static func replacePcall(_ vm: LuaVM, into table: LuaTable? = nil) {
        let g = table ?? vm.globals
        let original = g.get("pcall")
        g.set("pcall", .function(LuaNative("pcall") { vm, base, nargs in
            var args: [LuaValue] = []
            for i in 0..<nargs { args.append(vm.arg(base, nargs, i)) }
            if nargs == 0 { throw vm.argError(0, "pcall", "value expected") }
            var res = try vm.call(original, args)
            if res.count >= 2, res[0] == .bool(false), case .table(let t) = res[1], case .string(let e) = t.get(ReplyToLua.errKey) {
                res[1] = .string(e)
            }
            return try vm.results(base, res)
        }))
    }

    /// __index raising Redis's text for a global that does not exist.
    static func errorMetatable() -> LuaTable {
        let mt = LuaTable()
        mt.set("__index", .function(LuaNative("__index") { vm, base, nargs in
            let key = vm.arg(base, nargs, 1)
            let name = key.stringBytes.map { String(decoding: $0, as: UTF8.self) } ?? LuaVM.rawToString(key)
            // The position is the running function's own (a debugger's ldb_eval code names itself).
            let at = vm.frameInfo(level: 0).map { "\($0.chunk):\($0.currentLine): " } ?? ""
            throw LuaError.value(.str("\(at)Script attempted to access nonexistent global variable '\(name)'"))
        }))
        return mt
    }

    /// Makes the globals read-only, with every table reachable from them and
    /// their metatables (script_lua.c luaSetTableProtectionRecursively): a
    /// script can neither add globals nor swap the erroring __index out.
    private static func protect(_ g: LuaTable) {
        if g.readonly { return }
        g.readonly = true
        var k = LuaValue.nil_
        while let (nk, v) = try? g.next(k) {
            if case .table(let t) = v { protect(t) }
            k = nk
        }
        if let mt = g.metatable { protect(mt) }
    }
}
