import CVigilShim
import Glibc
import Reactor
import SentinelCore
import ServerKit

/// What `vigil-sentinel` (and `vigil-server --sentinel`) does: parse argv like
/// redis-sentinel, load the config, start, run, exit.
public enum SentinelMain {
    /// True when argv asks for sentinel mode, as redis-server decides it:
    /// the executable name contains "redis-sentinel" (here "vigil-sentinel"),
    /// or "--sentinel" is one of the arguments.
    public static func wantsSentinelMode(executable: String, arguments: [String]) -> Bool {
        executable.hasSuffix("vigil-sentinel") || executable.contains("redis-sentinel") || arguments.contains("--sentinel")
    }

    public static func run(arguments: [String]) -> Int32 {
        if arguments.first == "-v" || arguments.first == "--version" {
            print("Vigil sentinel v=\(Version.vigil) redis_version=\(Version.redis) bits=64 swift")
            return 0
        }
        if arguments.first == "-h" || arguments.first == "--help" {
            print("Usage: ./vigil-sentinel /path/to/sentinel.conf [--port N] [--<directive> <value> ...]\n       ./vigil-server /path/to/sentinel.conf --sentinel")
            return 0
        }
        let early = Logger(role: "X")
        let loaded: LoadedSentinelConfig
        do {
            loaded = try SentinelConfigLoader.load(arguments: arguments)
        } catch {
            writeStderr("\(error)\n")
            return 1
        }
        guard let configFile = loaded.configFile else {
            early.log(.warning, "Sentinel needs config file on disk to save state. Exiting...")
            return 1
        }
        if access(configFile, W_OK) != 0 {
            early.log(.warning, "Sentinel config file \(configFile) is not writable: \(String(cString: strerror(errno))). Exiting...")
            return 1
        }
        // redis-sentinel is in the last `dir` when it applies the queued
        // `sentinel` lines and for the rest of its life: relative script,
        // logfile, pidfile and state-file paths all mean that directory.
        let options = loaded.options
        if let dir = options.dir, chdir(dir) != 0 {
            writeStderr("Can't chdir to '\(dir)': \(String(cString: strerror(errno)))\n")
            return 1
        }
        var directives = loaded.directives
        if let state = loaded.options.stateConfigFile {
            do {
                directives = SentinelConfigApplier.merge(main: directives, state: try SentinelConfigApplier.loadStateFile(state))
            } catch {
                writeStderr("\(error)\n")
                return 1
            }
        }
        let seed = randomSeed()
        let now = EventLoop.unixMs()
        let core = SentinelCore(seed: seed, now: now)
        core.resolver = HostResolver.resolve
        core.isExecutable = { access($0, X_OK) == 0 }
        core.timeText = { LocalTime.ctimeText(ms: $0) }
        do {
            try SentinelConfigApplier.apply(directives, to: core, now: now)
        } catch {
            writeStderr("\(error)\n")
            return 1
        }
        if options.daemonize { daemonize() }
        vigil_ignore_sigpipe()
        vigil_install_shutdown_signals()
        let server: SentinelServer
        do {
            server = try SentinelServer(options: options, configFile: configFile, core: core, seed: seed)
        } catch {
            writeStderr("\(error)\n")
            return 1
        }
        let log = server.log
        log.log(.warning, "oO0OoO0OoO0Oo Vigil sentinel is starting oO0OoO0OoO0Oo")
        log.log(.warning, "Vigil version=\(Version.vigil), redis_version=\(Version.redis), bits=64, pid=\(getpid()), just started")
        log.log(.warning, "Configuration loaded")
        do {
            try server.listen()
        } catch {
            log.log(.warning, "Warning: \(error)")
            log.log(.warning, "Failed listening on port \(options.port) (TCP), aborting.")
            return 1
        }
        if !options.pidfile.isEmpty { writePidfile(options.pidfile) }
        log.log(.notice, "Running mode=sentinel, port=\(options.port).")
        if let state = options.stateConfigFile {
            log.log(.notice, "Sentinel state is kept in \(state); \(configFile) is not rewritten")
        }
        return server.run()
    }

    static func randomSeed() -> UInt64 {
        var seed: UInt64 = 0
        let fd = open("/dev/urandom", O_RDONLY)
        if fd >= 0 {
            _ = withUnsafeMutableBytes(of: &seed) { read(fd, $0.baseAddress, 8) }
            close(fd)
        }
        return seed ^ UInt64(bitPattern: vigil_realtime_us()) ^ (UInt64(getpid()) << 32)
    }
}
