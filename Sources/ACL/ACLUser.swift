/// A user (7.0): flags, password hashes and selectors, the first being the
/// root selector. Connections hold the object, so a change made in place
/// (ACLCopyUser) applies to them from their next command.
public final class ACLUser {
    public let name: String
    public internal(set) var enabled = false
    public internal(set) var nopass = false
    var sanitizePayload = false
    var skipSanitizePayload = false
    /// SHA-256 hex, insertion order.
    public internal(set) var passwords: [String] = []
    public internal(set) var selectors: [ACLSelector] {
        didSet { unrestricted = Self.isUnrestricted(selectors) }
    }
    /// One selector allowing every command, key and channel (the default
    /// user's usual rules): the permission check has nothing to do, and it is
    /// asked before every command.
    public private(set) var unrestricted: Bool

    init(name: String, catalog: ACLCatalog, allChannels: Bool) {
        self.name = name
        let root = [ACLSelector(catalog: catalog, allChannels: allChannels)]
        selectors = root
        unrestricted = Self.isUnrestricted(root)
    }

    private static func isUnrestricted(_ selectors: [ACLSelector]) -> Bool {
        selectors.count == 1 && selectors[0].allCommands && selectors[0].allKeys && selectors[0].allChannels
    }

    /// ACLCopyUser: everything but the name.
    public func copy(from o: ACLUser) {
        enabled = o.enabled; nopass = o.nopass
        sanitizePayload = o.sanitizePayload; skipSanitizePayload = o.skipSanitizePayload
        passwords = o.passwords; selectors = o.selectors
    }

    public var root: ACLSelector { selectors[0] }

    /// ACL GETUSER's flags, in ACLUserFlags order.
    public var flagNames: [String] {
        var f: [String] = [enabled ? "on" : "off"]
        if nopass { f.append("nopass") }
        if skipSanitizePayload { f.append("skip-sanitize-payload") }
        if sanitizePayload { f.append("sanitize-payload") }
        return f
    }

    /// ACLDescribeUser, prefixed with "user <name> " as ACL LIST and the files write it.
    public func describe(_ catalog: ACLCatalog) -> String {
        var s = "user \(name) " + flagNames.map { $0 + " " }.joined()
        for p in passwords { s += "#\(p) " }
        s += selectors[0].describe(catalog)
        for sel in selectors.dropFirst() { s += " (\(sel.describe(catalog)))" }
        return s
    }

    /// ACLCheckUserCredentials for this user.
    public func accepts(password: [UInt8]) -> Bool {
        guard enabled else { return false }
        if nopass { return true }
        let h = SHA256.hex(password)
        return passwords.contains(h)
    }

    /// ACLCheckAllUserCommandPerm: some selector must allow the command, its
    /// keys and its channels; otherwise the most specific failure. Each
    /// selector walks the keys afresh (finding them costs less than keeping them).
    public func check(_ catalog: ACLCatalog, command id: Int, argv: [[UInt8]],
                      keys: ACLKeys, channels: ACLChannelArgs) -> ACLVerdict {
        // Selectors are checked where they lie: copying one out of the array
        // retained and released its four arrays on every command.
        selectors.withUnsafeBufferPointer { selectors in
            if selectors.count == 1 {
                return selectors[0].check(catalog, id: id, argv: argv, keys: keys, channels: channels)
            }
            var relevant = ACLVerdict.deniedCommand
            for i in selectors.indices {
                let v = selectors[i].check(catalog, id: id, argv: argv, keys: keys, channels: channels)
                if v == .ok { return .ok }
                if v.rank > relevant.rank || (v.rank == relevant.rank && v.position > relevant.position) { relevant = v }
            }
            return relevant
        }
    }

    /// ACLUserCheckCmdWithUnrestrictedKeyAccess: some selector allows the
    /// command and also every key for the access asked (SORT's BY and GET
    /// read keys no key spec names).
    public func checkWithUnrestrictedKeyAccess(_ catalog: ACLCatalog, command id: Int, argv: [[UInt8]],
                                               keys: ACLKeys, channels: ACLChannelArgs,
                                               read: Bool, write: Bool) -> Bool {
        for s in selectors where s.hasUnrestrictedKeyAccess(read: read, write: write) {
            if s.check(catalog, id: id, argv: argv, keys: keys, channels: channels) == .ok { return true }
        }
        return false
    }

    /// ACLUserCheckChannelPerm: a subscription this user may hold.
    public func allowsChannel(_ channel: [UInt8], literal: Bool) -> Bool {
        selectors.contains { $0.allowsChannel(channel, literal: literal) }
    }

    /// Whether every selector pattern of `old` is still in this user
    /// (ACLKillPubsubClientsIfNeeded's shortcut), or some selector has all
    /// channels. An old user with all channels never takes the shortcut.
    public func keepsAllChannels(of old: ACLUser) -> Bool {
        if selectors.contains(where: \.allChannels) { return true }
        if old.selectors.contains(where: \.allChannels) { return false }
        let upcoming = selectors.flatMap(\.channels)
        return old.selectors.allSatisfy { $0.channels.allSatisfy { upcoming.contains($0) } }
    }

    /// Whether a subscription survives the new channels (literal for patterns).
    public func keepsSubscription(_ channel: [UInt8], isPattern: Bool) -> Bool {
        let upcoming = selectors.flatMap(\.channels)
        return upcoming.contains { isPattern ? $0 == channel : stringMatchBytes($0, channel) }
    }
}

import CoreKit

@inline(__always) func stringMatchBytes(_ p: [UInt8], _ s: [UInt8]) -> Bool {
    stringMatch(pattern: p, string: s, nocase: false)
}
