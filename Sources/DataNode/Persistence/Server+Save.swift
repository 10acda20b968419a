import CVigilShim
import Glibc
import Keyspace
import Persistence
import ServerKit

/// Writing the dataset to `dir/dbfilename`: SAVE in the loop, BGSAVE in a
/// forked child reaped from the cron, and the save points (rdb.c rdbSave,
/// rdbSaveBackground, backgroundSaveDoneHandler; server.c serverCron).
extension Server {
    var hasActiveChildProcess: Bool { backgroundChild != nil }

    /// What the file carries besides the keys: 7.0's AUX fields (with the
    /// replication ones while replicas are attached, as rdbPopulateSaveInfo).
    func snapshotSaveContext() -> SnapshotFormat.SaveContext {
        var options = RDBOptions()
        options.compression = config.rdbcompression
        options.checksum = config.rdbchecksum
        options.listMaxListpackSize = config.int("list-max-listpack-size")
        // rdbPopulateSaveInfo: a replica's stream continues in its master client's db.
        let streamDb = replication.role == .replica ? replicaLinkDriver.streamDatabase : max(0, feed.streamDb)
        let replicationAux: RDBAux.Replication? = replication.backlog == nil && replication.role == .master ? nil
            : .init(streamDb: streamDb, replId: replication.replicationId, offset: replication.masterReplOffset)
        let policy = config.maxmemoryPolicy
        return .init(aux: RDBAux.standard(redisVersion: Version.redis, ctime: Int(clock.wallMs() / 1000),
                                          usedMemory: Int(vigil_used_memory()), replication: replicationAux, aofBase: false),
                     options: options,
                     access: policy.hasSuffix("-lru") ? .lru : policy.hasSuffix("-lfu") ? .lfu : .none,
                     keySaveDelayUs: config.int("rdb-key-save-delay"), functions: rdbFunctionCodes,
                     stopAfterBytes: config.int("debug-sigstop-after-bytes"))
    }

    /// rdbSave: `temp-<pid>.rdb` in `dir`, written, fsynced, renamed over
    /// `filename`. Logs why when it fails; the old file is untouched then.
    /// Runs in the loop (SAVE, SHUTDOWN, DEBUG RELOAD) or in the child.
    func rdbSave(to filename: String, onKey: (Int) -> Void = { _ in }) -> Bool {
        let tmp = "temp-\(getpid()).rdb"
        let cwd = Self.currentDirectory()
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            log.warning("Failed opening the temp RDB file \(tmp) (in server root dir \(cwd)) for saving: \(Self.errorText(errno))")
            return false
        }
        // rdbSave's err_op: which step failed, as its log line names it.
        var failure: (op: String, code: Int32)?
        let ctx = snapshotSaveContext()
        let sink = snapshotSink(fd: fd, stopAfter: ctx.stopAfterBytes)
        do {
            try SnapshotFormat.write(databases, ctx, to: sink, onKey: onKey)
            if persistenceFsync(fd) != 0 { failure = ("fsync", errno) }
        } catch let e as RDBWriteError {
            failure = ("rdbSaveRio", e.errno)
        } catch {
            failure = ("rdbSaveRio", EIO)
        }
        if close(fd) != 0 && failure == nil { failure = ("fclose", errno) }
        if let failure {
            log.warning("Write error saving DB on disk(\(failure.op)): \(Self.errorText(failure.code))")
            unlink(tmp)
            return false
        }
        if rename(tmp, filename) != 0 {
            log.warning("Error moving temp DB file \(tmp) on the final destination \(filename) (in server root dir \(cwd)): \(Self.errorText(errno))")
            unlink(tmp)
            return false
        }
        // The rename itself must survive a crash.
        let dirFd = open(".", O_RDONLY | O_CLOEXEC)
        if dirFd >= 0 {
            fsync(dirFd)
            close(dirFd)
        }
        StopPointSink.stopAfterRename(sink)
        log.notice("DB saved on disk")
        return true
    }

    /// SAVE's (and SHUTDOWN's) save in the loop, with its bookkeeping.
    func saveInForeground() -> Bool {
        guard rdbSave(to: config.dbfilename) else { return false }
        dirty = 0
        lastSaveUnix = Int(clock.wallMs() / 1000)
        persistence.lastBgsaveOK = true
        return true
    }

    /// rdbSaveBackground. False when it did not start (the reason is logged).
    @discardableResult
    func saveInBackground() -> Bool {
        if hasActiveChildProcess { return false }
        resetChildProgress()
        persistence.rdbSaves += 1
        persistence.dirtyBeforeBgsave = dirty
        persistence.lastBgsaveTryUnix = Int(clock.wallMs() / 1000)
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        } else {
            fds = [-1, -1]
        }
        let startUs = clock.monotonicUs()
        let pid = forkChild()
        let err = errno
        if pid == 0 { runSaveChild(infoFd: fds[1]) }
        if fds[1] >= 0 { close(fds[1]) }
        if pid < 0 {
            if fds[0] >= 0 { close(fds[0]) }
            persistence.lastBgsaveOK = false
            log.warning("Can't save in background: fork: \(Self.errorText(err))")
            return false
        }
        noteFork(durationUs: clock.monotonicUs() - startUs)
        persistence.currentSaveKeysTotal = databases.reduce(0) { $0 + $1.count }
        if fds[0] >= 0 { _ = fcntl(fds[0], F_SETFL, O_NONBLOCK) }
        backgroundChild = BackgroundChild(pid: pid, kind: .rdb, startUnix: Int(clock.wallMs() / 1000), infoFd: fds[0])
        log.notice("Background saving started by pid \(pid)")
        return true
    }

    /// redisFork's statistics (INFO stats latest_fork_usec, total_forks; LATENCY "fork").
    func noteFork(durationUs: Int64) {
        persistence.totalForks += 1
        persistence.latestForkUs = Int(durationUs)
        latency.addSampleIfNeeded("fork", latencyMs: Int(durationUs / 1000), thresholdMs: config.latencyMonitorThreshold,
                                  unixTime: Int(clock.wallMs() / 1000))
    }

    /// The child: write, report the copy-on-write size, leave without
    /// running anything of the parent's (no atexit, no buffered output).
    private func runSaveChild(infoFd: Int32) -> Never {
        log.role = "C"
        setProcTitle("redis-rdb-bgsave")
        var sampler = CopyOnWriteSampler()
        var lastReportUs = clock.monotonicUs()
        var written = 0
        let ok = rdbSave(to: config.dbfilename) { keys in
            written = keys
            // As rdbSaveRio: look at the clock every 1024 keys, report once a second.
            guard keys & 1023 == 0, clock.monotonicUs() - lastReportUs >= 1_000_000 else { return }
            lastReportUs = clock.monotonicUs()
            Self.send(ChildInfo(kind: .current, copyOnWriteBytes: sampler.sample(), keysProcessed: keys), to: infoFd)
        }
        if ok {
            let cow = sampler.sample()
            if cow > 0 {
                log.notice("Fork CoW for RDB: current \(cow >> 20) MB, peak \(sampler.peak >> 20) MB, average \(sampler.average >> 20) MB")
            }
            Self.send(ChildInfo(kind: .final, copyOnWriteBytes: cow, keysProcessed: written), to: infoFd)
        }
        _exit(ok ? 0 : 1)
    }

    static func send(_ info: ChildInfo, to fd: Int32) {
        guard fd >= 0 else { return }
        let msg = info.bytes
        _ = msg.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// receiveChildInfo: every whole message waiting on the pipe.
    func drainChildInfo(_ child: BackgroundChild) {
        guard child.infoFd >= 0 else { return }
        while let info = Self.readChildInfo(child.infoFd) {
            switch info.kind {
            case .current:
                persistence.currentCowBytes = info.copyOnWriteBytes
                persistence.currentCowPeak = max(persistence.currentCowPeak, info.copyOnWriteBytes)
                persistence.currentCowUpdatedUnix = Int(clock.wallMs() / 1000)
                persistence.currentSaveKeysProcessed = info.keysProcessed
            case .final:
                if child.kind == .rdb { persistence.lastCopyOnWriteBytes = info.copyOnWriteBytes }
            }
        }
    }

    /// checkChildrenDone: the child's end, without waiting for it.
    func reapBackgroundChild() {
        guard let child = backgroundChild else { return }
        drainChildInfo(child)
        guard let exit = ChildProcess.reap(child.pid) else { return }
        backgroundChild = nil
        // The final message was written before the child exited.
        drainChildInfo(child)
        if child.infoFd >= 0 { close(child.infoFd) }
        resetChildProgress()
        switch child.kind {
        case .rdb:
            if child.target == .sockets { socketTransferDone(exit) } else { backgroundSaveDone(child, exit) }
            replicasSnapshotDone(ok: exit.signal == 0 && exit.code == 0, target: child.target)
        case .aof: backgroundRewriteDone(exitCode: exit.code, signal: exit.signal)
        }
        // Replicas waiting for a snapshot get one as soon as the child slot is free.
        startPendingReplicationFork()
    }

    /// resetChildState's statistics part.
    func resetChildProgress() {
        persistence.currentCowBytes = 0
        persistence.currentCowPeak = 0
        persistence.currentCowUpdatedUnix = 0
        persistence.currentSaveKeysProcessed = 0
        persistence.currentSaveKeysTotal = 0
    }

    /// backgroundSaveDoneHandlerDisk.
    func backgroundSaveDone(_ child: BackgroundChild, _ exit: ChildProcess.Exit) {
        let now = Int(clock.wallMs() / 1000)
        if exit.signal == 0 && exit.code == 0 {
            log.notice("Background saving terminated with success")
            dirty -= persistence.dirtyBeforeBgsave
            lastSaveUnix = now
            persistence.lastBgsaveOK = true
        } else if exit.signal == 0 {
            log.warning("Background saving error")
            persistence.lastBgsaveOK = false
        } else {
            log.warning("Background saving terminated by signal \(exit.signal)")
            unlink("temp-\(child.pid).rdb")
            // SIGUSR1 is how a save is cancelled on purpose: not an error.
            if exit.signal != SIGUSR1 { persistence.lastBgsaveOK = false }
        }
        persistence.lastBgsaveTimeSec = now - child.startUnix
    }

    static func readChildInfo(_ fd: Int32) -> ChildInfo? {
        var buf = [UInt8](repeating: 0, count: ChildInfo.size)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n == ChildInfo.size ? ChildInfo(buf) : nil
    }

    /// The save points and a scheduled BGSAVE, once per cron.
    func persistenceCron() {
        if hasActiveChildProcess {
            reapBackgroundChild()
            return
        }
        let now = Int(clock.wallMs() / 1000)
        if let due = SavePoints.due(config.saveParams, dirty: dirty, nowUnix: now, lastSaveUnix: lastSaveUnix,
                                    lastTryUnix: persistence.lastBgsaveTryUnix, lastStatusOK: persistence.lastBgsaveOK) {
            log.notice("\(due.changes) changes in \(due.seconds) seconds. Saving...")
            saveInBackground()
        }
        if !hasActiveChildProcess && persistence.bgsaveScheduled
            && SavePoints.scheduledMayStart(nowUnix: now, lastTryUnix: persistence.lastBgsaveTryUnix,
                                            lastStatusOK: persistence.lastBgsaveOK) {
            if saveInBackground() { persistence.bgsaveScheduled = false }
        }
    }

    /// finishShutdown's part: kill a saving child, then save when save
    /// points are set (or SAVE was asked) unless NOSAVE. False when the
    /// save failed and the shutdown must not go on.
    func saveForShutdown(save: Bool?, force: Bool) -> Bool {
        if let child = backgroundChild, child.kind == .rdb {
            log.warning("There is a child saving an .rdb. Killing it!")
            kill(child.pid, SIGUSR1)
            var status: Int32 = 0
            waitpid(child.pid, &status, 0)
            unlink("temp-\(child.pid).rdb")
            if child.infoFd >= 0 { close(child.infoFd) }
            if child.target == .sockets {
                replication.socketTransfer?.finish()
                replication.socketTransfer = nil
            }
            backgroundChild = nil
        }
        guard save == true || (save == nil && !config.saveParams.isEmpty) else { return true }
        log.notice("Saving the final RDB snapshot before exiting.")
        if saveInForeground() { return true }
        if force {
            log.warning("Error trying to save the DB. Exit anyway.")
            return true
        }
        log.warning("Error trying to save the DB, can't exit.")
        log.warning("Errors trying to shut down the server. Check the logs for more information.")
        return false
    }

    static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buf, buf.count) != nil else { return "unknown" }
        return String(cString: buf)
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
