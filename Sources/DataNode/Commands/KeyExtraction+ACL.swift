import ACL

/// The keys of the commonest commands as one range, for the permission
/// check a restricted user runs before every command: read from what the
/// command caches, with no key spec copied, no visitor called per key.
extension KeyExtraction {
    /// Which way forEachKey goes for a command, where that way is a range.
    enum ACLKeyShape {
        /// No key spec and no finder: the command has no keys.
        case none
        /// One spec, a fixed begin index and a range: resolved in place.
        case range(begin: Int, lastKey: Int, step: Int, limit: Int, read: Bool, write: Bool)
        /// SET: argv[1], read as well only with GET (its finder, setGetKeys).
        case set
        /// Anything else: the visitor over the specs or the finder.
        case general
    }

    static func aclKeyShape(_ specs: [KeySpec], suffice: Bool, native: Finder?) -> ACLKeyShape {
        if !suffice {
            guard let native else { return .none }
            if case .set = native { return .set }
            return .general
        }
        guard specs.count == 1, case .index(let begin) = specs[0].begin,
              case .range(let lastKey, let step, let limit) = specs[0].find,
              specs[0].flags.isDisjoint(with: [.notKey, .incomplete]) else { return .general }
        let access = aclAccess(specs[0].flags)
        return .range(begin: begin, lastKey: lastKey, step: step, limit: limit, read: access.read, write: access.write)
    }

    /// The keys forEachKey would offer, as a range; nil when they are no
    /// range (the spec does not resolve for this argv: the finder decides).
    @inline(__always)
    static func aclKeyRange(_ cmd: Command, _ argv: [[UInt8]]) -> ACLKeyRange? {
        switch cmd.aclKeyShape {
        case .none:
            return ACLKeyRange(first: 1, last: 0, step: 1, read: false, write: false)
        case .set:
            let access = aclAccess(setKeyFlags(argv))
            return ACLKeyRange(first: 1, last: 1, step: 1, read: access.read, write: access.write)
        case .range(let first, let lastKey, let step, let limit, let read, let write):
            // resolve's arithmetic for an index begin and a range.
            let argc = argv.count
            let last = lastKey >= 0 ? first + lastKey
                : limit == 0 ? argc + lastKey
                : first + ((argc - first) / limit + lastKey)
            if last >= argc || last < first || first >= argc { return nil }
            return ACLKeyRange(first: first, last: last, step: step, read: read, write: write)
        case .general:
            return nil
        }
    }

    /// A key spec's flags as the ACL engine reads them: CMD_KEY_ACCESS
    /// reads, INSERT, DELETE or UPDATE writes.
    @inline(__always)
    static func aclAccess(_ flags: KeySpecFlags) -> (read: Bool, write: Bool) {
        (flags.contains(.access), !flags.isDisjoint(with: [.insert, .delete, .update]))
    }
}
