import Glibc

/// The large sorted set: Redis's zskiplist (levels with span counters, so
/// rank queries are O(log n)) plus a member -> node dictionary.
///
/// Nodes live in one malloc'd block of 64-bit words, each node laid out as
/// Redis lays out a zskiplistNode: score, backward link and level count,
/// member slot, then one word per level (forward in the low 32 bits, span in
/// the high 32). A step of a walk then touches one cache line, as in C (a
/// separate array for levels cost a second miss per step: ZADD at a million
/// members ran 1.6x slower than Redis). Nodes are word offsets; offset 0 is
/// the header (32 levels) and doubles as "no node", since the header is
/// never a successor or a predecessor. Members are kept apart (`members`)
/// and shared with the dictionary's keys.
final class ZSkipList {
    static let maxLevel = 32
    static let headerWords = 3

    private(set) var w: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    /// Words in use (free blocks included).
    private var used: Int
    /// Released node blocks by level count; released member slots.
    private var freeBlocks: [[Int]] = Array(repeating: [], count: ZSkipList.maxLevel + 1)
    private(set) var members: [[UInt8]] = []
    private var freeSlots: [Int] = []
    private(set) var tail = 0
    private(set) var length = 0
    private(set) var level = 1
    var dict: DenseDict<Key, Int32>
    /// xorshift state for node levels (not security relevant).
    private var rng: UInt64

    init(capacity n: Int = 0) {
        let words = max(256, Self.headerWords + Self.maxLevel + n * 5)
        capacity = words
        w = malloc(words * 8)!.assumingMemoryBound(to: UInt64.self)
        used = Self.headerWords + Self.maxLevel
        memset(w, 0, used * 8)
        w[1] = UInt64(Self.maxLevel) << 32
        dict = DenseDict(minimumCapacity: n)
        members.reserveCapacity(n)
        rng = 0x2545_F491_4F6C_DD1D ^ UInt64(UInt(bitPattern: w.hashValue))
        if rng == 0 { rng = 1 }
    }

    deinit { free(w) }

    func copy() -> ZSkipList {
        let c = ZSkipList()
        free(c.w)
        c.w = malloc(capacity * 8)!.assumingMemoryBound(to: UInt64.self)
        memcpy(c.w, w, used * 8)
        c.capacity = capacity
        c.used = used
        c.freeBlocks = freeBlocks
        c.members = members
        c.freeSlots = freeSlots
        c.tail = tail
        c.length = length
        c.level = level
        c.dict = dict
        return c
    }

    // MARK: node fields

    @inline(__always) func score(_ x: Int) -> Double { Double(bitPattern: w[x]) }
    @inline(__always) func backward(_ x: Int) -> Int { Int(UInt32(truncatingIfNeeded: w[x + 1])) }
    @inline(__always) func levelCount(_ x: Int) -> Int { Int(w[x + 1] >> 32) }
    @inline(__always) func slot(_ x: Int) -> Int { Int(w[x + 2]) }
    @inline(__always) func forward(_ x: Int, _ i: Int) -> Int { Int(UInt32(truncatingIfNeeded: w[x + 3 + i])) }
    @inline(__always) func span(_ x: Int, _ i: Int) -> Int { Int(w[x + 3 + i] >> 32) }
    @inline(__always) var first: Int { forward(0, 0) }

    @inline(__always) func setScore(_ x: Int, _ s: Double) { w[x] = s.bitPattern }
    @inline(__always) func setBackward(_ x: Int, _ b: Int) { w[x + 1] = (w[x + 1] & 0xFFFF_FFFF_0000_0000) | UInt64(b) }
    @inline(__always) func setForward(_ x: Int, _ i: Int, _ f: Int) {
        w[x + 3 + i] = (w[x + 3 + i] & 0xFFFF_FFFF_0000_0000) | UInt64(f)
    }
    @inline(__always) func setSpan(_ x: Int, _ i: Int, _ s: Int) {
        w[x + 3 + i] = (w[x + 3 + i] & 0xFFFF_FFFF) | (UInt64(s) << 32)
    }
    @inline(__always) func addSpan(_ x: Int, _ i: Int, _ d: Int) { setSpan(x, i, span(x, i) + d) }

    @inline(__always) func member(_ x: Int) -> [UInt8] { members[slot(x)] }

    @inline(__always)
    func withMember<R>(_ x: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        members[slot(x)].withUnsafeBytes(body)
    }

    // MARK: node storage

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

    private func allocNode(_ m: [UInt8], _ s: Double, levels n: Int) -> Int {
        let x: Int
        if let b = freeBlocks[n].popLast() {
            x = b
        } else {
            let size = Self.headerWords + n
            if used + size > capacity {
                // Large blocks are mmapped by malloc, so realloc remaps pages instead of copying.
                capacity = max(capacity * 2, used + size)
                w = realloc(w, capacity * 8)!.assumingMemoryBound(to: UInt64.self)
            }
            x = used
            used += size
        }
        let sl: Int
        if let f = freeSlots.popLast() {
            sl = f
            members[f] = m
        } else {
            sl = members.count
            members.append(m)
        }
        w[x] = s.bitPattern
        w[x + 1] = UInt64(n) << 32
        w[x + 2] = UInt64(sl)
        for i in 0..<n { w[x + 3 + i] = 0 }
        return x
    }

    private func freeNode(_ x: Int) {
        let sl = slot(x)
        members[sl] = []
        freeSlots.append(sl)
        freeBlocks[levelCount(x)].append(x)
    }

    /// (score, member) of x strictly before (s, m).
    @inline(__always)
    private func precedes(_ x: Int, _ s: Double, _ m: UnsafeRawBufferPointer) -> Bool {
        let xs = score(x)
        if xs < s { return true }
        if xs != s { return false }
        return withMember(x) { compareMembers($0, m) < 0 }
    }

    // MARK: zslInsert / zslDeleteNode

    /// Inserts a member known to be absent; returns its node.
    @discardableResult
    func insert(_ s: Double, _ m: [UInt8]) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * Self.maxLevel) { scratch -> Int in
            let update = scratch.baseAddress!, rank = scratch.baseAddress! + Self.maxLevel
            m.withUnsafeBytes { mb in
                var x = 0
                var i = level - 1
                while i >= 0 {
                    rank[i] = i == level - 1 ? 0 : rank[i + 1]
                    while true {
                        let f = forward(x, i)
                        if f == 0 || !precedes(f, s, mb) { break }
                        rank[i] += span(x, i)
                        x = f
                    }
                    update[i] = x
                    i -= 1
                }
            }
            let newLevel = randomLevel()
            if newLevel > level {
                for j in level..<newLevel {
                    rank[j] = 0
                    update[j] = 0
                    setSpan(0, j, length)
                }
                level = newLevel
            }
            let n = allocNode(m, s, levels: newLevel)
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
            setBackward(n, update[0])
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
        while level > 1 && forward(0, level - 1) == 0 { level -= 1 }
        length -= 1
    }

    /// Fills `update` for (s, m): the last node before it on each level.
    @inline(__always)
    private func fillUpdate(_ update: UnsafeMutablePointer<Int>, _ s: Double, _ m: [UInt8]) {
        m.withUnsafeBytes { mb in
            var x = 0
            var i = level - 1
            while i >= 0 {
                while true {
                    let f = forward(x, i)
                    if f == 0 || !precedes(f, s, mb) { break }
                    x = f
                }
                update[i] = x
                i -= 1
            }
        }
    }

    /// Unlinks and frees the node holding (s, m); the dict is the caller's.
    func delete(_ s: Double, _ m: [UInt8]) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.maxLevel) { scratch in
            let update = scratch.baseAddress!
            fillUpdate(update, s, m)
            let x = forward(update[0], 0)
            precondition(x != 0 && score(x) == s && member(x) == m, "zset skiplist out of sync with its dict")
            deleteNode(x, update)
            freeNode(x)
        }
    }

    /// zslUpdateScore: moves a node to its new score (in place when its
    /// neighbours allow); returns the node now holding the member.
    func updateScore(_ cur: Double, _ m: [UInt8], _ new: Double) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.maxLevel) { scratch -> Int in
            let update = scratch.baseAddress!
            fillUpdate(update, cur, m)
            let x = forward(update[0], 0)
            precondition(x != 0 && score(x) == cur && member(x) == m, "zset skiplist out of sync with its dict")
            let b = backward(x), f = forward(x, 0)
            if (b == 0 || score(b) < new) && (f == 0 || score(f) > new) {
                setScore(x, new)
                return x
            }
            deleteNode(x, update)
            let kept = member(x)
            freeNode(x)
            return insert(new, kept)
        }
    }

    // MARK: ranks

    /// zslGetRank: 1-based rank of (s, m), 0 when absent.
    func rank(_ s: Double, _ m: [UInt8]) -> Int {
        m.withUnsafeBytes { mb -> Int in
            var x = 0
            var r = 0
            var i = level - 1
            while i >= 0 {
                while true {
                    let f = forward(x, i)
                    if f == 0 { break }
                    let fs = score(f)
                    if fs < s || (fs == s && withMember(f, { compareMembers($0, mb) <= 0 })) {
                        r += span(x, i)
                        x = f
                    } else {
                        break
                    }
                }
                if x != 0 && score(x) == s && withMember(x, { compareMembers($0, mb) == 0 }) { return r }
                i -= 1
            }
            return 0
        }
    }

    /// zslGetElementByRank: the node at a 1-based rank, 0 when out of range.
    func node(atRank r: Int) -> Int {
        var x = 0
        var traversed = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 || traversed + span(x, i) > r { break }
                traversed += span(x, i)
                x = f
            }
            if traversed == r { return x }
            i -= 1
        }
        return 0
    }

    // MARK: score ranges

    func isInRange(_ r: ZScoreRange) -> Bool {
        if r.min > r.max || (r.min == r.max && (r.minex || r.maxex)) { return false }
        if tail == 0 || !r.gteMin(score(tail)) { return false }
        let f = first
        if f == 0 || !r.lteMax(score(f)) { return false }
        return true
    }

    func firstInRange(_ r: ZScoreRange) -> Int {
        guard isInRange(r) else { return 0 }
        var x = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 || r.gteMin(score(f)) { break }
                x = f
            }
            i -= 1
        }
        x = forward(x, 0)
        return x != 0 && r.lteMax(score(x)) ? x : 0
    }

    func lastInRange(_ r: ZScoreRange) -> Int {
        guard isInRange(r) else { return 0 }
        var x = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 || !r.lteMax(score(f)) { break }
                x = f
            }
            i -= 1
        }
        return x != 0 && r.gteMin(score(x)) ? x : 0
    }

    // MARK: lex ranges

    @inline(__always) func lexGteMin(_ x: Int, _ r: ZLexRange) -> Bool { withMember(x) { r.gteMin($0) } }
    @inline(__always) func lexLteMax(_ x: Int, _ r: ZLexRange) -> Bool { withMember(x) { r.lteMax($0) } }

    func isInLexRange(_ r: ZLexRange) -> Bool {
        if r.isEmpty { return false }
        if tail == 0 || !lexGteMin(tail, r) { return false }
        let f = first
        if f == 0 || !lexLteMax(f, r) { return false }
        return true
    }

    func firstInLexRange(_ r: ZLexRange) -> Int {
        guard isInLexRange(r) else { return 0 }
        var x = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 || lexGteMin(f, r) { break }
                x = f
            }
            i -= 1
        }
        x = forward(x, 0)
        return x != 0 && lexLteMax(x, r) ? x : 0
    }

    func lastInLexRange(_ r: ZLexRange) -> Int {
        guard isInLexRange(r) else { return 0 }
        var x = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 || !lexLteMax(f, r) { break }
                x = f
            }
            i -= 1
        }
        return x != 0 && lexGteMin(x, r) ? x : 0
    }

    // MARK: range deletion

    /// Deletes from the first node for which `startsBefore` is false, while
    /// `inRange` holds; removes the members from the dict too.
    private func deleteRun(startsBefore: (Int) -> Bool, inRange: (Int) -> Bool) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.maxLevel) { scratch -> Int in
            let update = scratch.baseAddress!
            var x = 0
            var i = level - 1
            while i >= 0 {
                while true {
                    let f = forward(x, i)
                    if f == 0 || !startsBefore(f) { break }
                    x = f
                }
                update[i] = x
                i -= 1
            }
            x = forward(x, 0)
            var removed = 0
            while x != 0 && inRange(x) {
                let next = forward(x, 0)
                deleteNode(x, update)
                dict.remove(Key(member(x)))
                freeNode(x)
                removed += 1
                x = next
            }
            return removed
        }
    }

    func deleteRange(byScore r: ZScoreRange) -> Int {
        deleteRun(startsBefore: { !r.gteMin(self.score($0)) }, inRange: { r.lteMax(self.score($0)) })
    }

    func deleteRange(byLex r: ZLexRange) -> Int {
        deleteRun(startsBefore: { !self.lexGteMin($0, r) }, inRange: { self.lexLteMax($0, r) })
    }

    /// Deletes 1-based ranks start...end.
    func deleteRange(byRank start: Int, _ end: Int) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.maxLevel) { scratch -> Int in
            let update = scratch.baseAddress!
            var x = 0
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
                freeNode(x)
                removed += 1
                traversed += 1
                x = next
            }
            return removed
        }
    }
}
