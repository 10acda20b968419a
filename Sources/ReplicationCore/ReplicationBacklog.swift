/// The circular history of the most recent stream bytes (replication.md §7):
/// `size` bytes at most, `firstByteOffset` the offset of the oldest byte
/// held, `histlen` how many are held. Offsets count from 1, as Redis's do:
/// the byte at offset o is the o-th byte the history ever produced.
public struct ReplicationBacklog: Sendable {
    public private(set) var size: Int
    /// Grows with the stream up to `size`, then wraps: Redis 7.0 allocates its
    /// backlog in blocks as the stream arrives too, and a megabyte zeroed per
    /// backlog was a tenth of a simulated run.
    private var ring: [UInt8] = []
    /// Where the next byte goes in `ring`.
    private var writeIndex = 0
    public private(set) var histlen = 0
    /// The offset of the last byte held (master_repl_offset when it is fed everything).
    public private(set) var endOffset: Int64

    /// Redis raises smaller sizes to 16 KiB (CONFIG_REPL_BACKLOG_MIN_SIZE).
    public static let minimumSize = 16 * 1024

    /// An empty backlog whose first byte will be `offset + 1`.
    public init(size: Int, startingAfter offset: Int64) {
        self.size = max(size, Self.minimumSize)
        endOffset = offset
        // Redis's first replication buffer block (PROTO_REPLY_CHUNK_BYTES) is
        // there from the start: memory measured once a replica is attached
        // does not then grow with the first writes.
        ring.reserveCapacity(Self.firstBlockSize)
    }

    public static let firstBlockSize = 16 * 1024

    /// repl_backlog_first_byte_offset: the next byte's offset when empty.
    public var firstByteOffset: Int64 { endOffset - Int64(histlen) + 1 }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        // Every byte of the stream passes here (on a replica, every byte it
        // applies): copied in at most three runs, not a byte at a time.
        if bytes.withContiguousStorageIfAvailable({ append(buffer: $0) }) == nil {
            Array(bytes).withUnsafeBufferPointer { append(buffer: $0) }
        }
    }

    private mutating func append(buffer: UnsafeBufferPointer<UInt8>) {
        endOffset += Int64(buffer.count)
        // Only the last `size` bytes can survive.
        let skip = max(0, buffer.count - size)
        guard var from = buffer.baseAddress.map({ $0 + skip }) else { return }
        var left = buffer.count - skip
        histlen = min(size, histlen + left)
        // Until the ring is full it grows with the stream (writeIndex == ring.count).
        if ring.count < size {
            let grow = min(left, size - ring.count)
            ring.append(contentsOf: UnsafeBufferPointer(start: from, count: grow))
            from += grow
            left -= grow
            writeIndex = ring.count == size ? 0 : ring.count
        }
        guard left > 0 else { return }
        let size = self.size
        var at = writeIndex
        ring.withUnsafeMutableBufferPointer { ring in
            while left > 0 {
                let n = min(left, size - at)
                (ring.baseAddress! + at).update(from: from, count: n)
                from += n
                left -= n
                at += n
                if at == size { at = 0 }
            }
        }
        writeIndex = at
    }

    /// Whether a replica asking for `offset` as its next byte can be served
    /// (the end itself is fine: nothing to send).
    public func holds(from offset: Int64) -> Bool {
        offset >= firstByteOffset && offset <= endOffset + 1
    }

    /// The bytes from `offset` to the end, or nil when they are not held.
    public func bytes(from offset: Int64) -> [UInt8]? {
        guard holds(from: offset) else { return nil }
        let count = Int(endOffset + 1 - offset)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var i = (writeIndex - count + size) % size
        for _ in 0..<count {
            out.append(ring[i])
            i += 1
            if i == size { i = 0 }
        }
        return out
    }

    /// CONFIG SET repl-backlog-size: the newest bytes that fit are kept.
    public mutating func resize(_ newSize: Int) {
        let keep = bytes(from: firstByteOffset) ?? []
        let end = endOffset
        self = ReplicationBacklog(size: newSize, startingAfter: end - Int64(keep.count))
        append(keep)
    }
}
