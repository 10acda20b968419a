import CoreKit
import ServerKit

/// CONFIG GET and CONFIG SET, with Redis 7.0's replies.
extension ServerConfig {
    /// CONFIG GET with one or more patterns. A pattern without glob
    /// characters is an exact (case-insensitive) lookup and also finds hidden
    /// parameters; a glob (case-insensitive) sees every visible name and alias.
    /// Each parameter appears once, under the name as first matched. Redis
    /// answers in hash-table order; this answers sorted by name.
    public mutating func get(patterns: [[UInt8]]) -> [([UInt8], [UInt8])] {
        var matched: [String: (name: [UInt8], slot: Int)] = [:]
        func key(_ n: [UInt8]) -> String { String(decoding: n, as: UTF8.self).lowercased() }
        for pattern in patterns {
            let c = ConfigCParse.cString(pattern)
            let isGlob = c.contains(UInt8(ascii: "[")) || c.contains(UInt8(ascii: "*")) || c.contains(UInt8(ascii: "?"))
            if !isGlob {
                if matched[key(pattern)] != nil { continue }
                if let i = ConfigTable.lookup(pattern) { matched[key(pattern)] = (pattern, i) }
                continue
            }
            for (i, e) in ConfigTable.entries.enumerated() where !e.flags.contains(.hidden) {
                for name in [e.name] + (e.alias.map { [$0] } ?? []) {
                    let n = Array(name.utf8)
                    if matched[name] != nil { continue }
                    // stringmatch() takes C strings: the pattern ends at a NUL.
                    if stringMatch(pattern: c, string: n, nocase: true) { matched[name] = (n, i) }
                }
            }
        }
        return matched.values.sorted { $0.name.lexicographicallyPrecedes($1.name) }.map { ($0.name, render($0.slot)) }
    }

    public mutating func get(patterns: [String]) -> [(String, String)] {
        get(patterns: patterns.map { Array($0.utf8) }).map {
            (String(decoding: $0.0, as: UTF8.self), String(decoding: $0.1, as: UTF8.self))
        }
    }

    /// CONFIG SET with several parameter/value pairs, all or nothing.
    /// Returns nil on success, else the error line without its leading "-"
    /// (e.g. "ERR CONFIG SET failed (possibly related to argument 'port') - ...").
    ///
    /// - clientIsLocal: the caller is on loopback or the unix socket, which
    ///   `enable-protected-configs local` requires to change `dir` and `dbfilename`.
    /// - loading: the server is loading its dataset (`appendonly`, `dir` and
    ///   `repl-diskless-load` are refused with -LOADING then).
    /// - apply: called once the new values are in place, with the primary
    ///   names of the parameters that changed (in the order given) and the new
    ///   configuration; it does what needs the process (re-listen on `port` or
    ///   `bind`, chdir to `dir`, adjust `maxclients`, start or stop AOF...) and
    ///   returns (parameter, reason) to refuse, which restores every old value.
    public mutating func set(pairs: [([UInt8], [UInt8])], clientIsLocal: Bool = false, loading: Bool = false,
                             apply: ((_ changed: [String], _ config: ServerConfig) -> (name: String, error: String)?)? = nil) -> String? {
        var slots: [Int] = []
        var invalidName: [UInt8]? = nil
        var errName: String? = nil
        var errText: String? = nil
        var denyLoading = false
        var invalid = false
        var spellings: [(slot: Int, alias: Bool)] = []
        for (name, _) in pairs {
            guard let i = ConfigTable.lookup(name) else {
                if !invalid { invalidName = name; invalid = true }
                slots.append(-1)
                continue
            }
            slots.append(i)
            if invalid { continue }
            let flags = ConfigTable.entries[i].flags
            if flags.contains(.immutable) || (flags.contains(.protected) && !protectedAllowed(clientIsLocal)) {
                errText = flags.contains(.immutable) ? "can't set immutable config" : "can't set protected config"
                errName = String(decoding: name, as: UTF8.self)
                invalid = true
                continue
            }
            if loading && flags.contains(.denyLoading) {
                denyLoading = true
                invalid = true
                continue
            }
            // The same parameter twice; a name and its alias are different entries to Redis.
            let spelledAsAlias = aliasKey(name)
            if spellings.contains(where: { $0.slot == i && $0.alias == spelledAsAlias }) {
                errText = "duplicate parameter"
                errName = String(decoding: name, as: UTF8.self)
                invalid = true
            }
            spellings.append((i, spelledAsAlias))
        }
        if invalid {
            if denyLoading { return "LOADING Redis is loading the dataset in memory" }
            if let n = invalidName {
                return "ERR Unknown option or number of arguments for CONFIG SET - '\(String(decoding: n, as: UTF8.self))'"
            }
            return failure(errName ?? "", errText)
        }

        let backup = values
        var changed: [Int] = []
        var none: ConfigFileReadState? = nil
        for (k, (name, value)) in pairs.enumerated() {
            let i = slots[k]
            let entry = ConfigTable.entries[i]
            let args = entry.flags.contains(.multiArg) ? ConfigCParse.splitSpaces(value) : [value]
            switch setEntry(i, args: args, file: &none) {
            case .failed(let e):
                values = backup
                // Redis names the entry it looked up: the alias, if spelled so.
                return failure(spelledEntryName(name, i), e)
            case .changed:
                changed.append(i)
            case .unchanged:
                break
            }
        }

        // config.c's apply functions, once each, in order.
        var seen: Set<ConfigApply> = []
        for i in changed {
            let entry = ConfigTable.entries[i]
            if entry.apply == .none || !seen.insert(entry.apply).inserted { continue }
            if let e = runApply(entry.apply) {
                values = backup
                return failure(entry.name, e)
            }
        }
        if let apply {
            var names: [String] = []
            for i in changed where !names.contains(ConfigTable.entries[i].name) { names.append(ConfigTable.entries[i].name) }
            if let refused = apply(names, self) {
                values = backup
                return failure(refused.name, refused.error)
            }
        }
        return nil
    }

    public mutating func set(pairs: [(String, String)], clientIsLocal: Bool = false, loading: Bool = false,
                             apply: ((_ changed: [String], _ config: ServerConfig) -> (name: String, error: String)?)? = nil) -> String? {
        set(pairs: pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }, clientIsLocal: clientIsLocal, loading: loading, apply: apply)
    }

    private func failure(_ name: String, _ text: String?) -> String {
        if let text { return "ERR CONFIG SET failed (possibly related to argument '\(name)') - \(text)" }
        return "ERR CONFIG SET failed (possibly related to argument '\(name)')"
    }

    private func protectedAllowed(_ local: Bool) -> Bool {
        switch enumName("enable-protected-configs") {
        case "yes": return true
        case "local": return local
        default: return false
        }
    }

    /// Whether a spelling names the entry itself or its alias.
    private func aliasKey(_ name: [UInt8]) -> Bool {
        guard let i = ConfigTable.lookup(name), let a = ConfigTable.entries[i].alias else { return false }
        return String(decoding: name, as: UTF8.self).lowercased() == a
    }

    private func spelledEntryName(_ name: [UInt8], _ i: Int) -> String {
        let e = ConfigTable.entries[i]
        return aliasKey(name) ? (e.alias ?? e.name) : e.name
    }

    private mutating func runApply(_ a: ConfigApply) -> String? {
        switch a {
        case .none:
            return nil
        case .clampHz:
            setNumber("hz", min(max(int("hz"), 1), 500))
            return nil
        case .replBacklogMinimum:
            if number("repl-backlog-size") < 16 * 1024 { setNumber("repl-backlog-size", 16 * 1024) }
            return nil
        case .tlsPort:
            return "Unable to update TLS configuration. Check server logs."
        case .tlsConfig:
            if int("tls-port") != 0 || bool("tls-replication") || bool("tls-cluster") {
                return "Unable to update TLS configuration. Check server logs."
            }
            return nil
        }
    }
}
