import Protocol

/// Key flags of a key spec (CMD_KEY_*), in the order Redis prints them.
struct KeySpecFlags: OptionSet {
    let rawValue: UInt16
    static let ro = KeySpecFlags(rawValue: 1 << 0)
    static let rw = KeySpecFlags(rawValue: 1 << 1)
    static let ow = KeySpecFlags(rawValue: 1 << 2)
    static let rm = KeySpecFlags(rawValue: 1 << 3)
    static let access = KeySpecFlags(rawValue: 1 << 4)
    static let update = KeySpecFlags(rawValue: 1 << 5)
    static let insert = KeySpecFlags(rawValue: 1 << 6)
    static let delete = KeySpecFlags(rawValue: 1 << 7)
    static let notKey = KeySpecFlags(rawValue: 1 << 8)
    static let incomplete = KeySpecFlags(rawValue: 1 << 9)
    static let variableFlags = KeySpecFlags(rawValue: 1 << 10)

    /// (flag, spec-text spelling, reply spelling)
    static let names: [(KeySpecFlags, String, String)] = [
        (.ro, "RO", "RO"), (.rw, "RW", "RW"), (.ow, "OW", "OW"), (.rm, "RM", "RM"),
        (.access, "ACCESS", "access"), (.update, "UPDATE", "update"), (.insert, "INSERT", "insert"),
        (.delete, "DELETE", "delete"), (.notKey, "NOT_KEY", "not_key"), (.incomplete, "INCOMPLETE", "incomplete"),
        (.variableFlags, "VARIABLE_FLAGS", "variable_flags"),
    ]

    var replyNames: [String] { Self.names.filter { contains($0.0) }.map { $0.2 } }
}

/// One key spec of a command, parsed from the reference table's text form:
/// `RW+ACCESS index:1 range:0,1,0`, `OW+UPDATE keyword:STORE@6 range:0,1,0`,
/// `RO+ACCESS index:2 keynum:0,1,1`, `RO+ACCESS unknown unknown`.
struct KeySpec {
    enum BeginSearch {
        case index(Int)
        case keyword(String, startFrom: Int)
        case unknown
    }
    enum FindKeys {
        case range(lastKey: Int, keyStep: Int, limit: Int)
        case keynum(keynumIndex: Int, firstKey: Int, keyStep: Int)
        case unknown
    }

    var flags: KeySpecFlags
    var begin: BeginSearch
    var find: FindKeys

    static func parseAll(_ text: String) -> [KeySpec] {
        text.split(separator: ";").compactMap { parse(String($0).trimmedSpaces()) }
    }

    static func parse(_ text: String) -> KeySpec? {
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 3 else { return nil }
        var flags: KeySpecFlags = []
        for f in parts[0].split(separator: "+") {
            if let e = KeySpecFlags.names.first(where: { $0.1 == f }) { flags.insert(e.0) }
        }
        let begin: BeginSearch
        if parts[1].hasPrefix("index:"), let n = Int(parts[1].dropFirst(6)) {
            begin = .index(n)
        } else if parts[1].hasPrefix("keyword:"), let at = parts[1].lastIndex(of: "@"),
                  let n = Int(parts[1][parts[1].index(after: at)...]) {
            begin = .keyword(String(parts[1][parts[1].index(parts[1].startIndex, offsetBy: 8)..<at]), startFrom: n)
        } else {
            begin = .unknown
        }
        let find: FindKeys
        let nums = parts[2].split(separator: ":").last.map { $0.split(separator: ",").compactMap { Int($0) } } ?? []
        if parts[2].hasPrefix("range:"), nums.count == 3 {
            find = .range(lastKey: nums[0], keyStep: nums[1], limit: nums[2])
        } else if parts[2].hasPrefix("keynum:"), nums.count == 3 {
            find = .keynum(keynumIndex: nums[0], firstKey: nums[1], keyStep: nums[2])
        } else {
            find = .unknown
        }
        return KeySpec(flags: flags, begin: begin, find: find)
    }
}

/// A key found in a command line: its argv position and access flags.
struct KeyReference {
    var position: Int
    var flags: KeySpecFlags
}

extension String {
    fileprivate func trimmedSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

/// Key extraction as Redis's getKeysFromCommandWithSpecs: the key specs when
/// they are complete and their flags fixed, else the command's own key
/// finder (the getkeys_proc of SORT, MIGRATE, ZUNIONSTORE, SET, ...).
enum KeyExtraction {
    /// nil: no way to find keys for this command ("no key arguments").
    static func hasKeys(_ spec: CommandSpec, _ specs: [KeySpec]) -> Bool {
        nativeFinders[spec.fullName] != nil || specs.contains { !$0.flags.contains(.notKey) }
    }

    static func keys(_ spec: CommandSpec, _ argv: [[UInt8]]) -> [KeyReference] {
        keys(spec, KeySpec.parseAll(spec.keySpecs), argv)
    }

    /// A command's keys from what it caches (the parsed specs, its native
    /// finder): ACL checks and client tracking run this per command.
    static func keys(_ cmd: Command, _ argv: [[UInt8]]) -> [KeyReference] {
        if cmd.keySpecsSuffice, let found = keysUsingSpecs(cmd.spec, cmd.parsedKeySpecs, argv) { return found }
        if let native = cmd.nativeKeyFinder { return native(argv) }
        return []
    }

    /// Whether `keysUsingSpecs` is tried first (some key spec, none with variable flags).
    static func specsSuffice(_ specs: [KeySpec]) -> Bool {
        specs.contains { !$0.flags.contains(.notKey) } && !specs.contains { $0.flags.contains(.variableFlags) }
    }

    /// With the specs already parsed.
    static func keys(_ spec: CommandSpec, _ specs: [KeySpec], _ argv: [[UInt8]]) -> [KeyReference] {
        if specsSuffice(specs), let found = keysUsingSpecs(spec, specs, argv) { return found }
        if let native = nativeFinders[spec.fullName] { return native(argv) }
        return []
    }

    /// getKeysUsingKeySpecs; nil when a spec cannot be resolved (unknown,
    /// incomplete, or out of bounds), which sends the caller to the native finder.
    static func keysUsingSpecs(_ spec: CommandSpec, _ specs: [KeySpec], _ argv: [[UInt8]]) -> [KeyReference]? {
        let argc = argv.count
        var out: [KeyReference] = []
        for ks in specs {
            if ks.flags.contains(.notKey) { continue }
            var first = 0
            switch ks.begin {
            case .index(let pos):
                first = pos
            case .keyword(let kw, let startFrom):
                let start = startFrom > 0 ? startFrom : argc + startFrom
                let end = startFrom > 0 ? argc - 1 : 0
                var i = start
                // Redis's loop stops before `end`: the last argument is never
                // taken as the keyword when searching forward.
                while i != end {
                    if i >= argc || i < 1 { break }
                    if String(decoding: argv[i], as: UTF8.self).lowercased() == kw.lowercased() {
                        first = i + 1
                        break
                    }
                    i = start <= end ? i + 1 : i - 1
                }
                if first == 0 { continue }
            case .unknown:
                return nil
            }
            var last = 0, step = 1
            switch ks.find {
            case .range(let lastKey, let keyStep, let limit):
                step = keyStep
                if lastKey >= 0 {
                    last = first + lastKey
                } else if limit == 0 {
                    last = argc + lastKey
                } else {
                    last = first + ((argc - first) / limit + lastKey)
                }
            case .keynum(let keynumIndex, let firstKey, let keyStep):
                step = keyStep
                guard keynumIndex < argc, first + keynumIndex < argc,
                      let n = parseStrictInt64(argv[first + keynumIndex]), n >= 0, n <= Int64(Int32.max) else { return nil }
                first += firstKey
                last = first + Int(n) - 1
            case .unknown:
                return nil
            }
            if last >= argc || last < first || first >= argc { return nil }
            var i = first
            while i <= last {
                out.append(KeyReference(position: i, flags: ks.flags))
                i += max(step, 1)
            }
            if ks.flags.contains(.incomplete) { return nil }
        }
        return out
    }

    // MARK: native key finders (Redis's getkeys_proc functions)

    typealias Finder = @Sendable ([[UInt8]]) -> [KeyReference]

    static let nativeFinders: [String: Finder] = [
        "zunionstore": { generic($0, store: 1, count: 2, first: 3) },
        "zinterstore": { generic($0, store: 1, count: 2, first: 3) },
        "zdiffstore": { generic($0, store: 1, count: 2, first: 3) },
        "zunion": { generic($0, store: 0, count: 1, first: 2) },
        "zinter": { generic($0, store: 0, count: 1, first: 2) },
        "zdiff": { generic($0, store: 0, count: 1, first: 2) },
        "zintercard": { generic($0, store: 0, count: 1, first: 2) },
        "sintercard": { generic($0, store: 0, count: 1, first: 2) },
        "lmpop": { generic($0, store: 0, count: 1, first: 2) },
        "zmpop": { generic($0, store: 0, count: 1, first: 2) },
        "blmpop": { generic($0, store: 0, count: 2, first: 3) },
        "bzmpop": { generic($0, store: 0, count: 2, first: 3) },
        "eval": { generic($0, store: 0, count: 2, first: 3) },
        "evalsha": { generic($0, store: 0, count: 2, first: 3) },
        "eval_ro": { generic($0, store: 0, count: 2, first: 3) },
        "evalsha_ro": { generic($0, store: 0, count: 2, first: 3) },
        "fcall": { generic($0, store: 0, count: 2, first: 3) },
        "fcall_ro": { generic($0, store: 0, count: 2, first: 3) },
        "sort": sortKeys,
        "sort_ro": { _ in [KeyReference(position: 1, flags: [.ro, .access])] },
        "migrate": migrateKeys,
        "georadius": georadiusKeys,
        "georadiusbymember": georadiusKeys,
        "xread": xreadKeys,
        "xreadgroup": xreadKeys,
        "set": setKeys,
        "bitfield": bitfieldKeys,
    ]

    /// C's atoi: leading spaces, sign, digits; 0 when none.
    static func atoi(_ b: [UInt8]) -> Int {
        var i = 0
        while i < b.count && (b[i] == 32 || (b[i] >= 9 && b[i] <= 13)) { i += 1 }
        var neg = false
        if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
            neg = b[i] == UInt8(ascii: "-")
            i += 1
        }
        var v = 0
        while i < b.count && b[i] >= 48 && b[i] <= 57 {
            v = v &* 10 &+ Int(b[i] - 48)
            if v > Int(Int32.max) { v = Int(Int32.max) }
            i += 1
        }
        return neg ? -v : v
    }

    /// genericGetKeys: `count` keys from `first`, plus an optional destination.
    static func generic(_ argv: [[UInt8]], store: Int, count: Int, first: Int) -> [KeyReference] {
        guard count < argv.count else { return [] }
        let n = atoi(argv[count])
        if n < 1 || n > (argv.count - first) { return [] }
        var out = (0..<n).map { KeyReference(position: first + $0, flags: [.ro, .access]) }
        if store > 0 { out.append(KeyReference(position: store, flags: [.ow, .update])) }
        return out
    }

    static func isWord(_ a: [UInt8], _ w: String) -> Bool {
        String(decoding: a, as: UTF8.self).lowercased() == w
    }

    /// The sorted key, and the last STORE destination (LIMIT/GET/BY arguments skipped).
    static let sortKeys: Finder = { argv in
        var out = [KeyReference(position: 1, flags: [.ro, .access])]
        var store: Int?
        var i = 2
        while i < argv.count {
            if isWord(argv[i], "limit") { i += 2 }
            else if isWord(argv[i], "get") || isWord(argv[i], "by") { i += 1 }
            else if isWord(argv[i], "store") && i + 1 < argv.count { store = i + 1 }
            i += 1
        }
        if let s = store { out.append(KeyReference(position: s, flags: [.ow, .update])) }
        return out
    }

    /// The key at 3, or with KEYS (key argument empty) everything after it.
    static let migrateKeys: Finder = { argv in
        var first = 3, num = 1
        if argv.count > 6 {
            var i = 6
            while i < argv.count {
                if isWord(argv[i], "keys") {
                    if !argv[3].isEmpty { return [] }
                    first = i + 1
                    num = argv.count - first
                    break
                }
                if isWord(argv[i], "auth") { i += 1 } else if isWord(argv[i], "auth2") { i += 2 }
                i += 1
            }
        }
        return (0..<num).map { KeyReference(position: first + $0, flags: [.rw, .access, .delete]) }
    }

    static let georadiusKeys: Finder = { argv in
        var stored = -1
        var i = 5
        while i < argv.count {
            if (isWord(argv[i], "store") || isWord(argv[i], "storedist")) && i + 1 < argv.count {
                stored = i + 1
                i += 1
            }
            i += 1
        }
        var out = [KeyReference(position: 1, flags: [.ro, .access])]
        if stored != -1 { out.append(KeyReference(position: stored, flags: [.ow, .update])) }
        return out
    }

    static let xreadKeys: Finder = { argv in
        var streamsPos = -1
        var i = 1
        while i < argv.count {
            if isWord(argv[i], "block") || isWord(argv[i], "count") { i += 1 }
            else if isWord(argv[i], "group") { i += 2 }
            else if isWord(argv[i], "noack") {}
            else if isWord(argv[i], "streams") { streamsPos = i; break }
            else { break }
            i += 1
        }
        let num = argv.count - streamsPos - 1
        if streamsPos == -1 || num == 0 || num % 2 != 0 { return [] }
        return (0..<(num / 2)).map { KeyReference(position: streamsPos + 1 + $0, flags: []) }
    }

    /// SET's key is read too when GET is given.
    static let setKeys: Finder = { argv in
        for a in argv.dropFirst(3) where isWord(a, "get") {
            return [KeyReference(position: 1, flags: [.rw, .access, .update])]
        }
        return [KeyReference(position: 1, flags: [.ow, .update])]
    }

    /// BITFIELD is read-only when it only has GET (and OVERFLOW) operations.
    static let bitfieldKeys: Finder = { argv in
        var readonly = true
        var i = 2
        while i < argv.count {
            let remaining = argv.count - i - 1
            if isWord(argv[i], "get") && remaining >= 2 { i += 2 }
            else if (isWord(argv[i], "set") || isWord(argv[i], "incrby")) && remaining >= 3 { readonly = false; break }
            else if isWord(argv[i], "overflow") && remaining >= 1 { i += 1 }
            else { readonly = false; break }
            i += 1
        }
        return [KeyReference(position: 1, flags: readonly ? [.ro, .access] : [.rw, .access, .update])]
    }
}
