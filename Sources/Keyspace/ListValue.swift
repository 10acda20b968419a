import Glibc

/// A list: Redis 7.0's quicklist idea. Elements are packed into nodes, each
/// one malloc'd block of entries (listpack-like), and the nodes sit in a ring
/// so both ends are O(1). OBJECT ENCODING is always "quicklist", as in 7.0.
///
/// Memory matters (issue 5: 100,000 lists of 10 elements within 1.3x of
/// Redis's RSS): a list that fits one node keeps it inline in this object, so
/// a small list is this object (48-byte chunk) plus one block — no ring, no
/// array headers. Once a second node is needed every node moves to the ring
/// (and stays there).
///
/// Node size follows list-max-listpack-size ("fill"): negative values cap a
/// node's bytes (-1: 4 KiB ... -5: 64 KiB), positive ones its entry count
/// (with Redis's 8 KiB safety limit). Indexing walks node counts from the
/// nearer end, then entries inside one node: O(n / node size), as in Redis.
public final class ListValue {
    /// One node inline, or the ring. An enum rather than two fields keeps
    /// this object at 39 bytes (a 48-byte malloc chunk) for small lists.
    public enum Storage {
        case solo(ListNode)
        case ring(NodeRing)
    }

    public var storage = Storage.solo(ListNode())

    public init() {}

    /// A list holding `elements` in order (tests, persistence).
    public convenience init(_ elements: [[UInt8]], fill: Int = -2) {
        self.init()
        let f = ListFill(fill)
        for e in elements { pushBack(e, fill: f) }
    }

    deinit {
        if case .solo(var n) = storage { n.release() }
    }

    public var encodingName: String { "quicklist" }

    public var count: Int {
        switch storage {
        case .solo(let n): return Int(n.count)
        case .ring(let r): return r.total
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// A deep copy (COPY): every node's block is duplicated.
    public func duplicate() -> ListValue {
        let l = ListValue()
        switch storage {
        case .solo(let n):
            l.storage = .solo(n.copy())
        case .ring(let r):
            let nr = NodeRing()
            for i in 0..<r.count { nr.pushBack(r[i].copy()) }
            nr.total = r.total
            l.storage = .ring(nr)
        }
        return l
    }

    // MARK: nodes

    public var ring: NodeRing? {
        if case .ring(let r) = storage { return r }
        return nil
    }

    public var nodeCount: Int {
        switch storage {
        case .solo(let n): return n.count == 0 ? 0 : 1
        case .ring(let r): return r.count
        }
    }

    @inline(__always)
    public func withNode<R>(_ i: Int, _ body: (inout ListNode) -> R) -> R {
        switch storage {
        case .ring(let r):
            return r.with(i, body)
        case .solo(var n):
            let result = body(&n)
            storage = .solo(n)
            return result
        }
    }

    /// Node `i` for reading. withNode writes a solo node back into this
    /// object even when nothing changed, and a write to every list object
    /// is what a saving child must not do (it copies each page it touches).
    @inline(__always)
    public func readNode<R>(_ i: Int, _ body: (ListNode) -> R) -> R {
        switch storage {
        case .solo(let n): return body(n)
        case .ring(let r): return body(r[i])
        }
    }

    @inline(__always)
    public func nodeEntries(_ i: Int) -> Int {
        switch storage {
        case .solo(let n): return Int(n.count)
        case .ring(let r): return Int(r[i].count)
        }
    }

    /// The ring's running total follows every change of length.
    @inline(__always)
    private func adjust(_ delta: Int) {
        if case .ring(let r) = storage { r.total += delta }
    }

    /// Moves the inline node into a ring (a second node is about to exist).
    @discardableResult
    public func ensureRing() -> NodeRing {
        switch storage {
        case .ring(let r):
            return r
        case .solo(var n):
            let r = NodeRing()
            if n.count > 0 { r.pushBack(n) } else { n.release() }
            r.total = Int(n.count)
            storage = .ring(r)
            return r
        }
    }

    /// Drops node `i` once it holds no entries.
    public func removeNodeIfEmpty(_ i: Int) {
        switch storage {
        case .ring(let r):
            if r[i].count == 0 {
                var n = r.remove(at: i)
                n.release()
            }
        case .solo(var n):
            if n.count == 0 {
                n.release()
                storage = .solo(n)
            }
        }
    }

    /// (node, entry inside it) of list position `index` (0..<count), walking
    /// node counts from the nearer end.
    public func locate(_ index: Int) -> (node: Int, entry: Int) {
        guard let r = ring else { return (0, index) }
        let total = r.total
        if index <= total / 2 {
            var i = 0, rem = index
            while true {
                let c = Int(r[i].count)
                if rem < c { return (i, rem) }
                rem -= c
                i += 1
            }
        }
        var i = r.count - 1, rem = total - 1 - index
        while true {
            let c = Int(r[i].count)
            if rem < c { return (i, c - 1 - rem) }
            rem -= c
            i -= 1
        }
    }

    // MARK: ends

    public func pushBack(_ e: [UInt8], fill: ListFill) {
        e.withUnsafeBytes { pushBack($0, fill: fill) }
    }

    public func pushFront(_ e: [UInt8], fill: ListFill) {
        e.withUnsafeBytes { pushFront($0, fill: fill) }
    }

    public func pushBack(_ e: UnsafeRawBufferPointer, fill: ListFill) {
        let size = ListEntry.size(e.count)
        if case .solo(var n) = storage {
            if fill.allows(n, adding: size) {
                n.append(e)
                storage = .solo(n)
                return
            }
        }
        let r = ensureRing()
        if r.count > 0 && fill.allows(r[r.count - 1], adding: size) {
            r.with(r.count - 1) { $0.append(e) }
        } else {
            var n = ListNode()
            n.append(e)
            r.pushBack(n)
        }
        r.total += 1
    }

    public func pushFront(_ e: UnsafeRawBufferPointer, fill: ListFill) {
        let size = ListEntry.size(e.count)
        if case .solo(var n) = storage {
            if fill.allows(n, adding: size) {
                n.prepend(e)
                storage = .solo(n)
                return
            }
        }
        let r = ensureRing()
        if r.count > 0 && fill.allows(r[0], adding: size) {
            r.with(0) { $0.prepend(e) }
        } else {
            var n = ListNode()
            n.prepend(e)
            r.pushFront(n)
        }
        r.total += 1
    }

    public func popFront() -> [UInt8]? {
        guard count > 0 else { return nil }
        let v = withNode(0) { $0.popFirst() }
        removeNodeIfEmpty(0)
        adjust(-1)
        return v
    }

    public func popBack() -> [UInt8]? {
        guard count > 0 else { return nil }
        let last = nodeCount - 1
        let v = withNode(last) { $0.popLast() }
        removeNodeIfEmpty(last)
        adjust(-1)
        return v
    }

    /// Removes the first `n` elements (n <= count).
    public func removeFirst(_ n: Int) {
        let total = min(n, count)
        var left = total
        while left > 0 {
            let c = nodeEntries(0)
            if c <= left {
                left -= c
                withNode(0) { $0.dropFirst(c) }
                removeNodeIfEmpty(0)
            } else {
                withNode(0) { $0.dropFirst(left) }
                left = 0
            }
        }
        adjust(-total)
    }

    /// Removes the last `n` elements (n <= count).
    public func removeLast(_ n: Int) {
        let total = min(n, count)
        var left = total
        while left > 0 {
            let last = nodeCount - 1
            let c = nodeEntries(last)
            if c <= left {
                left -= c
                withNode(last) { $0.dropLast(c) }
                removeNodeIfEmpty(last)
            } else {
                withNode(last) { $0.dropLast(left) }
                left = 0
            }
        }
        adjust(-total)
    }

    // MARK: reads

    /// Calls `body` with the element at `index` (0-based from the head).
    public func withElement<R>(at index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard index >= 0 && index < count else { return nil }
        let (i, k) = locate(index)
        return withNode(i) { n in
            let off = n.offset(ofEntry: k)
            return body(n.data(at: off))
        }
    }

    public func element(at index: Int) -> [UInt8]? { withElement(at: index) { Array($0) } }

    /// Visits `n` elements starting at `first` towards the tail, or when
    /// `reverse`, starting at `first` towards the head.
    public func forEach(from first: Int, count n: Int, reverse: Bool = false, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard n > 0, first >= 0, first < count else { return }
        var (i, k) = locate(first)
        var left = n
        let nodes = nodeCount
        while left > 0 && i >= 0 && i < nodes {
            readNode(i) { node in
                guard let base = node.base else { return }
                if reverse {
                    let at = node.offset(ofEntry: k)
                    var end = at + ListEntry.sizeAt(base + at)
                    var j = k
                    while j >= 0 && left > 0 {
                        let (len, t) = ListEntry.trailer(base + end)
                        let dataStart = end - t - len
                        body(UnsafeRawBufferPointer(start: base + dataStart, count: len))
                        end = dataStart - t
                        j -= 1
                        left -= 1
                    }
                } else {
                    var off = node.offset(ofEntry: k)
                    let end = Int(node.end)
                    while off < end && left > 0 {
                        let (len, h) = ListEntry.header(base + off)
                        body(UnsafeRawBufferPointer(start: base + off + h, count: len))
                        off += len + 2 * h
                        left -= 1
                    }
                }
            }
            if reverse {
                i -= 1
                if i >= 0 { k = nodeEntries(i) - 1 }
            } else {
                i += 1
                k = 0
            }
        }
    }

    /// Visits every element from the head (or from the tail) until `body` returns false.
    public func scan(fromTail: Bool = false, _ body: (UnsafeRawBufferPointer) -> Bool) {
        guard count > 0 else { return }
        forEachWhile(from: fromTail ? count - 1 : 0, reverse: fromTail, body)
    }

    private func forEachWhile(from first: Int, reverse: Bool, _ body: (UnsafeRawBufferPointer) -> Bool) {
        var stop = false
        let nodes = nodeCount
        var i = reverse ? nodes - 1 : 0
        while !stop && i >= 0 && i < nodes {
            withNode(i) { node in
                guard let base = node.base else { return }
                if reverse {
                    var end = Int(node.end)
                    let start = Int(node.start)
                    while end > start {
                        let (len, t) = ListEntry.trailer(base + end)
                        let dataStart = end - t - len
                        if !body(UnsafeRawBufferPointer(start: base + dataStart, count: len)) { stop = true; return }
                        end = dataStart - t
                    }
                } else {
                    var off = Int(node.start)
                    let end = Int(node.end)
                    while off < end {
                        let (len, h) = ListEntry.header(base + off)
                        if !body(UnsafeRawBufferPointer(start: base + off + h, count: len)) { stop = true; return }
                        off += len + 2 * h
                    }
                }
            }
            i += reverse ? -1 : 1
        }
    }

    /// Every element, head first (tests, persistence).
    public var elements: [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(count)
        forEach(from: 0, count: count) { out.append(Array($0)) }
        return out
    }

    // MARK: middle

    /// Replaces the element at `index`; false when out of range (LSET).
    @discardableResult
    public func replace(at index: Int, with e: [UInt8], fill: ListFill) -> Bool {
        guard index >= 0 && index < count else { return false }
        let (i, k) = locate(index)
        let newSize = ListEntry.size(e.count)
        let inPlace = withNode(i) { n -> Bool in
            let off = n.offset(ofEntry: k)
            let oldSize = ListEntry.sizeAt(n.base! + off)
            guard n.count == 1 || (fill.allowsBytes(n.byteCount - oldSize + newSize) && fill.packs(newSize)) else { return false }
            e.withUnsafeBytes { n.replace(at: off, with: $0) }
            return true
        }
        if inPlace { return true }
        // Too big for its node: take it out and insert it like LINSERT would.
        withNode(i) { n in
            let off = n.offset(ofEntry: k)
            n.remove(from: off, to: off + ListEntry.sizeAt(n.base! + off), entries: 1)
        }
        adjust(-1)
        let off = withNode(i) { n in k < n.count ? n.offset(ofEntry: k) : Int(n.end) }
        e.withUnsafeBytes { insert($0, node: i, offset: off, entry: k, fill: fill) }
        return true
    }

    /// Inserts `e` before (or after) the first element equal to `pivot`;
    /// false when there is no such element (LINSERT).
    public func insert(_ e: [UInt8], pivot: [UInt8], after: Bool, fill: ListFill) -> Bool {
        var found: (node: Int, offset: Int, entry: Int)? = nil
        pivot.withUnsafeBytes { p in
            for i in 0..<nodeCount where found == nil {
                withNode(i) { n in
                    guard let base = n.base else { return }
                    var off = Int(n.start), k = 0
                    let end = Int(n.end)
                    while off < end {
                        let (len, h) = ListEntry.header(base + off)
                        let next = off + len + 2 * h
                        if ListEntry.equal(base + off + h, len, p) {
                            found = after ? (i, next, k + 1) : (i, off, k)
                            return
                        }
                        off = next
                        k += 1
                    }
                }
            }
        }
        guard let at = found else { return false }
        e.withUnsafeBytes { insert($0, node: at.node, offset: at.offset, entry: at.entry, fill: fill) }
        return true
    }

    /// Inserts at byte `offset` (entry `entry`) of node `i`, splitting the
    /// node when it is full, as quicklist's _quicklistInsert.
    public func insert(_ e: UnsafeRawBufferPointer, node i: Int, offset: Int, entry k: Int, fill: ListFill) {
        let size = ListEntry.size(e.count)
        if withNode(i, { fill.allows($0, adding: size) }) {
            withNode(i) { $0.insert(e, at: offset) }
            adjust(1)
            return
        }
        let r = ensureRing()
        r.total += 1
        let n = r[i]
        if offset == Int(n.end) {
            if i + 1 < r.count && fill.allows(r[i + 1], adding: size) {
                r.with(i + 1) { $0.prepend(e) }
            } else {
                var fresh = ListNode()
                fresh.append(e)
                r.insert(fresh, at: i + 1)
            }
            return
        }
        if offset == Int(n.start) {
            if i > 0 && fill.allows(r[i - 1], adding: size) {
                r.with(i - 1) { $0.append(e) }
            } else {
                var fresh = ListNode()
                fresh.append(e)
                r.insert(fresh, at: i)
            }
            return
        }
        // Middle of a full node: split it, then place the entry.
        let tail = r.with(i) { $0.split(at: offset, entry: k) }
        r.insert(tail, at: i + 1)
        if fill.allows(r[i], adding: size) {
            r.with(i) { $0.append(e) }
        } else if fill.allows(r[i + 1], adding: size) {
            r.with(i + 1) { $0.prepend(e) }
        } else {
            var fresh = ListNode()
            fresh.append(e)
            r.insert(fresh, at: i + 1)
        }
    }

    /// Removes elements equal to `e`: all when `limit` is 0, else at most
    /// `limit` of them, scanning from the tail when `fromTail` (LREM).
    public func remove(_ e: [UInt8], limit: Int, fromTail: Bool) -> Int {
        var removed = 0
        let cap = limit == 0 ? Int.max : limit
        e.withUnsafeBytes { p in
            var i = fromTail ? nodeCount - 1 : 0
            while removed < cap && i >= 0 && i < nodeCount {
                let left = cap - removed
                let r = withNode(i) { n -> Int in
                    let skip: Int
                    if fromTail {
                        let m = n.countMatches(p)
                        skip = max(0, m - left)
                    } else {
                        skip = 0
                    }
                    return n.removeMatches(p, skip: skip, limit: left)
                }
                removed += r
                let emptied = nodeEntries(i) == 0
                if emptied { removeNodeIfEmpty(i) }
                if fromTail {
                    i -= 1
                } else if !emptied {
                    i += 1
                }
            }
        }
        adjust(-removed)
        return removed
    }
}

/// Node size limits from list-max-listpack-size, computed once per command.
public struct ListFill: Sendable {
    public let maxBytes: Int
    public let maxCount: Int
    /// Entries this big or bigger get a node of their own (quicklist's
    /// "plain" nodes); taken from `packedThreshold` when the fill is made.
    public let plainBytes: Int

    /// Redis's process-wide packed_threshold (1 GiB; DEBUG
    /// QUICKLIST-PACKED-THRESHOLD changes it). Read once per ListFill, so the
    /// push path pays no global access.
    nonisolated(unsafe) public static var packedThreshold = defaultPackedThreshold
    public static let defaultPackedThreshold = 1 << 30

    /// Redis clamps fill to -5...32767 (quicklistSetFill); negative values
    /// pick 4, 8, 16, 32 or 64 KiB, positive ones an entry count under 8 KiB.
    public init(_ fill: Int) {
        plainBytes = Self.packedThreshold
        let f = min(max(fill, -5), 32767)
        if f < 0 {
            maxBytes = 4096 << (-f - 1)
            maxCount = Int.max
        } else {
            maxBytes = 8192
            maxCount = f
        }
    }

    /// An empty node always takes an element (a huge one gets a node of its own).
    @inline(__always)
    public func allows(_ n: ListNode, adding size: Int) -> Bool {
        n.count == 0 || (Int(n.count) < maxCount && n.byteCount + size <= maxBytes
                         && packs(size) && !(n.count == 1 && n.byteCount >= plainBytes))
    }

    @inline(__always)
    public func allowsBytes(_ bytes: Int) -> Bool { bytes <= maxBytes }

    /// Whether an entry of `size` bytes may share a node (isLargeElement).
    @inline(__always)
    public func packs(_ size: Int) -> Bool { size < plainBytes }
}

/// One entry: the length as LEB128, the bytes, then the length again with its
/// LEB128 bytes reversed so the entry can also be read from its end (the
/// listpack "backlen" idea). Short elements cost 2 bytes of framing.
public enum ListEntry {
    @inline(__always)
    public static func lenSize(_ n: Int) -> Int {
        n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x20_0000 ? 3 : n < 0x1000_0000 ? 4 : 5
    }

    @inline(__always)
    public static func size(_ n: Int) -> Int { n + 2 * lenSize(n) }

    /// Writes the entry at `p`; returns its size.
    @inline(__always)
    @discardableResult
    public static func write(_ p: UnsafeMutablePointer<UInt8>, _ data: UnsafeRawBufferPointer) -> Int {
        let n = data.count, k = lenSize(n)
        var v = n
        for i in 0..<k {
            let b = UInt8(v & 0x7F) | (i < k - 1 ? 0x80 : 0)
            p[i] = b
            p[k + n + (k - 1 - i)] = b
            v >>= 7
        }
        if n > 0 { memcpy(p + k, data.baseAddress!, n) }
        return n + 2 * k
    }

    /// (length, header size) of the entry starting at `p`.
    @inline(__always)
    public static func header(_ p: UnsafeMutablePointer<UInt8>) -> (Int, Int) {
        let b0 = p[0]
        if b0 < 0x80 { return (Int(b0), 1) }
        var v = Int(b0 & 0x7F), shift = 7, i = 1
        while true {
            let b = p[i]
            v |= Int(b & 0x7F) << shift
            i += 1
            if b < 0x80 { break }
            shift += 7
        }
        return (v, i)
    }

    /// (length, trailer size) of the entry ending just before `end`.
    @inline(__always)
    public static func trailer(_ end: UnsafeMutablePointer<UInt8>) -> (Int, Int) {
        let b0 = end[-1]
        if b0 < 0x80 { return (Int(b0), 1) }
        var v = Int(b0 & 0x7F), shift = 7, i = 2
        while true {
            let b = end[-i]
            v |= Int(b & 0x7F) << shift
            if b < 0x80 { break }
            i += 1
            shift += 7
        }
        return (v, i)
    }

    @inline(__always)
    public static func sizeAt(_ p: UnsafeMutablePointer<UInt8>) -> Int {
        let (len, h) = header(p)
        return len + 2 * h
    }

    @inline(__always)
    public static func equal(_ p: UnsafeMutablePointer<UInt8>, _ len: Int, _ other: UnsafeRawBufferPointer) -> Bool {
        len == other.count && (len == 0 || memcmp(p, other.baseAddress!, len) == 0)
    }
}

/// One node: a malloc'd block holding entries in [start, end). Room before
/// `start` lets pushes at the head avoid moving the block every time. Plain
/// value with manual ownership: the list or ring holding it calls release().
public struct ListNode {
    public var base: UnsafeMutablePointer<UInt8>? = nil
    public var start: UInt32 = 0
    public var end: UInt32 = 0
    public var cap: UInt32 = 0
    /// At most 32768: nodes hold at most 64 KiB of entries of 2+ bytes, or
    /// 32767 entries under a positive fill.
    public var count: UInt16 = 0

    @inline(__always) public var byteCount: Int { Int(end &- start) }

    public mutating func release() {
        free(base)
        self = ListNode()
    }

    public func copy() -> ListNode {
        var n = ListNode()
        let live = byteCount
        if live > 0, let src = base {
            let c = Self.capacity(for: live)
            n.base = malloc(c)!.assumingMemoryBound(to: UInt8.self)
            memcpy(n.base!, src + Int(start), live)
            n.cap = UInt32(c)
            n.end = UInt32(live)
            n.count = count
        }
        return n
    }

    /// Allocation sizes that fill glibc chunks (16-byte steps, 8 bytes of
    /// header): 16-byte steps while small, then eighths of a power of two.
    @inline(__always)
    public static func capacity(for n: Int) -> Int {
        let withHeader = n + 8
        if withHeader <= 512 { return max(24, ((withHeader + 15) & ~15) - 8) }
        let shift = (Int.bitWidth - (withHeader - 1).leadingZeroBitCount) - 3
        let step = 1 << shift
        return ((withHeader + step - 1) & ~(step - 1)) - 8
    }

    private mutating func reallocate(_ newCap: Int) {
        base = realloc(base, newCap)!.assumingMemoryBound(to: UInt8.self)
        cap = UInt32(newCap)
    }

    /// Moves the entries to offset 0.
    private mutating func compact() {
        guard start > 0 else { return }
        let live = byteCount
        if live > 0 { memmove(base!, base! + Int(start), live) }
        start = 0
        end = UInt32(live)
    }

    /// Makes room for `extra` bytes after `end`.
    private mutating func reserveTail(_ extra: Int) {
        if Int(end) + extra <= Int(cap) { return }
        compact()
        let need = Int(end) + extra
        if need > Int(cap) { reallocate(Self.capacity(for: need)) }
    }

    /// Makes room for `extra` bytes before `start`; big nodes get spare room
    /// so a run of head pushes moves the block only now and then.
    private mutating func reserveHead(_ extra: Int) {
        if Int(start) >= extra { return }
        let live = byteCount
        let room = extra + (live >= 256 ? live / 4 : 0)
        let need = room + live
        if need > Int(cap) { reallocate(Self.capacity(for: need)) }
        if live > 0 { memmove(base! + room, base! + Int(start), live) }
        start = UInt32(room)
        end = UInt32(room + live)
    }

    /// Gives memory back after removals: dead head room or a block far too big.
    private mutating func shrinkIfSparse() {
        let live = byteCount
        if live == 0 {
            start = 0
            end = 0
            if cap > 64 {
                free(base)
                base = nil
                cap = 0
            }
            return
        }
        if Int(start) > live && start > 64 { compact() }
        if Int(cap) > 128 && Int(cap) > 2 * Self.capacity(for: Int(end)) {
            compact()
            reallocate(Self.capacity(for: Int(end)))
        }
    }

    public mutating func append(_ e: UnsafeRawBufferPointer) {
        let size = ListEntry.size(e.count)
        reserveTail(size)
        ListEntry.write(base! + Int(end), e)
        end += UInt32(size)
        count += 1
    }

    public mutating func prepend(_ e: UnsafeRawBufferPointer) {
        let size = ListEntry.size(e.count)
        reserveHead(size)
        start -= UInt32(size)
        ListEntry.write(base! + Int(start), e)
        count += 1
    }

    public mutating func popFirst() -> [UInt8] {
        let p = base! + Int(start)
        let (len, h) = ListEntry.header(p)
        let v = Array(UnsafeRawBufferPointer(start: p + h, count: len))
        start += UInt32(len + 2 * h)
        count -= 1
        shrinkIfSparse()
        return v
    }

    public mutating func popLast() -> [UInt8] {
        let e = base! + Int(end)
        let (len, t) = ListEntry.trailer(e)
        let v = Array(UnsafeRawBufferPointer(start: e - t - len, count: len))
        end -= UInt32(len + 2 * t)
        count -= 1
        shrinkIfSparse()
        return v
    }

    public mutating func dropFirst(_ k: Int) {
        guard k > 0 else { return }
        start = UInt32(offset(ofEntry: k))
        count -= UInt16(k)
        shrinkIfSparse()
    }

    public mutating func dropLast(_ k: Int) {
        guard k > 0 else { return }
        end = UInt32(offset(ofEntry: Int(count) - k))
        count -= UInt16(k)
        shrinkIfSparse()
    }

    /// Byte offset of entry `k` (0...count; `count` gives `end`), scanning
    /// from the nearer end of the node.
    public func offset(ofEntry k: Int) -> Int {
        let n = Int(count)
        if k >= n { return Int(end) }
        guard let base else { return Int(start) }
        if k <= n / 2 {
            var off = Int(start)
            for _ in 0..<k { off += ListEntry.sizeAt(base + off) }
            return off
        }
        var e = Int(end)
        for _ in 0..<(n - k) {
            let (len, t) = ListEntry.trailer(base + e)
            e -= len + 2 * t
        }
        return e
    }

    public func data(at off: Int) -> UnsafeRawBufferPointer {
        let (len, h) = ListEntry.header(base! + off)
        return UnsafeRawBufferPointer(start: base! + off + h, count: len)
    }

    public mutating func insert(_ e: UnsafeRawBufferPointer, at off: Int) {
        let size = ListEntry.size(e.count)
        var at = off
        if Int(end) + size > Int(cap) {
            at -= Int(start)
            compact()
            if Int(end) + size > Int(cap) { reallocate(Self.capacity(for: Int(end) + size)) }
        }
        let tail = Int(end) - at
        if tail > 0 { memmove(base! + at + size, base! + at, tail) }
        ListEntry.write(base! + at, e)
        end += UInt32(size)
        count += 1
    }

    public mutating func remove(from: Int, to: Int, entries: Int) {
        let tail = Int(end) - to
        if tail > 0 { memmove(base! + from, base! + to, tail) }
        end -= UInt32(to - from)
        count -= UInt16(entries)
        shrinkIfSparse()
    }

    public mutating func replace(at off: Int, with e: UnsafeRawBufferPointer) {
        let oldSize = ListEntry.sizeAt(base! + off)
        let newSize = ListEntry.size(e.count)
        var at = off
        if newSize > oldSize {
            let delta = newSize - oldSize
            if Int(end) + delta > Int(cap) {
                at -= Int(start)
                compact()
                if Int(end) + delta > Int(cap) { reallocate(Self.capacity(for: Int(end) + delta)) }
            }
        }
        let tail = Int(end) - (at + oldSize)
        if tail > 0 && newSize != oldSize { memmove(base! + at + newSize, base! + at + oldSize, tail) }
        ListEntry.write(base! + at, e)
        end = UInt32(Int(end) + newSize - oldSize)
        if newSize < oldSize { shrinkIfSparse() }
    }

    /// Moves entries from byte `off` (entry `k`) on into a new node.
    public mutating func split(at off: Int, entry k: Int) -> ListNode {
        var tail = ListNode()
        let bytes = Int(end) - off
        if bytes > 0 {
            let c = Self.capacity(for: bytes)
            tail.base = malloc(c)!.assumingMemoryBound(to: UInt8.self)
            memcpy(tail.base!, base! + off, bytes)
            tail.cap = UInt32(c)
            tail.end = UInt32(bytes)
            tail.count = count - UInt16(k)
        }
        end = UInt32(off)
        count = UInt16(k)
        shrinkIfSparse()
        return tail
    }

    public func countMatches(_ p: UnsafeRawBufferPointer) -> Int {
        guard let base else { return 0 }
        var off = Int(start), m = 0
        let end = Int(self.end)
        while off < end {
            let (len, h) = ListEntry.header(base + off)
            if ListEntry.equal(base + off + h, len, p) { m += 1 }
            off += len + 2 * h
        }
        return m
    }

    /// Removes matches after skipping the first `skip` of them, at most
    /// `limit`; closes the gaps in one pass. Returns how many went.
    public mutating func removeMatches(_ p: UnsafeRawBufferPointer, skip: Int, limit: Int) -> Int {
        guard let base else { return 0 }
        var read = Int(start), write = Int(start), skipped = 0, removed = 0
        let end = Int(self.end)
        while read < end {
            let (len, h) = ListEntry.header(base + read)
            let size = len + 2 * h
            var drop = false
            if removed < limit && ListEntry.equal(base + read + h, len, p) {
                if skipped < skip { skipped += 1 } else { drop = true }
            }
            if drop {
                removed += 1
            } else {
                if write != read { memmove(base + write, base + read, size) }
                write += size
            }
            read += size
        }
        if removed > 0 {
            self.end = UInt32(write)
            count -= UInt16(removed)
            shrinkIfSparse()
        }
        return removed
    }
}

/// The nodes of a list with more than one: a ring buffer, so adding or
/// dropping a node at either end is O(1). Frees the blocks it holds.
public final class NodeRing {
    private var slots: [ListNode]
    private var head = 0
    /// Nodes in the ring.
    public private(set) var count = 0
    /// Elements in all nodes (the list's length), kept by ListValue.
    public var total = 0

    public init() { slots = Array(repeating: ListNode(), count: 4) }

    deinit {
        for i in 0..<count { slots[(head + i) & (slots.count - 1)].release() }
    }

    @inline(__always) private func slot(_ i: Int) -> Int { (head + i) & (slots.count - 1) }

    public subscript(i: Int) -> ListNode { slots[slot(i)] }

    @inline(__always)
    public func with<R>(_ i: Int, _ body: (inout ListNode) -> R) -> R { body(&slots[slot(i)]) }

    private func grow() {
        var s = Array(repeating: ListNode(), count: slots.count * 2)
        for i in 0..<count { s[i] = slots[slot(i)] }
        slots = s
        head = 0
    }

    public func pushBack(_ n: ListNode) {
        if count == slots.count { grow() }
        slots[slot(count)] = n
        count += 1
    }

    public func pushFront(_ n: ListNode) {
        if count == slots.count { grow() }
        head = (head - 1) & (slots.count - 1)
        slots[head] = n
        count += 1
    }

    /// Inserts before position `i` (0...count), shifting the shorter side.
    public func insert(_ n: ListNode, at i: Int) {
        if i == count { pushBack(n); return }
        if i == 0 { pushFront(n); return }
        if count == slots.count { grow() }
        if i < count / 2 {
            head = (head - 1) & (slots.count - 1)
            for j in 0..<i { slots[slot(j)] = slots[slot(j + 1)] }
        } else {
            var j = count
            while j > i {
                slots[slot(j)] = slots[slot(j - 1)]
                j -= 1
            }
        }
        slots[slot(i)] = n
        count += 1
    }

    /// Takes node `i` out (the caller owns its block).
    public func remove(at i: Int) -> ListNode {
        let n = slots[slot(i)]
        if i < count / 2 {
            var j = i
            while j > 0 {
                slots[slot(j)] = slots[slot(j - 1)]
                j -= 1
            }
            slots[head] = ListNode()
            head = (head + 1) & (slots.count - 1)
        } else {
            for j in i..<(count - 1) { slots[slot(j)] = slots[slot(j + 1)] }
            slots[slot(count - 1)] = ListNode()
        }
        count -= 1
        return n
    }
}
