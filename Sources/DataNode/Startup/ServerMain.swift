import CVigilShim
import Glibc
import Protocol
import ServerKit

/// What `vigil-server` does: parse argv like redis-server, start, run, exit.
public enum ServerMain {
    public static func run(arguments: [String]) -> Int32 {
        if arguments.first == "-v" || arguments.first == "--version" {
            print("Vigil server v=\(Version.vigil) redis_version=\(Version.redis) bits=64 swift")
            return 0
        }
        if arguments.first == "-h" || arguments.first == "--help" {
            print(usage)
            return 0
        }
        let loaded: (config: ServerConfig, configFile: String?)
        do {
            loaded = try ConfigLoader.load(arguments: arguments)
        } catch {
            writeStderr("\(error)\n")
            return 1
        }
        let config = loaded.config
        // Relative paths (logfile, pidfile, dbfilename) are relative to `dir`, as in Redis.
        if chdir(config.dir) != 0 {
            writeStderr("Can't chdir to '\(config.dir)': \(String(cString: strerror(errno)))\n")
            return 1
        }
        if !config.loadModules.isEmpty {
            writeStderr("Module loading is not supported by vigil-server: loadmodule \(config.loadModules.map(\.text).joined(separator: ", "))\n")
            return 1
        }
        // A bad rename-command line is a config file error, reported before daemonizing.
        let commands: CommandTable
        do {
            commands = try CommandTable(renaming: config.renamedCommands)
        } catch {
            writeStderr("\(error)\n")
            return 1
        }
        if config.daemonize { daemonize() }
        vigil_ignore_sigpipe()
        vigil_ignore_sighup()
        Server.installShutdownSignals(config: config)
        let server: Server
        do {
            server = try Server(config: config, configFile: loaded.configFile, commands: commands)
        } catch {
            writeStderr("Failed creating the event loop: \(error)\n")
            return 1
        }
        let log = server.log
        CrashReporting.start(server)
        if let failure = server.loadUsersAtStartup() {
            for line in failure { log.warning(line) }
            return 1
        }
        log.notice("oO0OoO0OoO0Oo Vigil is starting oO0OoO0OoO0Oo")
        log.notice("Vigil version=\(Version.vigil), redis_version=\(Version.redis), bits=64, pid=\(getpid()), just started")
        if let f = loaded.configFile { log.notice("Configuration loaded from \(f)") } else {
            log.warning("Warning: no config file specified, using the default config. In order to specify a config file use vigil-server /path/to/redis.conf")
        }
        do {
            try server.listen()
        } catch {
            log.warning("\(error)")
            log.warning("Failed listening on port \(config.port) (tcp), aborting.")
            return 1
        }
        if server.tcpListeners.isEmpty && server.unixListener == nil {
            log.warning("Configured to not listen anywhere, exiting.")
            return 1
        }
        server.refreshProcTitle()
        if !config.pidfile.isEmpty { writePidfile(config.pidfile) }
        server.logBanner()
        log.notice("Server initialized")
        // loadDataFromDisk: the AOF, when enabled, is preferred over the RDB.
        let dataLoaded = config.appendonly ? server.loadAppendOnlyAtStartup() : server.loadDataAtStartup()
        if !dataLoaded { return 1 }
        log.notice("Ready to accept connections")
        server.applyOOMScoreAdj()
        return server.run()
    }

    static let usage = """
    Usage: ./vigil-server [/path/to/redis.conf] [options] [-]
           ./vigil-server - (read config from stdin)
           ./vigil-server -v or --version
           ./vigil-server -h or --help

    Examples:
           ./vigil-server (run the server with default conf)
           ./vigil-server /etc/redis/6379.conf
           ./vigil-server --port 7777
           ./vigil-server --port 7777 --replicaof 127.0.0.1 8888
           ./vigil-server /etc/myredis.conf --loglevel verbose -
           ./vigil-server /etc/myredis.conf --loglevel verbose
    """
}
