import Glibc
import Keyspace
import Persistence
import Reactor
import ReplicationCore
import ServerKit

/// Diskless sync as 7.0 does it (rdbSaveToSlavesSockets, rdbPipeReadHandler):
/// the child writes `$EOF:<mark>\r\n<rdb><mark>` into a pipe and the parent
/// forwards each chunk to every replica of the group. The child does not
/// write to the sockets itself: the event loop keeps owning them (a replica
/// that drops is freed here, with its output limits and logs, and the
/// others go on), and the parent stops reading the pipe while a replica is
/// slow, which holds the child back instead of buffering the whole RDB.
/// The child exits only once the parent read everything (it waits for the
/// parent to close `exitPipe`), so that its exit means the payload is out.
final class SocketTransfer: FileEventHandler {
    unowned(unsafe) let server: Server
    let pid: pid_t
    private let readFd: Int32
    private var exitPipe: Int32
    /// Client ids of the replicas the payload goes to.
    private(set) var receivers: [Int]
    private var paused = false
    private var reading = true

    /// Above this much queued on one replica the pipe is not read.
    static let queueBytes = 256 * 1024

    init(server: Server, pid: pid_t, readFd: Int32, exitPipe: Int32, receivers: [Int]) {
        self.server = server
        self.pid = pid
        self.readFd = readFd
        self.exitPipe = exitPipe
        self.receivers = receivers
        server.loop.register(fd: readFd, handler: self)
    }

    func readable() {
        guard reading else { return }
        var buf = [UInt8](repeating: 0, count: 64 * 1024)
        let n = buf.withUnsafeMutableBytes { read(readFd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EAGAIN || errno == EINTR { return }
            server.log.warning("Diskless rdb transfer, read error sending DB to replicas: \(Server.errorText(errno))")
            kill(pid, SIGUSR1)
            stopReading()
            return
        }
        if n == 0 {
            server.log.warning("Diskless rdb transfer, done reading from pipe, \(receivers.count) replicas still up.")
            stopReading()
            // The child may exit now: everything it wrote was read.
            closeExitPipe()
            return
        }
        for id in receivers {
            guard let c = server.clients[id], let conn = c.connection else { continue }
            conn.enqueue(buf[0..<n])
            c.markPendingWrite()
            if conn.pendingOutputBytes >= Self.queueBytes { paused = true }
        }
        if paused { server.loop.setInterest(fd: readFd, readable: false, writable: false) }
    }

    func writable() {}

    /// Reads again once every replica took what it was given.
    func resumeIfDrained() {
        guard paused, reading else { return }
        for id in receivers where (server.clients[id]?.connection?.pendingOutputBytes ?? 0) >= Self.queueBytes { return }
        paused = false
        server.loop.setInterest(fd: readFd, readable: true, writable: false)
    }

    /// A replica of the group went away; without any left the child is stopped.
    func receiverGone(_ id: Int) {
        guard receivers.contains(id) else { return }
        receivers.removeAll { $0 == id }
        if receivers.isEmpty && reading {
            server.log.warning("Diskless rdb transfer, last replica dropped, killing fork child.")
            kill(pid, SIGUSR1)
            stopReading()
            closeExitPipe()
        } else {
            resumeIfDrained()
        }
    }

    private func stopReading() {
        guard reading else { return }
        reading = false
        server.loop.unregister(fd: readFd)
    }

    private func closeExitPipe() {
        if exitPipe >= 0 { close(exitPipe) }
        exitPipe = -1
    }

    /// The child is gone (backgroundSaveDoneHandlerSocket).
    func finish() {
        stopReading()
        closeExitPipe()
        close(readFd)
    }
}

extension Server {
    /// rdbSaveToSlavesSockets: forks a child that streams the snapshot,
    /// framed with an EOF mark, to the replicas waiting to start.
    func startSocketTransfer(filter: SnapshotFilter) -> Bool {
        if hasActiveChildProcess { return false }
        var data: [Int32] = [-1, -1], exitFds: [Int32] = [-1, -1]
        guard pipe(&data) == 0 else { return false }
        guard pipe(&exitFds) == 0 else {
            close(data[0]); close(data[1])
            return false
        }
        for fd in data + exitFds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var ctx = snapshotSaveContext()
        if filter.excludeFunctions { ctx.functions = [] }
        let dbs = filter.excludeData ? [] : databases
        var g = SystemRandomNumberGenerator()
        let mark = Array(ReplicationState.randomHexId(using: &g).utf8)
        let startUs = clock.monotonicUs()
        let pid = forkChild()
        if pid == 0 {
            setProcTitle("redis-rdb-to-slaves")
            close(data[0])
            close(exitFds[1])
            runTransferChild(ctx, dbs, mark: mark, to: data[1], exitPipe: exitFds[0])
        }
        close(data[1])
        close(exitFds[0])
        if pid < 0 {
            let err = errno
            close(data[0])
            close(exitFds[1])
            log.warning("Can't save in background: fork: \(Self.errorText(err))")
            return false
        }
        noteFork(durationUs: clock.monotonicUs() - startUs)
        _ = fcntl(data[0], F_SETFL, O_NONBLOCK)
        resetChildProgress()
        persistence.currentSaveKeysTotal = databases.reduce(0) { $0 + $1.count }
        backgroundChild = BackgroundChild(pid: pid, kind: .rdb, startUnix: Int(clock.wallMs() / 1000), infoFd: -1, target: .sockets)
        let group = replicasInSync(.waitStart, filter: filter)
        let offset = replication.masterReplOffset
        for id in group {
            if let c = clients[id] { setUpForFullResync(c, offset: offset) }
        }
        replication.socketTransfer = SocketTransfer(server: self, pid: pid, readFd: data[0], exitPipe: exitFds[1], receivers: group)
        log.notice("Background RDB transfer started by pid \(pid)")
        return true
    }

    /// The child: the framed snapshot into the pipe, then wait until the parent read it all.
    private func runTransferChild(_ ctx: SnapshotFormat.SaveContext, _ dbs: [Database], mark: [UInt8], to fd: Int32,
                                  exitPipe: Int32) -> Never {
        log.role = "C"
        var ok = Self.writeAll(fd, Array("$EOF:".utf8) + mark + [13, 10])
        if ok {
            do {
                try SnapshotFormat.write(dbs, ctx, to: FileDescriptorSink(fd: fd))
            } catch {
                ok = false
            }
        }
        ok = ok && Self.writeAll(fd, mark)
        close(fd)
        if ok {
            var b: UInt8 = 0
            while read(exitPipe, &b, 1) > 0 {}
        }
        _exit(ok ? 0 : 1)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    /// backgroundSaveDoneHandlerSocket.
    func socketTransferDone(_ exit: ChildProcess.Exit) {
        if exit.signal == 0 && exit.code == 0 {
            log.notice("Background RDB transfer terminated with success")
        } else if exit.signal == 0 {
            log.warning("Background transfer error")
        } else {
            log.warning("Background transfer terminated by signal \(exit.signal)")
        }
        replication.socketTransfer?.finish()
        replication.socketTransfer = nil
    }
}
