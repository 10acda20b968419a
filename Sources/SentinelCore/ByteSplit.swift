/// Splits `s` at every occurrence of the bytes `separator`, keeping empty
/// pieces, as sentinel.c splits INFO at "\r\n" and hellos at "," (on bytes).
/// String.split compares Characters, which was a fifth of a simulated run.
/// The pieces are the same, except after a "," followed by a combining mark:
/// String.split sees one Character there, C (and this) splits the bytes.
func splitBytes(_ s: String, _ separator: [UInt8]) -> [Substring] {
    precondition(!separator.isEmpty)
    let u = s.utf8
    var out: [Substring] = []
    var start = u.startIndex, i = u.startIndex
    while i != u.endIndex {
        var j = i, k = 0
        while k < separator.count && j != u.endIndex && u[j] == separator[k] {
            j = u.index(after: j)
            k += 1
        }
        if k == separator.count {
            out.append(s[start..<i])
            start = j
            i = j
        } else {
            i = u.index(after: i)
        }
    }
    out.append(s[start..<u.endIndex])
    return out
}
