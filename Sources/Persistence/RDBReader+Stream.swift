import Keyspace
import Protocol

/// Types 15 and 19 (rdbLoadObject's stream branch). Redis checks a node's
/// listpack deeply only under sanitize-dump-payload; Vigil decodes every
/// node into its own form, so it always does, and refuses what it cannot
/// represent (a pending entry no consumer owns, counters that disagree
/// with the entries) where Redis would load a stream that crashes later.
extension RDBReader {
    static let streamIntegrityError = "Stream listpack integrity check failed."

    mutating func readStream(type: UInt8) throws -> StreamValue {
        let v2 = type == RDBType.streamListpacks2
        let count = try readCount()
        var nodes: [StreamNode] = []
        nodes.reserveCapacity(capacity(count, minBytes: 2))
        for _ in 0..<count {
            let keyAt = pos
            let key = try readString()
            guard key.count == 16 else { throw corrupt("Stream node key entry is not the size of a stream ID", at: keyAt) }
            let lpAt = pos
            let lp = try readString()
            nodes.append(try Self.streamNode(master: Self.streamID(key[...]), listpack: lp, at: lpAt))
        }
        // The radix tree orders nodes by key and holds each key once.
        if !zip(nodes, nodes.dropFirst()).allSatisfy({ $0.master < $1.master }) {
            nodes.sort { $0.master < $1.master }
            for (a, b) in zip(nodes, nodes.dropFirst()) where a.master == b.master {
                throw corrupt("Listpack re-added with existing key")
            }
        }
        let metaAt = pos
        let length = try readLength()
        let lastID = try readStreamID()
        var firstID: StreamID? = nil
        var maxDeleted = StreamID.zero
        var entriesAdded = length
        if v2 {
            firstID = try readStreamID()
            maxDeleted = try readStreamID()
            entriesAdded = try readLength()
        }
        let live = nodes.reduce(0) { $0 + $1.count }
        guard length == UInt64(live) else { throw corrupt("Stream length inconsistent with rax entries", at: metaAt) }
        let s = StreamValue.restoring(nodes: nodes, length: live, lastID: lastID, firstID: firstID,
                                      maxDeletedID: maxDeleted, entriesAdded: entriesAdded)
        let groups = try readCount()
        for _ in 0..<groups {
            let nameAt = pos
            let name = try readString()
            let groupLast = try readStreamID()
            let entriesRead = v2 ? Int64(bitPattern: try readLength()) : s.estimatedEntriesRead(at: groupLast)
            guard let g = s.createGroup(name, lastID: groupLast, entriesRead: entriesRead) else {
                throw corrupt("Duplicated consumer group name \(String(decoding: name, as: UTF8.self))", at: nameAt)
            }
            try readGroupPELs(g)
        }
        return s
    }

    /// The group PEL (IDs with delivery time and count), then each consumer
    /// and the IDs it owns, which must be in the group PEL and owned once.
    private mutating func readGroupPELs(_ g: StreamGroup) throws {
        let pelCount = try readCount()
        var pel: [(id: StreamID, time: Int64, count: UInt64)] = []
        pel.reserveCapacity(capacity(pelCount, minBytes: 25))
        var index: [StreamID: Int] = [:]
        for _ in 0..<pelCount {
            let at = pos
            let id = try readRawStreamID()
            let time = Int64(bitPattern: try readLE(8))
            let n = try readLength()
            guard index.updateValue(pel.count, forKey: id) == nil else {
                throw corrupt("Duplicated global PEL entry loading stream consumer group", at: at)
            }
            pel.append((id, time, n))
        }
        var owner = [StreamConsumer?](repeating: nil, count: pel.count)
        let consumers = try readCount()
        for _ in 0..<consumers {
            let at = pos
            let name = try readString()
            let seen = Int64(bitPattern: try readLE(8))
            guard let c = g.createConsumer(name, now: seen) else {
                throw corrupt("Duplicate stream consumer detected.", at: at)
            }
            let owned = try readCount()
            for _ in 0..<owned {
                let idAt = pos
                let id = try readRawStreamID()
                guard let i = index[id] else { throw corrupt("Consumer entry not found in group global PEL", at: idAt) }
                // Redis lets a second consumer take a NACK another still lists;
                // the two PELs would then disagree, so this is refused too.
                guard owner[i] == nil else {
                    throw corrupt("Duplicated consumer PEL entry  loading a stream consumer group", at: idAt)
                }
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

    private mutating func readRawStreamID() throws -> StreamID {
        let ms = try readBE(8)
        return StreamID(ms: ms, seq: try readBE(8))
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
        guard !els.isEmpty else { throw RDBError(offset: at, message: "Empty listpack inside stream") }
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
