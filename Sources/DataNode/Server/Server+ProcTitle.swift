import CVigilShim
import ServerKit

/// The process title ps and /proc/<pid>/cmdline show, as redis-server sets
/// it (redisSetProcTitle): proc-title-template expanded, written over argv.
public enum ProcessTitle {
    /// spt_init, at the top of main: takes over argv's memory (the Swift
    /// runtime's CommandLine.unsafeArgv is the process's own argv). Redis
    /// does it whatever set-proc-title says, since CONFIG SET
    /// proc-title-template applies a title either way.
    public static func initialize() {
        executable = CommandLine.arguments.first ?? ""
        _ = vigil_proc_title_init(CommandLine.argc, CommandLine.unsafeArgv)
    }

    /// argv[0] as started (Redis's exec_argv[0]): argv's own memory holds the title afterwards.
    nonisolated(unsafe) static var executable = CommandLine.arguments.first ?? ""


    static func set(_ title: [UInt8]) {
        (title + [0]).withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { vigil_proc_title_set($0) }
        }
    }
}

extension Server {
    /// The template's variables now ({title}: the executable as started, or a
    /// child's role such as "redis-rdb-bgsave").
    func procTitleVariables(title: String?) -> ProcTitleTemplate.Variables {
        let unixsocket = config.unixSocket
        return ProcTitleTemplate.Variables(
            title: title ?? ProcessTitle.executable,
            listenAddr: ProcTitleTemplate.Variables.listenAddr(bind: config.bind, port: port, tlsPort: config.int("tls-port"), unixsocket: unixsocket),
            serverMode: config.bool("cluster-enabled") ? "[cluster]" : "",
            configFile: configFile.map(Self.absolutePath) ?? "-",
            port: port, tlsPort: config.int("tls-port"), unixsocket: unixsocket)
    }

    /// redisSetProcTitle. False when the template does not expand (CONFIG SET
    /// validated it, so not expected).
    @discardableResult
    func setProcTitle(_ title: String? = nil) -> Bool {
        guard let text = ProcTitleTemplate(config.bytes("proc-title-template")).expand(procTitleVariables(title: title)) else {
            return false
        }
        ProcessTitle.set(text)
        return true
    }

    /// At start-up and after the listeners change, when set-proc-title is on.
    func refreshProcTitle() {
        if config.bool("set-proc-title") { setProcTitle() }
    }
}
