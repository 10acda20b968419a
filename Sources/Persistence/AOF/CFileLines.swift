/// C stdio's reading as the AOF code uses it, over bytes in memory: fgets
/// with a fixed buffer, fread, and the number parsing (atoi, strtol) applied
/// to what fgets returned. Offsets are ftello's.
struct CFileLines {
    let bytes: [UInt8]
    var pos: Int

    init(_ bytes: [UInt8], at pos: Int = 0) {
        self.bytes = bytes
        self.pos = pos
    }

    var atEOF: Bool { pos >= bytes.count }

    /// fgets(buf, size): at most size-1 bytes, through the newline; nil at EOF.
    /// A read that hit the end of the data also sets feof.
    mutating func fgets(_ size: Int) -> [UInt8]? {
        guard pos < bytes.count else {
            eofSeen = true
            return nil
        }
        var end = pos
        while end < bytes.count && end - pos < size - 1 {
            end += 1
            if bytes[end - 1] == 10 { break }
        }
        if end == bytes.count && bytes[end - 1] != 10 { eofSeen = true }
        let line = Array(bytes[pos..<end])
        pos = end
        return line
    }

    /// fread(n): the bytes read (fewer at the end of the data, which sets feof).
    mutating func fread(_ n: Int) -> ArraySlice<UInt8> {
        let end = min(bytes.count, pos + max(0, n))
        if end - pos < n { eofSeen = true }
        let out = bytes[pos..<end]
        pos = end
        return out
    }

    /// feof: a read ran into the end.
    private(set) var eofSeen = false

    /// The C string fgets produced: it ends at the first NUL.
    static func cString(_ line: [UInt8]) -> ArraySlice<UInt8> {
        line.prefix { $0 != 0 }[...]
    }

    /// strtol(s, &end, 10) on a C string: the value and where parsing stopped.
    static func strtol(_ s: ArraySlice<UInt8>) -> (value: Int, end: Int) {
        let r = strtolReportingRange(s)
        return (r.value, r.end)
    }

    /// strtol, and whether it set errno to ERANGE (the value clamped).
    static func strtolReportingRange(_ s: ArraySlice<UInt8>) -> (value: Int, end: Int, overflow: Bool) {
        var i = s.startIndex
        while i < s.endIndex && (s[i] == 32 || (9...13).contains(s[i])) { i += 1 }
        var negative = false
        let signAt = i
        if i < s.endIndex && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) {
            negative = s[i] == UInt8(ascii: "-")
            i += 1
        }
        let digitsStart = i
        var v = 0
        var overflow = false
        while i < s.endIndex, (48...57).contains(s[i]) {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(s[i] - 48))
            if o1 || o2 { overflow = true } else { v = a }
            i += 1
        }
        if i == digitsStart { return (0, signAt == s.startIndex ? s.startIndex : s.startIndex, false) }
        if overflow { return (negative ? Int.min : Int.max, i, true) }
        return (negative ? -v : v, i, false)
    }

    /// atoi: strtol's value truncated to an int, as glibc's atoi does.
    static func atoi(_ s: ArraySlice<UInt8>) -> Int32 {
        Int32(truncatingIfNeeded: strtol(s).value)
    }
}
