/// Bit-level primitives behind the bitmap commands, as Redis's bitops.c:
/// population count, first-bit search, BITFIELD's integer access and overflow.
public enum BitOps {
    /// Bits set in `p[start...end]` (inclusive byte range).
    public static func popcount(_ p: UnsafeBufferPointer<UInt8>, from start: Int, through end: Int) -> Int {
        var count = 0
        var i = start
        let raw = UnsafeRawPointer(p.baseAddress!)
        while i + 8 <= end + 1 {
            count += raw.loadUnaligned(fromByteOffset: i, as: UInt64.self).nonzeroBitCount
            i += 8
        }
        while i <= end {
            count += p[i].nonzeroBitCount
            i += 1
        }
        return count
    }

    /// redisBitpos: the first bit equal to `bit` in `count` bytes from
    /// `start`, counting from that byte's most significant bit. The bytes are
    /// taken as zero-padded on the right: no 1 gives -1, no 0 gives count * 8.
    public static func firstBit(_ p: UnsafeBufferPointer<UInt8>, from start: Int, count: Int, bit: Int) -> Int64 {
        let skip: UInt8 = bit == 1 ? 0 : 0xFF
        var i = start
        let end = start + count
        let raw = UnsafeRawPointer(p.baseAddress!)
        let skipWord: UInt64 = bit == 1 ? 0 : ~0
        while i + 8 <= end && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) == skipWord { i += 8 }
        while i < end && p[i] == skip { i += 1 }
        if i == end { return bit == 1 ? -1 : Int64(count) * 8 }
        let byte = bit == 1 ? p[i] : ~p[i]
        return Int64(i - start) * 8 + Int64(byte.leadingZeroBitCount)
    }

    /// firstBit over a single byte held in a local.
    public static func firstBit(inByte b: UInt8, bit: Int) -> Int64 {
        withUnsafeBytes(of: b) { firstBit($0.bindMemory(to: UInt8.self), from: 0, count: 1, bit: bit) }
    }

    // MARK: BITFIELD integer access (big-endian bit order, as Redis)

    public static func getUnsigned(_ p: UnsafeBufferPointer<UInt8>, offset: UInt64, bits: Int) -> UInt64 {
        var value: UInt64 = 0
        var off = offset
        for _ in 0..<bits {
            let byte = Int(off >> 3)
            let shift = 7 - (off & 7)
            value = (value << 1) | UInt64((p[byte] >> shift) & 1)
            off += 1
        }
        return value
    }

    public static func getSigned(_ p: UnsafeBufferPointer<UInt8>, offset: UInt64, bits: Int) -> Int64 {
        var v = Int64(bitPattern: getUnsigned(p, offset: offset, bits: bits))
        // Sign-extend from the field's top bit.
        if bits < 64 && (UInt64(bitPattern: v) & (1 << UInt64(bits - 1))) != 0 {
            v = Int64(bitPattern: UInt64(bitPattern: v) | (~0 << UInt64(bits)))
        }
        return v
    }

    public static func setUnsigned(_ p: UnsafeMutableBufferPointer<UInt8>, offset: UInt64, bits: Int, value: UInt64) {
        var off = offset
        for j in 0..<bits {
            let bitval = UInt8(truncatingIfNeeded: (value >> UInt64(bits - 1 - j)) & 1)
            let byte = Int(off >> 3)
            let shift = 7 - UInt8(off & 7)
            p[byte] = (p[byte] & ~(1 << shift)) | (bitval << shift)
            off += 1
        }
    }

    /// checkUnsignedBitfieldOverflow: 0 when `value + incr` fits in `bits`,
    /// else 1 (over) or -1 (under), with the wrapped or saturated result.
    public static func unsignedOverflow(_ value: UInt64, _ incr: Int64, bits: Int, mode: OverflowMode) -> (Int, UInt64) {
        let max: UInt64 = bits == 64 ? UInt64.max : (1 << UInt64(bits)) - 1
        let maxIncr = Int64(bitPattern: max &- value)
        let minIncr = Int64(bitPattern: 0 &- value)
        func wrapped() -> UInt64 {
            let mask: UInt64 = bits == 64 ? 0 : ~0 << UInt64(bits)
            return (value &+ UInt64(bitPattern: incr)) & ~mask
        }
        if value > max || (incr > 0 && incr > maxIncr) {
            switch mode {
            case .wrap: return (1, wrapped())
            case .sat: return (1, max)
            case .fail: return (1, 0)
            }
        } else if incr < 0 && incr < minIncr {
            switch mode {
            case .wrap: return (1, wrapped())
            case .sat: return (-1, 0)
            case .fail: return (-1, 0)
            }
        }
        return (0, 0)
    }

    /// checkSignedBitfieldOverflow, the signed counterpart.
    public static func signedOverflow(_ value: Int64, _ incr: Int64, bits: Int, mode: OverflowMode) -> (Int, Int64) {
        let max: Int64 = bits == 64 ? Int64.max : (1 << Int64(bits - 1)) - 1
        let min: Int64 = -max - 1
        // These may wrap; they are only used once `value` is known in range.
        let maxIncr = Int64(bitPattern: UInt64(bitPattern: max) &- UInt64(bitPattern: value))
        let minIncr = min &- value
        func wrapped() -> Int64 {
            var c = UInt64(bitPattern: value) &+ UInt64(bitPattern: incr)
            if bits < 64 {
                let mask: UInt64 = ~0 << UInt64(bits)
                let msb: UInt64 = 1 << UInt64(bits - 1)
                if c & msb != 0 { c |= mask } else { c &= ~mask }
            }
            return Int64(bitPattern: c)
        }
        if value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr) {
            switch mode {
            case .wrap: return (1, wrapped())
            case .sat: return (1, max)
            case .fail: return (1, 0)
            }
        } else if value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr) {
            switch mode {
            case .wrap: return (1, wrapped())
            case .sat: return (-1, min)
            case .fail: return (-1, 0)
            }
        }
        return (0, 0)
    }

    public enum OverflowMode { case wrap, sat, fail }
}
