import Protocol

/// How redis-cli prints replies while a Lua debugging session runs: the
/// debugger answers with arrays of status lines, printed raw and coloured by
/// their tag on an xterm; the `<endsession>` line is not printed but ends
/// the session (the EVAL's own reply follows it on the connection).
public struct LuaDebuggerOutput {
    /// Colours only where redis-cli uses them: a TERM naming an xterm.
    public let colors: Bool

    public init(term: String?) {
        colors = term?.contains("xterm") == true
    }

    /// The reply's raw form with its trailing newline, and whether it ended the session.
    public func format(_ v: RESPValue) -> (bytes: [UInt8], endedSession: Bool) {
        var out: [UInt8] = []
        var ended = false
        append(v, to: &out, ended: &ended)
        out.append(10)
        return (out, ended)
    }

    private func append(_ v: RESPValue, to out: inout [UInt8], ended: inout Bool) {
        switch v {
        case .simpleString(let line):
            if line.starts(with: Self.endSession) {
                ended = true
            } else {
                appendColored(line, to: &out)
            }
        case .array(.some(let items)), .set(let items), .push(let items):
            for (i, e) in items.enumerated() {
                if i > 0 { out.append(10) }
                append(e, to: &out, ended: &ended)
            }
        default:
            ReplyFormatter.appendRaw(v, to: &out)
        }
    }

    /// redis-cli picks the colour by the tags the line contains anywhere
    /// (the last matching test wins), then by the list marker of source lines.
    private func appendColored(_ line: [UInt8], to out: inout [UInt8]) {
        guard colors else { out += line; return }
        let text = line.prefix { $0 != 0 }
        var color = "white"
        for (tag, c) in Self.tagColors where contains(text, tag) { color = c }
        if line.count > 4, line[3] >= 48 && line[3] <= 57 {
            if line[1] == UInt8(ascii: ">") {
                color = "yellow"
            } else if line[2] == UInt8(ascii: "#") {
                color = "bold"
            }
        }
        let bold = color == "bold" ? 1 : 0
        let code = Self.colorCodes[color] ?? 37
        out += Array("\u{1b}[\(bold);\(code);49m".utf8)
        out += line
        out += Array("\u{1b}[0m".utf8)
    }

    private func contains(_ text: ArraySlice<UInt8>, _ tag: [UInt8]) -> Bool {
        guard text.count >= tag.count else { return false }
        var i = text.startIndex
        while i + tag.count <= text.endIndex {
            if text[i..<(i + tag.count)].elementsEqual(tag) { return true }
            i += 1
        }
        return false
    }

    private static let endSession = Array("<endsession>".utf8)
    private static let tagColors: [([UInt8], String)] = [
        ("<debug>", "bold"), ("<redis>", "green"), ("<reply>", "cyan"), ("<error>", "red"),
        ("<hint>", "bold"), ("<value>", "magenta"), ("<retval>", "magenta"),
    ].map { (Array($0.0.utf8), $0.1) }
    private static let colorCodes = ["red": 31, "green": 32, "yellow": 33, "magenta": 35, "cyan": 36, "white": 37]
}
