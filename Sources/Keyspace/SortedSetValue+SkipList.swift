import Glibc

/// The large sorted set: Redis's zskiplist (levels with span counters, so
/// rank queries are O(log n)) plus a member -> node dictionary.
///
/// Each node is one malloc'd block, as a zskiplistNode, with the member's
/// bytes stored after the levels: a step of a walk touches one node, and
/// emitting or comparing a member reads the node it is already on (a member
/// held in a separate Swift array cost an extra cache miss per element:
/// ZRANGEBYSCORE at a million members ran 1.3x Redis's CPU). Layout:
/// score (8), backward (8), level count (4), member length (4), then per
/// level forward (8) and span (8), then the member. Nodes are addresses as
/// Int; 0 is "no node". The dictionary's keys hold their own copy of the
/// member (a Key, held inline when short).
public final class ZSkipList {
    public static let maxLevel = 32
    private static let levelsOffset = 24

    /// The header node: 32 levels, no member, never a successor or predecessor.
    public let head: Int
    public private(set) var tail = 0
    public private(set) var length = 0
    public private(set) var level = 1
    public var dict: DenseDict<Key, Int>
    /// xorshift state for node levels (not security relevant).
    private var rng: UInt64

    public init(capacity n: Int = 0) {
        head = Self.makeNode(score: 0, levels: Self.maxLevel, member: UnsafeRawBufferPointer(start: nil, count: 0))
        dict = DenseDict(minimumCapacity: n)
        rng = 0x2545_F491_4F6C_DD1D ^ UInt64(UInt(bitPattern: head))
        if rng == 0 { rng = 1 }
    }

    deinit {
        var x = forward(head, 0)
        while x != 0 {
            let next = forward(x, 0)
            free(ptr(x))
            x = next
        }
        free(ptr(head))
    }

    /// A copy with the same members and scores (levels drawn anew).
    public func copy() -> ZSkipList {
        let c = ZSkipList(capacity: length)
        var x = tail
        while x != 0 {
            withMember(x) { m in
                let n = c.insert(score(x), m)
                c.dict.set(Key(m), n)
            }
            x = backward(x)
        }
        return c
    }

    // MARK: node fields

    @inline(__always) private func ptr(_ x: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: x)! }
    @inline(__always) public func score(_ x: Int) -> Double { ptr(x).load(as: Double.self) }
    @inline(__always) public func backward(_ x: Int) -> Int { ptr(x).load(fromByteOffset: 8, as: Int.self) }
    @inline(__always) public func levelCount(_ x: Int) -> Int { Int(ptr(x).load(fromByteOffset: 16, as: UInt32.self)) }
    @inline(__always) public func forward(_ x: Int, _ i: Int) -> Int { ptr(x).load(fromByteOffset: Self.levelsOffset + 16 * i, as: Int.self) }
    @inline(__always) public func span(_ x: Int, _ i: Int) -> Int { ptr(x).load(fromByteOffset: Self.levelsOffset + 8 + 16 * i, as: Int.self) }
    @inline(__always) public var first: Int { forward(head, 0) }

    @inline(__always) private func setScore(_ x: Int, _ s: Double) { ptr(x).storeBytes(of: s, as: Double.self) }
    @inline(__always) private func setBackward(_ x: Int, _ b: Int) { ptr(x).storeBytes(of: b, toByteOffset: 8, as: Int.self) }
    @inline(__always) private func setForward(_ x: Int, _ i: Int, _ f: Int) {
        ptr(x).storeBytes(of: f, toByteOffset: Self.levelsOffset + 16 * i, as: Int.self)
    }
    @inline(__always) private func setSpan(_ x: Int, _ i: Int, _ s: Int) {
        ptr(x).storeBytes(of: s, toByteOffset: Self.levelsOffset + 8 + 16 * i, as: Int.self)
    }
    @inline(__always) private func addSpan(_ x: Int, _ i: Int, _ d: Int) { setSpan(x, i, span(x, i) + d) }

    /// The member's bytes, valid while the node lives.
    @inline(__always)
    public func memberBytes(_ x: Int) -> UnsafeRawBufferPointer {
        let p = ptr(x)
        let len = Int(p.load(fromByteOffset: 20, as: UInt32.self))
        return UnsafeRawBufferPointer(start: p + Self.levelsOffset + 16 * levelCount(x), count: len)
    }

    @inline(__always)
    public func withMember<R>(_ x: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R { body(memberBytes(x)) }

    public func member(_ x: Int) -> [UInt8] { Array(memberBytes(x)) }

    // MARK: node storage

    private static func makeNode(score: Double, levels n: Int, member: UnsafeRawBufferPointer) -> Int {
        let size = levelsOffset + 16 * n + member.count
        let p = malloc(size)!
        p.storeBytes(of: score, as: Double.self)
        p.storeBytes(of: 0, toByteOffset: 8, as: Int.self)
        p.storeBytes(of: UInt32(n), toByteOffset: 16, as: UInt32.self)
        p.storeBytes(of: UInt32(member.count), toByteOffset: 20, as: UInt32.self)
        memset(p + levelsOffset, 0, 16 * n)
        if member.count > 0 { memcpy(p + levelsOffset + 16 * n, member.baseAddress!, member.count) }
        return Int(bitPattern: p)
    }

    /// Redis's zslRandomLevel: each extra level with probability 1/4.
    @inline(__always)
    private func randomLevel() -> Int {
        var l = 1
        while true {
            rng ^= rng << 13
            rng ^= rng >> 7
            rng ^= rng << 17
            if (rng & 0xFFFF) >= 0x4000 || l >= Self.maxLevel { break }
            l += 1
        }
        return l
    }

    /// (score, member) of x strictly before (s, m).
    @inline(__always)
    private func precedes(_ x: Int, _ s: Double, _ m: UnsafeRawBufferPointer) -> Bool {
        let xs = score(x)
        if xs < s { return true }
        if xs != s { return false }
        return compareMembers(memberBytes(x), m) < 0
    }

    // MARK: zslInsert / zslDeleteNode

    /// Inserts a member known to be absent; returns its node.
    @discardableResult
    public func insert(_ s: Double, _ m: [UInt8]) -> Int {
        m.withUnsafeBytes { insert(s, $0) }
    }

    @discardableResult
    public func insert(_ s: Double, _ m: UnsafeRawBufferPointer) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * Self.maxLevel) { scratch -> Int in
            let update = scratch.baseAddress!, rank = scratch.baseAddress! + Self.maxLevel
            var x = head
            var i = level - 1
            while i >= 0 {
                rank[i] = i == level - 1 ? 0 : rank[i + 1]
                while true {
                    let f = forward(x, i)
                    if f == 0 || !precedes(f, s, m) { break }
                    rank[i] += span(x, i)
                    x = f
                }
                update[i] = x
                i -= 1
            }
            let newLevel = randomLevel()
            if newLevel > level {
                for j in level..<newLevel {
                    rank[j] = 0
                    update[j] = head
                    setSpan(head, j, length)
                }
                level = newLevel
            }
            let n = Self.makeNode(score: s, levels: newLevel, member: m)
            for j in 0..<newLevel {
                let u = update[j]
                setForward(n, j, forward(u, j))
                setForward(u, j, n)
                setSpan(n, j, span(u, j) - (rank[0] - rank[j]))
                setSpan(u, j, rank[0] - rank[j] + 1)
            }
            if newLevel < level {
                for j in newLevel..<level { addSpan(update[j], j, 1) }
            }
            setBackward(n, update[0] == head ? 0 : update[0])
            let next = forward(n, 0)
            if next != 0 { setBackward(next, n) } else { tail = n }
            length += 1
            return n
        }
    }

    private func deleteNode(_ x: Int, _ update: UnsafeMutablePointer<Int>) {
        for i in 0..<level {
            let u = update[i]
            if forward(u, i) == x {
                addSpan(u, i, span(x, i) - 1)
                setForward(u, i, forward(x, i))
            } else {
                addSpan(u, i, -1)
            }
        }
        let next = forward(x, 0)
        if next != 0 { setBackward(next, backward(x)) } else { tail = backward(x) }
        while level > 1 && forward(head, level - 1) == 0 { level -= 1 }
        length -= 1
    }

    /// Fills `update` for (s, m): the last node before it on each level.
    @inline(__always)
    private func fillUpdate(_ update: UnsafeMutablePointer<Int>, _ s: Double, _ m: UnsafeRawBufferPointer) {
        var x = head
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 || !precedes(f, s, m) { break }
                x = f
            }
            update[i] = x
            i -= 1
        }
    }

    /// Unlinks and frees the node holding (s, m); the dict is the caller's.
    public func delete(_ s: Double, _ m: [UInt8]) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.maxLevel) { scratch in
            let update = scratch.baseAddress!
            m.withUnsafeBytes { mb in
                fillUpdate(update, s, mb)
                let x = forward(update[0], 0)
                precondition(x != 0 && score(x) == s && compareMembers(memberBytes(x), mb) == 0,
                             "zset skiplist out of sync with its dict")
                deleteNode(x, update)
                free(ptr(x))
            }
        }
    }

    /// zslUpdateScore: moves a node to its new score (in place when its
    /// neighbours allow); returns the node now holding the member.
    public func updateScore(_ cur: Double, _ m: [UInt8], _ new: Double) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.maxLevel) { scratch -> Int in
            let update = scratch.baseAddress!
            return m.withUnsafeBytes { mb -> Int in
                fillUpdate(update, cur, mb)
                let x = forward(update[0], 0)
                precondition(x != 0 && score(x) == cur && compareMembers(memberBytes(x), mb) == 0,
                             "zset skiplist out of sync with its dict")
                let b = backward(x), f = forward(x, 0)
                if (b == 0 || score(b) < new) && (f == 0 || score(f) > new) {
                    setScore(x, new)
                    return x
                }
                deleteNode(x, update)
                free(ptr(x))
                return insert(new, mb)
            }
        }
    }

    // MARK: ranks

    /// zslGetRank: 1-based rank of (s, m), 0 when absent.
    public func rank(_ s: Double, _ m: [UInt8]) -> Int {
        m.withUnsafeBytes { mb -> Int in
            var x = head
            var r = 0
            var i = level - 1
            while i >= 0 {
                while true {
                    let f = forward(x, i)
                    if f == 0 { break }
                    let fs = score(f)
                    if fs < s || (fs == s && compareMembers(memberBytes(f), mb) <= 0) {
                        r += span(x, i)
                        x = f
                    } else {
                        break
                    }
                }
                if x != head && score(x) == s && compareMembers(memberBytes(x), mb) == 0 { return r }
                i -= 1
            }
            return 0
        }
    }

    /// zslGetElementByRank: the node at a 1-based rank, 0 when out of range.
    public func node(atRank r: Int) -> Int {
        var x = head
        var traversed = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 || traversed + span(x, i) > r { break }
                traversed += span(x, i)
                x = f
            }
            if traversed == r { return x == head ? 0 : x }
            i -= 1
        }
        return 0
    }

    // MARK: score ranges

    public func isInRange(_ r: ZScoreRange) -> Bool {
        if r.min > r.max || (r.min == r.max && (r.minex || r.maxex)) { return false }
        if tail == 0 || !r.gteMin(score(tail)) { return false }
        let f = first
        if f == 0 || !r.lteMax(score(f)) { return false }
        return true
    }

    /// The last node (or head) of the run from the start for which
    /// `precedes` holds: the descent of zslFirstInRange, zslLastInRange and
    /// zslDeleteRangeBy*, which also keep the node reached on each level in
    /// `update`. Inlined so that the predicate is compiled in, not called.
    @inline(__always)
    private func lastNode(where precedes: (Int) -> Bool, keepingPathIn update: UnsafeMutablePointer<Int>? = nil) -> Int {
        var x = head
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 || !precedes(f) { break }
                x = f
            }
            update?[i] = x
            i -= 1
        }
        return x
    }

    public func firstInRange(_ r: ZScoreRange) -> Int {
        guard isInRange(r) else { return 0 }
        let x = forward(lastNode { !r.gteMin(score($0)) }, 0)
        return x != 0 && r.lteMax(score(x)) ? x : 0
    }

    public func lastInRange(_ r: ZScoreRange) -> Int {
        guard isInRange(r) else { return 0 }
        let x = lastNode { r.lteMax(score($0)) }
        return x != head && r.gteMin(score(x)) ? x : 0
    }

    /// How many nodes lie from `first` through `last` (0: through the
    /// tail), by rank: ZCOUNT's and ZLEXCOUNT's arithmetic.
    public func count(from first: Int, through last: Int) -> Int {
        var n = length - (rank(score(first), member(first)) - 1)
        if last != 0 { n -= length - rank(score(last), member(last)) }
        return n
    }

    // MARK: lex ranges

    @inline(__always) public func lexGteMin(_ x: Int, _ r: ZLexRange) -> Bool { r.gteMin(memberBytes(x)) }
    @inline(__always) public func lexLteMax(_ x: Int, _ r: ZLexRange) -> Bool { r.lteMax(memberBytes(x)) }

    public func isInLexRange(_ r: ZLexRange) -> Bool {
        if r.isEmpty { return false }
        if tail == 0 || !lexGteMin(tail, r) { return false }
        let f = first
        if f == 0 || !lexLteMax(f, r) { return false }
        return true
    }

    public func firstInLexRange(_ r: ZLexRange) -> Int {
        guard isInLexRange(r) else { return 0 }
        let x = forward(lastNode { !lexGteMin($0, r) }, 0)
        return x != 0 && lexLteMax(x, r) ? x : 0
    }

    public func lastInLexRange(_ r: ZLexRange) -> Int {
        guard isInLexRange(r) else { return 0 }
        let x = lastNode { lexLteMax($0, r) }
        return x != head && lexGteMin(x, r) ? x : 0
    }

    // MARK: range deletion

    /// Deletes from the first node for which `startsBefore` is false, while
    /// `inRange` holds; removes the members from the dict too.
    private func deleteRun(startsBefore: (Int) -> Bool, inRange: (Int) -> Bool) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.maxLevel) { scratch -> Int in
            let update = scratch.baseAddress!
            var x = forward(lastNode(where: startsBefore, keepingPathIn: update), 0)
            var removed = 0
            while x != 0 && inRange(x) {
                let next = forward(x, 0)
                deleteNode(x, update)
                dict.remove(Key(member(x)))
                free(ptr(x))
                removed += 1
                x = next
            }
            return removed
        }
    }

    public func deleteRange(byScore r: ZScoreRange) -> Int {
        deleteRun(startsBefore: { !r.gteMin(self.score($0)) }, inRange: { r.lteMax(self.score($0)) })
    }

    public func deleteRange(byLex r: ZLexRange) -> Int {
        deleteRun(startsBefore: { !self.lexGteMin($0, r) }, inRange: { self.lexLteMax($0, r) })
    }

    /// Deletes 1-based ranks start...end.
    public func deleteRange(byRank start: Int, _ end: Int) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.maxLevel) { scratch -> Int in
            let update = scratch.baseAddress!
            var x = head
            var traversed = 0
            var i = level - 1
            while i >= 0 {
                while true {
                    let f = forward(x, i)
                    if f == 0 || traversed + span(x, i) >= start { break }
                    traversed += span(x, i)
                    x = f
                }
                update[i] = x
                i -= 1
            }
            traversed += 1
            x = forward(x, 0)
            var removed = 0
            while x != 0 && traversed <= end {
                let next = forward(x, 0)
                deleteNode(x, update)
                dict.remove(Key(member(x)))
                free(ptr(x))
                removed += 1
                traversed += 1
                x = next
            }
            return removed
        }
    }
}
