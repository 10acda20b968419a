import Glibc

/// Where a writer's bytes go. The writer buffers, so a sink sees large writes.
public protocol RDBSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Collects the bytes in memory (DUMP, replication of small sets, tests).
public final class MemorySink: RDBSink {
    public var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

/// Writes through to a file descriptor, retrying short writes and EINTR.
public final class FileDescriptorSink: RDBSink {
    public let fd: Int32

    public init(fd: Int32) { self.fd = fd }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                throw RDBWriteError(errno: e, message: String(cString: strerror(e)))
            }
            if n == 0 { throw RDBWriteError(errno: EIO, message: String(cString: strerror(EIO))) }
            p += n
            left -= n
        }
    }
}
