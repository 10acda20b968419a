/// A pending entry (Redis's streamNACK): delivered to `consumer`, not yet acknowledged.
public final class StreamNACK {
    public var deliveryTime: Int64
    public var deliveryCount: UInt64
    public unowned var consumer: StreamConsumer

    init(consumer: StreamConsumer, deliveryTime: Int64, deliveryCount: UInt64) {
        self.consumer = consumer
        self.deliveryTime = deliveryTime
        self.deliveryCount = deliveryCount
    }
}

/// IDs in order with a value each: the PELs (Redis keeps them in radix trees
/// keyed by the big-endian ID). Appends at the end and removals of the oldest
/// (delivery and XACK in order) are the common cases: both are O(1) here, the
/// front being dropped by moving `head` and compacted now and then.
public struct StreamIDMap<V> {
    private var store: [StreamID] = []
    private var head = 0
    private var values: [StreamID: V] = [:]

    public init() {}

    /// The IDs in order; indices are those `lowerBound` returns.
    public var ids: ArraySlice<StreamID> { store[head...] }
    public var count: Int { store.count - head }
    public var isEmpty: Bool { count == 0 }
    public subscript(id: StreamID) -> V? { values[id] }

    /// Index (into `ids`) of the first ID ≥ `id`.
    public func lowerBound(_ id: StreamID) -> Int {
        var lo = head, hi = store.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if store[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public mutating func insert(_ id: StreamID, _ v: V) {
        if values.updateValue(v, forKey: id) != nil { return }
        if let last = store.last, store.count > head, last > id {
            store.insert(id, at: lowerBound(id))
        } else {
            store.append(id)
        }
    }

    @discardableResult
    public mutating func remove(_ id: StreamID) -> V? {
        guard let v = values.removeValue(forKey: id) else { return nil }
        let i = lowerBound(id)
        if i == head {
            head += 1
            if head == store.count {
                store.removeAll(keepingCapacity: true)
                head = 0
            } else if head > 64 && head * 2 > store.count {
                store.removeFirst(head)
                head = 0
            }
        } else {
            store.remove(at: i)
        }
        return v
    }
}

public final class StreamConsumer {
    public let name: [UInt8]
    public var seenTime: Int64
    /// The consumer's share of the group PEL (the same NACKs).
    public var pel = StreamIDMap<StreamNACK>()

    init(name: [UInt8], seenTime: Int64) {
        self.name = name
        self.seenTime = seenTime
    }
}

public final class StreamGroup {
    public let name: [UInt8]
    /// Last delivered ID.
    public var lastID: StreamID
    /// Logical read counter, -1 when unknown (7.0's entries_read).
    public var entriesRead: Int64
    public var pel = StreamIDMap<StreamNACK>()
    public private(set) var consumers: [[UInt8]: StreamConsumer] = [:]

    init(name: [UInt8], lastID: StreamID, entriesRead: Int64) {
        self.name = name
        self.lastID = lastID
        self.entriesRead = entriesRead
    }

    public func consumer(_ name: [UInt8]) -> StreamConsumer? { consumers[name] }

    /// streamCreateConsumer: nil when it exists.
    public func createConsumer(_ name: [UInt8], now: Int64) -> StreamConsumer? {
        guard consumers[name] == nil else { return nil }
        let c = StreamConsumer(name: name, seenTime: now)
        consumers[name] = c
        return c
    }

    /// streamDelConsumer: its pending entries leave the group PEL too. Returns how many it had.
    public func deleteConsumer(_ name: [UInt8]) -> Int? {
        guard let c = consumers.removeValue(forKey: name) else { return nil }
        for id in c.pel.ids { pel.remove(id) }
        return c.pel.count
    }

    /// Consumers in radix-tree (byte) order.
    public var sortedConsumers: [StreamConsumer] {
        consumers.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { consumers[$0]! }
    }

    /// Adds or moves a pending entry to `consumer` with the given time and count.
    @discardableResult
    public func assign(_ id: StreamID, to consumer: StreamConsumer, time: Int64, count: UInt64) -> StreamNACK {
        if let nack = pel[id] {
            if nack.consumer !== consumer {
                nack.consumer.pel.remove(id)
                nack.consumer = consumer
                consumer.pel.insert(id, nack)
            }
            nack.deliveryTime = time
            nack.deliveryCount = count
            return nack
        }
        let nack = StreamNACK(consumer: consumer, deliveryTime: time, deliveryCount: count)
        pel.insert(id, nack)
        consumer.pel.insert(id, nack)
        return nack
    }

    /// XACK of one ID: out of both PELs.
    @discardableResult
    public func acknowledge(_ id: StreamID) -> Bool {
        guard let nack = pel.remove(id) else { return false }
        nack.consumer.pel.remove(id)
        return true
    }

    func duplicate() -> StreamGroup {
        let g = StreamGroup(name: name, lastID: lastID, entriesRead: entriesRead)
        for (n, c) in consumers {
            let nc = StreamConsumer(name: n, seenTime: c.seenTime)
            g.consumers[n] = nc
        }
        for id in pel.ids {
            let old = pel[id]!
            let nc = g.consumers[old.consumer.name]!
            let nack = StreamNACK(consumer: nc, deliveryTime: old.deliveryTime, deliveryCount: old.deliveryCount)
            g.pel.insert(id, nack)
            nc.pel.insert(id, nack)
        }
        return g
    }
}
