import CoreKit
#if canImport(Glibc)
import Glibc
#endif

/// Why a rule was refused (ACLSetUserStringError's texts).
public enum ACLRuleError: Error, Equatable {
    case syntax, unknownCommand, patternAfterAllKeys, patternAfterAllChannels
    case noSuchPassword, badHash, firstArgOfSubcommand, duplicateUser

    public var text: String {
        switch self {
        case .syntax: return "Syntax error"
        case .unknownCommand: return "Unknown command or category name in ACL"
        case .patternAfterAllKeys:
            return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns"
        case .patternAfterAllChannels:
            return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels"
        case .noSuchPassword: return "The password you are trying to remove from the user does not exist"
        case .badHash: return "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters"
        case .firstArgOfSubcommand: return "Allowing first-arg of a subcommand is not supported"
        case .duplicateUser: return "Duplicate user found. A user can only be defined once in config files"
        }
    }
}

/// A key pattern with the access it grants.
public struct ACLKeyPattern: Equatable {
    public var pattern: [UInt8] { didSet { prefix = Self.literalPrefix(of: pattern) } }
    public var read: Bool
    public var write: Bool
    /// Most key patterns are a literal prefix and one final `*` (`~app:*`):
    /// for those a byte comparison gives the glob matcher's answer without
    /// its per-byte work on every command. nil: the pattern needs the glob.
    public private(set) var prefix: [UInt8]?

    public init(pattern: [UInt8], read: Bool, write: Bool) {
        self.pattern = pattern
        self.read = read
        self.write = write
        self.prefix = Self.literalPrefix(of: pattern)
    }

    static func literalPrefix(of p: [UInt8]) -> [UInt8]? {
        guard p.last == UInt8(ascii: "*") else { return nil }
        let head = p.dropLast()
        let special: Set<UInt8> = [UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "\\")]
        return head.contains(where: special.contains) ? nil : Array(head)
    }

    @inline(__always) func matches(_ key: [UInt8]) -> Bool {
        guard let prefix else { return stringMatch(pattern: pattern, string: key, nocase: false) }
        // An empty key matches no pattern in stringmatchlen, not even `*`.
        guard !key.isEmpty, key.count >= prefix.count else { return false }
        return key.withUnsafeBytes { k in prefix.withUnsafeBytes { p in memcmp(k.baseAddress!, p.baseAddress!, p.count) == 0 } }
    }

    var text: String {
        let p = String(decoding: pattern, as: UTF8.self)
        if read && write { return "~" + p }
        return (read ? "%R~" : "%W~") + p
    }
}

/// One selector of a user (7.0): which commands, keys and channels.
public struct ACLSelector {
    public var allKeys = false
    public var allChannels = false
    /// SELECTOR_FLAG_ALLCOMMANDS: cleared as soon as any command bit is cleared.
    public var allCommands = false
    /// The reserved "future commands" bit: set by +@all, cleared only by -@all.
    /// It decides whether the description starts from +@all or -@all.
    public var futureCommands = false
    var bits: [UInt64]
    /// +cmd|arg on a command without subcommands: allowed first arguments, by id.
    var firstArgs: [Int: [String]] = [:]
    public var keyPatterns: [ACLKeyPattern] = []
    public var channels: [[UInt8]] = []

    init(catalog: ACLCatalog, allChannels: Bool) {
        bits = Array(repeating: 0, count: (catalog.count + 63) / 64)
        self.allChannels = allChannels
    }

    func bit(_ id: Int) -> Bool { bits[id >> 6] & (1 << UInt64(id & 63)) != 0 }

    mutating func setBit(_ id: Int, _ on: Bool) {
        if on {
            bits[id >> 6] |= 1 << UInt64(id & 63)
        } else {
            bits[id >> 6] &= ~(1 << UInt64(id & 63))
            allCommands = false
        }
    }

    /// ACLChangeSelectorPerm: a container takes its subcommands along.
    mutating func changePerm(_ catalog: ACLCatalog, _ id: Int, _ allow: Bool) {
        setBit(id, allow)
        firstArgs[id] = nil
        for s in catalog.entries[id].subcommands { setBit(s, allow) }
    }

    /// ACLSetSelectorCommandBitsForCategory, on precomputed bitmaps.
    mutating func setCategory(_ catalog: ACLCatalog, _ mask: UInt32, _ allow: Bool) {
        let j = mask.trailingZeroBitCount
        let reach = catalog.categoryReach[j]
        var cleared = false
        for w in bits.indices {
            if allow { bits[w] |= reach[w] } else { cleared = cleared || reach[w] != 0; bits[w] &= ~reach[w] }
        }
        if cleared { allCommands = false }
        if !firstArgs.isEmpty { for id in catalog.categoryIDs[j] { firstArgs[id] = nil } }
    }

    mutating func setAll(_ allow: Bool) {
        for i in bits.indices { bits[i] = allow ? ~0 : 0 }
        allCommands = allow
        futureCommands = allow
        firstArgs = [:]
    }

    /// ACLSetSelector: one rule that belongs to a selector.
    mutating func apply(_ op: [UInt8], catalog: ACLCatalog) throws(ACLRuleError) {
        let lower = String(decoding: op, as: UTF8.self).lowercased()
        switch lower {
        case "allkeys", "~*": allKeys = true; keyPatterns = []; return
        case "resetkeys": allKeys = false; keyPatterns = []; return
        case "allchannels", "&*": allChannels = true; channels = []; return
        case "resetchannels": allChannels = false; channels = []; return
        case "allcommands", "+@all": setAll(true); return
        case "nocommands", "-@all": setAll(false); return
        default: break
        }
        guard let first = op.first else { throw .syntax }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "%"):
            if allKeys { throw .patternAfterAllKeys }
            var read = false, write = false
            var offset = 1
            if first == UInt8(ascii: "%") {
                while offset < op.count {
                    let ch = op[offset]
                    if (ch | 0x20) == UInt8(ascii: "r") && !read {
                        read = true
                    } else if (ch | 0x20) == UInt8(ascii: "w") && !write {
                        write = true
                    } else if ch == UInt8(ascii: "~") {
                        offset += 1
                        break
                    } else {
                        throw .syntax
                    }
                    offset += 1
                }
                if !read && !write { throw .syntax }
            } else {
                read = true; write = true
            }
            let pat = Array(op[offset...])
            if pat.contains(where: Self.isSpace) { throw .syntax }
            // Only "~*" and allkeys mean all keys: 7.0 keeps "%RW~*" as a pattern.
            if let i = keyPatterns.firstIndex(where: { $0.pattern == pat }) {
                keyPatterns[i].read = keyPatterns[i].read || read
                keyPatterns[i].write = keyPatterns[i].write || write
            } else {
                keyPatterns.append(ACLKeyPattern(pattern: pat, read: read, write: write))
            }
        case UInt8(ascii: "&"):
            if allChannels { throw .patternAfterAllChannels }
            let pat = Array(op.dropFirst())
            if pat.contains(where: Self.isSpace) { throw .syntax }
            if !channels.contains(pat) { channels.append(pat) }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let allow = first == UInt8(ascii: "+")
            let rest = String(lower.dropFirst())
            if rest.hasPrefix("@") {
                guard let mask = ACLCatalog.categoryBit(String(rest.dropFirst())) else { throw .unknownCommand }
                setCategory(catalog, mask, allow)
                return
            }
            if !allow || !rest.contains("|") {
                guard let id = catalog.lookup(rest) else { throw .unknownCommand }
                changePerm(catalog, id, allow)
                return
            }
            let bar = rest.lastIndex(of: "|")!
            let base = String(rest[..<bar]), arg = String(rest[rest.index(after: bar)...])
            guard let id = catalog.lookup(base) else { throw .unknownCommand }
            if catalog.entries[id].parent != nil { throw .firstArgOfSubcommand }
            if arg.isEmpty { throw .syntax }
            if !catalog.entries[id].subcommands.isEmpty {
                guard let sub = catalog.lookup(rest) else { throw .unknownCommand }
                changePerm(catalog, sub, true)
            } else {
                // The argument keeps its case as typed (ACLAddAllowedFirstArg).
                let typed = String(decoding: op.dropFirst(), as: UTF8.self)
                let original = String(typed[typed.index(after: typed.lastIndex(of: "|")!)...])
                var list = firstArgs[id] ?? []
                if !list.contains(where: { $0.lowercased() == original.lowercased() }) { list.append(original) }
                firstArgs[id] = list
            }
        default:
            throw .syntax
        }
    }

    static func isSpace(_ b: UInt8) -> Bool {
        b == 0 || b == 0x20 || (b >= 0x09 && b <= 0x0d)
    }
}
