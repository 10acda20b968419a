/// A Redis stream (t_stream.c): nodes ordered by master ID (Redis's radix
/// tree keyed by the 16-byte big-endian master ID; here a sorted array,
/// which gives the same order and O(log n) seeks), the stream's metadata,
/// and its consumer groups.
public final class StreamValue {
    public internal(set) var nodes: [StreamNode] = []
    /// Live entries.
    public internal(set) var length = 0
    public var lastID = StreamID.zero
    /// First live entry, 0-0 when empty.
    public internal(set) var firstID = StreamID.zero
    public var maxDeletedID = StreamID.zero
    /// Every entry ever added (XSETID ENTRIESADDED may set it).
    public var entriesAdded: UInt64 = 0
    /// Consumer groups by name (created lazily in Redis; empty here costs nothing).
    public internal(set) var groups: [[UInt8]: StreamGroup] = [:]

    public init() {}

    public var encodingName: String { "stream" }

    /// Deep copy (COPY): nodes, groups, PELs and consumers.
    public func duplicate() -> StreamValue {
        let s = StreamValue()
        s.nodes = nodes.map { $0.copy() }
        s.length = length
        s.lastID = lastID
        s.firstID = firstID
        s.maxDeletedID = maxDeletedID
        s.entriesAdded = entriesAdded
        for (name, g) in groups { s.groups[name] = g.duplicate() }
        return s
    }

    // MARK: adding

    /// streamAppendItem after the ID checks: stores `pairs` (field, value...)
    /// under `id`, which must be above `lastID`. `maxBytes`/`maxEntries` are
    /// stream-node-max-bytes and stream-node-max-entries (0 = no limit).
    public func append(_ id: StreamID, _ pairs: [[UInt8]], maxBytes: Int, maxEntries: Int) {
        var newNode = true
        if let tail = nodes.last {
            var totalBytes = 0
            for p in pairs { totalBytes += p.count }
            let limit = (maxBytes == 0 || maxBytes > Self.listpackMaxSize) ? Self.listpackMaxSize : maxBytes
            if tail.listpackBytes + totalBytes >= limit {
                newNode = true
            } else if maxEntries > 0 && tail.count + tail.deleted >= maxEntries {
                newNode = true
            } else {
                newNode = false
            }
        }
        if newNode {
            var fields: [[UInt8]] = []
            fields.reserveCapacity(pairs.count / 2)
            var i = 0
            while i < pairs.count { fields.append(pairs[i]); i += 2 }
            nodes.append(StreamNode(master: id, fields: fields))
        }
        nodes[nodes.count - 1].append(id, pairs)
        if length == 0 { firstID = id }
        length += 1
        entriesAdded += 1
        lastID = id
    }

    /// STREAM_LISTPACK_MAX_SIZE: 1 GiB.
    public static let listpackMaxSize = 1 << 30

    // MARK: reading

    /// Where Redis's iterator starts: the last node whose master ID is ≤ `id`,
    /// else the first node (forward) or the last one (reverse).
    func startNode(_ id: StreamID, reverse: Bool) -> Int {
        var lo = 0, hi = nodes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if nodes[mid].master <= id { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? lo - 1 : (reverse ? nodes.count - 1 : 0)
    }

    /// streamIterator over [start, end] skipping deleted entries: nodes in
    /// master-ID order, entries in insertion order; the walk ends at the first
    /// live entry past the far bound. (After XSETID lowers the last ID below a
    /// deleted entry, insertion order and ID order differ; this is Redis's walk.)
    func iterate(from start: StreamID, to end: StreamID, reverse: Bool,
                 _ body: (StreamNode, StreamNode.Header) -> Bool) {
        guard !nodes.isEmpty else { return }
        if !reverse {
            var i = startNode(start, reverse: false)
            while i < nodes.count {
                let n = nodes[i]
                i += 1
                if n.maxID < start { continue }
                var stop = false
                n.forEachHeader { h in
                    guard h.id >= start && !h.isDeleted else { return true }
                    if h.id > end || !body(n, h) { stop = true; return false }
                    return true
                }
                if stop { return }
            }
        } else {
            var i = startNode(end, reverse: true)
            while i >= 0 {
                let n = nodes[i]
                i -= 1
                if n.minID > end { continue }
                for h in n.headers().reversed() where h.id <= end && !h.isDeleted {
                    if h.id < start || !body(n, h) { return }
                }
            }
        }
    }

    /// Live entries with start ≤ ID ≤ end, ascending (or descending with `reverse`);
    /// `body` returns false to stop.
    public func forEach(from start: StreamID, to end: StreamID, reverse: Bool = false,
                        _ body: (StreamID, [[UInt8]]) -> Bool) {
        guard start <= end || reverse else { return }
        iterate(from: start, to: end, reverse: reverse) { n, h in body(h.id, n.pairs(h)) }
    }

    /// As `forEach`, handing out the node and entry header so a reply can be
    /// written from the node's bytes without copying them.
    public func forEachEntry(from start: StreamID, to end: StreamID, reverse: Bool = false,
                             _ body: (StreamNode, StreamNode.Header) -> Bool) {
        iterate(from: start, to: end, reverse: reverse, body)
    }

    /// The live entry `id` as Redis's iterator from `id` to `id` finds it.
    func find(_ id: StreamID) -> (StreamNode, StreamNode.Header)? {
        var found: (StreamNode, StreamNode.Header)? = nil
        iterate(from: id, to: id, reverse: false) { n, h in
            found = (n, h)
            return false
        }
        return found
    }

    /// The fields of a live entry, nil if it does not exist.
    public func entry(_ id: StreamID) -> [[UInt8]]? {
        guard let (n, h) = find(id) else { return nil }
        return n.pairs(h)
    }

    public func contains(_ id: StreamID) -> Bool { find(id) != nil }

    /// First (or last) live entry ID (streamGetEdgeID); nil when empty.
    public func edgeID(first: Bool) -> StreamID? {
        var out: StreamID? = nil
        if first {
            forEach(from: .zero, to: .max) { id, _ in out = id; return false }
        } else {
            forEach(from: .zero, to: .max, reverse: true) { id, _ in out = id; return false }
        }
        return out
    }

    /// The first stored ID, deleted or not (streamGetEdgeID without skipping
    /// tombstones); nil when no node is left.
    public var firstStoredID: StreamID? {
        guard let n = nodes.first, !n.data.isEmpty else { return nil }
        return n.header(at: 0).id
    }

    // MARK: deleting

    /// XDEL of one ID: flags it, frees its node when it was the node's last
    /// live entry. Does not touch maxDeletedID or firstID (the command does).
    public func delete(_ id: StreamID) -> Bool {
        guard let (n, h) = find(id) else { return false }
        if n.count == 1 {
            nodes.removeAll { $0 === n }
        } else {
            n.markDeleted(h)
        }
        length -= 1
        return true
    }

    /// Refreshes firstID after deletions (0-0 when empty).
    public func refreshFirstID() {
        firstID = length == 0 ? .zero : (edgeID(first: true) ?? .zero)
    }

    // MARK: trimming

    public enum TrimStrategy: Equatable, Sendable {
        case maxLen(Int)
        case minID(StreamID)
    }

    /// streamTrim: whole nodes from the head, then (exact only) entries
    /// inside the next node. `limit` caps the entries removed (0 = none).
    /// Returns the number of entries removed.
    public func trim(_ strategy: TrimStrategy, approx: Bool, limit: Int) -> Int {
        var deletedTotal = 0
        while let n = nodes.first {
            if case .maxLen(let maxLen) = strategy, length <= maxLen { break }
            let entries = n.count
            if limit > 0 && deletedTotal + entries > limit { break }
            let removeNode: Bool
            switch strategy {
            case .maxLen(let maxLen): removeNode = length - entries >= maxLen
            case .minID(let id): removeNode = n.lastID < id
            }
            if removeNode {
                nodes.removeFirst()
                length -= entries
                deletedTotal += entries
                continue
            }
            if approx { break }
            var marked: [StreamNode.Header] = []
            var remaining = length
            n.forEachHeader { h in
                let stop: Bool
                switch strategy {
                case .maxLen(let maxLen): stop = remaining <= maxLen
                case .minID(let id): stop = h.id >= id
                }
                if stop { return false }
                if !h.isDeleted {
                    marked.append(h)
                    remaining -= 1
                }
                return true
            }
            for h in marked { n.markDeleted(h) }
            length -= marked.count
            deletedTotal += marked.count
            break
        }
        refreshFirstID()
        return deletedTotal
    }

    // MARK: groups

    public func group(_ name: [UInt8]) -> StreamGroup? { groups[name] }

    public func createGroup(_ name: [UInt8], lastID: StreamID, entriesRead: Int64) -> StreamGroup? {
        guard groups[name] == nil else { return nil }
        let g = StreamGroup(name: name, lastID: lastID, entriesRead: entriesRead)
        groups[name] = g
        return g
    }

    public func destroyGroup(_ name: [UInt8]) -> Bool { groups.removeValue(forKey: name) != nil }

    /// Groups in radix-tree (byte) order.
    public var sortedGroups: [StreamGroup] {
        groups.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { groups[$0]! }
    }

    // MARK: the radix tree's shape (XINFO)

    /// Nodes of the radix tree Redis would hold for these master IDs: the
    /// root, every branching point, every child of a branching point, and the
    /// keys (a rax is a compressed trie, so chains between them are one node).
    public var radixTreeNodes: Int {
        let keys = nodes.map { $0.master.bigEndianKey }
        guard !keys.isEmpty else { return 1 }
        func count(_ lo: Int, _ hi: Int, _ depth: Int) -> Int {
            // Longest common prefix of the sorted range = that of its ends.
            var l = depth
            let a = keys[lo], b = keys[hi - 1]
            while l < 16 && a[l] == b[l] { l += 1 }
            var total = l > depth ? 2 : 1
            guard l < 16 else { return total }
            var i = lo
            while i < hi {
                var j = i + 1
                while j < hi && keys[j][l] == keys[i][l] { j += 1 }
                total += count(i, j, l + 1)
                i = j
            }
            return total
        }
        return count(0, keys.count, 0)
    }
}
