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
/// Keys are offered one at a time, walking argv in place: a restricted
/// user's permission check runs this before every command and allocates nothing.
enum KeyExtraction {
    /// Receives a key's argv position and flags; false stops the walk.
    typealias Visitor = (_ position: Int, _ flags: KeySpecFlags) -> Bool

    /// nil: no way to find keys for this command ("no key arguments").
    static func hasKeys(_ spec: CommandSpec, _ specs: [KeySpec]) -> Bool {
        nativeFinders[spec.fullName] != nil || specs.contains { !$0.flags.contains(.notKey) }
    }

    /// A command's keys from what it caches (the parsed specs, its native
    /// finder): ACL checks and client tracking run this per command.
    @inline(__always)
    static func forEachKey(_ cmd: Command, _ argv: [[UInt8]], _ body: Visitor) {
        forEachKey(cmd.parsedKeySpecs, suffice: cmd.keySpecsSuffice, native: cmd.nativeKeyFinder, argv, body)
    }

    static func keys(_ spec: CommandSpec, _ argv: [[UInt8]]) -> [KeyReference] {
        keys(spec, KeySpec.parseAll(spec.keySpecs), argv)
    }

    /// With the specs already parsed.
    static func keys(_ spec: CommandSpec, _ specs: [KeySpec], _ argv: [[UInt8]]) -> [KeyReference] {
        collect { forEachKey(specs, suffice: specsSuffice(specs), native: nativeFinders[spec.fullName], argv, $0) }
    }

    /// Whether the key specs are tried first (some key spec, none with variable flags).
    static func specsSuffice(_ specs: [KeySpec]) -> Bool {
        specs.contains { !$0.flags.contains(.notKey) } && !specs.contains { $0.flags.contains(.variableFlags) }
    }

    static func forEachKey(_ specs: [KeySpec], suffice: Bool, native: Finder?, _ argv: [[UInt8]], _ body: Visitor) {
        if suffice && specsResolve(specs, argv) {
            for ks in specs {
                guard case .keys(let first, let last, let step) = resolve(ks, argv) else { continue }
                var i = first
                while i <= last {
                    if !body(i, ks.flags) { return }
                    i += step
                }
            }
        } else if let native {
            native.forEachKey(argv, body)
        }
    }

    private static func collect(_ walk: (Visitor) -> Void) -> [KeyReference] {
        var out: [KeyReference] = []
        walk { out.append(KeyReference(position: $0, flags: $1)); return true }
        return out
    }

    /// Where one key spec finds its keys in a command line.
    enum Resolution {
        case keys(first: Int, last: Int, step: Int)
        /// A keyword spec whose keyword is absent, or a NOT_KEY spec.
        case none
        /// Unknown, incomplete or out of bounds: the native finder decides.
        case unresolved
    }

    /// getKeysUsingKeySpecs succeeds: every spec resolves. The specs are
    /// walked twice (here, then for the keys) so that no key is offered
    /// before a later spec sends the command to its native finder.
    static func specsResolve(_ specs: [KeySpec], _ argv: [[UInt8]]) -> Bool {
        for ks in specs {
            if case .unresolved = resolve(ks, argv) { return false }
        }
        return true
    }

    /// One spec of getKeysUsingKeySpecs.
    static func resolve(_ ks: KeySpec, _ argv: [[UInt8]]) -> Resolution {
        if ks.flags.contains(.notKey) { return .none }
        let argc = argv.count
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
                if keywordEquals(argv[i], kw) {
                    first = i + 1
                    break
                }
                i = start <= end ? i + 1 : i - 1
            }
            if first == 0 { return .none }
        case .unknown:
            return .unresolved
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
                  let n = parseStrictInt64(argv[first + keynumIndex]), n >= 0, n <= Int64(Int32.max) else { return .unresolved }
            first += firstKey
            last = first + Int(n) - 1
        case .unknown:
            return .unresolved
        }
        if last >= argc || last < first || first >= argc { return .unresolved }
        if ks.flags.contains(.incomplete) { return .unresolved }
        return .keys(first: first, last: last, step: max(step, 1))
    }

    /// strcasecmp against a spec's keyword (ASCII, as Redis compares).
    static func keywordEquals(_ arg: [UInt8], _ keyword: String) -> Bool {
        var i = 0
        for k in keyword.utf8 {
            guard i < arg.count else { return false }
            var c = arg[i], l = k
            if c >= 65 && c <= 90 { c += 32 }
            if l >= 65 && l <= 90 { l += 32 }
            if c != l { return false }
            i += 1
        }
        return i == arg.count
    }

    // MARK: native key finders (Redis's getkeys_proc functions)

    /// A getkeys_proc. A case rather than a stored closure: calling a closure
    /// kept in a table with a visitor made Swift box the visitor on every call.
    enum Finder {
        /// genericGetKeys.
        case generic(store: Int, count: Int, first: Int)
        case sort, sortRO, migrate, georadius, xread, set, bitfield

        /// Offers the keys it finds, in its order, to the visitor.
        func forEachKey(_ argv: [[UInt8]], _ visit: Visitor) {
            switch self {
            case .generic(let store, let count, let first): KeyExtraction.generic(argv, visit, store: store, count: count, first: first)
            case .sort: KeyExtraction.sortKeys(argv, visit)
            case .sortRO: _ = visit(1, [.ro, .access])
            case .migrate: KeyExtraction.migrateKeys(argv, visit)
            case .georadius: KeyExtraction.georadiusKeys(argv, visit)
            case .xread: KeyExtraction.xreadKeys(argv, visit)
            case .set: KeyExtraction.setKeys(argv, visit)
            case .bitfield: KeyExtraction.bitfieldKeys(argv, visit)
            }
        }
    }

    static let nativeFinders: [String: Finder] = [
        "zunionstore": .generic(store: 1, count: 2, first: 3),
        "zinterstore": .generic(store: 1, count: 2, first: 3),
        "zdiffstore": .generic(store: 1, count: 2, first: 3),
        "zunion": .generic(store: 0, count: 1, first: 2),
        "zinter": .generic(store: 0, count: 1, first: 2),
        "zdiff": .generic(store: 0, count: 1, first: 2),
        "zintercard": .generic(store: 0, count: 1, first: 2),
        "sintercard": .generic(store: 0, count: 1, first: 2),
        "lmpop": .generic(store: 0, count: 1, first: 2),
        "zmpop": .generic(store: 0, count: 1, first: 2),
        "blmpop": .generic(store: 0, count: 2, first: 3),
        "bzmpop": .generic(store: 0, count: 2, first: 3),
        "eval": .generic(store: 0, count: 2, first: 3),
        "evalsha": .generic(store: 0, count: 2, first: 3),
        "eval_ro": .generic(store: 0, count: 2, first: 3),
        "evalsha_ro": .generic(store: 0, count: 2, first: 3),
        "fcall": .generic(store: 0, count: 2, first: 3),
        "fcall_ro": .generic(store: 0, count: 2, first: 3),
        "sort": .sort,
        "sort_ro": .sortRO,
        "migrate": .migrate,
        "georadius": .georadius,
        "georadiusbymember": .georadius,
        "xread": .xread,
        "xreadgroup": .xread,
        "set": .set,
        "bitfield": .bitfield,
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
    static func generic(_ argv: [[UInt8]], _ visit: Visitor, store: Int, count: Int, first: Int) {
        guard count < argv.count else { return }
        let n = atoi(argv[count])
        if n < 1 || n > (argv.count - first) { return }
        for i in 0..<n where !visit(first + i, [.ro, .access]) { return }
        if store > 0 { _ = visit(store, [.ow, .update]) }
    }

    /// The sorted key, and the last STORE destination (LIMIT/GET/BY arguments skipped).
    static func sortKeys(_ argv: [[UInt8]], _ visit: Visitor) {
        var store: Int?
        var i = 2
        while i < argv.count {
            if argEquals(argv[i], "limit") { i += 2 }
            else if argEquals(argv[i], "get") || argEquals(argv[i], "by") { i += 1 }
            else if argEquals(argv[i], "store") && i + 1 < argv.count { store = i + 1 }
            i += 1
        }
        if !visit(1, [.ro, .access]) { return }
        if let s = store { _ = visit(s, [.ow, .update]) }
    }

    /// The key at 3, or with KEYS (key argument empty) everything after it.
    static func migrateKeys(_ argv: [[UInt8]], _ visit: Visitor) {
        var first = 3, num = 1
        if argv.count > 6 {
            var i = 6
            while i < argv.count {
                if argEquals(argv[i], "keys") {
                    if !argv[3].isEmpty { return }
                    first = i + 1
                    num = argv.count - first
                    break
                }
                if argEquals(argv[i], "auth") { i += 1 } else if argEquals(argv[i], "auth2") { i += 2 }
                i += 1
            }
        }
        for k in 0..<num where !visit(first + k, [.rw, .access, .delete]) { return }
    }

    static func georadiusKeys(_ argv: [[UInt8]], _ visit: Visitor) {
        var stored = -1
        var i = 5
        while i < argv.count {
            if (argEquals(argv[i], "store") || argEquals(argv[i], "storedist")) && i + 1 < argv.count {
                stored = i + 1
                i += 1
            }
            i += 1
        }
        if !visit(1, [.ro, .access]) { return }
        if stored != -1 { _ = visit(stored, [.ow, .update]) }
    }

    static func xreadKeys(_ argv: [[UInt8]], _ visit: Visitor) {
        var streamsPos = -1
        var i = 1
        while i < argv.count {
            if argEquals(argv[i], "block") || argEquals(argv[i], "count") { i += 1 }
            else if argEquals(argv[i], "group") { i += 2 }
            else if argEquals(argv[i], "noack") {}
            else if argEquals(argv[i], "streams") { streamsPos = i; break }
            else { break }
            i += 1
        }
        let num = argv.count - streamsPos - 1
        if streamsPos == -1 || num == 0 || num % 2 != 0 { return }
        for k in 0..<(num / 2) where !visit(streamsPos + 1 + k, []) { return }
    }

    /// SET's key is read too when GET is given.
    static func setKeys(_ argv: [[UInt8]], _ visit: Visitor) {
        _ = visit(1, setKeyFlags(argv))
    }

    /// SET's one key reads the old value only with GET.
    static func setKeyFlags(_ argv: [[UInt8]]) -> KeySpecFlags {
        var i = 3
        while i < argv.count {
            if argEquals(argv[i], "get") { return [.rw, .access, .update] }
            i += 1
        }
        return [.ow, .update]
    }

    /// BITFIELD is read-only when it only has GET (and OVERFLOW) operations.
    static func bitfieldKeys(_ argv: [[UInt8]], _ visit: Visitor) {
        var readonly = true
        var i = 2
        while i < argv.count {
            let remaining = argv.count - i - 1
            if argEquals(argv[i], "get") && remaining >= 2 { i += 2 }
            else if (argEquals(argv[i], "set") || argEquals(argv[i], "incrby")) && remaining >= 3 { readonly = false; break }
            else if argEquals(argv[i], "overflow") && remaining >= 1 { i += 1 }
            else { readonly = false; break }
            i += 1
        }
        _ = visit(1, readonly ? [.ro, .access] : [.rw, .access, .update])
    }
}
