/// What the RDB codec needs from a stream: every stored entry of a node as
/// Redis keeps it (deleted ones and the SAMEFIELDS flag included), and a
/// way to rebuild nodes and a stream from a file without XADD's choices.
extension StreamNode {
    /// A node keyed by `master` whose master entry lists `fields`, to be filled by `restore`.
    public static func restoring(master: StreamID, fields: [[UInt8]]) -> StreamNode {
        StreamNode(master: master, fields: fields)
    }

    /// Appends a loaded entry with its saved flags (bit 1 deleted, bit 2
    /// SAMEFIELDS); `pairs` is field, value... with the master's fields
    /// when SAMEFIELDS is set.
    public func restore(_ id: StreamID, _ pairs: [[UInt8]], flags: UInt8) {
        store(id, pairs, flags: flags)
    }

    /// Every stored entry, deleted ones included, in insertion order.
    public func forEachStoredEntry(_ body: (Header) -> Void) {
        forEachHeader { body($0); return true }
    }
}

extension StreamNode.Header {
    /// The entry's listpack flags as saved.
    public var storedFlags: UInt8 { flags }
    public var deleted: Bool { isDeleted }
    /// Only values are stored: the fields are the master entry's.
    public var sameFields: Bool { flags & StreamNode.flagSameFields != 0 }
}

extension StreamValue {
    /// A stream as a file describes it: `nodes` sorted by master ID with no
    /// two alike, and the metadata as saved (a loader derives what an older
    /// format lacks before calling this). A nil `firstID` (type 15 has none)
    /// is found as 7.0's loader finds it: streamGetEdgeID over live entries,
    /// max-max when there is none.
    public static func restoring(nodes: [StreamNode], length: Int, lastID: StreamID, firstID: StreamID?,
                                 maxDeletedID: StreamID, entriesAdded: UInt64) -> StreamValue {
        let s = StreamValue()
        s.nodes = nodes
        s.length = length
        s.lastID = lastID
        s.firstID = firstID ?? s.edgeID(first: true) ?? .max
        s.maxDeletedID = maxDeletedID
        s.entriesAdded = entriesAdded
        return s
    }
}
