/// SORT's BY and GET patterns (Redis's lookupKeyByPattern): the first '*' is
/// replaced by the element; "key->field" reads a hash field; "#" is the element.
///
/// Redis scans the pattern with strchr/strstr, which stop at a NUL byte, while
/// the key and field take the pattern's full length: the same rules apply here.
public enum SortPattern {
    /// The length of the pattern as a C string.
    @inline(__always)
    public static func cLength(_ p: [UInt8]) -> Int { p.firstIndex(of: 0) ?? p.count }

    /// True when the pattern names a key per element (BY without '*' skips sorting).
    public static func hasStar(_ p: [UInt8]) -> Bool { p[0..<cLength(p)].contains(0x2A) }

    /// The value the pattern designates for `element`, read with lookupKeyRead
    /// (lazy expiry, hit/miss statistics); nil when absent or of another type.
    public static func lookup(_ db: Database, _ pattern: [UInt8], _ element: [UInt8]) -> [UInt8]? {
        if pattern.first == 0x23 && (pattern.count == 1 || pattern[1] == 0) { return element }
        let clen = cLength(pattern)
        guard let star = pattern[0..<clen].firstIndex(of: 0x2A) else { return nil }
        var arrow: Int? = nil
        var i = star + 1
        while i + 1 < clen {
            if pattern[i] == 0x2D && pattern[i + 1] == 0x3E {
                arrow = i
                break
            }
            i += 1
        }
        // "->" at the very end is part of the key name, not an empty field.
        if let a = arrow, a + 2 >= clen { arrow = nil }
        let fieldLength = arrow.map { pattern.count - $0 - 2 } ?? 0
        let postfix = pattern.count - (star + 1) - (arrow == nil ? 0 : fieldLength + 2)
        var key: [UInt8] = []
        key.reserveCapacity(star + element.count + postfix)
        key += pattern[0..<star]
        key += element
        key += pattern[(star + 1)..<(star + 1 + postfix)]
        guard let v = db.lookupRead(Key(key)) else { return nil }
        if let a = arrow {
            guard case .hash(let h) = v else { return nil }
            return h.get(Array(pattern[(a + 2)...]))
        }
        guard case .string(let s) = v else { return nil }
        return s.bytes
    }
}
