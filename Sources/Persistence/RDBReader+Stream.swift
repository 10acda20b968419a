import Keyspace
import Protocol

/// Types 15 and 19 (rdbLoadObject's stream branch), with its messages and
/// offsets (what redis-check-rdb prints). Redis checks a node's listpack
/// deeply only under sanitize-dump-payload or in redis-check-rdb; Vigil
/// decodes every node into its own form, so it always does, and refuses
/// what it cannot represent (a pending entry no consumer owns, a length
/// that disagrees with the entries) where Redis would load a stream that
/// misbehaves later.
extension RDBReader {
    static let streamIntegrityError = "Stream listpack integrity check failed."

    mutating func readStream(type: UInt8) throws -> StreamValue {
        let v2 = type == RDBType.streamListpacks2
        let count = try failing("Stream listpacks len loading failed.") { try $0.readCount() }
        var nodes: [StreamNode] = []
        nodes.reserveCapacity(capacity(count, minBytes: 2))
        var masters = Set<StreamID>()
        for _ in 0..<count {
            let key = try failing("Stream master ID loading failed: invalid encoding or I/O error.") { try $0.readString() }
            guard key.count == 16 else { throw corrupt("Stream node key entry is not the size of a stream ID") }
            let lp = try failing("Stream listpacks loading failed.") { try $0.readString() }
            let master = Self.streamID(key[...])
            nodes.append(try Self.streamNode(master: master, listpack: lp, at: pos))
            guard masters.insert(master).inserted else { throw corrupt("Listpack re-added with existing key") }
        }
        // The radix tree orders nodes by key.
        if !zip(nodes, nodes.dropFirst()).allSatisfy({ $0.master < $1.master }) { nodes.sort { $0.master < $1.master } }
        let (length, lastID, firstID, maxDeleted, entriesAdded) = try failing("Stream object metadata loading failed.") { r in
            let length = try r.readLength()
            let lastID = try r.readStreamID()
            guard v2 else { return (length, lastID, StreamID?.none, StreamID.zero, length) }
            return (length, lastID, try r.readStreamID(), try r.readStreamID(), try r.readLength())
        }
        // 7.0.15 refuses only a length with no node at all; Vigil also
        // refuses one that disagrees with the nodes (its counters rely on it).
        let live = nodes.reduce(0) { $0 + $1.count }
        guard length == UInt64(live) else { throw corrupt("Stream length inconsistent with rax entries") }
        let s = StreamValue.restoring(nodes: nodes, length: live, lastID: lastID, firstID: firstID,
                                      maxDeletedID: maxDeleted, entriesAdded: entriesAdded)
        let groups = try failing("Stream cgroup count loading failed.") { try $0.readCount() }
        for _ in 0..<groups {
            let name = try failing("Error reading the consumer group name from Stream") { try $0.readString() }
            let groupLast = try failing("Stream cgroup ID loading failed.") { try $0.readStreamID() }
            let entriesRead = v2 ? Int64(bitPattern: try failing("Stream cgroup offset loading failed.") { try $0.readLength() })
                : s.estimatedEntriesRead(at: groupLast)
            guard let g = s.createGroup(name, lastID: groupLast, entriesRead: entriesRead) else {
                throw corrupt("Duplicated consumer group name \(String(decoding: name.prefix { $0 != 0 }, as: UTF8.self))")
            }
            try readGroupPELs(g)
        }
        return s
    }

    /// A short read inside a stream is reported by what was being read
    /// (rdbReportReadError), at the bytes read before it; other errors pass.
    private mutating func failing<T>(_ message: String, _ body: (inout RDBReader) throws -> T) throws -> T {
        do {
            return try body(&self)
        } catch let e as RDBError where e.message == shortRead().message {
            throw RDBError(offset: e.offset, message: message)
        }
    }

    /// The group PEL (IDs with delivery time and count), then each consumer
    /// and the IDs it owns, which must be in the group PEL and owned once.
    private mutating func readGroupPELs(_ g: StreamGroup) throws {
        let pelCount = try failing("Stream PEL size loading failed.") { try $0.readCount() }
        var pel: [(id: StreamID, time: Int64, count: UInt64)] = []
        pel.reserveCapacity(capacity(pelCount, minBytes: 25))
        var index: [StreamID: Int] = [:]
        for _ in 0..<pelCount {
            let id = try failing("Stream PEL ID loading failed.") { try $0.readRawStreamID() }
            let (time, n) = try failing("Stream PEL NACK loading failed.") { r in
                (Int64(bitPattern: try r.readLE(8)), try r.readLength())
            }
            guard index.updateValue(pel.count, forKey: id) == nil else {
                throw corrupt("Duplicated global PEL entry loading stream consumer group")
            }
            pel.append((id, time, n))
        }
        var owner = [StreamConsumer?](repeating: nil, count: pel.count)
        let consumers = try failing("Stream consumers num loading failed.") { try $0.readCount() }
        for _ in 0..<consumers {
            let name = try failing("Error reading the consumer name from Stream group.") { try $0.readString() }
            guard let c = g.createConsumer(name, now: 0) else { throw corrupt("Duplicate stream consumer detected.") }
            c.seenTime = Int64(bitPattern: try failing("Stream short read reading seen time.") { try $0.readLE(8) })
            let owned = try failing("Stream consumer PEL num loading failed.") { try $0.readCount() }
            for _ in 0..<owned {
                let id = try failing("Stream short read reading PEL streamID.") { try $0.readRawStreamID() }
                guard let i = index[id] else { throw corrupt("Consumer entry not found in group global PEL") }
                guard owner[i] == nil else { throw corrupt("Stream consumer PEL entry already has a consumer assigned") }
                owner[i] = c
            }
        }
        for (i, e) in pel.enumerated() {
            guard let c = owner[i] else { throw corrupt("Stream CG PEL entry without consumer") }
            g.assign(e.id, to: c, time: e.time, count: e.count)
        }
    }

    private mutating func readStreamID() throws -> StreamID {
        let ms = try readLength()
        return StreamID(ms: ms, seq: try readLength())
    }

    /// The 16 raw bytes of a PEL ID, read at once as rioRead reads them.
    private mutating func readRawStreamID() throws -> StreamID {
        Self.streamID(try readBytes(16)[...])
    }

    static func streamID(_ key: ArraySlice<UInt8>) -> StreamID {
        var ms: UInt64 = 0, seq: UInt64 = 0
        let b = key.startIndex
        for i in 0..<8 {
            ms = ms << 8 | UInt64(key[b + i])
            seq = seq << 8 | UInt64(key[b + 8 + i])
        }
        return StreamID(ms: ms, seq: seq)
    }

    /// One node's listpack decoded as streamValidateListpackIntegrity walks
    /// it (deep): the master entry, then count + deleted entries, each with
    /// an lp-count matching its shape, and nothing after them.
    static func streamNode(master: StreamID, listpack lp: [UInt8], at: Int) throws -> StreamNode {
        let bad = RDBError(offset: at, message: streamIntegrityError)
        guard let els = ListpackReader.elements(lp) else { throw bad }
        // Deep validation finds no master entry before "Empty listpack inside stream" would.
        guard !els.isEmpty else { throw bad }
        var p = 0
        func next() throws -> PackedElement {
            guard p < els.count else { throw bad }
            defer { p += 1 }
            return els[p]
        }
        func int() throws -> Int64 {
            switch try next() {
            case .int(let v): return v
            case .bytes(let b):
                guard let v = parseStrictInt64(b) else { throw bad }
                return v
            }
        }
        let live = try int(), deleted = try int(), masterCount = try int()
        guard live >= 0, deleted >= 0, masterCount >= 0, masterCount <= els.count else { throw bad }
        var fields: [[UInt8]] = []
        fields.reserveCapacity(Int(masterCount))
        for _ in 0..<masterCount { fields.append(try next().asBytes) }
        guard try int() == 0 else { throw bad }
        let node = StreamNode.restoring(master: master, fields: fields)
        let entries = live.addingReportingOverflow(deleted)
        guard !entries.overflow, entries.partialValue <= Int64(els.count) else { throw bad }
        for _ in 0..<entries.partialValue {
            let flags = try int()
            guard flags >= 0 && flags <= 3 else { throw bad }
            let id = StreamID(ms: master.ms &+ UInt64(bitPattern: try int()), seq: master.seq &+ UInt64(bitPattern: try int()))
            var pairs: [[UInt8]] = []
            let lpCount: Int64
            if flags & 2 != 0 {
                pairs.reserveCapacity(fields.count * 2)
                for f in fields {
                    pairs.append(f)
                    pairs.append(try next().asBytes)
                }
                lpCount = 3 + masterCount
            } else {
                let n = try int()
                guard n >= 0, n <= Int64(els.count - p) else { throw bad }
                pairs.reserveCapacity(Int(n) * 2)
                for _ in 0..<(2 * n) { pairs.append(try next().asBytes) }
                lpCount = 3 + 1 + 2 * n
            }
            guard try int() == lpCount else { throw bad }
            node.restore(id, pairs, flags: UInt8(flags))
        }
        guard p == els.count, node.count == Int(live), node.deleted == Int(deleted) else { throw bad }
        return node
    }
}
