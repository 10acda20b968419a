/// proc-title-template's expansion, as Redis's sdstemplate and
/// redisProcTitleGetVariable: `{name}` is replaced by the variable's value,
/// `{{` is a literal brace, and the result is trimmed of spaces. nil for an
/// unknown variable or a `{` that is not closed.
public struct ProcTitleTemplate: Sendable, Equatable {
    /// The variables' values, as the server holds them.
    public struct Variables: Sendable, Equatable {
        public var title: String
        public var listenAddr: String
        public var serverMode: String
        public var configFile: String
        public var port: Int
        public var tlsPort: Int
        public var unixsocket: String

        public init(title: String, listenAddr: String, serverMode: String = "", configFile: String = "-",
                    port: Int, tlsPort: Int = 0, unixsocket: String = "") {
            self.title = title
            self.listenAddr = listenAddr
            self.serverMode = serverMode
            self.configFile = configFile
            self.port = port
            self.tlsPort = tlsPort
            self.unixsocket = unixsocket
        }

        /// {listen-addr}: the first bind address (as configured) and the port,
        /// the TLS port without a plain one, the unix socket without either.
        public static func listenAddr(bind: [String], port: Int, tlsPort: Int, unixsocket: String) -> String {
            if port != 0 || tlsPort != 0 { return "\(bind.first ?? "*"):\(port != 0 ? port : tlsPort)" }
            return "unixsocket:\(unixsocket)"
        }

        func value(_ name: [UInt8]) -> [UInt8]? {
            switch String(decoding: name, as: UTF8.self) {
            case "title": return Array(title.utf8)
            case "listen-addr": return Array(listenAddr.utf8)
            case "server-mode": return Array(serverMode.utf8)
            case "config-file": return Array(configFile.utf8)
            case "port": return Array(String(port).utf8)
            case "tls-port": return Array(String(tlsPort).utf8)
            case "unixsocket": return Array(unixsocket.utf8)
            default: return nil
            }
        }
    }

    public let template: [UInt8]

    public init(_ template: [UInt8]) { self.template = template }

    public func expand(_ vars: Variables) -> [UInt8]? {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        let t = template
        var out: [UInt8] = []
        var p = 0
        // sdstemplate reads a C string: the template ends at a NUL.
        let end = t.firstIndex(of: 0) ?? t.count
        while p < end {
            guard let sv = t[p..<end].firstIndex(of: open) else {
                out += t[p..<end]
                break
            }
            out += t[p..<sv]
            let name = sv + 1
            if name >= end { return nil }
            if t[name] == open {
                out.append(open)
                p = name + 1
                continue
            }
            guard let ev = t[name..<end].firstIndex(of: close), let value = vars.value(Array(t[name..<ev])) else { return nil }
            out += value
            p = ev + 1
        }
        // sdstrim(res, " "), and the value is a C string again.
        let space = UInt8(ascii: " ")
        guard let first = out.firstIndex(where: { $0 != space }), let last = out.lastIndex(where: { $0 != space }) else { return [] }
        return Array(out[first...last])
    }

    /// validateProcTitleTemplate: it expands, with an empty title, to something.
    public func isValid(_ vars: Variables) -> Bool {
        var v = vars
        v.title = ""
        guard let out = expand(v) else { return false }
        return !out.isEmpty
    }
}
