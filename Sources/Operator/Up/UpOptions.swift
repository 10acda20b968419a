/// `vigil up`'s command line.
struct UpOptions {
    var directory = RunDirectory.defaultPath
    var detach = false
    var redis = false
    var timeout = 30.0
    var dataPorts = LocalTopology.defaultDataPorts
    var sentinelPorts = LocalTopology.defaultSentinelPorts
    var configs: String?
    var help = false

    static let usage = """
        Usage: vigil up [DIR] [options]

        Starts the local deployment in DIR (default ./\(RunDirectory.defaultPath)): three data nodes
        (node-1 the master, node-2 and node-3 its replicas) and three sentinels watching
        it as `\(LocalTopology.masterName)` with quorum 2, all on 127.0.0.1. Waits until the sentinels
        agree and the replicas are in sync, prints the topology, then follows the
        sentinels' events (+sdown, +odown, +switch-master...) until Ctrl-C, which stops
        everything it started. The processes die with `vigil up` even if it is killed.

        DIR receives a copy of the configs (configs/local: node-N.conf, sentinel-N.conf;
        the sentinels rewrite their copies), each data node's directory (DIR/node-N/),
        logs (DIR/NAME.log), pidfiles (DIR/NAME.pid) and the process list `vigil down`
        reads (DIR/processes).

        Options:
          --detach                return once the deployment is healthy, leaving it running;
                                  stop it with `vigil down DIR`
          --redis                 run redis-server and redis-sentinel from PATH instead of
                                  Vigil's (same configs, same topology)
          --port-base N           data nodes on N, N+1, N+2; sentinels on N+20000..N+20002
                                  (default 6380: 6380-6382 and 26380-26382)
          --ports A,B,C           the data nodes' ports (node-1 first)
          --sentinel-ports A,B,C  the sentinels' ports
          --timeout SECONDS       how long to wait for the deployment to converge (default 30)
          --configs DIR           templates to copy (default: configs/local of this repository)
          --help                  this text

        Exit status 0 once stopped by Ctrl-C (or, with --detach, once healthy); 1 when a
        port is taken, DIR holds a running deployment, a process fails to start, or the
        deployment does not converge in time (everything started is stopped again).
        """

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ arguments: [String]) throws -> UpOptions {
        var o = UpOptions()
        var sawDirectory = false
        var i = 0
        func value(_ flag: String) throws -> String {
            i += 1
            guard i < arguments.count else { throw Invalid(description: "\(flag) needs a value") }
            return arguments[i]
        }
        func ports(_ flag: String) throws -> [Int] {
            let text = try value(flag)
            let list = text.split(separator: ",").compactMap { Int($0) }
            guard list.count == 3, list.allSatisfy({ (1...65535).contains($0) }) else {
                throw Invalid(description: "\(flag) wants three ports separated by commas, got '\(text)'")
            }
            return list
        }
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--detach", "-d": o.detach = true
            case "--redis": o.redis = true
            case "--help", "-h": o.help = true
            case "--ports": o.dataPorts = try ports(a)
            case "--sentinel-ports": o.sentinelPorts = try ports(a)
            case "--configs": o.configs = try value(a)
            case "--port-base":
                let text = try value(a)
                guard let base = Int(text), base >= 1, base + 20002 <= 65535 else {
                    throw Invalid(description: "--port-base wants a port from 1 to 45533, got '\(text)'")
                }
                o.dataPorts = (0..<3).map { base + $0 }
                o.sentinelPorts = (0..<3).map { base + 20000 + $0 }
            case "--timeout":
                let text = try value(a)
                guard let t = Double(text), t > 0 else { throw Invalid(description: "--timeout wants a number of seconds, got '\(text)'") }
                o.timeout = t
            default:
                if a.hasPrefix("-") { throw Invalid(description: "unknown option '\(a)'") }
                if sawDirectory { throw Invalid(description: "one run directory only (got '\(o.directory)' and '\(a)')") }
                o.directory = a
                sawDirectory = true
            }
            i += 1
        }
        let all = o.dataPorts + o.sentinelPorts
        if Set(all).count != all.count { throw Invalid(description: "the six ports must differ: \(all.map(String.init).joined(separator: ", "))") }
        return o
    }
}
