/// What `vigil drill` was asked to do, parsed from its arguments.
public struct DrillOptions: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case killMaster = "kill-master"
        case pauseMaster = "pause-master"
        case manual
        case coordinated
    }

    public var kind: Kind
    /// Sentinels to start from (host, port); the others are found through SENTINEL SENTINELS.
    public var sentinels: [Address] = [Address(host: "127.0.0.1", port: 26380)]
    public var masterName = "mymaster"
    /// Writes per second attempted by the writer.
    public var rate = 200
    public var repeats = 1
    /// WAIT N after each write: acknowledged only once N replicas have it.
    public var waitReplicas = 0
    /// How long pause-master keeps the master stopped; nil: derived from down-after.
    public var pauseMs: Int?
    public var json = false
    /// Seconds one run may take from the fault until the deployment is writable and in sync again.
    public var timeoutSeconds = 60.0

    public init(kind: Kind) { self.kind = kind }

    public static let usage = """
        Usage: vigil drill KIND [options]

        KIND:
          kill-master    SIGKILL the master if it runs on this host, else SHUTDOWN NOSAVE NOW (or DEBUG SEGFAULT)
          pause-master   SIGSTOP the master for --pause-ms if it runs on this host, else DEBUG SLEEP
          manual         SENTINEL FAILOVER <name>
          coordinated    SENTINEL FAILOVER <name> COORDINATED (vigil-sentinel only)

        Options:
          --sentinel host:port   a sentinel to start from (repeatable; default 127.0.0.1:26380)
          --name NAME            the master's name (default mymaster)
          --rate N               writes per second (default 200)
          --repeat K             runs, each after the deployment is healthy again (default 1)
          --wait N               WAIT N after each write; only then is it acknowledged (default 0: no WAIT)
          --pause-ms M           pause-master: how long the master stays stopped
                                 (default: twice down-after-milliseconds plus 2000)
          --timeout S            seconds a run may take to become writable and in sync again (default 60)
          --json                 the report as JSON on standard output
        """

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case help
        case message(String)
        public var description: String {
            switch self {
            case .help: return DrillOptions.usage
            case .message(let m): return m
            }
        }
    }

    public static func parse(_ arguments: [String]) throws(ParseError) -> DrillOptions {
        if arguments.contains("--help") || arguments.contains("-h") { throw .help }
        guard let first = arguments.first else { throw .message("vigil drill: which drill? (kill-master, pause-master, manual, coordinated)") }
        guard let kind = Kind(rawValue: first) else {
            throw .message("vigil drill: unknown drill '\(first)' (kill-master, pause-master, manual, coordinated)")
        }
        var o = DrillOptions(kind: kind)
        var given: [Address] = []
        var i = 1
        func value(_ name: String) throws(ParseError) -> String {
            guard i + 1 < arguments.count else { throw .message("vigil drill: \(name) needs a value") }
            i += 1
            return arguments[i]
        }
        func integer(_ name: String, min: Int) throws(ParseError) -> Int {
            let text = try value(name)
            guard let n = Int(text), n >= min else { throw .message("vigil drill: \(name) wants an integer >= \(min), not '\(text)'") }
            return n
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--sentinel":
                let text = try value(a)
                guard let addr = Address(parsing: text) else { throw .message("vigil drill: --sentinel wants host:port, not '\(text)'") }
                given.append(addr)
            case "--name":
                o.masterName = try value(a)
            case "--rate": o.rate = try integer(a, min: 1)
            case "--repeat": o.repeats = try integer(a, min: 1)
            case "--wait": o.waitReplicas = try integer(a, min: 0)
            case "--pause-ms": o.pauseMs = try integer(a, min: 1)
            case "--timeout":
                let text = try value(a)
                guard let s = Double(text), s > 0 else { throw .message("vigil drill: --timeout wants seconds > 0, not '\(text)'") }
                o.timeoutSeconds = s
            case "--json": o.json = true
            default: throw .message("vigil drill: unknown option '\(a)'\n\n" + usage)
            }
            i += 1
        }
        if !given.isEmpty { o.sentinels = given }
        return o
    }
}

/// A host and port as sentinels report them.
public struct Address: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// host:port, [v6]:port or v6-host:port (the last colon separates the port).
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let p = Int(text[text.index(after: colon)...]), p > 0, p < 65536 else { return nil }
        var h = String(text[..<colon])
        if h.hasPrefix("[") && h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        guard !h.isEmpty else { return nil }
        host = h
        port = p
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
