/// Tokens of Lua 5.1.
enum Tok: Equatable, Sendable {
    case eof
    case name(LuaString)
    case string(LuaString)
    case number(Double)
    // keywords
    case kAnd, kBreak, kDo, kElse, kElseif, kEnd, kFalse, kFor, kFunction, kIf, kIn
    case kLocal, kNil, kNot, kOr, kRepeat, kReturn, kThen, kTrue, kUntil, kWhile
    // multi-char operators
    case concat, dots, eq, ge, le, ne
    /// single-character operators and punctuation
    case char(UInt8)
}

let keywords: [String: Tok] = [
    "and": .kAnd, "break": .kBreak, "do": .kDo, "else": .kElse, "elseif": .kElseif, "end": .kEnd,
    "false": .kFalse, "for": .kFor, "function": .kFunction, "if": .kIf, "in": .kIn, "local": .kLocal,
    "nil": .kNil, "not": .kNot, "or": .kOr, "repeat": .kRepeat, "return": .kReturn, "then": .kThen,
    "true": .kTrue, "until": .kUntil, "while": .kWhile,
]

func tokText(_ t: Tok) -> String {
    switch t {
    case .eof: return "<eof>"
    case .name(let s), .string(let s): return s.description
    case .number(let d): return LuaNumber.format(d)
    case .concat: return ".."
    case .dots: return "..."
    case .eq: return "=="
    case .ge: return ">="
    case .le: return "<="
    case .ne: return "~="
    case .char(let c):
        if c < 32 { return "char(\(c))" }
        return String(UnicodeScalar(c))
    default:
        for (k, v) in keywords where v == t { return k }
        return "?"
    }
}

/// The scanner: bytes to tokens, with Lua 5.1's error texts
/// (`chunk:line: msg near 'text'`).
struct Lexer {
    let src: [UInt8]
    let chunk: String
    var pos = 0
    var line = 1
    /// The source text of the current token, for `near '...'`.
    var tokStart = 0
    var tok: Tok = .eof
    var tokLine = 1
    var ahead: (Tok, Int, Int)? = nil

    init(_ src: [UInt8], chunk: String) {
        self.src = src
        self.chunk = chunk
        // a first line starting with '#' is skipped (shebangs)
        if src.first == UInt8(ascii: "#") {
            while pos < src.count && src[pos] != 10 { pos += 1 }
        }
    }

    @inline(__always) func peekByte(_ o: Int = 0) -> UInt8 { pos + o < src.count ? src[pos + o] : 0 }
    var atEnd: Bool { pos >= src.count }

    func error(_ msg: String, near: String?) -> LuaError {
        if let n = near { return .value(.str("\(chunk):\(line): \(msg) near '\(n)'")) }
        return .value(.str("\(chunk):\(line): \(msg)"))
    }

    func currentText() -> String {
        switch tok {
        case .eof: return "<eof>"
        case .name, .string, .number:
            return String(decoding: src[tokStart..<min(pos, src.count)], as: UTF8.self)
        default: return tokText(tok)
        }
    }

    mutating func next() throws {
        if let a = ahead { tok = a.0; tokStart = a.1; line = a.2; ahead = nil; return }
        tok = try scan()
    }

    mutating func lookahead() throws -> Tok {
        if let a = ahead { return a.0 }
        let saveTok = tok, saveStart = tokStart
        let t = try scan()
        ahead = (t, tokStart, line)
        tok = saveTok; tokStart = saveStart
        return t
    }

    private mutating func newline() {
        let c = src[pos]
        pos += 1
        if pos < src.count && (src[pos] == 10 || src[pos] == 13) && src[pos] != c { pos += 1 }
        line += 1
    }

    private mutating func scan() throws -> Tok {
        while true {
            tokStart = pos
            guard pos < src.count else { return .eof }
            let c = src[pos]
            switch c {
            case 10, 13: newline()
            case 32, 9, 11, 12: pos += 1
            case UInt8(ascii: "-"):
                if peekByte(1) != UInt8(ascii: "-") { pos += 1; return .char(c) }
                pos += 2
                if peekByte() == UInt8(ascii: "["), let level = longBracketLevel() {
                    _ = try longString(level: level, isComment: true)
                } else {
                    while pos < src.count && src[pos] != 10 && src[pos] != 13 { pos += 1 }
                }
            case UInt8(ascii: "["):
                if let level = longBracketLevel() {
                    return .string(LuaString(try longString(level: level, isComment: false)))
                }
                if peekByte(1) == UInt8(ascii: "=") {
                    // '[=' without a second '['
                    var p = pos + 1; while p < src.count && src[p] == UInt8(ascii: "=") { p += 1 }
                    pos = p
                    throw error("invalid long string delimiter", near: String(decoding: src[tokStart..<pos], as: UTF8.self))
                }
                pos += 1; return .char(c)
            case UInt8(ascii: "="):
                pos += 1; if peekByte() == UInt8(ascii: "=") { pos += 1; return .eq }; return .char(c)
            case UInt8(ascii: "<"):
                pos += 1; if peekByte() == UInt8(ascii: "=") { pos += 1; return .le }; return .char(c)
            case UInt8(ascii: ">"):
                pos += 1; if peekByte() == UInt8(ascii: "=") { pos += 1; return .ge }; return .char(c)
            case UInt8(ascii: "~"):
                pos += 1; if peekByte() == UInt8(ascii: "=") { pos += 1; return .ne }; return .char(c)
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                return .string(LuaString(try quotedString(c)))
            case UInt8(ascii: "."):
                if peekByte(1) == UInt8(ascii: ".") {
                    if peekByte(2) == UInt8(ascii: ".") { pos += 3; return .dots }
                    pos += 2; return .concat
                }
                if isDigit(peekByte(1)) { return try numeral() }
                pos += 1; return .char(c)
            default:
                if isDigit(c) { return try numeral() }
                if isAlpha(c) {
                    while pos < src.count && isAlnum(src[pos]) { pos += 1 }
                    let s = String(decoding: src[tokStart..<pos], as: UTF8.self)
                    if let k = keywords[s] { return k }
                    return .name(LuaString(Array(src[tokStart..<pos])))
                }
                pos += 1
                return .char(c)
            }
        }
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) func isAlpha(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
    @inline(__always) func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }

    private mutating func numeral() throws -> Tok {
        while pos < src.count && (isDigit(src[pos]) || src[pos] == UInt8(ascii: ".")) { pos += 1 }
        if pos < src.count && (src[pos] == UInt8(ascii: "e") || src[pos] == UInt8(ascii: "E")) {
            pos += 1
            if pos < src.count && (src[pos] == UInt8(ascii: "+") || src[pos] == UInt8(ascii: "-")) { pos += 1 }
        }
        while pos < src.count && (isAlnum(src[pos]) || src[pos] == UInt8(ascii: ".")) { pos += 1 }
        let text = Array(src[tokStart..<pos])
        guard let d = LuaNumber.parse(text) else {
            throw error("malformed number", near: String(decoding: text, as: UTF8.self))
        }
        return .number(d)
    }

    /// At '[': the level of a long bracket `[==[`, or nil.
    private func longBracketLevel() -> Int? {
        var p = pos + 1, level = 0
        while p < src.count && src[p] == UInt8(ascii: "=") { level += 1; p += 1 }
        if p < src.count && src[p] == UInt8(ascii: "[") { return level }
        return nil
    }

    private mutating func longString(level: Int, isComment: Bool) throws -> [UInt8] {
        pos += level + 2
        if pos < src.count && (src[pos] == 10 || src[pos] == 13) { newline() }
        var out: [UInt8] = []
        while true {
            guard pos < src.count else {
                tokStart = src.count
                throw error(isComment ? "unfinished long comment" : "unfinished long string", near: "<eof>")
            }
            let c = src[pos]
            if c == UInt8(ascii: "]") {
                var p = pos + 1, l = 0
                while p < src.count && src[p] == UInt8(ascii: "=") { l += 1; p += 1 }
                if l == level && p < src.count && src[p] == UInt8(ascii: "]") {
                    pos = p + 1
                    return out
                }
                out.append(c); pos += 1
            } else if c == 10 || c == 13 {
                newline()
                if !isComment { out.append(10) }
            } else {
                if !isComment { out.append(c) }
                pos += 1
            }
        }
    }

    private mutating func quotedString(_ q: UInt8) throws -> [UInt8] {
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < src.count else {
                throw error("unfinished string", near: "<eof>")
            }
            let c = src[pos]
            if c == q { pos += 1; return out }
            if c == 10 || c == 13 {
                throw error("unfinished string", near: String(decoding: [q] + out, as: UTF8.self))
            }
            if c == UInt8(ascii: "\\") {
                pos += 1
                guard pos < src.count else { continue }
                let e = src[pos]
                switch e {
                case UInt8(ascii: "a"): out.append(7); pos += 1
                case UInt8(ascii: "b"): out.append(8); pos += 1
                case UInt8(ascii: "f"): out.append(12); pos += 1
                case UInt8(ascii: "n"): out.append(10); pos += 1
                case UInt8(ascii: "r"): out.append(13); pos += 1
                case UInt8(ascii: "t"): out.append(9); pos += 1
                case UInt8(ascii: "v"): out.append(11); pos += 1
                case 10, 13: out.append(10); newline()
                default:
                    if isDigit(e) {
                        var v = 0, k = 0
                        while k < 3 && pos < src.count && isDigit(src[pos]) { v = v * 10 + Int(src[pos] - 48); pos += 1; k += 1 }
                        if v > 255 {
                            throw error("escape sequence too large", near: String(decoding: [q] + out, as: UTF8.self))
                        }
                        out.append(UInt8(v))
                    } else {
                        out.append(e); pos += 1
                    }
                }
                continue
            }
            out.append(c)
            pos += 1
        }
    }
}
