import Glibc

/// A sorted set: Redis's "listpack" encoding while it holds at most
/// zset-max-listpack-entries members of at most zset-max-listpack-value
/// bytes (one packed block, see ZPacked), else "skiplist" (ZSkipList: skip
/// list with spans plus a member dictionary). The conversion is one-way, as
/// in Redis; store commands build their result in whichever encoding Redis's
/// zsetConvertToListpackIfNeeded would leave it.
///
/// Members are visited as UnsafeRawBufferPointer: valid only inside the
/// visiting closure, which must not modify this set.
public final class SortedSetValue {
    /// One word, so that the object is 24 bytes (a 32-byte malloc chunk):
    /// 0 for an empty listpack, a packed block (malloc'd, so 16-aligned), or
    /// a retained ZSkipList pointer with the low bit set.
    private var word: UInt = 0

    public init() {}

    deinit {
        if word & 1 == 1 {
            Unmanaged<ZSkipList>.fromOpaque(UnsafeRawPointer(bitPattern: word & ~1)!).release()
        } else {
            free(UnsafeMutableRawPointer(bitPattern: word))
        }
    }

    /// The listpack view (empty once converted).
    public var packed: ZPacked {
        @inline(__always) get { word & 1 == 0 ? ZPacked(block: UnsafeMutableRawPointer(bitPattern: word)) : ZPacked() }
        @inline(__always) set {
            precondition(word & 1 == 0, "listpack write on a skiplist zset")
            word = UInt(bitPattern: newValue.block)
        }
    }

    /// The skiplist, once converted; setting it frees the packed block.
    public var list: ZSkipList? {
        @inline(__always) get {
            guard word & 1 == 1 else { return nil }
            return Unmanaged<ZSkipList>.fromOpaque(UnsafeRawPointer(bitPattern: word & ~1)!).takeUnretainedValue()
        }
        set {
            if word & 1 == 1 {
                Unmanaged<ZSkipList>.fromOpaque(UnsafeRawPointer(bitPattern: word & ~1)!).release()
            } else {
                free(UnsafeMutableRawPointer(bitPattern: word))
            }
            word = newValue.map { UInt(bitPattern: Unmanaged.passRetained($0).toOpaque()) | 1 } ?? 0
        }
    }

    /// An empty set, listpack or skiplist.
    public convenience init(skiplist: Bool) {
        self.init()
        if skiplist { list = ZSkipList() }
    }

    /// An empty set in the encoding Redis's ZADD creates for a new key.
    public init(forFirstMember length: Int, limits: ZsetLimits) {
        if limits.maxEntries == 0 || length > limits.maxValue { list = ZSkipList() }
    }

    /// A set holding `entries`, already in (score, member) order without
    /// duplicates, in the encoding a Redis store command would leave.
    public init(sorted entries: [(member: [UInt8], score: Double)], limits: ZsetLimits) {
        var maxLen = 0
        for e in entries where e.member.count > maxLen { maxLen = e.member.count }
        if entries.count <= limits.maxEntries && maxLen <= limits.maxValue {
            for e in entries { e.member.withUnsafeBytes { packed.append($0, e.score) } }
        } else {
            let l = ZSkipList(capacity: entries.count)
            for e in entries { l.dict.set(Key(e.member), l.insert(e.score, e.member)) }
            list = l
        }
    }

    /// Appends to a listpack-encoded set a member that sorts after every
    /// present one (a loader reading a sorted listpack); false, and nothing
    /// changed, when the member is already there.
    public func appendSorted(_ member: UnsafeRawBufferPointer, _ score: Double) -> Bool {
        var p = packed
        if p.find(member) != nil { return false }
        p.append(member, score)
        packed = p
        return true
    }

    public var encodingName: String { list == nil ? "listpack" : "skiplist" }
    public var isListpack: Bool { list == nil }
    public var count: Int { list?.length ?? packed.count }
    public var isEmpty: Bool { count == 0 }

    /// A copy with the same encoding (COPY, as Redis's zsetDup).
    public func duplicate() -> SortedSetValue {
        let z = SortedSetValue()
        if let l = list { z.list = l.copy() } else { z.packed = packed.copy() }
        return z
    }

    /// One-way switch to the skiplist encoding (zsetConvert).
    public func convertToSkipList() {
        guard list == nil else { return }
        let l = ZSkipList(capacity: packed.count)
        forEach { m, s in
            let member = Array(m)
            l.dict.set(Key(member), l.insert(s, member))
        }
        list = l
    }

    // MARK: lookups

    public func score(of member: [UInt8]) -> Double? {
        if let l = list {
            guard let n = l.dict[Key(member)] else { return nil }
            return l.score(Int(n))
        }
        return member.withUnsafeBytes { packed.find($0)?.score }
    }

    /// 0-based rank, counted from the highest score when `reverse`.
    public func rank(of member: [UInt8], reverse: Bool) -> Int? {
        let n = count
        if let l = list {
            guard let x = l.dict[Key(member)].map({ Int($0) }) else { return nil }
            let r = l.rank(l.score(x), member)
            precondition(r != 0, "zset skiplist out of sync with its dict")
            return reverse ? n - r : r - 1
        }
        guard let base = packed.base else { return nil }
        return member.withUnsafeBytes { m -> Int? in
            var off = 0, r = 0
            let end = packed.used
            while off < end {
                let e = ZPacked.entry(base, off)
                if e.member.count == m.count && compareMembers(e.member, m) == 0 {
                    return reverse ? n - 1 - r : r
                }
                r += 1
                off = e.next
            }
            return nil
        }
    }

    // MARK: ZADD

    /// zsetAdd. Scores must not be NaN (callers parse them with string2d).
    public func add(_ member: [UInt8], score: Double, flags: ZAddFlags, limits: ZsetLimits) -> ZAddOutcome {
        if score.isNaN { return .nan }
        if list == nil {
            let found = member.withUnsafeBytes { packed.find($0) }
            if let f = found {
                if flags.contains(.nx) { return .nop }
                var s = score
                if flags.contains(.incr) {
                    s += f.score
                    if s.isNaN { return .nan }
                }
                if (flags.contains(.lt) && s >= f.score) || (flags.contains(.gt) && s <= f.score) { return .nop }
                if s != f.score {
                    packed.remove(from: f.start, to: f.end)
                    member.withUnsafeBytes { packed.insert($0, s) }
                    return .updated(s)
                }
                return .unchanged(s)
            }
            if flags.contains(.xx) { return .nop }
            if packed.count + 1 > limits.maxEntries || member.count > limits.maxValue {
                convertToSkipList()
            } else {
                member.withUnsafeBytes { packed.insert($0, score) }
                return .added(score)
            }
        }
        let l = list!
        let key = Key(member)
        if let x = l.dict[key].map({ Int($0) }) {
            if flags.contains(.nx) { return .nop }
            let cur = l.score(x)
            var s = score
            if flags.contains(.incr) {
                s += cur
                if s.isNaN { return .nan }
            }
            if (flags.contains(.lt) && s >= cur) || (flags.contains(.gt) && s <= cur) { return .nop }
            if s != cur {
                let n = l.updateScore(cur, l.member(x), s)
                if n != x { l.dict.set(key, n) }
                return .updated(s)
            }
            return .unchanged(s)
        }
        if flags.contains(.xx) { return .nop }
        l.dict.set(key, l.insert(score, member))
        return .added(score)
    }

    /// Removes a member; true when it was there.
    @discardableResult
    public func remove(_ member: [UInt8]) -> Bool {
        if let l = list {
            let key = Key(member)
            guard let x = l.dict.remove(key) else { return false }
            l.delete(l.score(Int(x)), member)
            return true
        }
        let found = member.withUnsafeBytes { packed.find($0) }
        guard let f = found else { return false }
        packed.remove(from: f.start, to: f.end)
        return true
    }

    // MARK: iteration

    /// Every member in ascending (score, member) order.
    public func forEach(_ body: (UnsafeRawBufferPointer, Double) -> Void) {
        if let l = list {
            var x = l.first
            while x != 0 {
                l.withMember(x) { body($0, l.score(x)) }
                x = l.forward(x, 0)
            }
            return
        }
        guard let base = packed.base else { return }
        var off = 0
        let end = packed.used
        while off < end {
            let e = ZPacked.entry(base, off)
            body(e.member, e.score)
            off = e.next
        }
    }

    /// Every member from the highest (score, member) down (Redis's zuiNext order).
    public func forEachDescending(_ body: (UnsafeRawBufferPointer, Double) -> Void) {
        if let l = list {
            var x = l.tail
            while x != 0 {
                l.withMember(x) { body($0, l.score(x)) }
                x = l.backward(x)
            }
            return
        }
        guard let base = packed.base else { return }
        for off in packed.offsets().reversed() {
            let e = ZPacked.entry(base, off)
            body(e.member, e.score)
        }
    }

    /// Members and scores as arrays, ascending (tests, persistence).
    public var entries: [(member: [UInt8], score: Double)] {
        var out: [(member: [UInt8], score: Double)] = []
        out.reserveCapacity(count)
        forEach { m, s in out.append((Array(m), s)) }
        return out
    }

    /// Visits 0-based ranks start...end (0 <= start <= end < count), counted
    /// from the top when `reverse`.
    public func forEach(ranks start: Int, _ end: Int, reverse: Bool, _ body: (UnsafeRawBufferPointer, Double) -> Void) {
        var n = end - start + 1
        if let l = list {
            var x: Int
            if reverse {
                x = start > 0 ? l.node(atRank: l.length - start) : l.tail
            } else {
                x = start > 0 ? l.node(atRank: start + 1) : l.first
            }
            while n > 0 && x != 0 {
                l.withMember(x) { body($0, l.score(x)) }
                x = reverse ? l.backward(x) : l.forward(x, 0)
                n -= 1
            }
            return
        }
        guard let base = packed.base else { return }
        if reverse {
            let offs = packed.offsets()
            var i = offs.count - 1 - start
            while n > 0 && i >= 0 {
                let e = ZPacked.entry(base, offs[i])
                body(e.member, e.score)
                i -= 1
                n -= 1
            }
            return
        }
        var off = 0, r = 0
        let endOff = packed.used
        while off < endOff && n > 0 {
            let e = ZPacked.entry(base, off)
            if r >= start {
                body(e.member, e.score)
                n -= 1
            }
            r += 1
            off = e.next
        }
    }

    /// genericZrangebyscoreCommand's walk: from the first (last when
    /// `reverse`) member in range, skip `offset`, then visit while in range,
    /// at most `limit` members (negative: no limit). Returns how many were visited.
    @discardableResult
    public func forEach(inScore r: ZScoreRange, offset: Int, limit: Int, reverse: Bool,
                        _ body: (UnsafeRawBufferPointer, Double) -> Void) -> Int {
        // A negative offset walks off the end in Redis (offset-- never reaches 0).
        if offset < 0 { return 0 }
        if let l = list {
            return Self.walk(l, from: reverse ? l.lastInRange(r) : l.firstInRange(r), skip: offset, limit: limit,
                             reverse: reverse, while: { x in reverse ? r.gteMin(l.score(x)) : r.lteMax(l.score(x)) }, body)
        }
        guard let base = packed.base, zzlIsInRange(r) else { return 0 }
        let offs = packed.offsets()
        // zzlFirstInRange / zzlLastInRange.
        var i: Int
        if reverse {
            i = offs.count - 1
            while i >= 0 && !r.lteMax(ZPacked.entry(base, offs[i]).score) { i -= 1 }
            if i < 0 || !r.gteMin(ZPacked.entry(base, offs[i]).score) { return 0 }
        } else {
            i = 0
            while i < offs.count && !r.gteMin(ZPacked.entry(base, offs[i]).score) { i += 1 }
            if i >= offs.count || !r.lteMax(ZPacked.entry(base, offs[i]).score) { return 0 }
        }
        return Self.walk(base, offs, from: i, skip: offset, limit: limit, reverse: reverse,
                         while: { _, s in reverse ? r.gteMin(s) : r.lteMax(s) }, body)
    }

    /// zzlIsInRange.
    private func zzlIsInRange(_ r: ZScoreRange) -> Bool {
        if r.min > r.max || (r.min == r.max && (r.minex || r.maxex)) { return false }
        return count > 0
    }

    /// The lex counterpart of forEach(inScore:...).
    @discardableResult
    public func forEach(inLex r: ZLexRange, offset: Int, limit: Int, reverse: Bool,
                        _ body: (UnsafeRawBufferPointer, Double) -> Void) -> Int {
        if offset < 0 { return 0 }
        if let l = list {
            return Self.walk(l, from: reverse ? l.lastInLexRange(r) : l.firstInLexRange(r), skip: offset, limit: limit,
                             reverse: reverse, while: { x in reverse ? l.lexGteMin(x, r) : l.lexLteMax(x, r) }, body)
        }
        guard let base = packed.base else { return 0 }
        let offs = packed.offsets()
        guard let i = reverse ? packedLastInLex(r, base, offs) : packedFirstInLex(r, base, offs) else { return 0 }
        return Self.walk(base, offs, from: i, skip: offset, limit: limit, reverse: reverse,
                         while: { m, _ in reverse ? r.gteMin(m) : r.lteMax(m) }, body)
    }

    /// The rest of a range walk in a skip list: from node `x` (0: none),
    /// skips `skip` nodes, then visits while `inRange` holds, at most `limit`
    /// (negative: no limit); backwards when `reverse`. Returns how many were
    /// visited. Inlined so that the range test is compiled in, not called.
    @inline(__always)
    private static func walk(_ l: ZSkipList, from start: Int, skip: Int, limit: Int, reverse: Bool,
                             while inRange: (Int) -> Bool, _ body: (UnsafeRawBufferPointer, Double) -> Void) -> Int {
        var x = start, skip = skip, left = limit, visited = 0
        while x != 0 && skip > 0 {
            x = reverse ? l.backward(x) : l.forward(x, 0)
            skip -= 1
        }
        while x != 0 && left != 0 {
            if !inRange(x) { break }
            let s = l.score(x)
            l.withMember(x) { body($0, s) }
            visited += 1
            left -= 1
            x = reverse ? l.backward(x) : l.forward(x, 0)
        }
        return visited
    }

    /// The same walk over a listpack's entries, from index `start` of `offs`.
    @inline(__always)
    private static func walk(_ base: UnsafeMutablePointer<UInt8>, _ offs: [Int], from start: Int, skip: Int, limit: Int,
                             reverse: Bool, while inRange: (UnsafeRawBufferPointer, Double) -> Bool,
                             _ body: (UnsafeRawBufferPointer, Double) -> Void) -> Int {
        var i = start + (reverse ? -skip : skip), left = limit, visited = 0
        while i >= 0 && i < offs.count && left != 0 {
            let e = ZPacked.entry(base, offs[i])
            if !inRange(e.member, e.score) { break }
            body(e.member, e.score)
            visited += 1
            left -= 1
            i += reverse ? -1 : 1
        }
        return visited
    }

    // MARK: counting

    /// ZCOUNT: members within the score range.
    public func count(inScore r: ZScoreRange) -> Int {
        if let l = list {
            let f = l.firstInRange(r)
            return f == 0 ? 0 : l.count(from: f, through: l.lastInRange(r))
        }
        var n = 0
        forEach { _, s in if r.gteMin(s) && r.lteMax(s) { n += 1 } }
        return n
    }

    /// ZLEXCOUNT: members within the lex range.
    public func count(inLex r: ZLexRange) -> Int {
        if let l = list {
            let f = l.firstInLexRange(r)
            return f == 0 ? 0 : l.count(from: f, through: l.lastInLexRange(r))
        }
        guard let base = packed.base else { return 0 }
        let offs = packed.offsets()
        guard var i = packedFirstInLex(r, base, offs) else { return 0 }
        var n = 0
        while i < offs.count && r.lteMax(ZPacked.entry(base, offs[i]).member) {
            n += 1
            i += 1
        }
        return n
    }

    /// zzlIsInLexRange: the last member is above min and the first below max.
    private func packedIsInLexRange(_ r: ZLexRange, _ base: UnsafeMutablePointer<UInt8>, _ offs: [Int]) -> Bool {
        guard !r.isEmpty, let first = offs.first, let last = offs.last else { return false }
        return r.gteMin(ZPacked.entry(base, last).member) && r.lteMax(ZPacked.entry(base, first).member)
    }

    /// zzlFirstInLexRange, as an index into `offs`.
    private func packedFirstInLex(_ r: ZLexRange, _ base: UnsafeMutablePointer<UInt8>, _ offs: [Int]) -> Int? {
        guard packedIsInLexRange(r, base, offs) else { return nil }
        for (i, off) in offs.enumerated() {
            let m = ZPacked.entry(base, off).member
            if r.gteMin(m) { return r.lteMax(m) ? i : nil }
        }
        return nil
    }

    /// zzlLastInLexRange, as an index into `offs`.
    private func packedLastInLex(_ r: ZLexRange, _ base: UnsafeMutablePointer<UInt8>, _ offs: [Int]) -> Int? {
        guard packedIsInLexRange(r, base, offs) else { return nil }
        for i in stride(from: offs.count - 1, through: 0, by: -1) {
            let m = ZPacked.entry(base, offs[i]).member
            if r.lteMax(m) { return r.gteMin(m) ? i : nil }
        }
        return nil
    }

    // MARK: removal by range

    /// ZREMRANGEBYRANK over 0-based ranks start...end (already clamped).
    public func removeRange(ranks start: Int, _ end: Int) -> Int {
        if let l = list { return l.deleteRange(byRank: start + 1, end + 1) }
        let offs = packed.offsets()
        let to = end + 1 < offs.count ? offs[end + 1] : packed.used
        packed.remove(from: offs[start], to: to)
        return end - start + 1
    }

    public func removeRange(inScore r: ZScoreRange) -> Int {
        if let l = list { return l.deleteRange(byScore: r) }
        guard let base = packed.base, zzlIsInRange(r) else { return 0 }
        var off = 0
        let end = packed.used
        var from = -1, to = end, n = 0
        while off < end {
            let e = ZPacked.entry(base, off)
            if from < 0 {
                if r.gteMin(e.score) {
                    if !r.lteMax(e.score) { return 0 }
                    from = off
                    n = 1
                }
            } else if r.lteMax(e.score) {
                n += 1
            } else {
                to = off
                break
            }
            off = e.next
        }
        guard from >= 0 else { return 0 }
        packed.remove(from: from, to: to)
        return n
    }

    public func removeRange(inLex r: ZLexRange) -> Int {
        if let l = list { return l.deleteRange(byLex: r) }
        guard let base = packed.base else { return 0 }
        let offs = packed.offsets()
        guard let first = packedFirstInLex(r, base, offs) else { return 0 }
        var i = first
        while i < offs.count && r.lteMax(ZPacked.entry(base, offs[i]).member) { i += 1 }
        packed.remove(from: offs[first], to: i < offs.count ? offs[i] : packed.used)
        return i - first
    }

    // MARK: pops and random picks

    /// Removes and returns the lowest (or highest) member.
    public func popFirst(highest: Bool) -> (member: [UInt8], score: Double)? {
        if let l = list {
            let x = highest ? l.tail : l.first
            guard x != 0 else { return nil }
            let m = l.member(x), s = l.score(x)
            remove(m)
            return (m, s)
        }
        guard let base = packed.base else { return nil }
        let off = highest ? packed.offsets().last! : 0
        let e = ZPacked.entry(base, off)
        let out = (Array(e.member), e.score)
        packed.remove(from: off, to: e.next)
        return out
    }

    /// The member at a storage position in 0..<count: rank order while
    /// listpack, dictionary slot order when skiplist (uniform random picks).
    public func element(atPosition i: Int) -> (member: [UInt8], score: Double) {
        if let l = list {
            let x = Int(l.dict.value(at: i))
            return (l.member(x), l.score(x))
        }
        let base = packed.base!
        var off = 0
        for _ in 0..<i { off = ZPacked.entry(base, off).next }
        let e = ZPacked.entry(base, off)
        return (Array(e.member), e.score)
    }

    /// Calls `body` for each position of `positions` (any order, repeats
    /// allowed) in that order; one pass over a listpack.
    public func forEach(atPositions positions: [Int], _ body: (UnsafeRawBufferPointer, Double) -> Void) {
        if let l = list {
            for i in positions {
                let x = Int(l.dict.value(at: i))
                l.withMember(x) { body($0, l.score(x)) }
            }
            return
        }
        guard let base = packed.base else { return }
        let offs = packed.offsets()
        for i in positions {
            let e = ZPacked.entry(base, offs[i])
            body(e.member, e.score)
        }
    }

    // MARK: ZSCAN

    /// One ZSCAN step: member and score text pairs, and the next cursor.
    /// A listpack is returned whole with cursor 0, as Redis does.
    public func scan(cursor: Int, count: Int, _ body: ([UInt8], [UInt8]) -> Void) -> Int {
        if let l = list {
            return l.dict.scan(cursor: cursor, count: count) { k, x in
                body(k.bytes, formatScore(l.score(Int(x))))
            }
        }
        guard let base = packed.base else { return 0 }
        var off = 0
        let end = packed.used
        while off < end {
            let e = ZPacked.entry(base, off)
            body(Array(e.member), ZPacked.scanText(base, off))
            off = e.next
        }
        return 0
    }
}

/// zset-max-listpack-entries and zset-max-listpack-value, read once per command.
public struct ZsetLimits: Sendable {
    public var maxEntries: Int
    public var maxValue: Int
    public init(maxEntries: Int, maxValue: Int) {
        self.maxEntries = maxEntries
        self.maxValue = maxValue
    }
}

/// ZADD's NX/XX/GT/LT/INCR.
public struct ZAddFlags: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let nx = ZAddFlags(rawValue: 1 << 0)
    public static let xx = ZAddFlags(rawValue: 1 << 1)
    public static let gt = ZAddFlags(rawValue: 1 << 2)
    public static let lt = ZAddFlags(rawValue: 1 << 3)
    public static let incr = ZAddFlags(rawValue: 1 << 4)
}

/// What zsetAdd did: `unchanged` was processed with the same score.
public enum ZAddOutcome: Sendable {
    case nan
    case nop
    case added(Double)
    case updated(Double)
    case unchanged(Double)
}
