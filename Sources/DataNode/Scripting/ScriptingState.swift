import Keyspace
import Lua

/// Everything scripting keeps between commands: the EVAL VM and its script
/// cache, the function VM and its libraries, and the script running now.
public final class ScriptingState {
    /// The VM all EVAL scripts share; SCRIPT FLUSH replaces it.
    var evalVM: LuaVM?
    /// EVAL and SCRIPT LOAD bodies by the bytes of their lowercase sha1: an
    /// EVALSHA's argument is looked up as it came (no String built and
    /// SipHashed per call, which was a twentieth of a short script's run).
    var scripts = DenseDict<Key, CachedScript>()
    /// The last EVALSHA's argument, as it came, and the script it named: a
    /// client running one script again and again finds it by comparing
    /// bytes, without hashing them (entries are only ever added until
    /// SCRIPT FLUSH, which forgets this too).
    var lastShaArgument: [UInt8] = []
    var lastShaScript: CachedScript?
    /// Bytes the cache holds (INFO used_memory_scripts_eval).
    var scriptsMemory = 0
    /// The VM all function libraries share; FUNCTION FLUSH replaces it.
    var functionEnv: FunctionEnvironment?
    /// The functions a library body registers while FUNCTION LOAD runs it.
    var loadingFunctions: [LuaFunctionEntry]?
    var libraries = FunctionLibraries()
    /// The client scripts run their commands through (one per server, as Redis's lua_client).
    var scriptClient: Client?
    /// The KEYS and ARGV tables the last EVAL set, reused by the next when
    /// nothing else holds them (Server.recycledArgumentTable).
    var keysTable: LuaTable?
    var argvTable: LuaTable?
    /// Set while a script or function runs.
    var running: RunningScript?
    /// The argument array redis.call fills, kept empty between calls so
    /// that each call does not allocate one.
    var callArgv: [[UInt8]] = []
    /// Script runs since the last collection: Redis steps its collector every 50.
    var callsSinceGC = 0
    /// math.random's state, shared by both VMs and never reseeded per run (7.0).
    var sharedRandom = Rand48()
    /// DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call NOSCRIPT commands
    /// (server.script_disable_deny_script, for tests that need to).
    var disableDenyScripts = false
    /// The SCRIPT DEBUG session of the running EVAL.
    var debugger: LuaDebugger?
    /// Forked debugging sessions not yet reaped.
    var debugChildren: [Int32] = []

    init() {}

    var cachedScriptCount: Int { scripts.count }
}

/// The function VM and the tables that switch its globals between the
/// runtime environment and the one a library body sees while loading.
struct FunctionEnvironment {
    let vm: LuaVM
    let runtime: LuaTable
    let loadAPI: LuaTable
    let proxyMeta: LuaTable
}

/// One EVAL body, compiled once.
struct CachedScript {
    /// Its lowercase sha1, as error replies name the script.
    let sha: String
    let body: [UInt8]
    let function: LuaValue
    let flags: ScriptFlags
}

/// What the run of one script knows about itself (Redis's scriptRunCtx).
final class RunningScript {
    /// The sha1 (EVAL) or the function name (FCALL): error replies name it.
    let name: String
    let isFunction: Bool
    let caller: Client
    let callerArgv: [[UInt8]]
    let startMs: Int64
    let flags: ScriptFlags
    /// EVAL_RO / FCALL_RO or the no-writes flag.
    let readOnly: Bool
    let chunk: String
    var wrote = false
    var killed = false
    /// Past busy-reply-threshold: other clients are served (with -BUSY).
    var timedOut = false
    /// The protocol of the script's client (redis.setresp).
    var resp = 2
    var replFlags = ReplFlags.all
    /// The line of the last redis.call / error(): error replies name it.
    var lastLine = 1
    /// maxmemory was exceeded when the script started (7.0 checks denyoom calls against it).
    var oomAtStart = false

    init(name: String, isFunction: Bool, caller: Client, argv: [[UInt8]], startMs: Int64, flags: ScriptFlags, readOnly: Bool) {
        self.name = name
        self.isFunction = isFunction
        self.caller = caller
        self.callerArgv = argv
        self.startMs = startMs
        self.flags = flags
        self.readOnly = readOnly
        chunk = isFunction ? "user_function" : "user_script"
    }
}

/// redis.set_repl's bits (REPL_AOF = 1, REPL_REPLICA = 2).
enum ReplFlags {
    static let none = 0
    static let aof = 1
    static let replica = 2
    static let all = 3
}
