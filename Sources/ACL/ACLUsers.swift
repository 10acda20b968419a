/// The users of one server (Redis's `Users` radix tree) with the operations
/// ACL SETUSER / DELUSER / LOAD and requirepass perform on them. No IO:
/// the servers read and write the files, and close connections.
public final class ACLUsers {
    public let catalog: ACLCatalog
    private var users: [String: ACLUser] = [:]
    /// acl-pubsub-default: true for allchannels.
    public var pubsubDefaultAll = false
    /// The default user keeps its identity for the life of the process.
    public let defaultUser: ACLUser

    public init(catalog: ACLCatalog) {
        self.catalog = catalog
        defaultUser = ACLUsers.makeDefault(catalog)
        users["default"] = defaultUser
    }

    /// ACLCreateDefaultUser: on nopass ~* &* +@all.
    static func makeDefault(_ catalog: ACLCatalog) -> ACLUser {
        let u = ACLUser(name: "default", catalog: catalog, allChannels: false)
        u.selectors[0].setAll(true)
        u.selectors[0].allKeys = true
        u.selectors[0].allChannels = true
        u.enabled = true
        u.nopass = true
        return u
    }

    public func user(_ name: String) -> ACLUser? { users[name] }

    /// In byte order of the name, as the radix tree iterates.
    public var sorted: [ACLUser] {
        users.values.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    }

    public func newUser(_ name: String) -> ACLUser {
        ACLUser(name: name, catalog: catalog, allChannels: pubsubDefaultAll)
    }

    public enum SetUserError: Error, Equatable {
        case badName
        case unmatchedParenthesis(String)
        case rule(String, ACLRuleError)

        /// The ACL SETUSER error text (without "ERR ").
        public var text: String {
            switch self {
            case .badName: return "Usernames can't contain spaces or null characters"
            case .unmatchedParenthesis(let w): return "Unmatched parenthesis in acl selector starting at '\(w)'."
            case .rule(let r, let e): return "Error in ACL SETUSER modifier '\(r)': \(e.text)"
            }
        }
    }

    /// Applies the rules to a scratch copy; nothing changes on error.
    /// `staged` is the new state, `existing` the user it will be copied into (nil when new).
    public func stage(_ name: String, rules: [[UInt8]]) throws(SetUserError) -> (staged: ACLUser, existing: ACLUser?) {
        if Array(name.utf8).contains(where: ACLSelector.isSpace) { throw .badName }
        let (merged, openIndex) = mergeSelectorArguments(rules)
        guard let merged else { throw .unmatchedParenthesis(String(decoding: rules[openIndex], as: UTF8.self)) }
        let existing = users[name]
        let temp = newUser(name)
        if let existing { temp.copy(from: existing) }
        for op in merged {
            do { try temp.apply(op, catalog: catalog, pubsubDefaultAll: pubsubDefaultAll) } catch {
                throw .rule(String(decoding: op, as: UTF8.self), error)
            }
        }
        return (temp, existing)
    }

    /// Commits a staged user: an existing one is changed in place.
    @discardableResult
    public func commit(_ staged: ACLUser, into existing: ACLUser?) -> ACLUser {
        if let existing { existing.copy(from: staged); return existing }
        users[staged.name] = staged
        return staged
    }

    public func setUser(_ name: String, rules: [[UInt8]]) throws(SetUserError) {
        let (s, e) = try stage(name, rules: rules)
        commit(s, into: e)
    }

    public func setUser(_ name: String, _ rules: [String]) throws(SetUserError) {
        try setUser(name, rules: rules.map { Array($0.utf8) })
    }

    /// Removes a user (never the default one); the caller closes its connections.
    public func delete(_ name: String) -> ACLUser? {
        guard name != "default" else { return nil }
        return users.removeValue(forKey: name)
    }

    /// requirepass: `resetpass >pw`, or `nopass` for an empty one.
    public func setRequirePass(_ pass: [UInt8]?) {
        defaultUser.passwords = []
        defaultUser.nopass = false
        if let pass, !pass.isEmpty {
            defaultUser.passwords = [SHA256.hex(pass)]
        } else {
            defaultUser.nopass = true
        }
    }

    /// ACL LOAD / aclfile at startup (ACLLoadFromFile): all or nothing.
    /// Returns the error line, or nil after replacing every user (the default
    /// user keeps its identity); `replaced` gets the users no longer valid.
    public func load(fileText: String, path: String, replaced: inout [ACLUser]) -> String? {
        var errors = ""
        var fresh: [String: ACLUser] = [:]
        // Split on bytes, as sdssplitlen: a String splits by Character, and
        // "\r\n" is one Character, so a CRLF file would read as one line.
        let lines = fileText.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        for (i, raw) in lines.enumerated() {
            let n = i + 1
            let line = raw.trimmingCharacters(" \t\r\n")
            if line.isEmpty { continue }
            let argv = line.utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            if argv.allSatisfy(\.isEmpty) { continue }
            guard argv[0] == "user", argv.count >= 2 else {
                errors += "\(path):\(n) should start with user keyword followed by the username. "
                continue
            }
            let name = argv[1]
            if Array(name.utf8).contains(where: ACLSelector.isSpace) {
                errors += "'\(path):\(n): username '\(name)' contains invalid characters. "
                continue
            }
            if fresh[name] != nil {
                errors += "WARNING: Duplicate user '\(name)' found on line \(n). "
                continue
            }
            let u = newUser(name)
            fresh[name] = u
            let (merged, _) = mergeSelectorArguments(Array(argv.dropFirst(2)).map { Array($0.utf8) })
            guard let merged else {
                errors += "\(path):\(n): Unmatched parenthesis in selector definition."
                continue
            }
            // An unknown command is named (it holds no secret); of the other
            // errors only a line's first, as later ones may follow from it.
            var syntaxError = false
            for op in merged {
                let word = Array(String(decoding: op, as: UTF8.self).trimmingCharacters("\t\r\n").utf8)
                do { try u.apply(word, catalog: catalog, pubsubDefaultAll: pubsubDefaultAll) } catch {
                    if error == .unknownCommand {
                        errors += "\(path):\(n): Error in applying operation '\(String(decoding: word, as: UTF8.self))': \(error.text). "
                    } else if !syntaxError {
                        errors += "\(path):\(n): \(error.text). "
                        syntaxError = true
                    }
                }
            }
        }
        if !errors.isEmpty {
            return errors + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed"
        }
        replaced = users.values.filter { $0 !== defaultUser }
        defaultUser.copy(from: fresh["default"] ?? Self.makeDefault(catalog))
        fresh["default"] = defaultUser
        users = fresh
        return nil
    }

    /// `user` lines of the config (ACLAppendUserForLoading, then
    /// ACLLoadConfiguredUsers). `user default` starts from `reset`.
    public enum ConfigUserError: Error, Equatable {
        /// FATAL CONFIG FILE ERROR: "Error in user declaration '<arg>': <reason>".
        case declaration(arg: String, reason: String)
        /// Logged, then "Critical error while loading ACLs. Exiting."
        case load(String)
    }

    /// Validates every `user` line as Redis does while reading the config.
    public static func validateConfigUser(_ argv: [String], seen: Set<String>, catalog: ACLCatalog) -> ConfigUserError? {
        if seen.contains(argv[1]) {
            return .declaration(arg: argv[1], reason: ACLRuleError.duplicateUser.text)
        }
        let fake = ACLUser(name: "__fakeuser:0__", catalog: catalog, allChannels: false)
        let (merged, open) = mergeSelectorArguments(argv.dropFirst(2).map { Array($0.utf8) })
        guard let merged else { return .declaration(arg: argv[open + 2], reason: "Syntax error") }
        for (j, op) in merged.enumerated() {
            do { try fake.apply(op, catalog: catalog, pubsubDefaultAll: false) } catch {
                if error == .unknownCommand { continue }
                return .declaration(arg: argv[min(j, argv.count - 1)], reason: error.text)
            }
        }
        return nil
    }

    public func loadConfigUser(_ argv: [String]) -> ConfigUserError? {
        let name = argv[1]
        let u: ACLUser
        if let d = users[name] {
            u = d
            try? u.apply(Array("reset".utf8), catalog: catalog, pubsubDefaultAll: pubsubDefaultAll)
        } else {
            u = newUser(name)
            users[name] = u
        }
        let (merged, _) = mergeSelectorArguments(argv.dropFirst(2).map { Array($0.utf8) })
        for op in merged ?? [] {
            do { try u.apply(op, catalog: catalog, pubsubDefaultAll: pubsubDefaultAll) } catch {
                return .load("Error loading ACL rule '\(String(decoding: op, as: UTF8.self))' for the user named '\(name)': \(error.text)")
            }
        }
        return nil
    }

    /// ACL SAVE / CONFIG REWRITE text: one `user …` line per user, name order.
    public var fileText: String {
        sorted.map { $0.describe(catalog) + "\n" }.joined()
    }
}

extension StringProtocol {
    /// sdstrim: drop the given bytes from both ends.
    func trimmingCharacters(_ set: String) -> String {
        let drop = Set(set.utf8)
        let b = Array(utf8)
        guard let s = b.firstIndex(where: { !drop.contains($0) }), let e = b.lastIndex(where: { !drop.contains($0) }) else { return "" }
        return String(decoding: b[s...e], as: UTF8.self)
    }
}
