import Glibc
import Protocol

/// One set member as the set holds it: an integer of an intset, or bytes
/// (a Key: held inline when short, hashed without touching the heap).
public enum SetMember {
    case int(Int64)
    case key(Key)

    public var bytes: [UInt8] {
        switch self {
        case .int(let v):
            var b: [UInt8] = []
            b.reserveCapacity(20)
            appendDecimal(v, to: &b)
            return b
        case .key(let k): return k.bytes
        }
    }

    public init(_ bytes: [UInt8]) { self = .key(Key(bytes)) }

    /// The member as a hashtable key.
    public var asKey: Key {
        switch self {
        case .key(let k): return k
        case .int: return Key(bytes)
        }
    }
}

/// A set: Redis's "intset" (sorted integers packed at 16, 32 or 64 bits, the
/// width growing as values need it and never shrinking) while every member is
/// an integer and there are at most set-max-intset-entries of them, else
/// "hashtable". Conversions are one-way, as in Redis.
///
/// Redis 7.0 has no small encoding for sets of strings: they are dicts. A
/// dict of ten members costs Swift about twice what it costs Redis, so a small
/// string set is kept as packed entries (linear search, like a hash's
/// listpack) while it has at most 128 members of at most 64 bytes, and only
/// becomes a real table past that. OBJECT ENCODING still says "hashtable":
/// clients see Redis's encoding; its element order is unspecified either way.
public final class SetValue {
    public enum Kind {
        case int16, int32, int64
        /// Packed length-prefixed strings (a "hashtable" to clients).
        case strings
        case table(SetTable)
    }

    /// Limits of the packed strings form (Redis 7.2's set-max-listpack-* defaults).
    public static let smallMaxEntries = 128
    public static let smallMaxBytes = 64

    public var packed = PackedBuffer()
    public var kind: Kind

    /// An empty intset (Redis's createIntsetObject: SUNION/SINTER results start so).
    public init() { kind = .int16 }

    public init(kind: Kind) { self.kind = kind }

    /// The set Redis's setTypeCreate makes for a first member: an intset when it is an integer.
    public static func forFirstMember(_ member: [UInt8]) -> SetValue {
        parseStrictInt64(member) != nil ? SetValue() : SetValue(kind: .strings)
    }

    public var encodingName: String { isIntset ? "intset" : "hashtable" }

    public var isIntset: Bool {
        switch kind {
        case .int16, .int32, .int64: return true
        default: return false
        }
    }

    public var count: Int {
        if case .table(let t) = kind { return t.dict.count }
        return Int(packed.count)
    }

    public var isEmpty: Bool { count == 0 }

    /// A copy with the same encoding (COPY).
    public func duplicate() -> SetValue {
        switch kind {
        case .table(let t): return SetValue(kind: .table(SetTable(t.dict)))
        default:
            let s = SetValue(kind: kind)
            s.packed = packed.copy()
            return s
        }
    }

    // MARK: intset

    @inline(__always)
    private var width: Int {
        switch kind {
        case .int16: return 2
        case .int32: return 4
        default: return 8
        }
    }

    @inline(__always)
    private static func width(for v: Int64) -> Int {
        if v >= Int64(Int16.min) && v <= Int64(Int16.max) { return 2 }
        if v >= Int64(Int32.min) && v <= Int64(Int32.max) { return 4 }
        return 8
    }

    @inline(__always)
    private static func load(_ base: UnsafeMutablePointer<UInt8>, _ i: Int, _ w: Int) -> Int64 {
        let p = UnsafeRawPointer(base + i * w)
        switch w {
        case 2: return Int64(p.loadUnaligned(as: Int16.self))
        case 4: return Int64(p.loadUnaligned(as: Int32.self))
        default: return p.loadUnaligned(as: Int64.self)
        }
    }

    @inline(__always)
    private static func store(_ base: UnsafeMutablePointer<UInt8>, _ i: Int, _ w: Int, _ v: Int64) {
        let p = UnsafeMutableRawPointer(base + i * w)
        switch w {
        case 2: p.storeBytes(of: Int16(truncatingIfNeeded: v), as: Int16.self)
        case 4: p.storeBytes(of: Int32(truncatingIfNeeded: v), as: Int32.self)
        default: p.storeBytes(of: v, as: Int64.self)
        }
    }

    /// The intset element at `i`.
    @inline(__always)
    public func intAt(_ i: Int) -> Int64 { Self.load(packed.base!, i, width) }

    /// Binary search: (found, position to insert at).
    private func intSearch(_ v: Int64) -> (Bool, Int) {
        let n = Int(packed.count)
        if n == 0 { return (false, 0) }
        let w = width
        let base = packed.base!
        if v > Self.load(base, n - 1, w) { return (false, n) }
        if v < Self.load(base, 0, w) { return (false, 0) }
        var lo = 0, hi = n - 1
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let x = Self.load(base, mid, w)
            if x == v { return (true, mid) }
            if x < v { lo = mid + 1 } else { hi = mid - 1 }
        }
        return (false, lo)
    }

    private func intContains(_ v: Int64) -> Bool {
        if Self.width(for: v) > width { return false }
        return intSearch(v).0
    }

    /// Adds to the intset (no conversion here); returns true when new.
    private func intAdd(_ v: Int64) -> Bool {
        let n = Int(packed.count)
        let w = width, need = Self.width(for: v)
        if need > w {
            // Upgrade: the new value is beyond every current one, so it goes first or last.
            var fresh = PackedBuffer()
            fresh.resize(to: (n + 1) * need)
            let dst = fresh.base!, src = packed.base
            let offset = v < 0 ? 1 : 0
            for i in 0..<n { Self.store(dst, i + offset, need, Self.load(src!, i, w)) }
            Self.store(dst, v < 0 ? 0 : n, need, v)
            fresh.used = UInt32((n + 1) * need)
            fresh.count = UInt32(n + 1)
            packed = fresh
            kind = need == 4 ? .int32 : .int64
            return true
        }
        let (found, pos) = intSearch(v)
        if found { return false }
        packed.resize(to: (n + 1) * w)
        let base = packed.base!
        if pos < n { memmove(base + (pos + 1) * w, base + pos * w, (n - pos) * w) }
        Self.store(base, pos, w, v)
        packed.used = UInt32((n + 1) * w)
        packed.count = UInt32(n + 1)
        return true
    }

    private func intRemove(at pos: Int) {
        let n = Int(packed.count), w = width
        let base = packed.base!
        if pos < n - 1 { memmove(base + pos * w, base + (pos + 1) * w, (n - pos - 1) * w) }
        packed.resize(to: (n - 1) * w)
        packed.used = UInt32((n - 1) * w)
        packed.count = UInt32(n - 1)
    }

    private func intRemove(_ v: Int64) -> Bool {
        if Self.width(for: v) > width { return false }
        let (found, pos) = intSearch(v)
        if !found { return false }
        intRemove(at: pos)
        return true
    }

    // MARK: packed strings

    private func stringOffset(_ m: UnsafeRawBufferPointer) -> Int? {
        guard let base = packed.base else { return nil }
        var off = 0
        let end = Int(packed.used)
        while off < end {
            let (len, hdr) = PackedBuffer.header(base, off)
            if len == m.count && (len == 0 || memcmp(base + off + hdr, m.baseAddress!, len) == 0) { return off }
            off += hdr + len
        }
        return nil
    }

    private func stringOffset(at index: Int) -> Int {
        let base = packed.base!
        var off = 0
        for _ in 0..<index { off = PackedBuffer.next(base, off) }
        return off
    }

    private func stringRemove(offset off: Int) {
        packed.removeRange(from: off, to: PackedBuffer.next(packed.base!, off))
        packed.count -= 1
    }

    // MARK: conversions

    /// Leaves the intset form: packed strings when they fit, else a table.
    private func convertFromIntset(adding extra: Int, longest: Int) {
        let n = Int(packed.count)
        if n + extra <= Self.smallMaxEntries && longest <= Self.smallMaxBytes {
            var strings = PackedBuffer()
            var digits: [UInt8] = []
            digits.reserveCapacity(20)
            for i in 0..<n {
                digits.removeAll(keepingCapacity: true)
                appendDecimal(intAt(i), to: &digits)
                digits.withUnsafeBytes { strings.append($0) }
            }
            strings.count = UInt32(n)
            packed = strings
            kind = .strings
        } else {
            convertToTable()
        }
    }

    /// One-way switch to a real hashtable.
    public func convertToTable() {
        if case .table = kind { return }
        var d = ChainedDict<Key, Void>(minimumCapacity: count)
        forEach { d.insert($0.asKey, ()) }
        packed.release()
        kind = .table(SetTable(d))
    }

    // MARK: public operations

    public func contains(_ member: [UInt8]) -> Bool {
        switch kind {
        case .table(let t): return t.dict.contains(Key(member))
        case .strings: return member.withUnsafeBytes { stringOffset($0) != nil }
        default:
            guard let v = parseStrictInt64(member) else { return false }
            return intContains(v)
        }
    }

    public func contains(_ member: SetMember) -> Bool {
        switch (kind, member) {
        case (.table(let t), .key(let k)): return t.dict.contains(k)
        case (.strings, .key(let k)): return k.withUnsafeBytes { stringOffset($0) != nil }
        case (.table, .int), (.strings, .int): return contains(member.bytes)
        case (_, .int(let v)): return intContains(v)
        case (_, .key(let k)):
            guard let v = k.withUnsafeBytes({ parseStrictInt64($0) }) else { return false }
            return intContains(v)
        }
    }

    /// Adds a member (setTypeAdd); returns true when it is new. An intset
    /// converts when the member is not an integer or it would hold more than
    /// `maxIntsetEntries`.
    @discardableResult
    public func add(_ member: [UInt8], maxIntsetEntries: Int) -> Bool {
        switch kind {
        case .table(let t): return t.dict.insert(Key(member), ())
        case .strings: return addString(member)
        default:
            if let v = parseStrictInt64(member) { return addInt(v, maxIntsetEntries: maxIntsetEntries) }
            convertFromIntset(adding: 1, longest: member.count)
            return add(member, maxIntsetEntries: maxIntsetEntries)
        }
    }

    /// add(_:maxIntsetEntries:) for bytes the caller holds (a loader decoding
    /// in place): no array unless the set is or becomes a table.
    @discardableResult
    public func add(_ member: UnsafeRawBufferPointer, maxIntsetEntries: Int) -> Bool {
        switch kind {
        case .table(let t): return t.dict.insert(Key(member), ())
        case .strings where member.count <= Self.smallMaxBytes: return addPackedString(member)
        case .strings: return add(Array(member), maxIntsetEntries: maxIntsetEntries)
        default:
            if let v = parseStrictInt64(member) { return addInt(v, maxIntsetEntries: maxIntsetEntries) }
            convertFromIntset(adding: 1, longest: member.count)
            return add(member, maxIntsetEntries: maxIntsetEntries)
        }
    }

    @discardableResult
    public func add(_ member: SetMember, maxIntsetEntries: Int) -> Bool {
        switch (kind, member) {
        case (.table(let t), .key(let k)): return t.dict.insert(k, ())
        case (.strings, .key(let k)) where k.count <= Self.smallMaxBytes:
            return k.withUnsafeBytes { addPackedString($0) }
        case (.table, .int), (.strings, _): return add(member.bytes, maxIntsetEntries: maxIntsetEntries)
        case (_, .int(let v)): return addInt(v, maxIntsetEntries: maxIntsetEntries)
        case (_, .key(let k)): return add(k.bytes, maxIntsetEntries: maxIntsetEntries)
        }
    }

    private func addInt(_ v: Int64, maxIntsetEntries: Int) -> Bool {
        guard intAdd(v) else { return false }
        // intsets are limited to 2^30 entries whatever the setting.
        let limit = min(maxIntsetEntries, 1 << 30)
        if count > limit { convertFromIntset(adding: 0, longest: 20) }
        return true
    }

    private func addString(_ member: [UInt8]) -> Bool {
        if member.count > Self.smallMaxBytes {
            // Never held in packed form, so it is new.
            convertToTable()
            return add(member, maxIntsetEntries: 0)
        }
        return member.withUnsafeBytes { addPackedString($0) }
    }

    /// Adds a member short enough for the packed form (the set holds strings).
    private func addPackedString(_ member: UnsafeRawBufferPointer) -> Bool {
        if stringOffset(member) != nil { return false }
        packed.append(member)
        packed.count += 1
        if count > Self.smallMaxEntries { convertToTable() }
        return true
    }

    @discardableResult
    public func remove(_ member: [UInt8]) -> Bool {
        switch kind {
        case .table(let t): return t.remove(Key(member))
        case .strings:
            guard let off = member.withUnsafeBytes({ stringOffset($0) }) else { return false }
            stringRemove(offset: off)
            return true
        default:
            guard let v = parseStrictInt64(member) else { return false }
            return intRemove(v)
        }
    }

    @discardableResult
    public func remove(_ member: SetMember) -> Bool {
        switch (kind, member) {
        case (.table(let t), .key(let k)): return t.remove(k)
        case (.strings, .key(let k)):
            guard let off = k.withUnsafeBytes({ stringOffset($0) }) else { return false }
            stringRemove(offset: off)
            return true
        case (.table, .int), (.strings, _): return remove(member.bytes)
        case (_, .int(let v)): return intRemove(v)
        case (_, .key(let k)): return remove(k.bytes)
        }
    }

    /// The member at storage position `index` (random picks). O(n) for packed strings.
    public func member(at index: Int) -> SetMember {
        switch kind {
        case .table(let t): return .key(t.dict.key(at: index))
        case .strings: return .key(Key(packed.entry(at: stringOffset(at: index))))
        default: return .int(intAt(index))
        }
    }

    /// setTypeRandomElement: a uniform pick (for a hashtable, after the rehash
    /// steps dictGetFairRandomKey takes). The set is not empty.
    public func randomMember<G: RandomNumberGenerator>(using g: inout G) -> SetMember {
        if case .table(let t) = kind { return .key(t.dict.key(at: t.dict.randomEntry(using: &g)!)) }
        return member(at: Int.random(in: 0..<count, using: &g))
    }

    /// SPOP's step: a random member (as randomMember) removed, as setTypeRemove.
    public func popRandom<G: RandomNumberGenerator>(using g: inout G) -> SetMember {
        if case .table(let t) = kind {
            let k = t.dict.key(at: t.dict.randomEntry(using: &g)!)
            t.remove(k)
            return .key(k)
        }
        return remove(at: Int.random(in: 0..<count, using: &g))
    }

    /// `count` distinct members drawn at random from a hashtable (SRANDMEMBER's
    /// CASE 4: random picks until enough are new); nil for the other encodings.
    public func distinctTableMembers<G: RandomNumberGenerator>(_ count: Int, using g: inout G) -> [Key]? {
        guard case .table(let t) = kind else { return nil }
        var seen = Set<Int>(minimumCapacity: count)
        var out: [Key] = []
        out.reserveCapacity(count)
        while out.count < count {
            let e = t.dict.randomEntry(using: &g)!
            if seen.insert(e).inserted { out.append(t.dict.key(at: e)) }
        }
        return out
    }

    /// `count` independent uniform picks (repeats allowed); a hashtable's take
    /// its rehash steps, the packed strings are indexed once.
    public func randomMembers<G: RandomNumberGenerator>(_ count: Int, using g: inout G, _ body: (SetMember) -> Void) {
        let n = self.count
        guard n > 0 else { return }
        if case .table(let t) = kind {
            for _ in 0..<count { body(.key(t.dict.key(at: t.dict.randomEntry(using: &g)!))) }
            return
        }
        guard case .strings = kind else {
            for _ in 0..<count { body(member(at: Int.random(in: 0..<n, using: &g))) }
            return
        }
        var keys: [Key] = []
        keys.reserveCapacity(n)
        forEach { if case .key(let k) = $0 { keys.append(k) } }
        for _ in 0..<count { body(.key(keys[Int.random(in: 0..<n, using: &g)])) }
    }

    /// Removes the member at storage position `index` and returns it.
    public func remove(at index: Int) -> SetMember {
        switch kind {
        case .table(let t):
            let k = t.dict.key(at: index)
            t.remove(k)
            return .key(k)
        case .strings:
            let off = stringOffset(at: index)
            let m = SetMember.key(Key(packed.entry(at: off)))
            stringRemove(offset: off)
            return m
        default:
            let v = intAt(index)
            intRemove(at: index)
            return .int(v)
        }
    }

    /// Visits every member in storage order (ascending for an intset).
    public func forEach(_ body: (SetMember) -> Void) {
        visitMembers { body($0); return true }
    }

    /// Visits members in storage order until `body` returns false.
    public func visitMembers(_ body: (SetMember) -> Bool) {
        switch kind {
        case .table(let t):
            for k in t.dict.keys where !body(.key(k)) { return }
        case .strings:
            guard let base = packed.base else { return }
            var off = 0
            let end = Int(packed.used)
            while off < end {
                let (len, hdr) = PackedBuffer.header(base, off)
                if !body(.key(Key(UnsafeRawBufferPointer(start: base + off + hdr, count: len)))) { return }
                off += hdr + len
            }
        default:
            let n = Int(packed.count)
            for i in 0..<n where !body(.int(intAt(i))) { return }
        }
    }

    /// Visits every member's bytes without building keys (replies).
    public func forEachBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
        switch kind {
        case .table(let t):
            for k in t.dict.keys { k.withUnsafeBytes(body) }
        case .strings:
            guard let base = packed.base else { return }
            var off = 0
            let end = Int(packed.used)
            while off < end {
                let (len, hdr) = PackedBuffer.header(base, off)
                body(UnsafeRawBufferPointer(start: base + off + hdr, count: len))
                off += hdr + len
            }
        default:
            var digits: [UInt8] = []
            digits.reserveCapacity(20)
            let n = Int(packed.count)
            for i in 0..<n {
                digits.removeAll(keepingCapacity: true)
                appendDecimal(intAt(i), to: &digits)
                digits.withUnsafeBytes(body)
            }
        }
    }

    /// Every member as bytes (tests, persistence).
    public var members: [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(count)
        forEachBytes { out.append(Array($0)) }
        return out
    }

    /// The hashtable's dictionary (nil for the compact forms), for SSCAN's cursor.
    public var tableDict: ChainedDict<Key, Void>? {
        if case .table(let t) = kind { return t.dict }
        return nil
    }
}

/// The hashtable encoding's storage, boxed so that a small set pays one pointer for it.
public final class SetTable {
    public var dict: ChainedDict<Key, Void>
    public init(_ dict: ChainedDict<Key, Void>) { self.dict = dict }

    /// setTypeRemove: the delete, then a shrink if the table became sparse.
    @discardableResult
    public func remove(_ k: Key) -> Bool {
        guard dict.remove(k) != nil else { return false }
        dict.shrinkIfSparse()
        return true
    }
}
