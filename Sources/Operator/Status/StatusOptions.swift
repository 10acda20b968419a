/// `vigil status`'s command line.
struct StatusOptions: Equatable {
    struct Address: Equatable, CustomStringConvertible {
        var host: String
        var port: Int
        var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Asked in order; the first that answers as a sentinel is used.
    var sentinels: [Address] = []
    var masterName: String?
    var json = false
    var watch = false
    var interval = 2.0
    /// Refreshes before a watch stops by itself (tests); nil: until Ctrl-C.
    var count: Int?
    /// AUTH for the sentinel (requirepass / sentinel ACL users).
    var user: String?
    var password: String?
    var help = false
    /// Listen for the sentinels' hellos to show their current epochs.
    var epochs = false

    static let defaultSentinel = Address(host: "127.0.0.1", port: 26380)

    static let usage = """
        Usage: vigil status [--sentinel host:port]... [NAME] [--json] [--watch] [--interval S] [--count N]
                            [--epochs] [--user U] [--password P]

        Shows each master a sentinel monitors (or only NAME), its replicas and its
        sentinels, as that sentinel sees them; replica lag comes from the master's
        own INFO replication. Works with vigil-sentinel and redis-sentinel alike.

          --sentinel host:port   sentinel to ask (default 127.0.0.1:26380); repeat it to
                                 give fallbacks: the first that answers is used
          --json                 print JSON instead of tables
          --watch                refresh in place until Ctrl-C
          --interval S           seconds between refreshes (default 2)
          --count N              with --watch, stop after N refreshes
          --epochs               wait up to 2.5 s for each sentinel's hello on the master's
                                 channel, which carries its current epoch
          --user U, --password P authenticate to the sentinel
        """

    struct UsageError: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> StatusOptions {
        var o = StatusOptions()
        var i = 0
        func value(_ flag: String) throws(UsageError) -> String {
            i += 1
            guard i < arguments.count else { throw UsageError(description: "\(flag) needs a value") }
            return arguments[i]
        }
        while i < arguments.count {
            let arg = arguments[i]
            switch arg {
            case "--sentinel", "-s":
                let text = try value(arg)
                guard let address = parseAddress(text) else {
                    throw UsageError(description: "--sentinel wants host:port, got '\(text)'")
                }
                o.sentinels.append(address)
            case "--json": o.json = true
            case "--epochs": o.epochs = true
            case "--watch", "-w": o.watch = true
            case "--interval":
                let text = try value(arg)
                guard let s = Double(text), s > 0, s.isFinite else {
                    throw UsageError(description: "--interval wants a positive number of seconds, got '\(text)'")
                }
                o.interval = s
            case "--count":
                let text = try value(arg)
                guard let n = Int(text), n > 0 else {
                    throw UsageError(description: "--count wants a positive integer, got '\(text)'")
                }
                o.count = n
            case "--user": o.user = try value(arg)
            case "--password", "-a": o.password = try value(arg)
            case "--help", "-h": o.help = true
            default:
                if arg.hasPrefix("-") { throw UsageError(description: "unknown option '\(arg)'") }
                if let name = o.masterName {
                    throw UsageError(description: "one master name at most (got '\(name)' and '\(arg)')")
                }
                o.masterName = arg
            }
            i += 1
        }
        if o.sentinels.isEmpty { o.sentinels = [defaultSentinel] }
        if o.count != nil && !o.watch { throw UsageError(description: "--count goes with --watch") }
        if o.user != nil && o.password == nil { throw UsageError(description: "--user needs --password") }
        return o
    }

    /// host:port, [v6]:port or a bare port (loopback).
    static func parseAddress(_ text: String) -> Address? {
        if let port = Int(text) { return validPort(port).map { Address(host: "127.0.0.1", port: $0) } }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()).flatMap(validPort), !host.isEmpty else { return nil }
            return Address(host: host, port: port)
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let host = String(text[..<colon])
        guard !host.isEmpty, !host.contains(":"),
              let port = Int(text[text.index(after: colon)...]).flatMap(validPort) else { return nil }
        return Address(host: host, port: port)
    }

    private static func validPort(_ p: Int) -> Int? { (1...65535).contains(p) ? p : nil }
}
