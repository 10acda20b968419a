import Protocol

/// Builds a listpack (rdb.md §6) the way listpack.c's lpAppend does: a
/// string that is a canonical int64 is stored as the smallest integer form.
struct ListpackBuilder {
    private(set) var bytes: [UInt8]
    private(set) var count = 0

    init(reservingCapacity n: Int = 64) {
        bytes = [0, 0, 0, 0, 0, 0]
        bytes.reserveCapacity(n)
    }

    /// lpBytes of the listpack as it would be now (with its terminator).
    var totalBytes: Int { bytes.count + 1 }

    mutating func append(_ e: UnsafeRawBufferPointer) {
        if e.count < 21, let v = parseStrictInt64(e) {
            append(int: v)
            return
        }
        let start = bytes.count
        let n = e.count
        if n < 64 {
            bytes.append(0x80 | UInt8(n))
        } else if n < 4096 {
            bytes.append(0xE0 | UInt8(n >> 8))
            bytes.append(UInt8(n & 0xFF))
        } else {
            bytes.append(0xF0)
            appendLE(UInt64(n), 4)
        }
        bytes.append(contentsOf: e)
        finishEntry(start)
    }

    mutating func append(_ e: [UInt8]) { e.withUnsafeBytes { append($0) } }

    mutating func append(int v: Int64) {
        let start = bytes.count
        if v >= 0 && v <= 127 {
            bytes.append(UInt8(v))
        } else if v >= -4096 && v <= 4095 {
            let u = UInt64(bitPattern: v) & 0x1FFF
            bytes.append(0xC0 | UInt8(u >> 8))
            bytes.append(UInt8(u & 0xFF))
        } else if v >= Int64(Int16.min) && v <= Int64(Int16.max) {
            bytes.append(0xF1); appendLE(UInt64(bitPattern: v), 2)
        } else if v >= -(1 << 23) && v <= (1 << 23) - 1 {
            bytes.append(0xF2); appendLE(UInt64(bitPattern: v), 3)
        } else if v >= Int64(Int32.min) && v <= Int64(Int32.max) {
            bytes.append(0xF3); appendLE(UInt64(bitPattern: v), 4)
        } else {
            bytes.append(0xF4); appendLE(UInt64(bitPattern: v), 8)
        }
        finishEntry(start)
    }

    /// How many bytes an element adds (encoding, data, backlen).
    static func entrySize(_ e: UnsafeRawBufferPointer) -> Int {
        var enc: Int
        if e.count < 21, let v = parseStrictInt64(e) {
            if v >= 0 && v <= 127 { enc = 1 }
            else if v >= -4096 && v <= 4095 { enc = 2 }
            else if v >= Int64(Int16.min) && v <= Int64(Int16.max) { enc = 3 }
            else if v >= -(1 << 23) && v <= (1 << 23) - 1 { enc = 4 }
            else if v >= Int64(Int32.min) && v <= Int64(Int32.max) { enc = 5 }
            else { enc = 9 }
        } else {
            let n = e.count
            enc = n + (n < 64 ? 1 : n < 4096 ? 2 : 5)
        }
        return enc + backlenSize(enc)
    }

    static func backlenSize(_ l: Int) -> Int {
        l <= 127 ? 1 : l < 16383 ? 2 : l < 2_097_151 ? 3 : l < 268_435_455 ? 4 : 5
    }

    private mutating func appendLE(_ v: UInt64, _ n: Int) {
        for i in 0..<n { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    /// lpEncodeBacklen: the entry's size, 7 bits a byte, readable from the right.
    private mutating func finishEntry(_ start: Int) {
        let l = bytes.count - start
        switch Self.backlenSize(l) {
        case 1: bytes.append(UInt8(l))
        case 2: bytes += [UInt8(l >> 7), UInt8(l & 127) | 128]
        case 3: bytes += [UInt8(l >> 14), UInt8((l >> 7) & 127) | 128, UInt8(l & 127) | 128]
        case 4: bytes += [UInt8(l >> 21), UInt8((l >> 14) & 127) | 128, UInt8((l >> 7) & 127) | 128, UInt8(l & 127) | 128]
        default:
            bytes += [UInt8(truncatingIfNeeded: l >> 28), UInt8((l >> 21) & 127) | 128, UInt8((l >> 14) & 127) | 128,
                      UInt8((l >> 7) & 127) | 128, UInt8(l & 127) | 128]
        }
        count += 1
    }

    /// The finished listpack: header (total bytes, element count — 65535 when
    /// it does not fit) and the 0xFF terminator.
    func finished() -> [UInt8] {
        var out = bytes
        out.append(0xFF)
        let total = UInt32(truncatingIfNeeded: out.count)
        for i in 0..<4 { out[i] = UInt8(truncatingIfNeeded: total >> (8 * UInt32(i))) }
        let c = count < 65535 ? UInt16(count) : 65535
        out[4] = UInt8(c & 0xFF)
        out[5] = UInt8(c >> 8)
        return out
    }
}

/// One decoded listpack or ziplist element.
enum PackedElement {
    case bytes([UInt8])
    case int(Int64)

    var asBytes: [UInt8] {
        switch self {
        case .bytes(let b): return b
        case .int(let v):
            var out: [UInt8] = []
            appendDecimal(v, to: &out)
            return out
        }
    }
}

/// One element of a listpack, its bytes still inside the blob it was read
/// from (a loader copies them once, into the value it builds).
enum PackedRef {
    case bytes(UnsafeRawBufferPointer)
    case int(Int64)

    /// The element as text: an integer is formatted on the stack.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .bytes(let b): return try body(b)
        case .int(let v): return try withDecimal(v, body)
        }
    }

    var element: PackedElement {
        switch self {
        case .bytes(let b): return .bytes(Array(b))
        case .int(let v): return .int(v)
        }
    }
}

/// The decimal text of `v` in a stack buffer, without allocating.
@inline(__always)
func withDecimal<R>(_ v: Int64, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
    return try withUnsafeMutableBytes(of: &tmp) { p in
        var u = v.magnitude
        var i = 24
        repeat {
            i -= 1
            p[i] = UInt8(truncatingIfNeeded: u % 10) &+ 48
            u /= 10
        } while u != 0
        if v < 0 {
            i -= 1
            p[i] = UInt8(ascii: "-")
        }
        return try body(UnsafeRawBufferPointer(rebasing: p[i..<24]))
    }
}

/// Reads and validates a whole listpack (lpValidateIntegrity with deep
/// checks): every entry in bounds, each backlen matching its entry, the
/// header's size and count matching, the terminator last.
enum ListpackReader {
    static func elements(_ lp: [UInt8]) -> [PackedElement]? {
        var out: [PackedElement] = []
        let ok = lp.withUnsafeBytes { raw in
            forEach(raw) { out.append($0.element) }
        }
        return ok ? out : nil
    }

    /// The number of elements of a valid listpack, or nil.
    static func count(_ lp: UnsafeRawBufferPointer) -> Int? {
        walk(lp) { _ in }
    }

    /// Validates the whole listpack first, then visits its elements in
    /// place; false (nothing visited) when it is invalid, so that a caller's
    /// own checks on the elements never run on a corrupt blob.
    static func forEach(_ lp: UnsafeRawBufferPointer, _ body: (PackedRef) throws -> Void) rethrows -> Bool {
        guard count(lp) != nil else { return false }
        try forEachCounted(lp, body)
        return true
    }

    /// forEach for a listpack `count` has accepted (a caller that needed its size first).
    static func forEachCounted(_ lp: UnsafeRawBufferPointer, _ body: (PackedRef) throws -> Void) rethrows {
        _ = try walk(lp, body)
    }

    /// Decodes and checks element by element: the count, or nil at the first flaw.
    @inline(__always)
    private static func walk(_ lp: UnsafeRawBufferPointer, _ body: (PackedRef) throws -> Void) rethrows -> Int? {
        let n = lp.count
        guard n >= 7 else { return nil }
        let total = Int(lp[0]) | Int(lp[1]) << 8 | Int(lp[2]) << 16 | Int(lp[3]) << 24
        guard total == n, lp[n - 1] == 0xFF else { return nil }
        let declared = Int(lp[4]) | Int(lp[5]) << 8
        var seen = 0
        var p = 6
        func le(_ at: Int, _ k: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<k { v |= UInt64(lp[at + i]) << (8 * UInt64(i)) }
            return v
        }
        func signExtend(_ v: UInt64, bits: Int) -> Int64 {
            let shift = UInt64(64 - bits)
            return Int64(bitPattern: v << shift) >> Int64(shift)
        }
        func slice(_ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: lp[from..<to])
        }
        while p < n - 1 {
            let b = lp[p]
            var encLen: Int
            var element: PackedRef
            if b & 0x80 == 0 {
                encLen = 1
                element = .int(Int64(b))
            } else if b & 0xC0 == 0x80 {
                let len = Int(b & 0x3F)
                encLen = 1 + len
                guard p + encLen < n else { return nil }
                element = .bytes(slice(p + 1, p + encLen))
            } else if b & 0xE0 == 0xC0 {
                guard p + 2 < n else { return nil }
                encLen = 2
                element = .int(signExtend(UInt64(b & 0x1F) << 8 | UInt64(lp[p + 1]), bits: 13))
            } else if b & 0xF0 == 0xE0 {
                guard p + 2 < n else { return nil }
                let len = Int(b & 0x0F) << 8 | Int(lp[p + 1])
                encLen = 2 + len
                guard p + encLen < n else { return nil }
                element = .bytes(slice(p + 2, p + encLen))
            } else {
                switch b {
                case 0xF0:
                    guard p + 5 < n else { return nil }
                    let len = Int(le(p + 1, 4))
                    guard len <= n - p - 5 else { return nil }
                    encLen = 5 + len
                    guard p + encLen < n else { return nil }
                    element = .bytes(slice(p + 5, p + encLen))
                case 0xF1, 0xF2, 0xF3, 0xF4:
                    let k = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8
                    encLen = 1 + k
                    guard p + encLen < n else { return nil }
                    element = .int(signExtend(le(p + 1, k), bits: 8 * k))
                default:
                    return nil
                }
            }
            // backlen
            let bl = ListpackBuilder.backlenSize(encLen)
            guard p + encLen + bl < n else { return nil }
            var decoded = 0
            var shift = 0
            var q = p + encLen + bl - 1
            while true {
                let c = lp[q]
                decoded |= Int(c & 127) << shift
                if c & 128 == 0 { break }
                shift += 7
                if q == p + encLen { return nil }
                q -= 1
            }
            guard q == p + encLen, decoded == encLen else { return nil }
            try body(element)
            seen += 1
            p += encLen + bl
        }
        guard p == n - 1 else { return nil }
        if declared != 65535 && declared != seen { return nil }
        return seen
    }
}
