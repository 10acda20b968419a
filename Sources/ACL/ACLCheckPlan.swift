import CoreKit
#if canImport(Glibc)
import Glibc
#endif

/// What the permission check before every command reads for one user,
/// built whenever its selectors change and never changed after. The common
/// user, one selector with command bits and key prefixes, is answered from
/// flat buffers: no selector struct is read (reading one out of its array
/// retained and released its arrays, or copied it whole), no array is retained.
/// Anything else (more selectors, first-argument rules, channels, a refused
/// command bit) is answered by the selectors themselves.
public final class ACLCheckPlan {
    /// One selector allowing every command, key and channel (the default
    /// user's usual rules): nothing to check.
    public let unrestricted: Bool
    let selectors: [ACLSelector]
    /// The root alone decides (no other selector).
    private let single: Bool
    /// The root's command bits, all set under allcommands. A set bit allows
    /// the command; a clear one may still (no-auth commands, first-argument
    /// rules), which the selector decides.
    private let commands: UnsafeMutableBufferPointer<UInt64>
    private let allKeys: Bool
    private let allChannels: Bool
    private let keys: UnsafeMutableBufferPointer<KeyRule>
    /// The literal prefixes of the key rules, end to end.
    private let prefixBytes: UnsafeMutableBufferPointer<UInt8>
    /// Patterns that need the glob matcher, indexed by KeyRule.glob.
    private let globs: [[UInt8]]

    struct KeyRule {
        let read: Bool
        let write: Bool
        /// The literal prefix in prefixBytes (a pattern `prefix*`).
        let start: Int
        let count: Int
        /// Index into globs, or -1 for a literal prefix.
        let glob: Int
    }

    init(_ selectors: [ACLSelector]) {
        self.selectors = selectors
        let root = selectors[0]
        single = selectors.count == 1
        unrestricted = single && root.allCommands && root.allKeys && root.allChannels
        allKeys = root.allKeys
        allChannels = root.allChannels
        commands = .allocate(capacity: root.bits.count)
        for w in root.bits.indices { commands[w] = root.allCommands ? ~0 : root.bits[w] }
        var rules: [KeyRule] = [], bytes: [UInt8] = [], globs: [[UInt8]] = []
        for p in root.keyPatterns {
            if let prefix = p.prefix {
                rules.append(KeyRule(read: p.read, write: p.write, start: bytes.count, count: prefix.count, glob: -1))
                bytes += prefix
            } else {
                rules.append(KeyRule(read: p.read, write: p.write, start: 0, count: 0, glob: globs.count))
                globs.append(p.pattern)
            }
        }
        keys = .allocate(capacity: rules.count)
        _ = keys.initialize(from: rules)
        prefixBytes = .allocate(capacity: max(bytes.count, 1))
        _ = prefixBytes.initialize(from: bytes)
        self.globs = globs
    }

    deinit {
        commands.deallocate()
        keys.deallocate()
        prefixBytes.deallocate()
    }

    /// ACLCheckAllUserCommandPerm (see ACLUser.check).
    func check(_ catalog: ACLCatalog, command id: Int, argv: [[UInt8]], keys visitKeys: ACLKeys,
               channels: ACLChannelArgs) -> ACLVerdict {
        guard single, id < commands.count &* 64, commands[id &>> 6] & (1 &<< UInt64(id & 63)) != 0,
              allChannels || channels == .none else {
            return checkSelectors(catalog, command: id, argv: argv, keys: visitKeys, channels: channels)
        }
        if allKeys { return .ok }
        var denied = -1
        visitKeys { k in
            if allowsKey(argv[k.position], read: k.read, write: k.write) { return true }
            denied = k.position
            return false
        }
        return denied >= 0 ? .deniedKey(denied) : .ok
    }

    /// The same with the keys as a range: argv is read in place, one key
    /// after another, with nothing called per key.
    func check(_ catalog: ACLCatalog, command id: Int, argv: [[UInt8]], keyRange r: ACLKeyRange,
               channels: ACLChannelArgs) -> ACLVerdict {
        guard single, id < commands.count &* 64, commands[id &>> 6] & (1 &<< UInt64(id & 63)) != 0,
              allChannels || channels == .none else {
            return checkSelectors(catalog, command: id, argv: argv, keys: { r.visit($0) }, channels: channels)
        }
        if allKeys { return .ok }
        return argv.withUnsafeBufferPointer { av in
            var i = r.first
            while i <= r.last {
                if !allowsKey(av[i], read: r.read, write: r.write) { return .deniedKey(i) }
                i &+= r.step
            }
            return .ok
        }
    }

    /// ACLSelectorCheckKey of the root, on the flat rules.
    @inline(__always)
    private func allowsKey(_ key: [UInt8], read: Bool, write: Bool) -> Bool {
        key.withUnsafeBufferPointer { k in
            for r in keys {
                if read && !r.read { continue }
                if write && !r.write { continue }
                if r.glob < 0 {
                    // An empty key matches no pattern in stringmatchlen, not even `*`.
                    if k.count > 0 && k.count >= r.count
                        && (r.count == 0 || memcmp(k.baseAddress!, prefixBytes.baseAddress! + r.start, r.count) == 0) {
                        return true
                    }
                } else if stringMatch(pattern: globs[r.glob], string: key, nocase: false) {
                    return true
                }
            }
            return false
        }
    }

    /// Some selector must allow the command, its keys and its channels;
    /// otherwise the most specific failure. Selectors are read where they lie.
    private func checkSelectors(_ catalog: ACLCatalog, command id: Int, argv: [[UInt8]], keys: ACLKeys,
                                channels: ACLChannelArgs) -> ACLVerdict {
        selectors.withUnsafeBufferPointer { selectors in
            let first = selectors.baseAddress!
            if selectors.count == 1 {
                return ACLSelector.check(first, catalog, id: id, argv: argv, keys: keys, channels: channels)
            }
            var relevant = ACLVerdict.deniedCommand
            for i in selectors.indices {
                let v = ACLSelector.check(first + i, catalog, id: id, argv: argv, keys: keys, channels: channels)
                if v == .ok { return .ok }
                if v.rank > relevant.rank || (v.rank == relevant.rank && v.position > relevant.position) { relevant = v }
            }
            return relevant
        }
    }
}
