import Protocol

/// Renders replies the way redis-cli 7.0 prints them (cliFormatReplyTTY,
/// cliFormatReplyRaw). Output is bytes: replies are binary and raw mode
/// writes them unchanged.
public enum ReplyFormatter {
    public enum Mode: Sendable, Equatable {
        /// redis-cli's default when stdout is a terminal (or --no-raw).
        case standard
        /// --raw, or stdout not a terminal.
        case raw
    }

    /// What redis-cli writes for one reply. `verbatim` is redis-cli's
    /// "output_raw" for commands whose text is meant to be read as is (INFO,
    /// CLIENT LIST...): raw form with no added newline, whatever the mode.
    public static func format(_ v: RESPValue, mode: Mode, verbatim: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        if verbatim {
            appendRaw(v, to: &out)
        } else if mode == .standard {
            appendTTY(v, prefix: [], to: &out)
        } else {
            appendRaw(v, to: &out)
            out.append(10)
        }
        return out
    }

    /// The TTY form, ending with a newline.
    public static func tty(_ v: RESPValue) -> String {
        var out: [UInt8] = []
        appendTTY(v, prefix: [], to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The raw form, without the trailing command delimiter.
    public static func raw(_ v: RESPValue) -> String {
        var out: [UInt8] = []
        appendRaw(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: TTY

    public static func appendTTY(_ v: RESPValue, prefix: [UInt8], to out: inout [UInt8]) {
        switch v {
        case .error(let b):
            out += Self.errorTag
            out += cString(b)
            out.append(10)
        case .simpleString(let b):
            out += cString(b)
            out.append(10)
        case .integer(let i):
            out += Self.integerTag
            appendDecimal(i, to: &out)
            out.append(10)
        case .double(let d):
            out += Self.doubleTag
            out += formatDouble(d)
            out.append(10)
        case .bigNumber(let b):
            // redis-cli 7.0 aborts with "Unknown reply type: 13"; later versions print this.
            out += Self.bigNumberTag
            out += b
            out.append(10)
        case .bulkString(.some(let b)):
            appendRepr(b, to: &out)
            out.append(10)
        case .verbatim(_, let text):
            out += text
            out.append(10)
        case .null, .bulkString(nil), .array(nil):
            out += Self.nilText
        case .boolean(let b):
            out += b ? Self.trueText : Self.falseText
            out.append(10)
        case .array(.some(let items)):
            appendAggregate(items, kind: .array, prefix: prefix, to: &out)
        case .set(let items):
            appendAggregate(items, kind: .set, prefix: prefix, to: &out)
        case .push(let items):
            appendAggregate(items, kind: .push, prefix: prefix, to: &out)
        case .map(let items), .attribute(let items):
            appendAggregate(items, kind: .map, prefix: prefix, to: &out)
        }
    }

    private enum Kind { case array, set, push, map }

    private static func appendAggregate(_ items: [RESPValue], kind: Kind, prefix: [UInt8], to out: inout [UInt8]) {
        if items.isEmpty {
            switch kind {
            case .array: out += Array("(empty array)\n".utf8)
            case .map: out += Array("(empty hash)\n".utf8)
            case .set: out += Array("(empty set)\n".utf8)
            case .push: out += Array("(empty push)\n".utf8)
            }
            return
        }
        let count = kind == .map ? items.count / 2 : items.count
        let idxlen = String(count).utf8.count
        // Nested entries line up under the first character after "N) ".
        let childPrefix = prefix + [UInt8](repeating: 32, count: idxlen + 2)
        let sep: UInt8 = kind == .set ? UInt8(ascii: "~") : kind == .map ? UInt8(ascii: "#") : UInt8(ascii: ")")
        var i = 0
        while i < items.count {
            let human = (kind == .map ? i / 2 : i) + 1
            // The parent already wrote this line's indentation and index.
            if i > 0 { out += prefix }
            let digits = String(human).utf8
            out += [UInt8](repeating: 32, count: idxlen - digits.count)
            out += digits
            out.append(sep)
            out.append(32)
            appendTTY(items[i], prefix: childPrefix, to: &out)
            if kind == .map {
                i += 1
                out.removeLast() // the key's newline
                out += Array(" => ".utf8)
                let value = i < items.count ? items[i] : .null
                if isMultiline(value) {
                    out.append(10)
                    out += childPrefix
                }
                appendTTY(value, prefix: childPrefix, to: &out)
            }
            i += 1
        }
    }

    /// cliIsMultilineValueTTY: map values that span lines start on their own line.
    private static func isMultiline(_ v: RESPValue) -> Bool {
        switch v {
        case .array(.some(let a)), .set(let a), .push(let a):
            if a.isEmpty { return false }
            if a.count > 1 { return true }
            return isMultiline(a[0])
        case .map(let kv), .attribute(let kv):
            if kv.isEmpty { return false }
            if kv.count > 2 { return true }
            return kv.count > 1 && isMultiline(kv[1])
        default:
            return false
        }
    }

    public static func appendRepr(_ b: [UInt8], to out: inout [UInt8]) { appendSdsRepr(b, to: &out) }

    public static func repr(_ b: [UInt8]) -> String {
        var out: [UInt8] = []
        appendRepr(b, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Raw

    public static func appendRaw(_ v: RESPValue, to out: inout [UInt8]) {
        switch v {
        case .null, .bulkString(nil), .array(nil):
            break
        case .error(let b):
            out += b
            out.append(10)
        case .simpleString(let b), .bulkString(.some(let b)), .verbatim(_, let b), .bigNumber(let b):
            out += b
        case .boolean(let b):
            out += Array((b ? "(true)" : "(false)").utf8)
        case .integer(let i):
            appendDecimal(i, to: &out)
        case .double(let d):
            out += formatDouble(d)
        case .array(.some(let items)), .set(let items), .push(let items):
            for (i, e) in items.enumerated() {
                if i > 0 { out.append(10) }
                appendRaw(e, to: &out)
            }
        case .map(let kv), .attribute(let kv):
            var i = 0
            while i < kv.count {
                if i > 0 { out.append(10) }
                appendRaw(kv[i], to: &out)
                out.append(32)
                if i + 1 < kv.count { appendRaw(kv[i + 1], to: &out) }
                i += 2
            }
        }
    }

    // MARK: Constants

    /// Status and error texts are C strings in redis-cli: they end at a NUL.
    private static func cString(_ b: [UInt8]) -> ArraySlice<UInt8> {
        if let z = b.firstIndex(of: 0) { return b[..<z] }
        return b[...]
    }

    private static let errorTag: [UInt8] = Array("(error) ".utf8)
    private static let integerTag: [UInt8] = Array("(integer) ".utf8)
    private static let doubleTag: [UInt8] = Array("(double) ".utf8)
    private static let bigNumberTag: [UInt8] = Array("(big number) ".utf8)
    private static let nilText: [UInt8] = Array("(nil)\n".utf8)
    private static let trueText: [UInt8] = Array("(true)".utf8)
    private static let falseText: [UInt8] = Array("(false)".utf8)
}
