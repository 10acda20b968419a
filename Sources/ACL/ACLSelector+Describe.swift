/// How Redis 7.0 prints a selector: rules recomputed from the bitmap
/// (ACLDescribeSelectorCommandRules), not the rules as typed.
extension ACLSelector {
    /// "-@all +@write +@read -set +client|id +select|0".
    public func commandRules(_ catalog: ACLCatalog) -> String {
        let additive = !futureCommands
        var rules = [additive ? "-@all" : "+@all"]
        var fake = ACLSelector(catalog: catalog, allChannels: false)
        fake.setAll(!additive)
        var temp = self
        var applied = Array(repeating: false, count: ACLCatalog.categories.count)
        while true {
            var best = -1
            var minDiff = Int.max, maxSame = 0
            for j in ACLCatalog.categories.indices where !applied[j] {
                let (on, off) = temp.count(catalog, mask: 1 << UInt32(j))
                let diff = additive ? off : on
                let same = additive ? on : off
                if same > diff && (diff < minDiff || (diff == minDiff && same > maxSame)) {
                    best = j; minDiff = diff; maxSame = same
                }
            }
            if best < 0 { break }
            let mask: UInt32 = 1 << UInt32(best)
            fake.setCategory(catalog, mask, additive)
            temp.setCategory(catalog, mask, !additive)
            rules.append((additive ? "+@" : "-@") + ACLCatalog.categories[best])
            applied[best] = true
        }
        for t in catalog.topLevel { singleCommands(catalog, t, &fake, &rules) }
        return rules.joined(separator: " ")
    }

    private func singleCommands(_ catalog: ACLCatalog, _ id: Int, _ fake: inout ACLSelector, _ rules: inout [String]) {
        let entry = catalog.entries[id]
        let userBit = bit(id)
        if userBit != fake.bit(id) {
            rules.append((userBit ? "+" : "-") + entry.fullName)
            fake.changePerm(catalog, id, userBit)
        }
        for s in entry.subcommands { singleCommands(catalog, s, &fake, &rules) }
        if !userBit, let args = firstArgs[id] {
            for a in args { rules.append("+" + entry.fullName + "|" + a) }
        }
    }

    /// Commands (subcommands included) of the category that are on / off.
    func count(_ catalog: ACLCatalog, mask: UInt32) -> (on: Int, off: Int) {
        let members = catalog.categoryMembers[mask.trailingZeroBitCount]
        var on = 0, all = 0
        for w in bits.indices {
            on += (bits[w] & members[w]).nonzeroBitCount
            all += members[w].nonzeroBitCount
        }
        return (on, all - on)
    }

    /// The `keys` field of ACL GETUSER: "~*", or the patterns space-joined.
    public var keysText: String {
        allKeys ? "~*" : keyPatterns.map(\.text).joined(separator: " ")
    }

    /// The `channels` field of ACL GETUSER: "&*", or the patterns space-joined.
    public var channelsText: String {
        allChannels ? "&*" : channels.map { "&" + String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    }

    /// ACLDescribeSelector: keys, channels, command rules.
    public func describe(_ catalog: ACLCatalog) -> String {
        var parts: [String] = []
        if allKeys { parts.append("~*") } else { parts += keyPatterns.map(\.text) }
        if allChannels {
            parts.append("&*")
        } else {
            parts.append("resetchannels")
            parts += channels.map { "&" + String(decoding: $0, as: UTF8.self) }
        }
        parts.append(commandRules(catalog))
        return parts.joined(separator: " ")
    }
}
