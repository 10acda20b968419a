/// Redis's glob matcher (util.c stringmatchlen, 7.0), byte for byte:
/// `*`, `?`, `[...]`, `[^...]`, ranges `[a-z]` (either order), `\` escapes,
/// and the same quirks — an unterminated `[` class ends at the pattern's end,
/// bytes compare as C's signed `char`, and recursion deeper than 1000 stars
/// gives up with "no match" (Redis's guard against abusive patterns).
/// Used by CONFIG GET, KEYS, SCAN MATCH, PSUBSCRIBE and the sentinel (SENTINEL RESET, CONFIG GET).
public func stringMatch(pattern: [UInt8], string: [UInt8], nocase: Bool) -> Bool {
    pattern.withUnsafeBufferPointer { p in
        string.withUnsafeBufferPointer { s in
            stringMatch(pattern: p, string: s, nocase: nocase)
        }
    }
}

/// Same as above, on buffers the caller already holds (no copies on the hot path).
public func stringMatch(pattern: UnsafeBufferPointer<UInt8>, string: UnsafeBufferPointer<UInt8>, nocase: Bool) -> Bool {
    var skipLongerMatches = false
    return globMatch(pattern, 0, string, 0, nocase, &skipLongerMatches, 0)
}

/// C's `tolower` on a (signed) char in the C locale: only A-Z change.
@inline(__always) private func lower(_ c: Int) -> Int {
    (c >= 65 && c <= 90) ? c + 32 : c
}

/// The byte as Redis sees it through a signed `char`.
@inline(__always) private func sch(_ b: UInt8) -> Int { Int(Int8(bitPattern: b)) }

private func globMatch(_ pat: UnsafeBufferPointer<UInt8>, _ p0: Int,
                       _ str: UnsafeBufferPointer<UInt8>, _ s0: Int,
                       _ nocase: Bool, _ skipLongerMatches: inout Bool, _ nesting: Int) -> Bool {
    if nesting > 1000 { return false }
    var p = p0, s = s0
    let pend = pat.count, send = str.count
    // Reading one past the end sees the C string's terminating NUL.
    @inline(__always) func pc(_ i: Int) -> UInt8 { i < pend ? pat[i] : 0 }

    while p < pend && s < send {
        switch pat[p] {
        case UInt8(ascii: "*"):
            while p + 1 < pend && pat[p + 1] == UInt8(ascii: "*") { p += 1 }
            if p + 1 == pend { return true }
            while s < send {
                if globMatch(pat, p + 1, str, s, nocase, &skipLongerMatches, nesting + 1) { return true }
                if skipLongerMatches { return false }
                s += 1
            }
            // No match for the rest anywhere in the remaining string: a longer
            // match for an earlier star cannot help either.
            skipLongerMatches = true
            return false
        case UInt8(ascii: "?"):
            s += 1
        case UInt8(ascii: "["):
            p += 1
            let not = pc(p) == UInt8(ascii: "^")
            if not { p += 1 }
            var match = false
            while true {
                if pc(p) == UInt8(ascii: "\\") && pend - p >= 2 {
                    p += 1
                    if pat[p] == str[s] { match = true }
                } else if pc(p) == UInt8(ascii: "]") {
                    break
                } else if p >= pend {
                    p -= 1
                    break
                } else if pend - p >= 3 && pat[p + 1] == UInt8(ascii: "-") {
                    var start = sch(pat[p]), end = sch(pat[p + 2]), c = sch(str[s])
                    if start > end { swap(&start, &end) }
                    if nocase { start = lower(start); end = lower(end); c = lower(c) }
                    p += 2
                    if c >= start && c <= end { match = true }
                } else if !nocase {
                    if pat[p] == str[s] { match = true }
                } else if lower(sch(pat[p])) == lower(sch(str[s])) {
                    match = true
                }
                p += 1
            }
            if not { match = !match }
            if !match { return false }
            s += 1
        default:
            if pat[p] == UInt8(ascii: "\\") && pend - p >= 2 { p += 1 }
            if !nocase {
                if pat[p] != str[s] { return false }
            } else if lower(sch(pat[p])) != lower(sch(str[s])) {
                return false
            }
            s += 1
        }
        p += 1
        if s == send {
            while p < pend && pat[p] == UInt8(ascii: "*") { p += 1 }
            break
        }
    }
    return p >= pend && s == send
}
