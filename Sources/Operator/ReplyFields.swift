import Protocol

/// The two reply shapes every command of the tool reads, parsed once here.
enum ReplyFields {
    /// A SENTINEL MASTER/REPLICAS/SENTINELS entry: field, value, field, value...
    /// (a RESP3 map arrives flattened the same way).
    static func pairs(_ v: RESPValue) -> [String: String] {
        guard let items = v.elements else { return [:] }
        var out: [String: String] = [:]
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].string { out[k] = items[i + 1].string ?? "" }
            i += 2
        }
        return out
    }

    /// INFO's `field:value` lines (section headers and blank lines skipped).
    static func info(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return out
    }
}
