import CoreKit
import Protocol

/// The sentinel's own users (7.0 ACL, the part a sentinel needs): on/off,
/// passwords, key and channel patterns kept for display, and command rules
/// enforced by name and category.
final class ACLUser {
    let name: String
    var enabled = false
    var nopass = false
    var passwords: [String] = []      // sha256 hex, in insertion order
    var keys: [String] = []
    var allKeys = false
    var channels: [String] = []
    var allChannels = false
    /// Command rules in order ("+@all", "-debug", ...), as ACL LIST shows them.
    var commandRules: [String] = []

    init(name: String) { self.name = name }

    /// The `user ...` line of ACL LIST and the config file.
    var describe: String {
        var parts = ["user", name, enabled ? "on" : "off"]
        if nopass { parts.append("nopass") }
        parts += passwords.map { "#" + $0 }
        if allKeys { parts.append("~*") } else { parts += keys.map { "~" + $0 } }
        if allChannels { parts.append("&*") } else if channels.isEmpty { parts.append("resetchannels") } else { parts += channels.map { "&" + $0 } }
        parts.append(commandRules.isEmpty ? "-@all" : commandRules.joined(separator: " "))
        return parts.joined(separator: " ")
    }

    /// ACLCopyUser: everything but the name, so connections holding this
    /// object see the new rules at once.
    func copy(from e: ACLUser) {
        enabled = e.enabled; nopass = e.nopass; passwords = e.passwords; keys = e.keys; allKeys = e.allKeys
        channels = e.channels; allChannels = e.allChannels; commandRules = e.commandRules
    }

    /// Whether a subscription survives these channel rules: patterns must be
    /// allowed literally, channels may match an allowed pattern.
    func permits(channel: String, isPattern: Bool) -> Bool {
        if allChannels { return true }
        return channels.contains { isPattern ? $0 == channel : stringMatch(pattern: Array($0.utf8), string: Array(channel.utf8), nocase: false) }
    }

    func checkPassword(_ pass: String) -> Bool {
        guard enabled else { return false }
        if nopass { return true }
        return passwords.contains(SHA256.hex(Array(pass.utf8)))
    }

    /// Applies one ACL SETUSER rule; nil on success, else the error reason.
    func apply(_ rule: String) -> String? {
        let lower = rule.lowercased()
        switch lower {
        case "on": enabled = true
        case "off": enabled = false
        case "nopass": nopass = true; passwords = []
        case "resetpass": nopass = false; passwords = []
        case "allkeys": allKeys = true; keys = []
        case "resetkeys": allKeys = false; keys = []
        case "allchannels": allChannels = true; channels = []
        case "resetchannels": allChannels = false; channels = []
        case "allcommands": commandRules = ["+@all"]
        case "nocommands": commandRules = ["-@all"]
        case "sanitize-payload", "skip-sanitize-payload": break
        case "reset":
            enabled = false; nopass = false; passwords = []; allKeys = false; keys = []
            allChannels = false; channels = []; commandRules = ["-@all"]
        default:
            guard let first = rule.first else { return "Syntax error" }
            let rest = String(rule.dropFirst())
            switch first {
            case ">":
                let h = SHA256.hex(Array(rest.utf8))
                if !passwords.contains(h) { passwords.append(h) }
                nopass = false
            case "<":
                let h = SHA256.hex(Array(rest.utf8))
                guard passwords.contains(h) else { return "no such password" }
                passwords.removeAll { $0 == h }
            case "#", "!":
                let hex = rest.lowercased()
                guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit }) else {
                    return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
                }
                if first == "#" {
                    if !passwords.contains(hex) { passwords.append(hex) }
                    nopass = false
                } else {
                    guard passwords.contains(hex) else { return "no such password" }
                    passwords.removeAll { $0 == hex }
                }
            case "~":
                if rest == "*" { allKeys = true; keys = [] } else if !allKeys { keys.append(rest) }
            case "%":
                if let t = rest.firstIndex(of: "~") {
                    let pat = String(rest[rest.index(after: t)...])
                    if !allKeys { keys.append(pat) }
                } else {
                    return "Syntax error"
                }
            case "&":
                if rest == "*" { allChannels = true; channels = [] } else if !allChannels { channels.append(rest) }
            case "+", "-":
                guard !rest.isEmpty else { return "Syntax error" }
                if rest.lowercased() == "@all" {
                    commandRules = [first == "+" ? "+@all" : "-@all"]
                } else {
                    commandRules.append(String(first) + rest.lowercased())
                }
            case "(":
                return "Selectors are not supported by vigil-sentinel"
            default:
                return "Syntax error"
            }
        }
        return nil
    }

    /// Whether the rules allow `name` ("ping", "sentinel|master") in `categories`.
    func allows(_ name: String, container: String?, categories: Set<String>) -> Bool {
        var allowed = false
        for r in commandRules {
            let plus = r.hasPrefix("+")
            let what = r.dropFirst()
            if what.hasPrefix("@") {
                let cat = String(what.dropFirst())
                if cat == "all" || categories.contains(cat) { allowed = plus }
            } else if what == name || (container != nil && what == container!) {
                allowed = plus
            }
        }
        return allowed
    }
}

final class ACLStore {
    private(set) var users: [String: ACLUser] = [:]

    init() {
        let d = ACLUser(name: "default")
        d.enabled = true
        d.nopass = true
        d.allKeys = true
        d.allChannels = true
        d.commandRules = ["+@all"]
        users["default"] = d
    }

    var sortedUsers: [ACLUser] { users.values.sorted { $0.name < $1.name } }

    func user(_ name: String) -> ACLUser? { users[name] }

    /// ACL SETUSER semantics: all rules or none. The rules are staged on a
    /// copy; `beforeCommit` sees it next to the user it replaces, and then an
    /// existing user is updated in place.
    func setUser(_ name: String, rules: [String], beforeCommit: ((_ staged: ACLUser, _ existing: ACLUser) -> Void)? = nil) -> String? {
        let existing = users[name]
        let u = ACLUser(name: name)
        if let e = existing { u.copy(from: e) }
        for r in rules {
            if let err = u.apply(r) { return "Error in ACL SETUSER modifier '\(r)': \(err)" }
        }
        if let e = existing {
            beforeCommit?(u, e)
            e.copy(from: u)
        } else {
            users[name] = u
        }
        return nil
    }

    /// ACL LOAD: the default user keeps its identity (with the new rules);
    /// every other user is replaced. Returns the users that are gone.
    func replace(with other: ACLStore) -> [ACLUser] {
        let old = users
        var fresh = other.users
        if let d = old["default"] {
            d.copy(from: fresh["default"] ?? ACLStore().users["default"]!)
            fresh["default"] = d
        }
        users = fresh
        return old.values.filter { $0.name != "default" }
    }

    func deleteUser(_ name: String) -> Bool { users.removeValue(forKey: name) != nil }

    /// requirepass: the default user's only password (or nopass when empty).
    func setRequirePass(_ pass: String?) {
        guard let d = users["default"] else { return }
        if let pass {
            d.nopass = false
            d.passwords = [SHA256.hex(Array(pass.utf8))]
        } else {
            d.nopass = true
            d.passwords = []
        }
    }
}
