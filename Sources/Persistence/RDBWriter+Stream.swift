import Keyspace

/// Type 19 (rdbSaveObject's OBJ_STREAM branch): every node as its 16-byte
/// master ID and the listpack Redis holds for it, the stream's metadata,
/// then the consumer groups with their PELs and consumers, in radix-tree
/// (byte) order. Deleted entries stay in their node, as Redis saves them.
extension RDBWriter {
    func writeStream(_ s: StreamValue) throws {
        writeLength(UInt64(s.nodes.count))
        for node in s.nodes {
            writeString(node.master.bigEndianKey)
            writeString(Self.nodeListpack(node))
            try flushIfNeeded()
        }
        writeLength(UInt64(s.length))
        writeID(s.lastID)
        writeID(s.firstID)
        writeID(s.maxDeletedID)
        writeLength(s.entriesAdded)
        let groups = s.sortedGroups
        writeLength(UInt64(groups.count))
        for g in groups {
            writeString(g.name)
            writeID(g.lastID)
            // entries_read is a long long saved as a length: -1 becomes 2^64-1.
            writeLength(UInt64(bitPattern: g.entriesRead))
            writeLength(UInt64(g.pel.count))
            for id in g.pel.ids {
                buffer += id.bigEndianKey
                let nack = g.pel[id]!
                appendLE(UInt64(bitPattern: nack.deliveryTime), 8)
                writeLength(nack.deliveryCount)
            }
            try flushIfNeeded()
            let consumers = g.sortedConsumers
            writeLength(UInt64(consumers.count))
            for c in consumers {
                writeString(c.name)
                appendLE(UInt64(bitPattern: c.seenTime), 8)
                writeLength(UInt64(c.pel.count))
                for id in c.pel.ids { buffer += id.bigEndianKey }
                try flushIfNeeded()
            }
        }
    }

    private func writeID(_ id: StreamID) {
        writeLength(id.ms)
        writeLength(id.seq)
    }

    /// The node's listpack as t_stream.c builds it: the master entry
    /// (count, deleted, number of master fields, the fields, 0), then each
    /// entry as flags, ms and seq deltas from the master ID, the fields and
    /// values (only values with SAMEFIELDS) and the lp-count that lets
    /// Redis walk it backwards.
    public static func nodeListpack(_ node: StreamNode) -> [UInt8] {
        var lp = ListpackBuilder(reservingCapacity: node.listpackBytes)
        lp.append(int: Int64(node.count))
        lp.append(int: Int64(node.deleted))
        lp.append(int: Int64(node.masterFields.count))
        for f in node.masterFields { lp.append(f) }
        lp.append(int: 0)
        let master = node.master
        node.forEachStoredEntry { h in
            lp.append(int: Int64(h.storedFlags))
            lp.append(int: Int64(bitPattern: h.id.ms &- master.ms))
            lp.append(int: Int64(bitPattern: h.id.seq &- master.seq))
            let strings = node.fieldCount(h)
            let fields = strings / 2
            if h.sameFields {
                var i = 0
                node.forEachField(h) { b in
                    if i & 1 == 1 { lp.append(b) }
                    i += 1
                }
                lp.append(int: Int64(3 + fields))
            } else {
                lp.append(int: Int64(fields))
                node.forEachField(h) { lp.append($0) }
                lp.append(int: Int64(3 + 1 + 2 * fields))
            }
        }
        return lp.finished()
    }
}
