import Glibc
import Persistence

/// debug-sigstop-after-bytes (hidden, not Redis's, off at 0): the process
/// writing an RDB file or an RDB-preamble AOF base stops itself with SIGSTOP
/// once exactly that many bytes of its temp file are written, or right after
/// the rename when the file is shorter, so that a crash-safety test can
/// SIGKILL it (or its parent) at a chosen point of the file instead of
/// guessing one by timing.
final class StopPointSink: RDBSink {
    private let inner: FileDescriptorSink
    private let stopAfter: Int
    private(set) var written = 0

    init(fd: Int32, stopAfter: Int) {
        inner = FileDescriptorSink(fd: fd)
        self.stopAfter = stopAfter
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        let before = written
        written += bytes.count
        guard stopAfter > before && stopAfter <= written else {
            try inner.write(bytes)
            return
        }
        let head = stopAfter - before
        try inner.write(UnsafeRawBufferPointer(rebasing: bytes[..<head]))
        raise(SIGSTOP)
        try inner.write(UnsafeRawBufferPointer(rebasing: bytes[head...]))
    }

    /// The sink a save writes `fd` through: this one only when the knob is set.
    static func make(fd: Int32, stopAfter: Int) -> RDBSink {
        stopAfter > 0 ? StopPointSink(fd: fd, stopAfter: stopAfter) : FileDescriptorSink(fd: fd)
    }

    /// The stop point past the end of the file: after its rename.
    static func stopAfterRename(_ sink: RDBSink) {
        if let s = sink as? StopPointSink, s.stopAfter > s.written { raise(SIGSTOP) }
    }
}
