/// Lua 5.1's pattern matcher (lstrlib.c), on byte arrays.
struct PatternMatcher {
    static let maxCaptures = 32
    static let capUnfinished = -1
    static let capPosition = -2

    let src: [UInt8]
    let pat: [UInt8]
    var level = 0
    var capStart = [Int](repeating: 0, count: maxCaptures)
    var capLen = [Int](repeating: 0, count: maxCaptures)
    var depth = 0

    init(src: [UInt8], pat: [UInt8]) { self.src = src; self.pat = pat }

    static func err(_ m: String) -> LuaError { .message(m) }

    func classEnd(_ p: Int) throws -> Int {
        var p = p
        let c = pat[p]; p += 1
        if c == UInt8(ascii: "%") {
            if p >= pat.count { throw PatternMatcher.err("malformed pattern (ends with '%')") }
            return p + 1
        }
        if c == UInt8(ascii: "[") {
            if p < pat.count && pat[p] == UInt8(ascii: "^") { p += 1 }
            repeat {
                if p >= pat.count { throw PatternMatcher.err("malformed pattern (missing ']')") }
                let cc = pat[p]; p += 1
                if cc == UInt8(ascii: "%") {
                    if p >= pat.count { throw PatternMatcher.err("malformed pattern (missing ']')") }
                    p += 1
                }
            } while p >= pat.count || pat[p] != UInt8(ascii: "]")
            return p + 1
        }
        return p
    }

    static func matchClass(_ c: UInt8, _ cl: UInt8) -> Bool {
        let res: Bool
        let lower = cl | 0x20
        switch lower {
        case UInt8(ascii: "a"): res = isalpha(c)
        case UInt8(ascii: "c"): res = c < 32 || c == 127
        case UInt8(ascii: "d"): res = c >= 48 && c <= 57
        case UInt8(ascii: "l"): res = c >= 97 && c <= 122
        case UInt8(ascii: "p"): res = ispunct(c)
        case UInt8(ascii: "s"): res = c == 32 || (c >= 9 && c <= 13)
        case UInt8(ascii: "u"): res = c >= 65 && c <= 90
        case UInt8(ascii: "w"): res = isalpha(c) || (c >= 48 && c <= 57)
        case UInt8(ascii: "x"): res = (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 102)
        case UInt8(ascii: "z"): res = c == 0
        default: return cl == c
        }
        if cl >= 65 && cl <= 90 { return !res }
        return res
    }

    static func isalpha(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
    static func ispunct(_ c: UInt8) -> Bool { c > 32 && c < 127 && !isalpha(c) && !(c >= 48 && c <= 57) }

    func matchBracketClass(_ c: UInt8, _ pStart: Int, _ ec: Int) -> Bool {
        var p = pStart + 1
        var sig = true
        if pat[p] == UInt8(ascii: "^") { sig = false; p += 1 }
        while p < ec {
            if pat[p] == UInt8(ascii: "%") {
                p += 1
                if PatternMatcher.matchClass(c, pat[p]) { return sig }
            } else if p + 2 < ec && pat[p + 1] == UInt8(ascii: "-") {
                if pat[p] <= c && c <= pat[p + 2] { return sig }
                p += 2
            } else if pat[p] == c {
                return sig
            }
            p += 1
        }
        return !sig
    }

    func singleMatch(_ s: Int, _ p: Int, _ ep: Int) -> Bool {
        if s >= src.count { return false }
        let c = src[s]
        switch pat[p] {
        case UInt8(ascii: "."): return true
        case UInt8(ascii: "%"): return PatternMatcher.matchClass(c, pat[p + 1])
        case UInt8(ascii: "["): return matchBracketClass(c, p, ep - 1)
        default: return pat[p] == c
        }
    }

    mutating func match(_ sIn: Int, _ pIn: Int) throws -> Int? {
        depth += 1
        defer { depth -= 1 }
        if depth > 1000 { throw PatternMatcher.err("pattern too complex") }
        var s = sIn, p = pIn
        while true {
            if p >= pat.count { return s }
            switch pat[p] {
            case UInt8(ascii: "("):
                if p + 1 < pat.count && pat[p + 1] == UInt8(ascii: ")") {
                    return try startCapture(s, p + 2, PatternMatcher.capPosition)
                }
                return try startCapture(s, p + 1, PatternMatcher.capUnfinished)
            case UInt8(ascii: ")"):
                return try endCapture(s, p + 1)
            case UInt8(ascii: "%") where p + 1 < pat.count && pat[p + 1] == UInt8(ascii: "b"):
                guard let e = try matchBalance(s, p + 2) else { return nil }
                s = e; p += 4
                continue
            case UInt8(ascii: "%") where p + 1 < pat.count && pat[p + 1] == UInt8(ascii: "f"):
                p += 2
                if p >= pat.count || pat[p] != UInt8(ascii: "[") {
                    throw PatternMatcher.err("missing '[' after '%f' in pattern")
                }
                let ep = try classEnd(p)
                let prev: UInt8 = s == 0 ? 0 : src[s - 1]
                let cur: UInt8 = s < src.count ? src[s] : 0
                if !matchBracketClass(prev, p, ep - 1) && matchBracketClass(cur, p, ep - 1) {
                    p = ep
                    continue
                }
                return nil
            case UInt8(ascii: "%") where p + 1 < pat.count && pat[p + 1] >= 48 && pat[p + 1] <= 57:
                guard let e = try matchCapture(s, Int(pat[p + 1])) else { return nil }
                s = e; p += 2
                continue
            case UInt8(ascii: "$") where p + 1 == pat.count:
                return s == src.count ? s : nil
            default:
                let ep = try classEnd(p)
                let m = singleMatch(s, p, ep)
                if ep < pat.count {
                    switch pat[ep] {
                    case UInt8(ascii: "?"):
                        if m, let r = try match(s + 1, ep + 1) { return r }
                        p = ep + 1
                        continue
                    case UInt8(ascii: "*"):
                        return try maxExpand(s, p, ep)
                    case UInt8(ascii: "+"):
                        return m ? try maxExpand(s + 1, p, ep) : nil
                    case UInt8(ascii: "-"):
                        return try minExpand(s, p, ep)
                    default: break
                    }
                }
                if !m { return nil }
                s += 1; p = ep
            }
        }
    }

    mutating func maxExpand(_ s: Int, _ p: Int, _ ep: Int) throws -> Int? {
        var i = 0
        while singleMatch(s + i, p, ep) { i += 1 }
        while i >= 0 {
            if let r = try match(s + i, ep + 1) { return r }
            i -= 1
        }
        return nil
    }

    mutating func minExpand(_ s: Int, _ p: Int, _ ep: Int) throws -> Int? {
        var s = s
        while true {
            if let r = try match(s, ep + 1) { return r }
            if singleMatch(s, p, ep) { s += 1 } else { return nil }
        }
    }

    mutating func startCapture(_ s: Int, _ p: Int, _ what: Int) throws -> Int? {
        if level >= PatternMatcher.maxCaptures { throw PatternMatcher.err("too many captures") }
        capStart[level] = s
        capLen[level] = what
        level += 1
        let r = try match(s, p)
        if r == nil { level -= 1 }
        return r
    }

    mutating func endCapture(_ s: Int, _ p: Int) throws -> Int? {
        let l = try captureToClose()
        capLen[l] = s - capStart[l]
        let r = try match(s, p)
        if r == nil { capLen[l] = PatternMatcher.capUnfinished }
        return r
    }

    func captureToClose() throws -> Int {
        var l = level - 1
        while l >= 0 {
            if capLen[l] == PatternMatcher.capUnfinished { return l }
            l -= 1
        }
        throw PatternMatcher.err("invalid pattern capture")
    }

    func matchBalance(_ s: Int, _ p: Int) throws -> Int? {
        if p + 1 >= pat.count { throw PatternMatcher.err("unbalanced pattern") }
        if s >= src.count || src[s] != pat[p] { return nil }
        let b = pat[p], e = pat[p + 1]
        var cont = 1
        var i = s + 1
        while i < src.count {
            let c = src[i]
            if c == e {
                cont -= 1
                if cont == 0 { return i + 1 }
            } else if c == b {
                cont += 1
            }
            i += 1
        }
        return nil
    }

    func checkCapture(_ l: Int) throws -> Int {
        let l = l - Int(UInt8(ascii: "1"))
        if l < 0 || l >= level || capLen[l] == PatternMatcher.capUnfinished {
            throw PatternMatcher.err("invalid capture index")
        }
        return l
    }

    func matchCapture(_ s: Int, _ l: Int) throws -> Int? {
        let l = try checkCapture(l)
        let len = capLen[l]
        if src.count - s >= len && Array(src[capStart[l]..<capStart[l] + len]) == Array(src[s..<s + len]) {
            return s + len
        }
        return nil
    }

    /// Capture `i` (or the whole match when there are none and i == 0).
    func capture(_ i: Int, _ s: Int, _ e: Int) throws -> LuaValue {
        if i >= level {
            if i == 0 { return .str(Array(src[s..<e])) }
            throw PatternMatcher.err("invalid capture index")
        }
        let l = capLen[i]
        if l == PatternMatcher.capUnfinished { throw PatternMatcher.err("unfinished capture") }
        if l == PatternMatcher.capPosition { return .number(Double(capStart[i] + 1)) }
        return .str(Array(src[capStart[i]..<capStart[i] + l]))
    }

    func captures(_ s: Int, _ e: Int, wholeIfNone: Bool) throws -> [LuaValue] {
        let n = (level == 0 && wholeIfNone) ? 1 : level
        var out: [LuaValue] = []
        for i in 0..<n { out.append(try capture(i, s, e)) }
        return out
    }
}
