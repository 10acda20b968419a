/// ACLSetUser: one rule word applied to a user.
extension ACLUser {
    func apply(_ op: [UInt8], catalog: ACLCatalog, pubsubDefaultAll: Bool) throws(ACLRuleError) {
        if op.isEmpty { return }
        defer { refreshPlan() }
        let lower = String(decoding: op, as: UTF8.self).lowercased()
        switch lower {
        case "on": enabled = true
        case "off": enabled = false
        case "skip-sanitize-payload": skipSanitizePayload = true; sanitizePayload = false
        case "sanitize-payload": skipSanitizePayload = false; sanitizePayload = true
        case "nopass": nopass = true; passwords = []
        case "resetpass": nopass = false; passwords = []
        case "clearselectors": selectors.removeSubrange(1...)
        case "reset":
            nopass = false; passwords = []
            selectors[0].allKeys = false; selectors[0].keyPatterns = []
            selectors[0].allChannels = pubsubDefaultAll; selectors[0].channels = []
            enabled = false
            skipSanitizePayload = false; sanitizePayload = true
            selectors.removeSubrange(1...)
            selectors[0].setAll(false)
        default:
            let first = op[0]
            if first == UInt8(ascii: ">") || first == UInt8(ascii: "#") {
                let hash = try Self.hash(op, plain: first == UInt8(ascii: ">"))
                if !passwords.contains(hash) { passwords.append(hash) }
                nopass = false
            } else if first == UInt8(ascii: "<") || first == UInt8(ascii: "!") {
                let hash = try Self.hash(op, plain: first == UInt8(ascii: "<"))
                guard let i = passwords.firstIndex(of: hash) else { throw .noSuchPassword }
                passwords.remove(at: i)
            } else if first == UInt8(ascii: "("), op.last == UInt8(ascii: ")") {
                var s = ACLSelector(catalog: catalog, allChannels: pubsubDefaultAll)
                for word in splitSelectorBody(Array(op[1..<(op.count - 1)])) {
                    try s.apply(word, catalog: catalog)
                }
                selectors.append(s)
            } else {
                try selectors[0].apply(op, catalog: catalog)
            }
        }
    }

    private static func hash(_ op: [UInt8], plain: Bool) throws(ACLRuleError) -> String {
        let body = Array(op.dropFirst())
        if plain { return SHA256.hex(body) }
        let ok = body.count == 64 && body.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
        guard ok else { throw .badHash }
        return String(decoding: body, as: UTF8.self)
    }
}

/// The words inside "( ... )": sdssplitargs, so quotes group as in redis.conf.
func splitSelectorBody(_ body: [UInt8]) -> [[UInt8]] {
    var out: [[UInt8]] = []
    var i = 0
    while i < body.count {
        while i < body.count && ACLSelector.isSpace(body[i]) { i += 1 }
        if i >= body.count { break }
        var word: [UInt8] = []
        var quote: UInt8? = nil
        while i < body.count {
            let b = body[i]
            if let q = quote {
                if b == q { quote = nil } else { word.append(b) }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                quote = b
            } else if ACLSelector.isSpace(b) {
                break
            } else {
                word.append(b)
            }
            i += 1
        }
        out.append(word)
    }
    return out
}

/// ACLMergeSelectorArguments: "(~x" "+get)" become one "(~x +get)" word.
/// nil plus the index of the opening word when a parenthesis is left open.
public func mergeSelectorArguments(_ args: [[UInt8]]) -> (merged: [[UInt8]]?, openIndex: Int) {
    var out: [[UInt8]] = []
    var open: Int? = nil
    var current: [UInt8] = []
    for (j, op) in args.enumerated() {
        if op.first == UInt8(ascii: "("), op.last != UInt8(ascii: ")") {
            current = op; open = j; continue
        }
        if open != nil {
            current += [UInt8(ascii: " ")] + op
            if op.last == UInt8(ascii: ")") { out.append(current); open = nil }
            continue
        }
        out.append(op)
    }
    if let o = open { return (nil, o) }
    return (out, 0)
}
