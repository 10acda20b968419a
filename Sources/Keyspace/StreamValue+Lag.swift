/// Redis 7.0's logical read counters: a group's entries_read and lag are
/// exact while no deleted entry lies ahead of the group, estimated otherwise.
extension StreamValue {
    /// streamRangeHasTombstones over [start, end] (nil ends: unbounded).
    public func rangeHasTombstones(from start: StreamID?, to end: StreamID? = nil) -> Bool {
        if length == 0 || maxDeletedID == .zero { return false }
        if firstID > maxDeletedID { return false }
        return (start ?? .zero) <= maxDeletedID && maxDeletedID <= (end ?? .max)
    }

    /// streamEstimateDistanceFromFirstEverEntry: the entries_read counter an
    /// ID corresponds to, or -1 when it cannot be known.
    public func estimatedEntriesRead(at id: StreamID) -> Int64 {
        if entriesAdded == 0 { return 0 }
        let added = Int64(bitPattern: entriesAdded)
        if length == 0 && id <= lastID { return added }
        if id == lastID { return added }
        if id > lastID { return -1 }
        // Before or at the first entry the count is known unless a deleted
        // entry lies at or after it.
        if rangeHasTombstones(from: firstID) { return -1 }
        if id < firstID { return added - Int64(length) }
        if id == firstID { return added - Int64(length) + 1 }
        return -1
    }

    /// The lag XINFO reports for a group, nil when unknown.
    public func lag(of g: StreamGroup) -> Int64? {
        if entriesAdded == 0 { return 0 }
        let added = Int64(bitPattern: entriesAdded)
        if g.entriesRead != -1 && !rangeHasTombstones(from: g.lastID) { return added - g.entriesRead }
        let read = estimatedEntriesRead(at: g.lastID)
        return read == -1 ? nil : added - read
    }

    /// A group delivered `id` (above its last ID): advance its counters.
    public func advance(_ g: StreamGroup, to id: StreamID) {
        if g.entriesRead != -1 && !rangeHasTombstones(from: id) {
            g.entriesRead += 1
        } else if entriesAdded != 0 {
            g.entriesRead = estimatedEntriesRead(at: id)
        }
        g.lastID = id
    }
}
