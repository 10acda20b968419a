import Lua
import ServerKit

/// The `redis` table scripts see (script_lua.c luaRegisterRedisAPI, eval.c,
/// function_lua.c): what a running script may call, and the smaller table
/// a library body sees while FUNCTION LOAD runs it.
enum RedisLuaAPI {
    static func makeRuntimeTable(_ vm: LuaVM, _ server: Server, forFunctions: Bool) -> LuaTable {
        let t = LuaTable()
        let s = Unmanaged.passUnretained(server)
        vm.register(t, "call") { vm, base, nargs in
            try s._withUnsafeGuaranteedRef { try $0.scriptRedisCall(vm, base, nargs, raise: true) }
        }
        vm.register(t, "pcall") { vm, base, nargs in
            try s._withUnsafeGuaranteedRef { try $0.scriptRedisCall(vm, base, nargs, raise: false) }
        }
        vm.register(t, "error_reply") { vm, base, nargs in
            guard nargs == 1, case .string(let e) = vm.arg(base, nargs, 0) else {
                return vm.result(base, errorTable("ERR wrong number or type of arguments"))
            }
            return vm.result(base, errorTable(fromReplyText: e.bytes.first == UInt8(ascii: "-") ? e.bytes : [UInt8(ascii: "-")] + e.bytes))
        }
        vm.register(t, "status_reply") { vm, base, nargs in
            guard nargs == 1, case .string(let st) = vm.arg(base, nargs, 0) else {
                return vm.result(base, errorTable("ERR wrong number or type of arguments"))
            }
            let r = LuaTable()
            try r.set(ReplyToLua.okKey, .string(st))
            return vm.result(base, .table(r))
        }
        vm.register(t, "sha1hex") { vm, base, nargs in
            guard nargs == 1 else { throw raised("wrong number of arguments") }
            let b = vm.arg(base, nargs, 0).stringBytes ?? []
            return vm.result(base, .str(Array(sha1Hex(b).utf8)))
        }
        vm.register(t, "setresp") { vm, base, nargs in
            guard nargs == 1 else { throw raised("redis.setresp() requires one argument.") }
            let n = vm.arg(base, nargs, 0).toNumber ?? 0
            guard n == 2 || n == 3 else { throw raised("RESP version must be 2 or 3.") }
            s._withUnsafeGuaranteedRef { $0.scripting.running?.resp = Int(n) }
            return 0
        }
        vm.register(t, "set_repl") { vm, base, nargs in
            guard nargs == 1 else { throw raised("redis.set_repl() requires two arguments.") }
            let n = Int(vm.arg(base, nargs, 0).toNumber ?? -1)
            guard n >= 0 && n & ~ReplFlags.all == 0 else {
                throw raised("Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
            }
            s._withUnsafeGuaranteedRef { $0.scripting.running?.replFlags = n }
            return 0
        }
        vm.register(t, "acl_check_cmd") { vm, base, nargs in
            try s._withUnsafeGuaranteedRef { try $0.scriptACLCheck(vm, base, nargs) }
        }
        if !forFunctions {
            vm.register(t, "replicate_commands") { vm, base, _ in vm.result(base, .bool(true)) }
            // Without a SCRIPT DEBUG session these do nothing, as in Redis.
            vm.register(t, "breakpoint") { vm, base, _ in
                guard let session = s._withUnsafeGuaranteedRef({ $0.scripting.debugger }) else { return vm.result(base, .bool(false)) }
                session.luaBreakpoint = true
                return vm.result(base, .bool(true))
            }
            vm.register(t, "debug") { vm, base, nargs in
                guard let session = s._withUnsafeGuaranteedRef({ $0.scripting.debugger }) else { return 0 }
                session.debugCall((0..<nargs).map { vm.arg(base, nargs, $0) })
                return 0
            }
        }
        t.set("REPL_NONE", .number(0))
        t.set("REPL_AOF", .number(1))
        t.set("REPL_SLAVE", .number(2))
        t.set("REPL_REPLICA", .number(2))
        t.set("REPL_ALL", .number(3))
        addCommon(t, vm, server)
        return t
    }

    /// What a library body sees: register_function, log and the constants.
    static func makeLoadTable(_ vm: LuaVM, _ server: Server) -> LuaTable {
        let t = LuaTable()
        let s = Unmanaged.passUnretained(server)
        vm.register(t, "register_function") { vm, base, nargs in
            try s._withUnsafeGuaranteedRef { try $0.registerFunction(vm, base, nargs) }
        }
        addCommon(t, vm, server)
        return t
    }

    private static func addCommon(_ t: LuaTable, _ vm: LuaVM, _ server: Server) {
        let s = Unmanaged.passUnretained(server)
        vm.register(t, "log") { vm, base, nargs in
            guard nargs >= 2 else { throw raised("redis.log() requires two arguments or more.") }
            guard case .number(let lv) = vm.arg(base, nargs, 0) else { throw raised("First argument must be a number (log level).") }
            guard lv >= 0 && lv <= 3 else { throw raised("Invalid debug level.") }
            var parts: [String] = []
            for i in 1..<nargs {
                if let b = vm.arg(base, nargs, i).stringBytes { parts.append(String(decoding: b, as: UTF8.self)) }
            }
            let level: Logger.Level = [.debug, .verbose, .notice, .warning][Int(lv)]
            s._withUnsafeGuaranteedRef { $0.log.log(level, parts.joined(separator: " ")) }
            return 0
        }
        t.set("LOG_DEBUG", .number(0))
        t.set("LOG_VERBOSE", .number(1))
        t.set("LOG_NOTICE", .number(2))
        t.set("LOG_WARNING", .number(3))
        t.set("REDIS_VERSION", .str(redisVersionString))
        t.set("REDIS_VERSION_NUM", .number(Double(redisVersionNum)))
    }

    static var redisVersionString: String { Version.redis }
    static var redisVersionNum: Int {
        let p = redisVersionString.split(separator: ".").compactMap { Int($0) }
        guard p.count == 3 else { return 0 }
        return p[0] << 16 | p[1] << 8 | p[2]
    }

    static func errorTable(_ message: String) -> LuaValue {
        let t = LuaTable()
        t.set("err", .str(message))
        return .table(t)
    }

    /// luaPushErrorBuff: "-CODE msg" keeps its code; a text without a space
    /// is a message with code ERR.
    static func errorTable(fromReplyText b: [UInt8]) -> LuaValue {
        let body = Array(b.dropFirst())
        if body.contains(32) { return errorTable(String(decoding: body, as: UTF8.self)) }
        return errorTable("ERR " + String(decoding: body, as: UTF8.self))
    }

    /// A Redis error raised as a table (luaPushError + luaError): no position in the text.
    static func raised(_ message: String) -> LuaError {
        .value(errorTable("ERR " + message))
    }

    static func sha1Hex(_ b: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(40)
        for x in SHA1.hash(b) {
            out.append(digits[Int(x >> 4)])
            out.append(digits[Int(x & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
