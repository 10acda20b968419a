import Lua

/// FUNCTION LOAD's work (functions.c functionsCreateWithLibraryCtx,
/// function_lua.c luaEngineCreate / luaRegisterFunction): the metadata, the
/// body run once with only redis.register_function and redis.log at hand,
/// and the checks against the libraries already loaded.
extension Server {
    /// Running a library body stops after this long (not for the master or the AOF).
    static let functionLoadTimeoutMs: Int64 = 500

    var functionEnv: FunctionEnvironment {
        if let e = scripting.functionEnv { return e }
        let made = ScriptSandbox.makeFunctionVM(self)
        let e = FunctionEnvironment(vm: made.vm, runtime: made.runtime, loadAPI: made.loadAPI, proxyMeta: made.proxyMeta)
        scripting.functionEnv = e
        return e
    }

    /// Compiles and runs `code`; the library it defines, or Redis's error text.
    func compileLibrary(_ code: [UInt8], timeout: Bool, replace: Bool = true) -> Result<FunctionLibrary, ScriptError> {
        let md: (engine: String, name: String, body: [UInt8])
        switch LibraryMetadata.parse(code) {
        case .success(let m): md = m
        case .failure(let e): return .failure(e)
        }
        guard LibraryMetadata.validName(md.name) else { return .failure(ScriptError(message: "ERR " + LibraryMetadata.invalidNameError)) }
        guard md.engine.uppercased() == "LUA" else { return .failure(ScriptError(message: "ERR Engine '\(md.engine)' not found")) }
        if !replace && scripting.libraries.library(md.name) != nil {
            return .failure(ScriptError(message: "ERR Library '\(md.name)' already exists"))
        }
        let env = functionEnv
        let vm = env.vm
        let body: LuaValue
        do {
            body = try vm.load(md.body, chunkName: "user_function")
        } catch {
            return .failure(ScriptError(message: "ERR Error compiling function: \(error)"))
        }
        env.proxyMeta.set("__index", .table(env.loadAPI))
        scripting.loadingFunctions = []
        let start = clock.monotonicMs()
        if timeout {
            vm.hookInterval = Self.scriptHookInterval
            let s = Unmanaged.passUnretained(self)
            vm.hook = { _ in
                if s._withUnsafeGuaranteedRef({ $0.clock.monotonicMs() }) - start >= Self.functionLoadTimeoutMs {
                    throw LuaAbort("FUNCTION LOAD timeout")
                }
            }
        } else {
            vm.hook = nil
            vm.hookInterval = 0
        }
        defer {
            env.proxyMeta.set("__index", .table(env.runtime))
            scripting.loadingFunctions = nil
            vm.hook = nil
            vm.hookInterval = 0
        }
        do {
            _ = try vm.call(body, [])
        } catch is LuaAbort {
            return .failure(ScriptError(message: "ERR Error registering functions: ERR FUNCTION LOAD timeout"))
        } catch let e as LuaError {
            return .failure(ScriptError(message: "ERR Error registering functions: " + Self.raisedErrorText(e.value)))
        } catch {
            return .failure(ScriptError(message: "ERR Error registering functions: \(error)"))
        }
        let functions = scripting.loadingFunctions ?? []
        if functions.isEmpty { return .failure(ScriptError(message: "ERR No functions registered")) }
        return .success(FunctionLibrary(name: md.name, code: code, functions: functions))
    }

    /// FUNCTION LOAD [REPLACE]: the library's name, or the error text.
    func loadLibrary(_ code: [UInt8], replace: Bool, timeout: Bool = true) -> Result<String, ScriptError> {
        switch compileLibrary(code, timeout: timeout, replace: replace) {
        case .failure(let e): return .failure(e)
        case .success(let lib):
            if let f = scripting.libraries.clash(lib, replacing: [lib.name]) {
                return .failure(ScriptError(message: "ERR Function \(f) already exists"))
            }
            installLibrary(lib)
            return .success(lib.name)
        }
    }

    /// Adds (or replaces) a library; its callbacks become roots of the collector.
    func installLibrary(_ lib: FunctionLibrary) {
        scripting.libraries.add(lib)
        let roots = LuaTable()
        for (i, f) in lib.functions.enumerated() { try? roots.set(int: i + 1, f.callback) }
        functionEnv.vm.registry.set("lib_" + lib.name, .table(roots))
    }

    func deleteLibrary(_ name: String) {
        scripting.libraries.remove(name)
        scripting.functionEnv?.vm.registry.set("lib_" + name, .nil_)
    }

    func flushFunctions() {
        scripting.libraries = FunctionLibraries()
        scripting.functionEnv = nil
    }

    // MARK: redis.register_function

    func registerFunction(_ vm: LuaVM, _ base: Int, _ nargs: Int) throws -> Int {
        guard scripting.loadingFunctions != nil else { throw RedisLuaAPI.raised("redis.register_function can only be called on FUNCTION LOAD command") }
        var name: String?
        var callback: LuaValue = .nil_
        var description: [UInt8]?
        var flags = ScriptFlags()
        flags.declared = true
        if nargs == 1 {
            guard case .table(let t) = vm.arg(base, nargs, 0) else {
                throw RedisLuaAPI.raised("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
            }
            var k = LuaValue.nil_
            while let (key, value) = try t.next(k) {
                k = key
                guard case .string(let ks) = key else { throw RedisLuaAPI.raised("named argument key given to redis.register_function is not a string") }
                switch String(decoding: ks.bytes, as: UTF8.self).lowercased() {
                case "function_name":
                    guard let s = value.stringBytes else { throw RedisLuaAPI.raised("function_name argument given to redis.register_function must be a string") }
                    name = String(decoding: s, as: UTF8.self)
                case "description":
                    guard let s = value.stringBytes else { throw RedisLuaAPI.raised("description argument given to redis.register_function must be a string") }
                    description = s
                case "callback":
                    guard case .function = value else { throw RedisLuaAPI.raised("callback argument given to redis.register_function must be a function") }
                    callback = value
                case "flags":
                    guard case .table(let ft) = value else { throw RedisLuaAPI.raised("flags argument to redis.register_function must be a table representing function flags") }
                    var j = 1
                    while case let fv = ft.get(int: j), !fv.isNil {
                        guard case .string(let fs) = fv, flags.set(String(decoding: fs.bytes, as: UTF8.self).lowercased()) else {
                            throw RedisLuaAPI.raised("unknown flag given")
                        }
                        j += 1
                    }
                default:
                    throw RedisLuaAPI.raised("unknown argument given to redis.register_function")
                }
            }
            guard name != nil else { throw RedisLuaAPI.raised("redis.register_function must get a function name argument") }
            guard case .function = callback else { throw RedisLuaAPI.raised("redis.register_function must get a callback argument") }
        } else if nargs == 2 {
            // lua_isstring: a number is a name too
            guard let s = vm.arg(base, nargs, 0).stringBytes else { throw RedisLuaAPI.raised("first argument to redis.register_function must be a string") }
            guard case .function = vm.arg(base, nargs, 1) else { throw RedisLuaAPI.raised("second argument to redis.register_function must be a function") }
            name = String(decoding: s, as: UTF8.self)
            callback = vm.arg(base, nargs, 1)
        } else {
            throw RedisLuaAPI.raised("wrong number of arguments to redis.register_function")
        }
        let fname = name!
        guard LibraryMetadata.validName(fname) else { throw RedisLuaAPI.raised(LibraryMetadata.invalidNameError) }
        if scripting.loadingFunctions!.contains(where: { $0.name == fname }) {
            throw RedisLuaAPI.raised("Function already exists in the library")
        }
        scripting.loadingFunctions!.append(LuaFunctionEntry(name: fname, callback: callback, description: description, flags: flags))
        return 0
    }
}
