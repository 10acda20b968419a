import Glibc

/// The small sorted set: (member, score) entries in one malloc'd block, kept
/// in (score, member) order, as Redis's listpack encoding. No Swift array
/// header and no per-entry objects: 100,000 ten-element sets must stay within
/// 1.3x of Redis's RSS (issue 5). The block starts with the payload size (4
/// bytes); the entry count is found by walking (at most a few hundred
/// entries), which keeps the block one malloc size class smaller in the
/// common cases. This is a view: SortedSetValue owns and frees the block.
///
/// Entry: member length (1 byte below 128, 2 bytes below 16384, else 0xC0 and
/// 4 bytes), member bytes, then the score: one byte 0...240 for that integer,
/// 0xF1...0xF8 for an integer in 1...8 little-endian bytes (sign-extended),
/// 0xFA...0xFF for m / 10^k (k = 1...6, m a zigzag varint) when that
/// division gives back exactly the score (1.5 takes 2 bytes, as "1.5" takes
/// 5 in a Redis listpack), else 0xF9 and the double's 8 bytes. A score is stored as an integer exactly when
/// Redis's double2ll would store it as one (so -0 reads back as 0, as in a
/// Redis listpack, and ZSCAN prints such scores as integers).
public struct ZPacked {
    public static let headerSize = 4
    /// The malloc'd block, nil while empty.
    public var block: UnsafeMutableRawPointer?

    public init(block: UnsafeMutableRawPointer? = nil) { self.block = block }

    /// The first entry.
    @inline(__always)
    public var base: UnsafeMutablePointer<UInt8>? {
        block.map { ($0 + Self.headerSize).assumingMemoryBound(to: UInt8.self) }
    }

    /// Payload bytes.
    @inline(__always)
    public var used: Int { block.map { Int($0.load(as: UInt32.self)) } ?? 0 }

    /// Entries, counted by walking.
    public var count: Int {
        guard let b = base else { return 0 }
        var off = 0, n = 0
        let end = used
        while off < end {
            off = Self.entry(b, off).next
            n += 1
        }
        return n
    }

    /// Usable sizes that fill glibc malloc chunks (16-byte steps, 8 bytes of
    /// chunk header) while small, then eighths of a power of two: no slack
    /// beyond what malloc would round to anyway, and few reallocs.
    @inline(__always)
    public static func capacity(for payload: Int) -> Int {
        let n = payload + headerSize
        if n <= 1024 { return max(24, ((n + 8 + 15) & ~15) - 8) }
        let shift = (Int.bitWidth - (n - 1).leadingZeroBitCount) - 3
        let step = 1 << shift
        return (n + step - 1) & ~(step - 1)
    }

    /// Makes room for `newUsed` payload bytes (the header is the caller's).
    public mutating func resize(to newUsed: Int) {
        if newUsed == 0 {
            free(block)
            block = nil
            return
        }
        let old = block == nil ? 0 : Self.capacity(for: used), new = Self.capacity(for: newUsed)
        if block == nil || old != new {
            let hadBlock = block != nil
            block = realloc(block, new)!
            if !hadBlock { block!.storeBytes(of: 0, as: UInt32.self) }
        }
    }

    @inline(__always)
    private mutating func setUsed(_ n: Int) {
        block?.storeBytes(of: UInt32(n), as: UInt32.self)
    }

    /// A new block with the same entries.
    public func copy() -> ZPacked {
        guard let src = block else { return ZPacked() }
        let size = Self.capacity(for: used)
        let b = malloc(size)!
        memcpy(b, src, used + Self.headerSize)
        return ZPacked(block: b)
    }

    public mutating func release() {
        free(block)
        block = nil
    }

    // MARK: entry codec

    /// Redis's double2ll: the integer a listpack would store, if any.
    @inline(__always)
    public static func integerScore(_ d: Double) -> Int64? {
        // LLONG_MAX/2 in C is an integer division, converted to double for the compare.
        let limit = Double(Int64.max / 2)
        if d < -limit || d > limit || d.isNaN { return nil }
        let ll = Int64(d)
        return Double(ll) == d ? ll : nil
    }

    @inline(__always)
    public static func lengthHeaderSize(_ len: Int) -> Int { len < 0x80 ? 1 : (len < 0x4000 ? 2 : 5) }

    @inline(__always)
    public static func scoreSize(_ d: Double) -> Int {
        guard let v = integerScore(d) else {
            if let (m, _) = decimalScore(d) { return 1 + varintSize(zigzag(m)) }
            return 9
        }
        if v >= 0 && v <= 240 { return 1 }
        return 1 + intBytes(v)
    }

    public static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]

    /// (m, k) with m / 10^k == d exactly (a correctly rounded division of
    /// two exact values), for the fewest decimals k in 1...6.
    public static func decimalScore(_ d: Double) -> (Int64, Int)? {
        guard d.isFinite else { return nil }
        for k in 1...6 {
            let t = (d * powersOfTen[k]).rounded()
            if abs(t) >= 9007199254740992 { return nil }
            let m = Int64(t)
            if Double(m) / powersOfTen[k] == d { return (m, k) }
        }
        return nil
    }

    @inline(__always) public static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always) public static func unzigzag(_ u: UInt64) -> Int64 { Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1) }

    @inline(__always)
    public static func varintSize(_ u: UInt64) -> Int {
        var n = 1, v = u >> 7
        while v != 0 { n += 1; v >>= 7 }
        return n
    }

    /// Bytes needed for `v` as a sign-extended little-endian integer.
    @inline(__always)
    public static func intBytes(_ v: Int64) -> Int {
        var n = 1
        while n < 8 {
            let shift = Int64(n * 8 - 1)
            let lo = -(Int64(1) << shift), hi = (Int64(1) << shift) - 1
            if v >= lo && v <= hi { break }
            n += 1
        }
        return n
    }

    public static func entrySize(memberLength: Int, score: Double) -> Int {
        lengthHeaderSize(memberLength) + memberLength + scoreSize(score)
    }

    /// Writes an entry at `p` (room already made).
    public static func writeEntry(_ p: UnsafeMutablePointer<UInt8>, _ member: UnsafeRawBufferPointer, _ score: Double) {
        let len = member.count
        var o = 0
        if len < 0x80 {
            p[0] = UInt8(len)
            o = 1
        } else if len < 0x4000 {
            p[0] = 0x80 | UInt8(len >> 8)
            p[1] = UInt8(len & 0xFF)
            o = 2
        } else {
            p[0] = 0xC0
            UnsafeMutableRawPointer(p + 1).storeBytes(of: UInt32(len).littleEndian, as: UInt32.self)
            o = 5
        }
        if len > 0 { memcpy(p + o, member.baseAddress!, len) }
        o += len
        if let v = integerScore(score) {
            if v >= 0 && v <= 240 {
                p[o] = UInt8(v)
            } else {
                let n = intBytes(v)
                p[o] = 0xF0 + UInt8(n)
                var u = UInt64(bitPattern: v)
                for i in 0..<n {
                    p[o + 1 + i] = UInt8(truncatingIfNeeded: u)
                    u >>= 8
                }
            }
        } else if let (m, k) = decimalScore(score) {
            p[o] = 0xF9 + UInt8(k)
            var u = zigzag(m)
            var i = o + 1
            while u >= 0x80 {
                p[i] = UInt8(truncatingIfNeeded: u) | 0x80
                u >>= 7
                i += 1
            }
            p[i] = UInt8(u)
        } else {
            p[o] = 0xF9
            UnsafeMutableRawPointer(p + o + 1).storeBytes(of: score.bitPattern.littleEndian, as: UInt64.self)
        }
    }

    /// The entry at `off`: its member, its score, and where the next one starts.
    @inline(__always)
    public static func entry(_ base: UnsafeMutablePointer<UInt8>, _ off: Int) -> (member: UnsafeRawBufferPointer, score: Double, next: Int) {
        let b0 = base[off]
        var len: Int, h: Int
        if b0 < 0x80 {
            len = Int(b0); h = 1
        } else if b0 < 0xC0 {
            len = Int(b0 & 0x3F) << 8 | Int(base[off + 1]); h = 2
        } else {
            len = Int(UInt32(littleEndian: UnsafeRawPointer(base + off + 1).loadUnaligned(as: UInt32.self))); h = 5
        }
        let m = UnsafeRawBufferPointer(start: base + off + h, count: len)
        let s = off + h + len
        let t = base[s]
        if t <= 240 { return (m, Double(t), s + 1) }
        if t == 0xF9 {
            let bits = UInt64(littleEndian: UnsafeRawPointer(base + s + 1).loadUnaligned(as: UInt64.self))
            return (m, Double(bitPattern: bits), s + 9)
        }
        if t > 0xF9 {
            var u: UInt64 = 0, shift: UInt64 = 0, i = s + 1
            while true {
                let b = base[i]
                u |= UInt64(b & 0x7F) << shift
                i += 1
                if b < 0x80 { break }
                shift += 7
            }
            return (m, Double(unzigzag(u)) / powersOfTen[Int(t - 0xF9)], i)
        }
        let n = Int(t - 0xF0)
        var u: UInt64 = 0
        for i in stride(from: n - 1, through: 0, by: -1) { u = u << 8 | UInt64(base[s + 1 + i]) }
        let shift = UInt64(64 - n * 8)
        let v = Int64(bitPattern: u << shift) >> Int64(shift)
        return (m, Double(v), s + 1 + n)
    }

    /// The score as ZSCAN prints a listpack entry: integers as such, other
    /// values as d2string's "%.17g".
    public static func scanText(_ base: UnsafeMutablePointer<UInt8>, _ off: Int) -> [UInt8] {
        let e = entry(base, off)
        if let v = integerScore(e.score) {
            var out: [UInt8] = []
            appendDecimalValue(v, to: &out)
            return out
        }
        return formatScore(e.score)
    }

    // MARK: queries

    /// Start offsets of every entry, in order (reverse walks, rank seeks).
    public func offsets() -> [Int] {
        var out: [Int] = []
        guard let b = base else { return out }
        out.reserveCapacity(16)
        var off = 0
        let end = used
        while off < end {
            out.append(off)
            off = Self.entry(b, off).next
        }
        return out
    }

    /// The entry holding `member`: (start, end, score).
    public func find(_ member: UnsafeRawBufferPointer) -> (start: Int, end: Int, score: Double)? {
        guard let b = base else { return nil }
        var off = 0
        let end = used
        while off < end {
            let e = Self.entry(b, off)
            if e.member.count == member.count && (member.count == 0 || memcmp(e.member.baseAddress!, member.baseAddress!, member.count) == 0) {
                return (off, e.next, e.score)
            }
            off = e.next
        }
        return nil
    }

    /// Inserts in (score, member) order; the member must not be present.
    public mutating func insert(_ member: UnsafeRawBufferPointer, _ score: Double) {
        var at = used
        if let b = base {
            var off = 0
            let end = used
            while off < end {
                let e = Self.entry(b, off)
                if e.score > score || (e.score == score && compareMembers(e.member, member) > 0) {
                    at = off
                    break
                }
                off = e.next
            }
        }
        insert(member, score, at: at)
    }

    /// Inserts an entry at byte offset `at` (an entry boundary).
    public mutating func insert(_ member: UnsafeRawBufferPointer, _ score: Double, at: Int) {
        let size = Self.entrySize(memberLength: member.count, score: score)
        let old = used
        resize(to: old + size)
        if at < old { memmove(base! + at + size, base! + at, old - at) }
        Self.writeEntry(base! + at, member, score)
        setUsed(old + size)
    }

    /// Appends an entry known to sort after every other one.
    public mutating func append(_ member: UnsafeRawBufferPointer, _ score: Double) {
        insert(member, score, at: used)
    }

    /// Removes bytes [from, to) (whole entries).
    public mutating func remove(from: Int, to: Int) {
        guard to > from else { return }
        let total = used
        if to < total { memmove(base! + from, base! + to, total - to) }
        // Shrink (possibly to no block) only after moving the tail down.
        let newUsed = total - (to - from)
        setUsed(newUsed)
        if newUsed == 0 {
            release()
        } else if Self.capacity(for: newUsed) != Self.capacity(for: total) {
            block = realloc(block, Self.capacity(for: newUsed))!
        }
    }
}

/// sdscmp: memcmp over the common prefix, then the shorter one first.
@inline(__always)
public func compareMembers(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    if n > 0 {
        let r = memcmp(a.baseAddress!, b.baseAddress!, n)
        if r != 0 { return Int(r) }
    }
    return a.count - b.count
}

/// `%.17g` as Redis's addReplyDouble/d2string print scores, `inf`/`-inf`.
public func formatScore(_ d: Double) -> [UInt8] {
    if d.isInfinite { return d > 0 ? Array("inf".utf8) : Array("-inf".utf8) }
    if d.isNaN { return Array("nan".utf8) }
    var buf = [CChar](repeating: 0, count: 64)
    let n = withVaList([d]) { vsnprintf(&buf, 64, "%.17g", $0) }
    return buf[0..<Int(n)].map { UInt8(bitPattern: $0) }
}
