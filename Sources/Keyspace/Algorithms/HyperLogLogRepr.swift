/// Redis's HyperLogLog bytes, kept identical so that a value written by one
/// server counts the same on the other (GET/SET, DUMP/RESTORE, replication):
///
///     "HYLL" | encoding (0 dense, 1 sparse) | 3 unused | cached cardinality (8, LE)
///
/// followed by 16384 6-bit registers (dense: 12288 bytes, LSB first) or by
/// run-length opcodes (sparse): ZERO 00xxxxxx (1-64 zero registers), XZERO
/// 01xxxxxx yyyyyyyy (1-16384 zero registers), VAL 1vvvvvxx (1-4 registers of
/// value 1-32). The top bit of the cached cardinality marks it stale.
///
/// Redis reads one byte past a run (the sds NUL terminator) when an XZERO
/// opcode is truncated; `at(_:_:)` stands in for that byte.
public enum HLL {
    public static let registers = 16384
    public static let pMask = 16383
    /// Hash bits left once the register index is taken.
    public static let q = 50
    public static let headerSize = 16
    public static let registerBytes = 12288
    public static let denseSize = headerSize + registerBytes
    public static let dense: UInt8 = 0
    public static let sparse: UInt8 = 1
    public static let sparseValMaxValue = 32
    public static let sparseValMaxLen = 4
    public static let sparseZeroMaxLen = 64
    public static let sparseXZeroMaxLen = 16384
    public static let seed: UInt32 = 0xadc8_3b19

    public static let corrupted = "INVALIDOBJ Corrupted HLL object detected"
    public static let notHLL = "WRONGTYPE Key is not a valid HyperLogLog string value."

    // MARK: header

    /// Redis's isHLLObjectOrReply, once the value is known to be a string.
    public static func isValid(_ b: [UInt8]) -> Bool {
        guard b.count >= headerSize, b[0] == 0x48, b[1] == 0x59, b[2] == 0x4C, b[3] == 0x4C else { return false }
        guard b[4] <= sparse else { return false }
        return b[4] != dense || b.count == denseSize
    }

    /// createHLLObject: a sparse HLL whose registers are all zero (one XZERO).
    public static func empty() -> [UInt8] {
        var b: [UInt8] = [0x48, 0x59, 0x4C, 0x4C, sparse, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        b.reserveCapacity(64)
        var left = registers
        while left > 0 {
            let run = min(left, sparseXZeroMaxLen)
            appendXZero(&b, run)
            left -= run
        }
        return b
    }

    @inline(__always) public static func isCacheValid(_ b: [UInt8]) -> Bool { b[15] & 0x80 == 0 }
    @inline(__always) public static func invalidateCache(_ b: inout [UInt8]) { b[15] |= 0x80 }

    public static func cachedCardinality(_ b: [UInt8]) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(b[8 + i]) << (8 * UInt64(i)) }
        return v
    }

    public static func setCachedCardinality(_ b: inout [UInt8], _ v: UInt64) {
        for i in 0..<8 { b[8 + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i))) }
    }

    // MARK: dense registers

    @inline(__always)
    public static func denseGet(_ r: UnsafePointer<UInt8>, _ regnum: Int) -> UInt8 {
        let byte = regnum * 6 / 8
        let fb = UInt(regnum * 6 & 7)
        let b0 = UInt(r[byte])
        // The last register fits in its byte: Redis's read of the next byte only adds masked-off bits.
        let b1: UInt = byte + 1 < registerBytes ? UInt(r[byte + 1]) : 0
        return UInt8(truncatingIfNeeded: ((b0 >> fb) | (b1 << (8 - fb))) & 63)
    }

    @inline(__always)
    public static func denseSet(_ r: UnsafeMutablePointer<UInt8>, _ regnum: Int, _ val: UInt8) {
        let byte = regnum * 6 / 8
        let fb = UInt(regnum * 6 & 7)
        let fb8 = 8 - fb
        let v = UInt(val)
        r[byte] &= ~UInt8(truncatingIfNeeded: 63 << fb)
        r[byte] |= UInt8(truncatingIfNeeded: v << fb)
        if byte + 1 < registerBytes {
            r[byte + 1] &= ~UInt8(truncatingIfNeeded: 63 >> fb8)
            r[byte + 1] |= UInt8(truncatingIfNeeded: v >> fb8)
        }
    }

    /// hllDenseSet: raises register `index` to `count`; 1 if it changed.
    @inline(__always)
    public static func denseRaise(_ b: inout [UInt8], _ index: Int, _ count: UInt8) -> Int {
        b.withUnsafeMutableBufferPointer { buf in
            let r = buf.baseAddress! + headerSize
            guard count > denseGet(r, index) else { return 0 }
            denseSet(r, index, count)
            return 1
        }
    }

    // MARK: sparse opcodes

    @inline(__always) public static func isZero(_ op: UInt8) -> Bool { op & 0xC0 == 0 }
    @inline(__always) public static func isXZero(_ op: UInt8) -> Bool { op & 0xC0 == 0x40 }
    @inline(__always) public static func isVal(_ op: UInt8) -> Bool { op & 0x80 != 0 }
    @inline(__always) public static func zeroLen(_ op: UInt8) -> Int { Int(op & 0x3F) + 1 }
    @inline(__always) public static func xzeroLen(_ op: UInt8, _ next: UInt8) -> Int { (Int(op & 0x3F) << 8 | Int(next)) + 1 }
    @inline(__always) public static func valValue(_ op: UInt8) -> Int { Int((op >> 2) & 0x1F) + 1 }
    @inline(__always) public static func valLen(_ op: UInt8) -> Int { Int(op & 3) + 1 }
    @inline(__always) public static func valOp(_ value: Int, _ len: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: ((value - 1) << 2 | (len - 1)) | 0x80)
    }

    public static func appendXZero(_ b: inout [UInt8], _ len: Int) {
        let l = len - 1
        b.append(UInt8(truncatingIfNeeded: (l >> 8) | 0x40))
        b.append(UInt8(truncatingIfNeeded: l & 0xFF))
    }

    /// The byte at `i`, or the terminator Redis finds there when `i` is the end.
    @inline(__always) public static func at(_ b: [UInt8], _ i: Int) -> UInt8 { i < b.count ? b[i] : 0 }

    /// Appends the opcodes for a run of `len` zero registers (ZERO up to 64, else XZERO).
    private static func appendZeros(_ seq: inout [UInt8], _ len: Int) {
        if len > sparseZeroMaxLen {
            appendXZero(&seq, len)
        } else {
            seq.append(UInt8(truncatingIfNeeded: len - 1))
        }
    }

    /// hllSparseToDense: false when the opcodes do not cover exactly 16384 registers.
    public static func toDense(_ b: inout [UInt8]) -> Bool {
        if b[4] == dense { return true }
        var d = [UInt8](repeating: 0, count: denseSize)
        for i in 0..<headerSize { d[i] = b[i] }
        d[4] = dense
        var idx = 0
        var p = headerSize
        let end = b.count
        d.withUnsafeMutableBufferPointer { out in
            let r = out.baseAddress! + headerSize
            while p < end {
                let op = b[p]
                if isZero(op) {
                    idx += zeroLen(op)
                    p += 1
                } else if isXZero(op) {
                    idx += xzeroLen(op, at(b, p + 1))
                    p += 2
                } else {
                    var run = valLen(op)
                    let value = UInt8(valValue(op))
                    if run + idx > registers { break }
                    while run > 0 {
                        denseSet(r, idx, value)
                        idx += 1
                        run -= 1
                    }
                    p += 1
                }
            }
        }
        guard idx == registers else { return false }
        b = d
        return true
    }

    /// hllSparseSet: raises register `index` to `count` in a sparse HLL,
    /// splitting and re-merging opcodes in place; promotes to dense when the
    /// value does not fit a VAL opcode or the string would pass `maxBytes`.
    /// Returns 1 if the register changed, 0 if not, -1 if the data is corrupt.
    public static func sparseRaise(_ b: inout [UInt8], _ index: Int, _ count: UInt8, maxBytes: Int) -> Int {
        if Int(count) > sparseValMaxValue { return promote(&b, index, count) }
        var end = b.count
        var p = headerSize
        var first = 0, span = 0
        var prev = -1
        while p < end {
            let op = b[p]
            var oplen = 1
            if isZero(op) {
                span = zeroLen(op)
            } else if isVal(op) {
                span = valLen(op)
            } else {
                span = xzeroLen(op, at(b, p + 1))
                oplen = 2
            }
            if index <= first + span - 1 { break }
            prev = p
            p += oplen
            first += span
        }
        if span == 0 || p >= end { return -1 }

        let op = b[p]
        let next = isXZero(op) ? p + 2 : p + 1
        let hasNext = next < end
        let opIsZero = isZero(op), opIsXZero = isXZero(op)
        let runlen = opIsZero ? zeroLen(op) : (opIsXZero ? xzeroLen(op, at(b, p + 1)) : valLen(op))
        let count = Int(count)

        var rewritten = false
        if !opIsZero && !opIsXZero {
            // A VAL already as high needs nothing; a VAL of one register is overwritten.
            if valValue(op) >= count { return 0 }
            if runlen == 1 {
                b[p] = valOp(count, 1)
                rewritten = true
            }
        }
        if !rewritten && opIsZero && runlen == 1 {
            b[p] = valOp(count, 1)
            rewritten = true
        }
        if !rewritten {
            // Split the run around the register: at worst XZERO-VAL-XZERO (5 bytes).
            var seq: [UInt8] = []
            seq.reserveCapacity(5)
            let last = first + span - 1
            if opIsZero || opIsXZero {
                if index != first { appendZeros(&seq, index - first) }
                seq.append(valOp(count, 1))
                if index != last { appendZeros(&seq, last - index) }
            } else {
                let cur = valValue(op)
                if index != first { seq.append(valOp(cur, index - first)) }
                seq.append(valOp(count, 1))
                if index != last { seq.append(valOp(cur, last - index)) }
            }
            let oldlen = opIsXZero ? 2 : 1
            let delta = seq.count - oldlen
            if delta > 0 && b.count + delta > maxBytes { return promote(&b, index, UInt8(count)) }
            let newCount = b.count + delta
            let replaced = hasNext ? oldlen : min(oldlen, end - p)
            b.replaceSubrange(p..<(p + replaced), with: seq)
            if b.count > newCount { b.removeLast(b.count - newCount) }
            end = b.count
        }

        // Merge adjacent VALs of equal value, scanning up to 5 opcodes from the previous one.
        p = prev >= 0 ? prev : headerSize
        var scan = 5
        while p < end {
            if scan == 0 { break }
            scan -= 1
            let op = b[p]
            if isXZero(op) {
                p += 2
                continue
            } else if isZero(op) {
                p += 1
                continue
            }
            if p + 1 < end && isVal(b[p + 1]) {
                let v1 = valValue(op), v2 = valValue(b[p + 1])
                if v1 == v2 {
                    let len = valLen(op) + valLen(b[p + 1])
                    if len <= sparseValMaxLen {
                        b[p + 1] = valOp(v1, len)
                        b.remove(at: p)
                        end -= 1
                        continue
                    }
                }
            }
            p += 1
        }
        invalidateCache(&b)
        return 1
    }

    private static func promote(_ b: inout [UInt8], _ index: Int, _ count: UInt8) -> Int {
        guard toDense(&b) else { return -1 }
        return denseRaise(&b, index, count)
    }

    /// hllAdd: hashes `ele` into its register. 1 if a register changed, -1 if corrupt.
    public static func add(_ b: inout [UInt8], _ ele: [UInt8], maxBytes: Int) -> Int {
        let (index, count) = ele.withUnsafeBytes { patternLength($0) }
        return raise(&b, index, count, maxBytes: maxBytes)
    }

    /// Raises one register in either encoding.
    public static func raise(_ b: inout [UInt8], _ index: Int, _ count: UInt8, maxBytes: Int) -> Int {
        switch b[4] {
        case dense: return denseRaise(&b, index, count)
        case sparse: return sparseRaise(&b, index, count, maxBytes: maxBytes)
        default: return -1
        }
    }
}
