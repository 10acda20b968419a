import Protocol

/// How Redis would hold the string internally; visible through OBJECT ENCODING.
public enum StringEncoding: Sendable {
    case int, embstr, raw

    public var name: String {
        switch self {
        case .int: return "int"
        case .embstr: return "embstr"
        case .raw: return "raw"
        }
    }
}

/// A string value. Up to 21 bytes (any integer in decimal) are held inline,
/// with the encoding beside them (InlineBytes.swift); longer values keep
/// their array, often the argument array itself, as before. The form depends
/// only on the length, and OBJECT ENCODING only on `encoding`.
public struct StringValue {
    @usableFromInline
    enum Storage {
        case inline(InlineValueBytes)
        /// 22...44 bytes (Redis's embstr range) in one block of their own.
        case compact(CompactValueBytes, StringEncoding, Bool)
        case heap([UInt8], StringEncoding, Bool)
    }

    @usableFromInline var storage: Storage

    /// Encodes as Redis's tryObjectEncoding: integers up to 20 chars as `int`,
    /// up to 44 bytes as `embstr`, longer as `raw`.
    /// Like trimStringObjectIfNeeded, a value with more than a tenth of its
    /// buffer spare is copied to a buffer of its size: an argument buffer
    /// the parser reused may be far larger than the value it now holds.
    /// (Spare room under 32 bytes is malloc's rounding: a copy would keep it.)
    public init(_ bytes: __shared [UInt8]) {
        let encoding = bytes.withUnsafeBytes { Self.encoding(of: $0) }
        if bytes.count > InlineValueBytes.capacity && bytes.capacity - bytes.count > max(bytes.count / 10, 32) {
            self.init(bytes: bytes.withUnsafeBufferPointer { Array($0) }, encoding: encoding)
        } else {
            self.init(bytes: bytes, encoding: encoding)
        }
    }

    /// As init(_ bytes:), copying bytes the caller holds (a loader decoding
    /// in place): an array only for a long value.
    public init(choosingEncodingOf raw: UnsafeRawBufferPointer) {
        self.init(raw, encoding: Self.encoding(of: raw))
    }

    /// tryObjectEncoding's choice for these bytes.
    @inline(__always)
    static func encoding(of raw: UnsafeRawBufferPointer) -> StringEncoding {
        if raw.count <= 20, parseStrictInt64(raw) != nil { return .int }
        return raw.count <= 44 ? .embstr : .raw
    }

    @inlinable public init(bytes: __shared [UInt8], encoding: StringEncoding) {
        self.init(bytes: bytes, encoding: encoding, unshared: false)
    }

    @inlinable public init(bytes: __shared [UInt8], encoding: StringEncoding, unshared: Bool) {
        if bytes.count <= InlineValueBytes.capacity {
            storage = .inline(bytes.withUnsafeBytes { InlineValueBytes($0, encoding: encoding, unshared: unshared) })
        } else if bytes.count <= CompactValueBytes.capacity {
            storage = .compact(bytes.withUnsafeBytes { CompactValueBytes.make($0) }, encoding, unshared)
        } else {
            storage = .heap(bytes, encoding, unshared)
        }
    }

    /// Copies the bytes (an array is made only for a long value).
    @inlinable public init(_ raw: UnsafeRawBufferPointer, encoding: StringEncoding) {
        if raw.count <= InlineValueBytes.capacity {
            storage = .inline(InlineValueBytes(raw, encoding: encoding, unshared: false))
        } else if raw.count <= CompactValueBytes.capacity {
            storage = .compact(CompactValueBytes.make(raw), encoding, false)
        } else {
            storage = .heap(Array(raw), encoding, false)
        }
    }

    /// The result of INCR and friends: always `int`, digits written in place.
    @inlinable public init(integer: Int64) {
        storage = .inline(InlineValueBytes(decimal: integer, encoding: .int))
    }

    public var encoding: StringEncoding {
        @inlinable get {
            switch storage {
            case .inline(let x): return x.encoding
            case .compact(_, let e, _): return e
            case .heap(_, let e, _): return e
            }
        }
        set {
            switch storage {
            case .inline(var x):
                x.encoding = newValue
                storage = .inline(x)
            case .compact(let b, _, let u):
                storage = .compact(b, newValue, u)
            case .heap(let a, _, let u):
                storage = .heap(a, newValue, u)
            }
        }
    }

    /// A private integer object even though small: Redis's COPY duplicates
    /// the object instead of sharing it, and OBJECT REFCOUNT shows that.
    public var unshared: Bool {
        get {
            switch storage {
            case .inline(let x): return x.unshared
            case .compact(_, _, let u): return u
            case .heap(_, _, let u): return u
            }
        }
        set {
            switch storage {
            case .inline(var x):
                x.unshared = newValue
                storage = .inline(x)
            case .compact(let b, let e, _):
                storage = .compact(b, e, newValue)
            case .heap(let a, let e, _):
                storage = .heap(a, e, newValue)
            }
        }
    }

    @inlinable public var count: Int {
        switch storage {
        case .inline(let x): return x.count
        case .compact(let b, _, _): return Int(b.header)
        case .heap(let a, _, _): return a.count
        }
    }

    @inlinable @inline(__always)
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .inline(let x): return try x.withUnsafeBytes(body)
        case .compact(let b, _, _): return try b.withUnsafeBytes(body)
        case .heap(let a, _, _): return try a.withUnsafeBytes(body)
        }
    }

    /// The bytes as an array (a new one for an inline value: hot paths use
    /// `withUnsafeBytes`). Mutating through it keeps the encoding and, for a
    /// long value, edits the array in place (the value lets go of it first).
    public var bytes: [UInt8] {
        get {
            switch storage {
            case .heap(let a, _, _): return a
            case .compact(let b, _, _): return b.withUnsafeBytes { Array($0) }
            case .inline(let x): return x.withUnsafeBytes { Array($0) }
            }
        }
        set {
            self = StringValue(bytes: newValue, encoding: encoding, unshared: unshared)
        }
        _modify {
            let e = encoding, u = unshared
            var b = bytes
            storage = .inline(InlineValueBytes(UnsafeRawBufferPointer(start: nil, count: 0), encoding: e, unshared: u))
            defer { self = StringValue(bytes: b, encoding: e, unshared: u) }
            yield &b
        }
    }
}

/// The bytes of a string value in Redis's embstr range past the inline
/// capacity (22...44): a 16-byte object header, a length byte and the bytes,
/// in one block. An array would add its 32-byte header: a 32-byte value took
/// an 80-byte malloc chunk and takes 64 here, which is more keys under the
/// same maxmemory (Redis's embstr object of such a value is 64 bytes too).
/// Never written after it is made, so copies of a value share it safely.
@usableFromInline
final class CompactValueBytes: ManagedBuffer<UInt8, UInt8> {
    /// OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
    @usableFromInline static let capacity = 44

    /// A block holding a copy of `raw` (at most `capacity` bytes).
    @inlinable static func make(_ raw: UnsafeRawBufferPointer) -> CompactValueBytes {
        let b = create(minimumCapacity: raw.count) { _ in UInt8(truncatingIfNeeded: raw.count) }
        b.withUnsafeMutablePointerToElements { p in
            if raw.count > 0 { UnsafeMutableRawPointer(p).copyMemory(from: raw.baseAddress!, byteCount: raw.count) }
        }
        return unsafeDowncast(b, to: CompactValueBytes.self)
    }

    @inlinable @inline(__always)
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeMutablePointers { h, p in try body(UnsafeRawBufferPointer(start: p, count: Int(h.pointee))) }
    }
}
