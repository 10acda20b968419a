import Glibc

/// A hash: Redis's "listpack" encoding while small (field/value strings
/// packed in one block, insertion order kept, deletes close the gap so the
/// order survives), a hashtable once a field or value is longer than
/// hash-max-listpack-value or there are more than hash-max-listpack-entries
/// fields. The conversion is one-way, as in Redis.
///
/// Memory matters here (issue 5: 100,000 small hashes within 1.3x of Redis's
/// RSS): a small hash is this object (40 bytes) plus one malloc'd block, not
/// an array of arrays.
public final class HashValue {
    /// Field, value, field, value... while listpack; `count` counts pairs.
    public var packed = PackedBuffer()
    /// Set once converted; the packed block is then freed.
    public var table: HashTable?

    public init() {}

    public var encodingName: String { table == nil ? "listpack" : "hashtable" }
    public var isListpack: Bool { table == nil }
    public var count: Int { table?.dict.count ?? Int(packed.count) }
    public var isEmpty: Bool { count == 0 }

    /// A copy with the same encoding (COPY, as Redis's hashTypeDup).
    public func duplicate() -> HashValue {
        let h = HashValue()
        if let t = table {
            h.table = HashTable(t.dict)
        } else {
            h.packed = packed.copy()
        }
        return h
    }

    // MARK: reads

    /// Byte offset of `field`'s entry in the packed form (its value follows it).
    @inline(__always)
    private func packedFieldOffset(_ field: UnsafeRawBufferPointer) -> Int? {
        guard let base = packed.base else { return nil }
        var off = 0
        let end = Int(packed.used)
        while off < end {
            let (len, hdr) = PackedBuffer.header(base, off)
            let start = off + hdr
            if len == field.count && (len == 0 || memcmp(base + start, field.baseAddress!, len) == 0) {
                return off
            }
            off = PackedBuffer.next(base, start + len)
        }
        return nil
    }

    /// Byte offset of the value entry that follows `field` in the packed form.
    @inline(__always)
    private func packedValueOffset(_ field: UnsafeRawBufferPointer) -> Int? {
        guard let off = packedFieldOffset(field) else { return nil }
        return PackedBuffer.next(packed.base!, off)
    }

    /// Calls `body` with the value's bytes, or returns nil when the field is missing.
    public func withValue<R>(_ field: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        if let t = table {
            guard let v = t.dict[Key(field)] else { return nil }
            return v.withUnsafeBytes(body)
        }
        return field.withUnsafeBytes { f -> R? in
            guard let at = packedValueOffset(f), let base = packed.base else { return nil }
            let (len, hdr) = PackedBuffer.header(base, at)
            return body(UnsafeRawBufferPointer(start: base + at + hdr, count: len))
        }
    }

    public func get(_ field: [UInt8]) -> [UInt8]? { withValue(field) { Array($0) } }

    public func contains(_ field: [UInt8]) -> Bool {
        if let t = table { return t.dict.contains(Key(field)) }
        return field.withUnsafeBytes { packedValueOffset($0) != nil }
    }

    /// Visits every pair in storage order (insertion order while listpack).
    public func forEach(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        if let t = table {
            let keys = t.dict.keys, values = t.dict.values
            for i in 0..<keys.count {
                keys[i].withUnsafeBytes { k in values[i].withUnsafeBytes { v in body(k, v) } }
            }
            return
        }
        guard let base = packed.base else { return }
        var off = 0
        let end = Int(packed.used)
        while off < end {
            let (flen, fhdr) = PackedBuffer.header(base, off)
            let f = UnsafeRawBufferPointer(start: base + off + fhdr, count: flen)
            off += fhdr + flen
            let (vlen, vhdr) = PackedBuffer.header(base, off)
            let v = UnsafeRawBufferPointer(start: base + off + vhdr, count: vlen)
            off += vhdr + vlen
            body(f, v)
        }
    }

    /// Every pair as arrays (tests, persistence).
    public var pairs: [([UInt8], [UInt8])] {
        var out: [([UInt8], [UInt8])] = []
        out.reserveCapacity(count)
        forEach { f, v in out.append((Array(f), Array(v))) }
        return out
    }

    /// The pair at `index` in storage order (random picks). O(n) while listpack.
    public func withPair<R>(at index: Int, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        if let t = table {
            return t.dict.key(at: index).withUnsafeBytes { k in t.dict.value(at: index).withUnsafeBytes { v in body(k, v) } }
        }
        let base = packed.base!
        var off = 0
        for _ in 0..<index {
            off = PackedBuffer.next(base, PackedBuffer.next(base, off))
        }
        let (flen, fhdr) = PackedBuffer.header(base, off)
        let f = UnsafeRawBufferPointer(start: base + off + fhdr, count: flen)
        off += fhdr + flen
        let (vlen, vhdr) = PackedBuffer.header(base, off)
        return body(f, UnsafeRawBufferPointer(start: base + off + vhdr, count: vlen))
    }

    /// `count` independent uniform picks (repeats allowed). The packed form
    /// is indexed once, so each pick costs O(1) rather than a walk.
    public func randomPairs<G: RandomNumberGenerator>(_ count: Int, using g: inout G,
                                                      _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        let n = self.count
        guard n > 0 else { return }
        if table != nil {
            for _ in 0..<count { withPair(at: Int.random(in: 0..<n, using: &g), body) }
            return
        }
        let base = packed.base!
        var offsets: [Int] = []
        offsets.reserveCapacity(n)
        var off = 0
        for _ in 0..<n {
            offsets.append(off)
            off = PackedBuffer.next(base, PackedBuffer.next(base, off))
        }
        for _ in 0..<count {
            let at = offsets[Int.random(in: 0..<n, using: &g)]
            let (flen, fhdr) = PackedBuffer.header(base, at)
            let voff = at + fhdr + flen
            let (vlen, vhdr) = PackedBuffer.header(base, voff)
            body(UnsafeRawBufferPointer(start: base + at + fhdr, count: flen),
                 UnsafeRawBufferPointer(start: base + voff + vhdr, count: vlen))
        }
    }

    /// Visits the pairs at the given ascending storage positions in one pass.
    public func forEachPair(atSorted positions: [Int], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        if table != nil {
            for i in positions { withPair(at: i, body) }
            return
        }
        guard let base = packed.base else { return }
        var off = 0, at = 0
        for i in positions {
            while at < i {
                off = PackedBuffer.next(base, PackedBuffer.next(base, off))
                at += 1
            }
            let (flen, fhdr) = PackedBuffer.header(base, off)
            let f = UnsafeRawBufferPointer(start: base + off + fhdr, count: flen)
            let voff = off + fhdr + flen
            let (vlen, vhdr) = PackedBuffer.header(base, voff)
            body(f, UnsafeRawBufferPointer(start: base + voff + vhdr, count: vlen))
        }
    }

    // MARK: writes

    /// Converts to a hashtable when any of `args` is longer than `maxValue`
    /// (Redis's hashTypeTryConversion, run over all of HSET's arguments first).
    public func convertIfAnyLonger(_ args: ArraySlice<[UInt8]>, maxValue: Int) {
        guard table == nil else { return }
        for a in args where a.count > maxValue {
            convertToTable()
            return
        }
    }

    /// Sets a field; returns true when it is new. The hash converts first when
    /// the field or value is too long for a listpack, and after the write
    /// when it holds more than `maxEntries` fields (hashTypeSet).
    @discardableResult
    public func set(_ field: [UInt8], _ value: [UInt8], maxEntries: Int, maxValue: Int) -> Bool {
        if table == nil && (field.count > maxValue || value.count > maxValue) { convertToTable() }
        if let t = table { return t.dict.set(Key(field), value) }
        var inserted = false
        if let at = field.withUnsafeBytes({ packedValueOffset($0) }) {
            value.withUnsafeBytes { packed.replaceEntry(at: at, with: $0) }
        } else {
            field.withUnsafeBytes { packed.append($0) }
            value.withUnsafeBytes { packed.append($0) }
            packed.count += 1
            inserted = true
        }
        // Checked after updates too: a limit lowered by CONFIG SET converts on the next write.
        if Int(packed.count) > maxEntries { convertToTable() }
        return inserted
    }

    /// set(_:_:maxEntries:maxValue:) for bytes the caller holds (a loader
    /// decoding in place): arrays only once the hash is a table.
    @discardableResult
    public func set(_ field: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, maxEntries: Int, maxValue: Int) -> Bool {
        if table == nil && (field.count > maxValue || value.count > maxValue) { convertToTable() }
        if let t = table { return t.dict.set(Key(field), Array(value)) }
        var inserted = false
        if let at = packedValueOffset(field) {
            packed.replaceEntry(at: at, with: value)
        } else {
            packed.append(field)
            packed.append(value)
            packed.count += 1
            inserted = true
        }
        if Int(packed.count) > maxEntries { convertToTable() }
        return inserted
    }

    /// Removes a field; returns true when it was there.
    @discardableResult
    public func remove(_ field: [UInt8]) -> Bool {
        if let t = table { return t.dict.remove(Key(field)) != nil }
        guard let off = field.withUnsafeBytes({ packedFieldOffset($0) }), let base = packed.base else { return false }
        packed.removeRange(from: off, to: PackedBuffer.next(base, PackedBuffer.next(base, off)))
        packed.count -= 1
        return true
    }

    /// One-way switch to the hashtable encoding.
    public func convertToTable() {
        guard table == nil else { return }
        var d = DenseDict<Key, [UInt8]>(minimumCapacity: Int(packed.count))
        forEach { f, v in d.set(Key(f), Array(v)) }
        table = HashTable(d)
        packed.release()
    }
}

/// The hashtable encoding's storage, boxed so that a small hash pays one pointer for it.
public final class HashTable {
    public var dict: DenseDict<Key, [UInt8]>
    public init(_ dict: DenseDict<Key, [UInt8]>) { self.dict = dict }
}

/// Length-prefixed byte strings (or, for intsets, fixed-width integers) in one
/// malloc'd block: the listpack idea without Redis's per-entry back lengths,
/// which only its reverse iteration needs. Capacity is a function of `used`
/// (size classes), so it needs no field of its own.
///
/// Entry header: `0xxxxxxx` for lengths below 128; `10xxxxxx xxxxxxxx` below
/// 16384; `0xC0` then a 32-bit length otherwise.
public struct PackedBuffer: ~Copyable {
    public var base: UnsafeMutablePointer<UInt8>?
    /// Bytes in use.
    public var used: UInt32 = 0
    /// Entries (or pairs, or integers): kept by the owner.
    public var count: UInt32 = 0

    public init() { base = nil }

    deinit { free(base) }

    /// Size classes: glibc's chunk sizes (16k + 8 usable bytes) while small,
    /// so a block fills its chunk, then eighths of a power of two.
    @inline(__always)
    public static func capacity(for n: Int) -> Int {
        if n <= 24 { return n == 0 ? 0 : 24 }
        if n <= 1024 { return ((n - 8 + 15) & ~15) + 8 }
        let shift = (Int.bitWidth - (n - 1).leadingZeroBitCount) - 3
        let step = 1 << shift
        return (n + step - 1) & ~(step - 1)
    }

    /// Resizes the block for `newUsed` bytes when its size class changes.
    @inline(__always)
    public mutating func resize(to newUsed: Int) {
        let old = Self.capacity(for: Int(used)), new = Self.capacity(for: newUsed)
        if base == nil || old != new {
            if new == 0 {
                free(base)
                base = nil
            } else {
                base = realloc(base, new)!.assumingMemoryBound(to: UInt8.self)
            }
        }
    }

    public func copy() -> PackedBuffer {
        var b = PackedBuffer()
        if let src = base, used > 0 {
            b.resize(to: Int(used))
            memcpy(b.base!, src, Int(used))
        }
        b.used = used
        b.count = count
        return b
    }

    /// Frees the block (after a conversion to a hashtable).
    public mutating func release() {
        free(base)
        base = nil
        used = 0
        count = 0
    }

    @inline(__always)
    public static func headerSize(_ len: Int) -> Int { len < 0x80 ? 1 : (len < 0x4000 ? 2 : 5) }

    /// (length, header size) of the entry at `off`.
    @inline(__always)
    public static func header(_ base: UnsafeMutablePointer<UInt8>, _ off: Int) -> (Int, Int) {
        let b0 = base[off]
        if b0 < 0x80 { return (Int(b0), 1) }
        if b0 < 0xC0 { return (Int(b0 & 0x3F) << 8 | Int(base[off + 1]), 2) }
        let l = UnsafeRawPointer(base + off + 1).loadUnaligned(as: UInt32.self)
        return (Int(UInt32(littleEndian: l)), 5)
    }

    /// Offset just past the entry at `off`.
    @inline(__always)
    public static func next(_ base: UnsafeMutablePointer<UInt8>, _ off: Int) -> Int {
        let (l, h) = header(base, off)
        return off + h + l
    }

    @inline(__always)
    public static func writeHeader(_ p: UnsafeMutablePointer<UInt8>, _ len: Int) {
        if len < 0x80 {
            p[0] = UInt8(len)
        } else if len < 0x4000 {
            p[0] = 0x80 | UInt8(len >> 8)
            p[1] = UInt8(len & 0xFF)
        } else {
            p[0] = 0xC0
            UnsafeMutableRawPointer(p + 1).storeBytes(of: UInt32(len).littleEndian, as: UInt32.self)
        }
    }

    /// The bytes of the entry at `off`.
    @inline(__always)
    public func entry(at off: Int) -> UnsafeRawBufferPointer {
        let (l, h) = Self.header(base!, off)
        return UnsafeRawBufferPointer(start: base! + off + h, count: l)
    }

    /// Appends one entry (the owner counts it).
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let h = Self.headerSize(bytes.count)
        let at = Int(used)
        resize(to: at + h + bytes.count)
        Self.writeHeader(base! + at, bytes.count)
        if bytes.count > 0 { memcpy(base! + at + h, bytes.baseAddress!, bytes.count) }
        used = UInt32(at + h + bytes.count)
    }

    /// Inserts one entry at byte offset `at` (an entry boundary).
    public mutating func insert(_ bytes: UnsafeRawBufferPointer, at: Int) {
        let h = Self.headerSize(bytes.count)
        let size = h + bytes.count
        let old = Int(used)
        resize(to: old + size)
        if at < old { memmove(base! + at + size, base! + at, old - at) }
        Self.writeHeader(base! + at, bytes.count)
        if bytes.count > 0 { memcpy(base! + at + h, bytes.baseAddress!, bytes.count) }
        used = UInt32(old + size)
    }

    /// Replaces the entry at `at` in place, moving what follows.
    public mutating func replaceEntry(at: Int, with bytes: UnsafeRawBufferPointer) {
        let oldEnd = Self.next(base!, at)
        let newSize = Self.headerSize(bytes.count) + bytes.count
        let delta = newSize - (oldEnd - at)
        let total = Int(used)
        if delta > 0 {
            resize(to: total + delta)
            memmove(base! + oldEnd + delta, base! + oldEnd, total - oldEnd)
        } else if delta < 0 {
            memmove(base! + oldEnd + delta, base! + oldEnd, total - oldEnd)
            resize(to: total + delta)
        }
        Self.writeHeader(base! + at, bytes.count)
        if bytes.count > 0 { memcpy(base! + at + Self.headerSize(bytes.count), bytes.baseAddress!, bytes.count) }
        used = UInt32(total + delta)
    }

    /// Removes bytes [from, to), closing the gap.
    public mutating func removeRange(from: Int, to: Int) {
        let total = Int(used)
        if to < total { memmove(base! + from, base! + to, total - to) }
        resize(to: total - (to - from))
        used = UInt32(total - (to - from))
    }
}
