/// A key or member: binary-safe bytes, hashed as one block rather than
/// byte by byte (Array's own Hashable combines each element separately).
///
/// Up to 23 bytes are held inline (InlineBytes.swift), longer keys in an
/// array. The representation is canonical (a given byte string is always
/// inline or always not), so equality never compares across the two forms.
/// An inline key is hashed from its three words on demand, which costs less
/// than the cache miss of reading a stored hash; a long key hashes its bytes.
public struct Key: Hashable, Sendable, Comparable {
    @usableFromInline
    enum Storage: Sendable {
        case inline(InlineKeyBytes)
        case heap([UInt8])
    }

    @usableFromInline let storage: Storage

    /// Borrows the array (an argument stays owned by argv: no retain and
    /// release of it for an inline key).
    @inlinable public init(_ bytes: __shared [UInt8]) {
        if bytes.count <= InlineKeyBytes.capacity {
            storage = .inline(bytes.withUnsafeBytes { InlineKeyBytes($0) })
        } else {
            storage = .heap(bytes)
        }
    }

    /// Copies the bytes (an array is made only for a long key).
    @inlinable public init(_ raw: UnsafeRawBufferPointer) {
        if raw.count <= InlineKeyBytes.capacity {
            storage = .inline(InlineKeyBytes(raw))
        } else {
            storage = .heap(Array(raw))
        }
    }

    public init(_ s: String) { self.init(Array(s.utf8)) }

    public init(_ slice: ArraySlice<UInt8>) {
        self = slice.withUnsafeBytes { Key($0) }
    }

    /// The bytes as a new array for an inline key: prefer `withUnsafeBytes` on hot paths.
    public var bytes: [UInt8] {
        switch storage {
        case .heap(let a): return a
        case .inline(let x): return x.withUnsafeBytes { Array($0) }
        }
    }

    @inlinable public var count: Int {
        switch storage {
        case .inline(let x): return x.count
        case .heap(let a): return a.count
        }
    }

    @inlinable @inline(__always)
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .inline(let x): return try x.withUnsafeBytes(body)
        case .heap(let a): return try a.withUnsafeBytes(body)
        }
    }

    @inlinable @inline(__always) public var hashCode: Int {
        if case .inline(let x) = storage { return x.hashCode }
        return heapHashCode()
    }

    @usableFromInline @inline(never) func heapHashCode() -> Int {
        guard case .heap(let a) = storage else { return 0 }
        var h = Hasher()
        a.withUnsafeBytes { h.combine(bytes: $0) }
        return h.finalize()
    }

    @inlinable @inline(__always)
    public static func == (a: Key, b: Key) -> Bool {
        switch (a.storage, b.storage) {
        case (.inline(let x), .inline(let y)): return x == y
        case (.heap(let x), .heap(let y)): return x == y
        default: return false
        }
    }

    @inlinable public func hash(into h: inout Hasher) { h.combine(hashCode) }

    /// Byte-wise order (memcmp then length), as Redis sorts keys.
    @inlinable public static func < (a: Key, b: Key) -> Bool {
        if case .inline(let x) = a.storage, case .inline(let y) = b.storage {
            return InlineKeyBytes.compare(x, y) < 0
        }
        return a.withUnsafeBytes { x in b.withUnsafeBytes { y in compareRawBytes(x, y) < 0 } }
    }

    public var string: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }
}

/// memcmp-style comparison: common prefix first, then length.
@inlinable
public func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in compareRawBytes(pa, pb) } }
}

/// memcmp-style comparison of two buffers: common prefix first, then length.
@inlinable
public func compareRawBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    let r = n == 0 ? 0 : Int(memcmpBytes(a.baseAddress!, b.baseAddress!, n))
    if r != 0 { return r }
    return a.count - b.count
}

@usableFromInline
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Int32 {
    var i = 0
    while i < n {
        let x = a.load(fromByteOffset: i, as: UInt8.self), y = b.load(fromByteOffset: i, as: UInt8.self)
        if x != y { return Int32(x) - Int32(y) }
        i += 1
    }
    return 0
}
