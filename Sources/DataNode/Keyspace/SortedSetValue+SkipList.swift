/// The large sorted set: Redis's zskiplist (levels with span counters, so
/// rank queries are O(log n)) plus a member -> node dictionary.
///
/// Nodes and their level arrays live in flat arrays addressed by Int32
/// indices rather than as objects: no reference counting while walking, and
/// a duplicate is a copy of a few arrays. Node 0 is the header (32 levels);
/// index 0 doubles as "no node" in forward and backward links, since the
/// header is never a successor or a predecessor.
final class ZSkipList {
    static let maxLevel = 32

    struct Level {
        var forward: Int32
        var span: Int32
    }

    struct Node {
        var member: [UInt8]
        var score: Double
        var backward: Int32
        var levelBase: Int32
        var levelCount: Int32
    }

    var nodes: [Node]
    var levels: [Level]
    /// Released node slots, and released level blocks by size.
    var freeNodes: [Int32] = []
    var freeLevels: [[Int32]] = Array(repeating: [], count: ZSkipList.maxLevel + 1)
    var tail: Int32 = 0
    var length = 0
    var level = 1
    var dict: DenseDict<Key, Int32>
    /// xorshift state for node levels (not security relevant).
    var rng: UInt64

    init(capacity: Int = 0) {
        nodes = [Node(member: [], score: 0, backward: 0, levelBase: 0, levelCount: Int32(Self.maxLevel))]
        levels = Array(repeating: Level(forward: 0, span: 0), count: Self.maxLevel)
        dict = DenseDict(minimumCapacity: capacity)
        rng = 0x2545_F491_4F6C_DD1D
        rng ^= UInt64(UInt(bitPattern: ObjectIdentifier(self).hashValue))
        if rng == 0 { rng = 1 }
        if capacity > 0 {
            nodes.reserveCapacity(capacity + 1)
            levels.reserveCapacity(Self.maxLevel + capacity * 4 / 3)
        }
    }

    func copy() -> ZSkipList {
        let c = ZSkipList()
        c.nodes = nodes
        c.levels = levels
        c.freeNodes = freeNodes
        c.freeLevels = freeLevels
        c.tail = tail
        c.length = length
        c.level = level
        c.dict = dict
        return c
    }

    // MARK: node storage

    /// Redis's zslRandomLevel: each extra level with probability 1/4.
    @inline(__always)
    func randomLevel() -> Int {
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

    @inline(__always)
    func allocNode(_ member: [UInt8], _ score: Double, levels n: Int) -> Int32 {
        var lb: Int32
        if let b = freeLevels[n].popLast() {
            lb = b
        } else {
            lb = Int32(levels.count)
            for _ in 0..<n { levels.append(Level(forward: 0, span: 0)) }
        }
        let node = Node(member: member, score: score, backward: 0, levelBase: lb, levelCount: Int32(n))
        if let i = freeNodes.popLast() {
            nodes[Int(i)] = node
            return i
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    @inline(__always)
    func freeNode(_ x: Int32) {
        let n = nodes[Int(x)]
        freeLevels[Int(n.levelCount)].append(n.levelBase)
        nodes[Int(x)].member = []
        freeNodes.append(x)
    }

    @inline(__always) func lv(_ x: Int32, _ i: Int) -> Int { Int(nodes[Int(x)].levelBase) + i }
    @inline(__always) func forward(_ x: Int32, _ i: Int) -> Int32 { levels[lv(x, i)].forward }
    @inline(__always) func span(_ x: Int32, _ i: Int) -> Int { Int(levels[lv(x, i)].span) }
    @inline(__always) func score(_ x: Int32) -> Double { nodes[Int(x)].score }
    @inline(__always) func member(_ x: Int32) -> [UInt8] { nodes[Int(x)].member }
    @inline(__always) func backward(_ x: Int32) -> Int32 { nodes[Int(x)].backward }
    @inline(__always) var first: Int32 { levels[0].forward }

    /// (score, member) strictly before (s, m) in the set's order.
    @inline(__always)
    func precedes(_ x: Int32, _ s: Double, _ m: [UInt8]) -> Bool {
        let xs = nodes[Int(x)].score
        if xs < s { return true }
        if xs != s { return false }
        return nodes[Int(x)].member.withUnsafeBytes { a in m.withUnsafeBytes { b in compareMembers(a, b) < 0 } }
    }

    // MARK: zslInsert / zslDeleteNode

    /// Inserts a member known to be absent; returns its node.
    @discardableResult
    func insert(_ s: Double, _ m: [UInt8]) -> Int32 {
        var update = [Int32](repeating: 0, count: Self.maxLevel)
        var rank = [Int](repeating: 0, count: Self.maxLevel)
        var x: Int32 = 0
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
                update[j] = 0
                levels[j].span = Int32(length)
            }
            level = newLevel
        }
        let n = allocNode(m, s, levels: newLevel)
        for j in 0..<newLevel {
            let ul = lv(update[j], j), nl = lv(n, j)
            levels[nl].forward = levels[ul].forward
            levels[ul].forward = n
            levels[nl].span = levels[ul].span - Int32(rank[0] - rank[j])
            levels[ul].span = Int32(rank[0] - rank[j]) + 1
        }
        if newLevel < level {
            for j in newLevel..<level { levels[lv(update[j], j)].span += 1 }
        }
        nodes[Int(n)].backward = update[0]
        let next = forward(n, 0)
        if next != 0 { nodes[Int(next)].backward = n } else { tail = n }
        length += 1
        return n
    }

    func deleteNode(_ x: Int32, _ update: [Int32]) {
        for i in 0..<level {
            let ul = lv(update[i], i)
            if levels[ul].forward == x {
                let xl = lv(x, i)
                levels[ul].span += levels[xl].span - 1
                levels[ul].forward = levels[xl].forward
            } else {
                levels[ul].span -= 1
            }
        }
        let next = forward(x, 0)
        if next != 0 { nodes[Int(next)].backward = backward(x) } else { tail = backward(x) }
        while level > 1 && levels[level - 1].forward == 0 { level -= 1 }
        length -= 1
    }

    /// The update vector for (s, m): the last node before it on each level.
    @inline(__always)
    func updateVector(_ s: Double, _ m: [UInt8]) -> [Int32] {
        var update = [Int32](repeating: 0, count: Self.maxLevel)
        var x: Int32 = 0
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
        return update
    }

    /// Unlinks and frees the node holding (s, m); the dict is the caller's.
    func delete(_ s: Double, _ m: [UInt8]) {
        let update = updateVector(s, m)
        let x = forward(update[0], 0)
        precondition(x != 0 && score(x) == s && member(x) == m, "zset skiplist out of sync with its dict")
        deleteNode(x, update)
        freeNode(x)
    }

    /// zslUpdateScore: moves a node to its new score (in place when its
    /// neighbours allow); returns the node now holding the member.
    func updateScore(_ cur: Double, _ m: [UInt8], _ new: Double) -> Int32 {
        let update = updateVector(cur, m)
        let x = forward(update[0], 0)
        precondition(x != 0 && score(x) == cur && member(x) == m, "zset skiplist out of sync with its dict")
        let b = backward(x), f = forward(x, 0)
        if (b == 0 || score(b) < new) && (f == 0 || score(f) > new) {
            nodes[Int(x)].score = new
            return x
        }
        deleteNode(x, update)
        let member = nodes[Int(x)].member
        freeNode(x)
        return insert(new, member)
    }

    // MARK: ranks

    /// zslGetRank: 1-based rank of (s, m), 0 when absent.
    func rank(_ s: Double, _ m: [UInt8]) -> Int {
        var x: Int32 = 0
        var r = 0
        var i = level - 1
        while i >= 0 {
            while true {
                let f = forward(x, i)
                if f == 0 { break }
                let fs = score(f)
                if fs < s || (fs == s && nodes[Int(f)].member.withUnsafeBytes({ a in m.withUnsafeBytes { b in compareMembers(a, b) <= 0 } })) {
                    r += span(x, i)
                    x = f
                } else {
                    break
                }
            }
            if x != 0 && score(x) == s && member(x) == m { return r }
            i -= 1
        }
        return 0
    }

    /// zslGetElementByRank: the node at a 1-based rank, 0 when out of range.
    func node(atRank r: Int) -> Int32 {
        var x: Int32 = 0
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

    func firstInRange(_ r: ZScoreRange) -> Int32 {
        guard isInRange(r) else { return 0 }
        var x: Int32 = 0
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

    func lastInRange(_ r: ZScoreRange) -> Int32 {
        guard isInRange(r) else { return 0 }
        var x: Int32 = 0
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

    @inline(__always)
    func lexGteMin(_ x: Int32, _ r: ZLexRange) -> Bool { nodes[Int(x)].member.withUnsafeBytes { r.gteMin($0) } }
    @inline(__always)
    func lexLteMax(_ x: Int32, _ r: ZLexRange) -> Bool { nodes[Int(x)].member.withUnsafeBytes { r.lteMax($0) } }

    func isInLexRange(_ r: ZLexRange) -> Bool {
        if r.isEmpty { return false }
        if tail == 0 || !lexGteMin(tail, r) { return false }
        let f = first
        if f == 0 || !lexLteMax(f, r) { return false }
        return true
    }

    func firstInLexRange(_ r: ZLexRange) -> Int32 {
        guard isInLexRange(r) else { return 0 }
        var x: Int32 = 0
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

    func lastInLexRange(_ r: ZLexRange) -> Int32 {
        guard isInLexRange(r) else { return 0 }
        var x: Int32 = 0
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

    /// Deletes from the first node for which `startsAfter` is false, while
    /// `inRange` holds; removes the members from the dict too.
    private func deleteRun(startsBefore: (Int32) -> Bool, inRange: (Int32) -> Bool) -> Int {
        var update = [Int32](repeating: 0, count: Self.maxLevel)
        var x: Int32 = 0
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

    func deleteRange(byScore r: ZScoreRange) -> Int {
        deleteRun(startsBefore: { !r.gteMin(self.score($0)) }, inRange: { r.lteMax(self.score($0)) })
    }

    func deleteRange(byLex r: ZLexRange) -> Int {
        deleteRun(startsBefore: { !self.lexGteMin($0, r) }, inRange: { self.lexLteMax($0, r) })
    }

    /// Deletes 1-based ranks start...end.
    func deleteRange(byRank start: Int, _ end: Int) -> Int {
        var update = [Int32](repeating: 0, count: Self.maxLevel)
        var x: Int32 = 0
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
