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
        didSet { refreshPlan() }
    }
    /// What the permission check before every command reads.
    public private(set) var plan: ACLCheckPlan
    /// One selector allowing every command, key and channel (the default
    /// user's usual rules): the permission check has nothing to do, and it is
    /// asked before every command.
    public private(set) var unrestricted: Bool

    init(name: String, catalog: ACLCatalog, allChannels: Bool) {
        self.name = name
        let root = [ACLSelector(catalog: catalog, allChannels: allChannels)]
        selectors = root
        let p = ACLCheckPlan(root)
        plan = p
        unrestricted = p.unrestricted
    }

    /// A rule that throws halfway through an in-place change of a selector
    /// skips didSet: ACLUser.apply calls this on every exit.
    func refreshPlan() {
        plan = ACLCheckPlan(selectors)
        unrestricted = plan.unrestricted
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
    @inline(__always)
    public func check(_ catalog: ACLCatalog, command id: Int, argv: [[UInt8]],
                      keys: ACLKeys, channels: ACLChannelArgs) -> ACLVerdict {
        plan.check(catalog, command: id, argv: argv, keys: keys, channels: channels)
    }

    /// The same, for a command whose keys the caller found as a range.
    @inline(__always)
    public func check(_ catalog: ACLCatalog, command id: Int, argv: [[UInt8]],
                      keyRange: ACLKeyRange, channels: ACLChannelArgs) -> ACLVerdict {
        plan.check(catalog, command: id, argv: argv, keyRange: keyRange, channels: channels)
    }

    /// ACLUserCheckCmdWithUnrestrictedKeyAccess: some selector allows the
    /// command and also every key for the access asked (SORT's BY and GET
    /// read keys no key spec names).
    public func checkWithUnrestrictedKeyAccess(_ catalog: ACLCatalog, command id: Int, argv: [[UInt8]],
                                               keys: ACLKeys, channels: ACLChannelArgs,
                                               read: Bool, write: Bool) -> Bool {
        selectors.withUnsafeBufferPointer { selectors in
            for i in selectors.indices where selectors[i].hasUnrestrictedKeyAccess(read: read, write: write) {
                if ACLSelector.check(selectors.baseAddress! + i, catalog, id: id, argv: argv, keys: keys, channels: channels) == .ok {
                    return true
                }
            }
            return false
        }
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
