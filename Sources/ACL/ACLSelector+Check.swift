import CoreKit

/// A key argument of a command and the access its key spec asks for.
public struct ACLKeyRef: Equatable {
    public let position: Int
    /// CMD_KEY_ACCESS.
    public let read: Bool
    /// CMD_KEY_INSERT, DELETE or UPDATE.
    public let write: Bool
    public init(position: Int, read: Bool, write: Bool) {
        self.position = position; self.read = read; self.write = write
    }
}

/// A command line's key arguments, offered one at a time in the order Redis
/// lists them: the visitor returns false to stop. The checks below walk the
/// argument vector in place, so a permission check builds no key list.
public typealias ACLKeys = (_ visit: (ACLKeyRef) -> Bool) -> Void

/// The key arguments of the commonest command shapes (one key, or keys
/// first...last by step, all asking the same access), found by the caller in
/// place: checked without a visitor or a closure call per key.
public struct ACLKeyRange {
    public let first: Int
    public let last: Int
    public let step: Int
    public let read: Bool
    public let write: Bool
    /// first > last: no key.
    public init(first: Int, last: Int, step: Int, read: Bool, write: Bool) {
        self.first = first; self.last = last; self.step = max(step, 1); self.read = read; self.write = write
    }

    /// The same keys offered to a visitor, for the selectors' general check.
    @inline(__always)
    func visit(_ body: (ACLKeyRef) -> Bool) {
        var i = first
        while i <= last {
            if !body(ACLKeyRef(position: i, read: read, write: write)) { return }
            i &+= step
        }
    }
}

/// Which arguments of a command name channels (ACLDoesCommandHaveChannels).
public enum ACLChannelArgs {
    case none
    /// PUBLISH / SPUBLISH: argv[1], matched as a glob.
    case publish
    /// SUBSCRIBE / SSUBSCRIBE: argv[1...], matched as globs.
    case subscribe
    /// PSUBSCRIBE: argv[1...], equal to a user pattern.
    case psubscribe
}

/// The outcome of a permission check; positions index argv.
public enum ACLVerdict: Equatable {
    case ok
    case deniedCommand
    case deniedKey(Int)
    case deniedChannel(Int)

    /// ACL_DENIED_CMD < KEY < CHANNEL: the most specific failure is reported.
    var rank: Int {
        switch self {
        case .ok: return 0
        case .deniedCommand: return 1
        case .deniedKey: return 2
        case .deniedChannel: return 3
        }
    }

    var position: Int {
        switch self {
        case .deniedKey(let p), .deniedChannel(let p): return p
        default: return 0
        }
    }
}

extension ACLSelector {
    /// ACLSelectorCheckKey.
    public func allowsKey(_ key: [UInt8], read: Bool, write: Bool) -> Bool {
        allKeys || Self.anyAllows(keyPatterns, key, read: read, write: write)
    }

    private static func anyAllows(_ keyPatterns: [ACLKeyPattern], _ key: [UInt8], read: Bool, write: Bool) -> Bool {
        for p in keyPatterns {
            if read && !p.read { continue }
            if write && !p.write { continue }
            if p.matches(key) { return true }
        }
        return false
    }

    /// ACLSelectorHasUnrestrictedKeyAccess: every key, for the access asked
    /// (allkeys, or a `*` pattern granting at least that access).
    public func hasUnrestrictedKeyAccess(read: Bool, write: Bool) -> Bool {
        if allKeys { return true }
        return keyPatterns.contains { p in
            (!read || p.read) && (!write || p.write) && p.pattern == Array("*".utf8)
        }
    }

    /// ACLCheckChannelAgainstList.
    public func allowsChannel(_ channel: [UInt8], literal: Bool) -> Bool {
        if allChannels { return true }
        return channels.contains { literal ? $0 == channel : stringMatch(pattern: $0, string: channel, nocase: false) }
    }

    /// ACLSelectorCheckCmd for the selector at `s`; the first key it refuses
    /// is reported. Read where it lies, field by field: a selector taken out
    /// of its array (even through a buffer pointer) was copied whole per check.
    static func check(_ s: UnsafePointer<ACLSelector>, _ catalog: ACLCatalog, id: Int, argv: [[UInt8]], keys: ACLKeys,
                      channels kind: ACLChannelArgs) -> ACLVerdict {
        // The command bit first: the catalog entry is read only for a command the bits refuse.
        if !s.pointee.allCommands && s.pointee.bits[id >> 6] & (1 << UInt64(id & 63)) == 0,
           case let entry = catalog.entries[id], !entry.noAuth {
            guard argv.count >= 2, let allowed = s.pointee.firstArgs[id] else { return .deniedCommand }
            let idx = entry.parent != nil ? 2 : 1
            guard idx < argv.count else { return .deniedCommand }
            let arg = String(decoding: argv[idx], as: UTF8.self).lowercased()
            if !allowed.contains(where: { $0.lowercased() == arg }) { return .deniedCommand }
        }
        if !s.pointee.allKeys {
            // The visitor holds the patterns alone: capturing the selector copied it whole.
            let patterns = s.pointee.keyPatterns
            var denied = -1
            keys { k in
                if Self.anyAllows(patterns, argv[k.position], read: k.read, write: k.write) { return true }
                denied = k.position
                return false
            }
            if denied >= 0 { return .deniedKey(denied) }
        }
        if !s.pointee.allChannels {
            switch kind {
            case .none: break
            case .publish:
                if argv.count > 1 && !s.pointee.allowsChannel(argv[1], literal: false) { return .deniedChannel(1) }
            case .subscribe, .psubscribe:
                for j in 1..<max(argv.count, 1) where !s.pointee.allowsChannel(argv[j], literal: kind == .psubscribe) {
                    return .deniedChannel(j)
                }
            }
        }
        return .ok
    }
}
