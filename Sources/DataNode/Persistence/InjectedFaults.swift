import CVigilShim
import Glibc
import Persistence

/// debug-fault-disk-write, debug-fault-fsync, debug-fault-fork (hidden, not
/// Redis's, `none` by default): from the moment one is set, every write to a
/// persistence file, every fsync of one, or every fork of a child fails with
/// the errno it names, as a full disk, a failing device or an exhausted
/// process table would. A test can then show that the failure is visible
/// (INFO status, log, refused writes) without filling a real disk.
extension Server {
    var injectedWriteErrno: Int32 { Int32(config.enumValue(Self.faultWriteSlot)) }
    var injectedFsyncErrno: Int32 { Int32(config.enumValue(Self.faultFsyncSlot)) }
    var injectedForkErrno: Int32 { Int32(config.enumValue(Self.faultForkSlot)) }

    private static let faultWriteSlot = ConfigTable.slot("debug-fault-disk-write")
    private static let faultFsyncSlot = ConfigTable.slot("debug-fault-fsync")
    private static let faultForkSlot = ConfigTable.slot("debug-fault-fork")

    /// write(2) for the AOF: -1 with the injected errno while one is set.
    func persistenceWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ count: Int) -> Int {
        let e = injectedWriteErrno
        if e != 0 {
            errno = e
            return -1
        }
        return Glibc.write(fd, p, count)
    }

    /// fsync(2) for an RDB file: -1 with the injected errno while one is set.
    func persistenceFsync(_ fd: Int32) -> Int32 {
        let e = injectedFsyncErrno
        if e != 0 {
            errno = e
            return -1
        }
        return fsync(fd)
    }

    /// The AOF's fsyncs (vigil_fdatasync, in the loop or in the background
    /// thread) read the fault from the shim: handed over before each flush.
    func syncInjectedFsyncFault() { vigil_inject_fsync_errno(injectedFsyncErrno) }

    /// redisFork: -1 with the injected errno while one is set.
    func forkChild() -> pid_t {
        let e = injectedForkErrno
        if e != 0 {
            errno = e
            return -1
        }
        let pid = forkProcess()
        // The child first tells the OOM killer it is the one to go first.
        if pid == 0 { applyOOMScoreAdj(.backgroundChild) }
        return pid
    }

    /// The sink an RDB (or an RDB-preamble AOF base) is written through.
    func snapshotSink(fd: Int32, stopAfter: Int) -> RDBSink {
        let e = injectedWriteErrno
        return e != 0 ? FailingSink(errno: e) : StopPointSink.make(fd: fd, stopAfter: stopAfter)
    }
}

/// A disk that refuses every byte.
final class FailingSink: RDBSink {
    let code: Int32

    init(errno: Int32) { code = errno }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        throw RDBWriteError(errno: code, message: String(cString: strerror(code)))
    }
}
