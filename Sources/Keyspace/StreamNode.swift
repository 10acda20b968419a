/// One node of a stream: Redis's listpack of up to stream-node-max-entries
/// entries keyed by its master ID (the first ID inserted into it). The master
/// entry holds the field names of that first entry; an entry with the same
/// fields stores only its values (the SAMEFIELDS flag). IDs are deltas from
/// the master ID. Deleted entries stay, flagged, until the whole node goes.
///
/// Storage: `data` holds the entries back to back as
/// `flags, varint ms-delta, varint zigzag seq-delta, [varint n, (len, field, len, value)×n | (len, value)×N]`.
/// `lpBytes` is what the same node costs as a Redis listpack (node splits follow it).
public final class StreamNode {
    public let master: StreamID
    public private(set) var masterFields: [[UInt8]]
    var data: [UInt8] = []
    /// Live entries and deleted ones (the master entry's two counters).
    public internal(set) var count = 0
    public internal(set) var deleted = 0
    /// The ID of the last entry stored, deleted or not (lpGetEdgeStreamID).
    public internal(set) var lastID: StreamID
    /// Lowest and highest IDs stored (they differ from master and last once
    /// XSETID moved the stream's last ID below a deleted entry).
    public internal(set) var minID: StreamID
    public internal(set) var maxID: StreamID
    /// Redis listpack bytes, without the two counters (they are re-sized on read).
    var lpBase = 0

    static let flagDeleted: UInt8 = 1
    static let flagSameFields: UInt8 = 2

    init(master: StreamID, fields: [[UInt8]]) {
        self.master = master
        masterFields = fields
        lastID = master
        minID = master
        maxID = master
        lpBase = ListpackSize.empty + ListpackSize.integer(Int64(fields.count)) + ListpackSize.integer(0)
        for f in fields { lpBase += ListpackSize.string(f) }
    }

    /// The node as a Redis listpack, in bytes.
    public var listpackBytes: Int {
        lpBase + ListpackSize.integer(Int64(count)) + ListpackSize.integer(Int64(deleted))
    }

    func copy() -> StreamNode {
        let n = StreamNode(master: master, fields: masterFields)
        n.data = data
        n.count = count
        n.deleted = deleted
        n.lastID = lastID
        n.minID = minID
        n.maxID = maxID
        n.lpBase = lpBase
        return n
    }

    /// Appends an entry whose ID is above every ID in the node. `pairs` is field, value, field, value...
    func append(_ id: StreamID, _ pairs: [[UInt8]]) {
        let nf = pairs.count / 2
        var same = nf == masterFields.count
        if same {
            for i in 0..<nf where pairs[2 * i] != masterFields[i] {
                same = false
                break
            }
        }
        store(id, pairs, flags: same ? Self.flagSameFields : 0)
    }

    /// Stores an entry with the given flags as the node's next one: with
    /// SAMEFIELDS only the values are kept (the fields are the master's).
    /// XADD chooses the flags; a loaded node keeps the ones it was saved with.
    func store(_ id: StreamID, _ pairs: [[UInt8]], flags: UInt8) {
        let nf = pairs.count / 2
        let same = flags & Self.flagSameFields != 0
        let msDelta = id.ms &- master.ms
        let seqDelta = Int64(bitPattern: id.seq &- master.seq)
        data.append(flags)
        Self.putVarint(&data, msDelta)
        Self.putVarint(&data, UInt64(bitPattern: (seqDelta << 1) ^ (seqDelta >> 63)))
        lpBase += ListpackSize.integer(Int64(flags)) + ListpackSize.integer(Int64(bitPattern: msDelta))
            + ListpackSize.integer(seqDelta)
        var lpCount = 3 + nf
        if !same {
            Self.putVarint(&data, UInt64(nf))
            lpBase += ListpackSize.integer(Int64(nf))
            lpCount += nf + 1
        }
        for i in 0..<nf {
            if !same {
                Self.putString(&data, pairs[2 * i])
                lpBase += ListpackSize.string(pairs[2 * i])
            }
            Self.putString(&data, pairs[2 * i + 1])
            lpBase += ListpackSize.string(pairs[2 * i + 1])
        }
        lpBase += ListpackSize.integer(Int64(lpCount))
        if flags & Self.flagDeleted != 0 { deleted += 1 } else { count += 1 }
        // The bounds start at the first entry, which a loaded node need not key.
        if count + deleted == 1 {
            minID = id
            maxID = id
        }
        lastID = id
        if id < minID { minID = id }
        if id > maxID { maxID = id }
    }

    // MARK: reading

    /// One decoded entry header: where it starts, its ID and flags, and where its payload begins.
    public struct Header {
        var offset: Int
        public var id: StreamID
        var flags: UInt8
        var payload: Int
        var isDeleted: Bool { flags & StreamNode.flagDeleted != 0 }
    }

    /// Walks the entries in order; `body` returns false to stop.
    @inline(__always)
    func forEachHeader(_ body: (Header) -> Bool) {
        var p = 0
        let n = data.count
        while p < n {
            let h = header(at: p)
            if !body(h) { return }
            p = skipPayload(h)
        }
    }

    func header(at offset: Int) -> Header {
        var p = offset
        let flags = data[p]
        p += 1
        let msDelta = Self.getVarint(data, &p)
        let z = Self.getVarint(data, &p)
        let seqDelta = Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1)
        let id = StreamID(ms: master.ms &+ msDelta, seq: master.seq &+ UInt64(bitPattern: seqDelta))
        return Header(offset: offset, id: id, flags: flags, payload: p)
    }

    /// Offset of the next entry.
    func skipPayload(_ h: Header) -> Int {
        var p = h.payload
        if h.flags & Self.flagSameFields != 0 {
            for _ in 0..<masterFields.count { p = Self.skipString(data, p) }
        } else {
            let nf = Int(Self.getVarint(data, &p))
            for _ in 0..<(2 * nf) { p = Self.skipString(data, p) }
        }
        return p
    }

    /// field, value, field, value... of the entry.
    func pairs(_ h: Header) -> [[UInt8]] {
        var p = h.payload
        var out: [[UInt8]] = []
        if h.flags & Self.flagSameFields != 0 {
            out.reserveCapacity(masterFields.count * 2)
            for f in masterFields {
                out.append(f)
                out.append(Self.getString(data, &p))
            }
        } else {
            let nf = Int(Self.getVarint(data, &p))
            out.reserveCapacity(nf * 2)
            for _ in 0..<(2 * nf) { out.append(Self.getString(data, &p)) }
        }
        return out
    }

    /// How many field and value strings the entry has.
    public func fieldCount(_ h: Header) -> Int {
        if h.flags & Self.flagSameFields != 0 { return masterFields.count * 2 }
        var p = h.payload
        return Int(Self.getVarint(data, &p)) * 2
    }

    /// Field, value, field, value... of the entry, in place (no copies).
    public func forEachField(_ h: Header, _ body: (UnsafeRawBufferPointer) -> Void) {
        data.withUnsafeBytes { raw in
            var p = h.payload
            func next() {
                let n = Int(Self.getVarint(data, &p))
                body(UnsafeRawBufferPointer(rebasing: raw[p..<(p + n)]))
                p += n
            }
            if h.flags & Self.flagSameFields != 0 {
                for f in masterFields {
                    f.withUnsafeBytes { body($0) }
                    next()
                }
            } else {
                let nf = Int(Self.getVarint(data, &p))
                for _ in 0..<(2 * nf) { next() }
            }
        }
    }

    /// All headers, for walking backwards.
    func headers() -> [Header] {
        var out: [Header] = []
        out.reserveCapacity(count + deleted)
        forEachHeader { out.append($0); return true }
        return out
    }

    /// Flags the entry deleted (XDEL, exact trimming). The flag keeps its
    /// listpack size (values 0-3 are all one byte).
    func markDeleted(_ h: Header) {
        data[h.offset] = h.flags | Self.flagDeleted
        count -= 1
        deleted += 1
    }

    // MARK: byte coding

    @inline(__always)
    static func putVarint(_ out: inout [UInt8], _ v: UInt64) {
        var x = v
        while x >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        out.append(UInt8(x))
    }

    @inline(__always)
    static func getVarint(_ d: [UInt8], _ p: inout Int) -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = d[p]
            p += 1
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    @inline(__always)
    static func putString(_ out: inout [UInt8], _ s: [UInt8]) {
        putVarint(&out, UInt64(s.count))
        out.append(contentsOf: s)
    }

    @inline(__always)
    static func getString(_ d: [UInt8], _ p: inout Int) -> [UInt8] {
        let n = Int(getVarint(d, &p))
        let s = Array(d[p..<(p + n)])
        p += n
        return s
    }

    @inline(__always)
    static func skipString(_ d: [UInt8], _ p: Int) -> Int {
        var q = p
        let n = Int(getVarint(d, &q))
        return q + n
    }
}
