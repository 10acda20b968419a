import Glibc

/// INFO's "# Server" fields, in Redis 7.0's order. The data node and the
/// sentinel differ only in the values they pass here.
public struct ServerInfoSection {
    public var mode: String
    /// A field of our own after redis_version (the data node names its Vigil version).
    public var ownVersion: (name: String, value: String)?
    public var buildId: String
    public var atomicvarApi: String
    public var supervised: String
    public var runId: String
    public var tcpPort: Int
    public var uptimeSeconds: Int64
    public var hz: Int
    public var configuredHz: Int
    public var configFile: String

    public init(mode: String, ownVersion: (name: String, value: String)? = nil, buildId: String, atomicvarApi: String,
                supervised: String, runId: String, tcpPort: Int, uptimeSeconds: Int64, hz: Int, configuredHz: Int, configFile: String) {
        self.mode = mode
        self.ownVersion = ownVersion
        self.buildId = buildId
        self.atomicvarApi = atomicvarApi
        self.supervised = supervised
        self.runId = runId
        self.tcpPort = tcpPort
        self.uptimeSeconds = uptimeSeconds
        self.hz = hz
        self.configuredHz = configuredHz
        self.configFile = configFile
    }

    /// `nowUs`: the wall clock, read once for server_time_usec and lru_clock.
    public func fields(nowUs: Int64) -> [(String, String)] {
        var kv: [(String, String)] = [("redis_version", Version.redis)]
        if let ownVersion { kv.append((ownVersion.name, ownVersion.value)) }
        kv += [
            ("redis_git_sha1", "00000000"),
            ("redis_git_dirty", "0"),
            ("redis_build_id", buildId),
            ("redis_mode", mode),
            ("os", Self.osDescription),
            ("arch_bits", String(MemoryLayout<Int>.size * 8)),
            ("monotonic_clock", "POSIX clock_gettime"),
            ("multiplexing_api", "epoll"),
            ("atomicvar_api", atomicvarApi),
            // Redis prints 0.0.0 when not built by GCC.
            ("gcc_version", "0.0.0"),
            ("process_id", String(getpid())),
            ("process_supervised", supervised),
            ("run_id", runId),
            ("tcp_port", String(tcpPort)),
            ("server_time_usec", String(nowUs)),
            ("uptime_in_seconds", String(uptimeSeconds)),
            ("uptime_in_days", String(uptimeSeconds / 86400)),
            ("hz", String(hz)),
            ("configured_hz", String(configuredHz)),
            ("lru_clock", String((nowUs / 1_000_000) & 0xFF_FFFF)),
            ("executable", Self.executablePath),
            ("config_file", configFile),
            ("io_threads_active", "0"),
        ]
        return kv
    }

    /// uname's "sysname release machine".
    public static let osDescription: String = {
        var u = utsname()
        uname(&u)
        func field<T>(_ t: T) -> String {
            withUnsafeBytes(of: t) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(field(u.sysname)) \(field(u.release)) \(field(u.machine))"
    }()

    /// The running binary's absolute path.
    public static let executablePath: String = {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }()

    /// "# Title\r\n" and one `name:value\r\n` line per field.
    public static func section(_ title: String, _ kv: [(String, String)]) -> String {
        "# \(title)\r\n" + kv.map { "\($0.0):\($0.1)\r\n" }.joined()
    }
}
