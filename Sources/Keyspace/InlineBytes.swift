/// Fixed-size byte storage held inside a Key or StringValue instead of a heap
/// array: a million small keys and values would otherwise cost two mallocs
/// each (~48 B apiece with the array header) and a cache miss per probe.
///
/// The data bytes come first, in memory order, zero-padded after the length
/// (so two equal byte strings have equal fields); the last byte(s) hold the
/// length, and the value form also its encoding, as small enums whose spare
/// bits let the enclosing `Storage` and `Value` enums keep their tags there:
/// Key and Value both stay 24 bytes (pinned by InlineBytesTests).

/// A length from 0 through 23 (the inline capacity of a Key).
@usableFromInline
enum InlineKeyLength: UInt8, Sendable {
    case l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15, l16, l17, l18, l19, l20, l21, l22, l23
}

/// A length from 0 through 21 (the inline capacity of a StringValue).
@usableFromInline
enum InlineValueLength: UInt8, Sendable {
    case l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15, l16, l17, l18, l19, l20, l21
}

/// Up to 23 bytes of a key: w0 w1 w2 w3 w4 in memory order, then the length.
@usableFromInline
struct InlineKeyBytes: Sendable {
    @usableFromInline var w0: UInt64 = 0
    @usableFromInline var w1: UInt64 = 0
    @usableFromInline var w2: UInt32 = 0
    @usableFromInline var w3: UInt16 = 0
    @usableFromInline var w4: UInt8 = 0
    @usableFromInline var length: InlineKeyLength = .l0

    @usableFromInline static let capacity = 23

    /// Copies `src` (at most `capacity` bytes).
    @inlinable @inline(__always)
    public init(_ src: UnsafeRawBufferPointer) {
        if src.count > 0 {
            withUnsafeMutableBytes(of: &self) { $0.baseAddress!.copyMemory(from: src.baseAddress!, byteCount: src.count) }
        }
        length = unsafeBitCast(UInt8(truncatingIfNeeded: src.count), to: InlineKeyLength.self)
    }

    @inlinable public var count: Int { Int(length.rawValue) }

    /// Bytes 16...22 as one word (byte 16 lowest), the length excluded.
    @inlinable public var tail: UInt64 { UInt64(w2) | UInt64(w3) << 32 | UInt64(w4) << 48 }

    @inlinable @inline(__always)
    public static func == (a: InlineKeyBytes, b: InlineKeyBytes) -> Bool {
        a.w0 == b.w0 && a.w1 == b.w1 && a.tail == b.tail && a.length == b.length
    }

    @inlinable @inline(__always) public var hashCode: Int {
        inlineHash(w0, w1, tail | UInt64(length.rawValue) << 56)
    }

    /// memcmp order: the data words compared big-endian (padding is zero), then length.
    @inlinable public static func compare(_ a: InlineKeyBytes, _ b: InlineKeyBytes) -> Int {
        if a.w0 != b.w0 { return a.w0.byteSwapped < b.w0.byteSwapped ? -1 : 1 }
        if a.w1 != b.w1 { return a.w1.byteSwapped < b.w1.byteSwapped ? -1 : 1 }
        let x = a.tail, y = b.tail
        if x != y { return x.byteSwapped < y.byteSwapped ? -1 : 1 }
        return a.count - b.count
    }

    @inlinable @inline(__always)
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        let n = count
        return try Swift.withUnsafeBytes(of: &copy) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
}

/// Up to 21 bytes of a string value, then its length and OBJECT ENCODING.
@usableFromInline
struct InlineValueBytes {
    @usableFromInline var w0: UInt64 = 0
    @usableFromInline var w1: UInt64 = 0
    @usableFromInline var w2: UInt32 = 0
    @usableFromInline var w3: UInt8 = 0
    @usableFromInline var length: InlineValueLength = .l0
    @usableFromInline var encoding: StringEncoding
    @usableFromInline var unshared: Bool

    /// Holds any Int64 in decimal (20 characters at most).
    @usableFromInline static let capacity = 21

    @inlinable @inline(__always)
    public init(_ src: UnsafeRawBufferPointer, encoding: StringEncoding, unshared: Bool) {
        self.encoding = encoding
        self.unshared = unshared
        if src.count > 0 {
            withUnsafeMutableBytes(of: &self) { $0.baseAddress!.copyMemory(from: src.baseAddress!, byteCount: src.count) }
        }
        length = unsafeBitCast(UInt8(truncatingIfNeeded: src.count), to: InlineValueLength.self)
    }

    /// The decimal digits of `v`, formatted straight into the inline bytes.
    @inlinable
    public init(decimal v: Int64, encoding: StringEncoding) {
        self.encoding = encoding
        self.unshared = false
        var magnitude = v.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 { probe /= 10; digits += 1 }
        let n = digits + (v < 0 ? 1 : 0)
        withUnsafeMutableBytes(of: &self) { p in
            if v < 0 { p[0] = UInt8(ascii: "-") }
            var i = n - 1
            repeat {
                p[i] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
                i -= 1
            } while magnitude != 0
        }
        length = unsafeBitCast(UInt8(truncatingIfNeeded: n), to: InlineValueLength.self)
    }

    @inlinable public var count: Int { Int(length.rawValue) }

    @inlinable @inline(__always)
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var copy = self
        let n = count
        return try Swift.withUnsafeBytes(of: &copy) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }
}

/// Per-process random seeds of the inline hash, so that which keys collide
/// cannot be planned from outside (Redis seeds its siphash the same way).
@usableFromInline
let inlineHashSeeds: (UInt64, UInt64, UInt64) = {
    var g = SystemRandomNumberGenerator()
    return (g.next() | 1, g.next(), g.next())
}()

/// wyhash-style mixing of three words: two 64x64->128 multiplies, folded.
@inlinable @inline(__always)
public func inlineHash(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> Int {
    let s = inlineHashSeeds
    let m1 = (a ^ s.0).multipliedFullWidth(by: b ^ s.1)
    let h1 = m1.high ^ m1.low
    let m2 = (c ^ s.2).multipliedFullWidth(by: h1 ^ s.0)
    return Int(truncatingIfNeeded: m2.high ^ m2.low)
}
