/// A JSON value whose objects keep their keys in the order given, so the
/// output is stable and reads in the same order as the table.
indirect enum JSONText: Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([(String, JSONText)])

    static func == (a: JSONText, b: JSONText) -> Bool { a.render() == b.render() }

    static func optional(_ n: Int?) -> JSONText { n.map { .int($0) } ?? .null }
    static func optional(_ s: String?) -> JSONText { s.map { .string($0) } ?? .null }

    /// On one line, for a stream of reports (one JSON document per line).
    func renderCompact() -> String {
        switch self {
        case .array(let items): return "[" + items.map { $0.renderCompact() }.joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { Self.quote($0.0) + ":" + $0.1.renderCompact() }.joined(separator: ",") + "}"
        default: return render()
        }
    }

    /// Two-space indented, one member per line.
    func render(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .string(let s): return Self.quote(s)
        case .int(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { inner + $0.render(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            return "{\n" + members.map { inner + Self.quote($0.0) + ": " + $0.1.render(indent: inner) }
                .joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
