/// A growable byte buffer with separate read and write cursors.
/// Socket reads land directly in `storage` past `writerIndex`; parsers read
/// between `readerIndex` and `writerIndex`. Consumed space is reclaimed by
/// compaction, never by reallocating per message.
public struct ByteBuffer: Sendable {
    public private(set) var storage: [UInt8]
    public private(set) var readerIndex: Int = 0
    public private(set) var writerIndex: Int = 0
    /// Readable bytes a reserveReadable caller waits for (0: none), so reads
    /// fill the exact room instead of doubling it for their usual chunk.
    private var awaitedReadable = 0

    public init(capacity: Int = 16 * 1024) {
        storage = [UInt8](repeating: 0, count: max(capacity, 16))
    }

    public var readableBytes: Int { writerIndex - readerIndex }
    public var isEmpty: Bool { writerIndex == readerIndex }
    public var capacity: Int { storage.count }

    /// Ensures `n` writable bytes after `writerIndex`, compacting first.
    public mutating func reserveWritable(_ n: Int) {
        if storage.count - writerIndex >= n { return }
        if readerIndex > 0 { compact() }
        if storage.count - writerIndex >= n { return }
        var newCap = max(storage.count * 2, 16)
        while newCap - writerIndex < n { newCap *= 2 }
        grow(to: newCap)
    }

    /// Gives back room beyond `n` bytes (never dropping unread ones; 0 frees
    /// it all when nothing is unread): for a caller that knows the room will
    /// not be needed soon.
    public mutating func shrink(to n: Int) {
        let target = max(n, readableBytes)
        if target >= storage.count { return }
        grow(to: target)
    }

    /// A new storage of `newCap` bytes holding the unread bytes at the front
    /// (one zero-filled allocation and one copy, also fast in debug builds).
    private mutating func grow(to newCap: Int) {
        var bigger = [UInt8](repeating: 0, count: newCap)
        let r = readerIndex, n = readableBytes
        if n > 0 {
            bigger.withUnsafeMutableBytes { dst in
                storage.withUnsafeBytes { src in
                    dst.baseAddress!.copyMemory(from: src.baseAddress! + r, byteCount: n)
                }
            }
        }
        storage = bigger
        readerIndex = 0
        writerIndex = n
    }

    /// Room for `n` readable bytes in all (those unread plus those to come),
    /// allocated exactly rather than doubled: for one message of known size.
    public mutating func reserveReadable(_ n: Int) {
        awaitedReadable = n
        if storage.count - readerIndex >= n { return }
        if storage.count >= n { compact() } else { grow(to: n) }
    }

    /// Moves unread bytes to the front.
    public mutating func compact() {
        if readerIndex == 0 { return }
        let n = readableBytes
        if n > 0 {
            storage.withUnsafeMutableBytes { p in
                let base = p.baseAddress!
                base.advanced(by: 0).copyMemory(from: base.advanced(by: readerIndex), byteCount: n)
            }
        }
        readerIndex = 0
        writerIndex = n
    }

    /// Lets `body` write into the free tail (at least `minimum` bytes long) and
    /// returns how many bytes it wrote (negative results are passed through
    /// without moving the writer, for read(2)-style error returns).
    @discardableResult
    public mutating func writeWithUnsafeMutableBytes(minimum: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        let missing = awaitedReadable - readableBytes
        reserveWritable(missing > 0 ? min(minimum, missing) : minimum)
        let w = writerIndex
        let n = storage.withUnsafeMutableBytes { p in
            body(UnsafeMutableRawBufferPointer(rebasing: p[w...]))
        }
        if n > 0 { writerIndex += n }
        return n
    }

    public mutating func append<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        let n = bytes.count
        reserveWritable(n)
        let w = writerIndex
        storage.withUnsafeMutableBufferPointer { p in
            _ = UnsafeMutableBufferPointer(rebasing: p[w..<(w + n)]).initialize(from: bytes)
        }
        writerIndex += n
    }

    public mutating func append(_ s: String) { append(contentsOf: s.utf8) }

    public func withReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let r = readerIndex, w = writerIndex
        return try storage.withUnsafeBytes { p in try body(UnsafeRawBufferPointer(rebasing: p[r..<w])) }
    }

    public mutating func moveReaderIndex(forwardBy n: Int) {
        precondition(n >= 0 && n <= readableBytes)
        if n > 0 { awaitedReadable = 0 }
        readerIndex += n
        if readerIndex == writerIndex { readerIndex = 0; writerIndex = 0 }
    }

    public mutating func clear() { readerIndex = 0; writerIndex = 0; awaitedReadable = 0 }

    /// Drops storage grown for one big burst, so idle connections stay small.
    public mutating func shrinkIfIdle(to cap: Int = 16 * 1024) {
        if readableBytes == 0 && storage.count > cap * 4 {
            storage = [UInt8](repeating: 0, count: cap)
            readerIndex = 0; writerIndex = 0
        }
    }

    public var readableArray: [UInt8] { Array(storage[readerIndex..<writerIndex]) }
}
