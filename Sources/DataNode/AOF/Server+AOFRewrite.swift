import CVigilShim
import Glibc
import Persistence
import ServerKit

/// BGREWRITEAOF: a forked child writes a new base from the dataset while the
/// parent appends to a new incr file; when the child succeeds the parent
/// renames the base into the directory, turns the old files into history,
/// persists the manifest and deletes the history (aof.c's
/// rewriteAppendOnlyFileBackground and backgroundRewriteDoneHandler).
extension Server {
    /// Whether a new base is written in RDB format (aof-use-rdb-preamble).
    var aofBaseIsRDB: Bool { config.aofUseRdbPreamble }

    /// rewriteAppendOnlyFile: the dataset into `temp-rewriteaof-<pid>.aof`,
    /// fsynced, renamed to `path`. Runs in the child, or at start-up.
    func rewriteAppendOnlyFile(into path: String) -> Bool {
        let tmp = AOFFileNames.rewriteTempInner(pid: getpid())
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            log.warning("Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): \(String(cString: strerror(errno)))")
            return false
        }
        var ok: Bool
        var err: Int32 = 0
        // Only the RDB form of the base has the crash-test stop point.
        let sink = snapshotSink(fd: fd, stopAfter: aofBaseIsRDB ? config.int("debug-sigstop-after-bytes") : 0)
        if aofBaseIsRDB {
            (ok, err) = writeRDBPreamble(to: sink)
        } else {
            var writer = AOFRewriteWriter(fd: fd, incrementalFsync: config.bool("aof-rewrite-incremental-fsync"))
            writer.keyDelayUs = config.int("rdb-key-save-delay")
            writer.injectedErrno = injectedWriteErrno
            let ts = config.aofTimestampEnabled ? Int(time(nil)) : nil
            ok = writer.write(databases: databases, timestampUnix: ts, functions: rdbFunctionCodes)
            err = writer.failedErrno
        }
        if ok && persistenceFsync(fd) != 0 {
            ok = false
            err = errno
        }
        close(fd)
        guard ok else {
            log.warning("Write error writing append only file on disk: \(String(cString: strerror(err)))")
            unlink(tmp)
            return false
        }
        if rename(tmp, path) == -1 {
            log.warning("Error moving temp append only file on the final destination: \(String(cString: strerror(errno)))")
            unlink(tmp)
            return false
        }
        StopPointSink.stopAfterRename(sink)
        return true
    }

    /// rewriteAppendOnlyFileBackground.
    func rewriteAppendOnlyFileBackground() -> Bool {
        if hasActiveChildProcess { return false }
        if !Self.makeDirectory(aofDirname) {
            log.warning("Can't open or create append-only dir \(aofDirname): \(String(cString: strerror(errno)))")
            aof.lastBgrewriteOK = false
            return false
        }
        aof.selectedDb = -1
        flushAppendOnlyFile(force: true)
        if !openNewIncrAofForAppend() {
            aof.lastBgrewriteOK = false
            return false
        }
        aof.rewrites += 1
        var pipeFds: [Int32] = [-1, -1]
        _ = pipe(&pipeFds)
        let startUs = clock.monotonicUs()
        let pid = forkChild()
        let forkErrno = errno
        if pid == 0 {
            // The child: no event loop, no clients; write and leave.
            close(pipeFds[0])
            log.role = "C"
            setProcTitle("redis-aof-rewrite")
            let tmp = AOFFileNames.rewriteTemp(childPid: getpid())
            if rewriteAppendOnlyFile(into: tmp) {
                log.notice("Successfully created the temporary AOF base file \(tmp)")
                let cow = CopyOnWrite.privateDirtyBytes()
                log.notice("Fork CoW for AOF rewrite: current \(cow >> 20) MB, peak \(cow >> 20) MB, average \(cow >> 20) MB")
                var v = UInt64(cow)
                _ = withUnsafeBytes(of: &v) { write(pipeFds[1], $0.baseAddress, 8) }
                _exit(0)
            }
            _exit(1)
        }
        close(pipeFds[1])
        if pid == -1 {
            close(pipeFds[0])
            aof.lastBgrewriteOK = false
            log.warning("Can't rewrite append only file in background: fork: \(String(cString: strerror(forkErrno)))")
            return false
        }
        // redisFork's statistics count every child: total_forks, latest_fork_usec, "fork".
        noteFork(durationUs: clock.monotonicUs() - startUs)
        aof.childInfoFd = pipeFds[0]
        log.notice("Background append only file rewriting started by pid \(pid)")
        aof.childPid = pid
        backgroundChild = BackgroundChild(pid: pid, kind: .aof, startUnix: Int(time(nil)), infoFd: -1)
        aof.rewriteScheduled = false
        aof.rewriteTimeStart = Int(time(nil))
        return true
    }

    /// openNewIncrAofForAppend: writes after the rewrite starts go to a new
    /// incr file (a temp one while the AOF waits for its first rewrite).
    func openNewIncrAofForAppend() -> Bool {
        if aof.state == .off { return true }
        var temp: AOFManifest? = nil
        let name: String
        if aof.state == .waitRewrite {
            name = AOFFileNames.tempIncr(aofFilename)
        } else {
            var m = aof.manifest
            name = m.newIncr(fileName: aofFilename)
            temp = m
        }
        let fd = open(AppendOnlyFile.path(aofDirname, name), O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0o644)
        if fd == -1 {
            log.warning("Can't open the append-only file \(name): \(String(cString: strerror(errno)))")
            return false
        }
        if let temp, !persistAppendOnlyManifest(temp) {
            close(fd)
            return false
        }
        log.notice("Creating AOF incr file \(name) on background rewrite")
        if aof.fd != -1 {
            // Synced in the background: under `always` it already is, under everysec a late sync is allowed.
            if vigil_aof_bio_fsync_and_close(aof.fd) != 0 { close(aof.fd) }
            aof.fsyncOffset = aof.currentSize
            aof.lastFsyncUnix = Int(clock.wallMs() / 1000)
        }
        aof.fd = fd
        aof.lastIncrSize = 0
        if let temp { aof.manifest = temp }
        return true
    }

    /// backgroundRewriteDoneHandler.
    func backgroundRewriteDone(exitCode: Int32, signal: Int32) {
        let startUs = clock.monotonicUs()
        let child = aof.childPid
        if aof.childInfoFd != -1 {
            var v: UInt64 = 0
            if withUnsafeMutableBytes(of: &v, { read(aof.childInfoFd, $0.baseAddress, 8) }) == 8 { aof.lastCowSize = Int(v) }
            close(aof.childInfoFd)
            aof.childInfoFd = -1
        }
        if signal == 0 && exitCode == 0 {
            log.notice("Background AOF rewrite terminated with success")
            finishRewrite(child: child, startUs: startUs)
        } else if signal == 0 {
            aof.lastBgrewriteOK = false
            aof.consecutiveFailures += 1
            log.warning("Background AOF rewrite terminated with error")
        } else {
            // SIGUSR1 is how the server itself stops a child: no error.
            if signal != SIGUSR1 {
                aof.lastBgrewriteOK = false
                aof.consecutiveFailures += 1
            }
            log.warning("Background AOF rewrite terminated by signal \(signal)")
        }
        removeRewriteTempFiles(child: child)
        if aof.state == .waitRewrite {
            aof.buffer.removeAll()
            let tmpIncr = AOFFileNames.tempIncr(aofFilename)
            log.notice("Removing the temp incr aof file \(tmpIncr) in the background")
            unlink(AppendOnlyFile.path(aofDirname, tmpIncr))
        }
        aof.childPid = -1
        aof.rewriteTimeLast = Int(time(nil)) - aof.rewriteTimeStart
        aof.rewriteTimeStart = -1
        if aof.state == .waitRewrite { aof.rewriteScheduled = true }
    }

    private func finishRewrite(child: pid_t, startUs: Int64) {
        let tmp = AOFFileNames.rewriteTemp(childPid: child)
        var m = aof.manifest
        let baseName = m.newBase(fileName: aofFilename, rdbPreamble: aofBaseIsRDB)
        let basePath = AppendOnlyFile.path(aofDirname, baseName)
        if rename(tmp, basePath) == -1 {
            log.warning("Error trying to rename the temporary AOF base file \(tmp) into \(basePath): \(String(cString: strerror(errno)))")
            aof.lastBgrewriteOK = false
            aof.consecutiveFailures += 1
            return
        }
        log.notice("Successfully renamed the temporary AOF base file \(tmp) into \(baseName)")
        var incrPath: String? = nil
        if aof.state == .waitRewrite {
            let tmpIncr = AOFFileNames.tempIncr(aofFilename)
            let incrName = m.newIncr(fileName: aofFilename)
            let path = AppendOnlyFile.path(aofDirname, incrName)
            if rename(AppendOnlyFile.path(aofDirname, tmpIncr), path) == -1 {
                log.warning("Error trying to rename the temporary AOF incr file \(AppendOnlyFile.path(aofDirname, tmpIncr)) into \(path): \(String(cString: strerror(errno)))")
                unlink(basePath)
                aof.lastBgrewriteOK = false
                aof.consecutiveFailures += 1
                return
            }
            incrPath = path
            log.notice("Successfully renamed the temporary AOF incr file \(tmpIncr) into \(incrName)")
        }
        m.markRewrittenIncrAsHistory(keepingLast: aof.fd != -1)
        if !persistAppendOnlyManifest(m) {
            unlink(basePath)
            if let incrPath { unlink(incrPath) }
            aof.lastBgrewriteOK = false
            aof.consecutiveFailures += 1
            return
        }
        aof.manifest = m
        if aof.fd != -1 {
            aof.selectedDb = -1
            aof.currentSize = Self.fileSize(basePath) + aof.lastIncrSize
            aof.rewriteBaseSize = aof.currentSize
            aof.fsyncOffset = aof.currentSize
            aof.lastFsyncUnix = Int(clock.wallMs() / 1000)
        }
        deleteAppendOnlyHistoryFiles()
        aof.lastBgrewriteOK = true
        aof.consecutiveFailures = 0
        log.notice("Background AOF rewrite finished successfully")
        if aof.state == .waitRewrite { aof.state = .on }
        log.verbose("Background AOF rewrite signal handler took \(clock.monotonicUs() - startUs)us")
    }

    /// aofDelHistoryFiles (aof-disable-auto-gc keeps them).
    func deleteAppendOnlyHistoryFiles() {
        guard !config.bool("aof-disable-auto-gc"), !aof.manifest.history.isEmpty else { return }
        var m = aof.manifest
        for h in m.history {
            log.notice("Removing the history file \(h.name) in the background")
            unlink(AppendOnlyFile.path(aofDirname, h.name))
        }
        m.history.removeAll()
        if persistAppendOnlyManifest(m) { aof.manifest = m }
    }

    func removeRewriteTempFiles(child: pid_t) {
        unlink(AOFFileNames.rewriteTemp(childPid: child))
        unlink(AOFFileNames.rewriteTempInner(pid: child))
    }

    /// killAppendOnlyChild: stopped with SIGUSR1 and waited for.
    func killAppendOnlyChild() {
        guard aof.childPid != -1 else { return }
        log.notice("Killing running AOF rewrite child: \(aof.childPid)")
        if kill(aof.childPid, SIGUSR1) != -1 {
            var status: Int32 = 0
            while waitpid(aof.childPid, &status, 0) == -1 && errno == EINTR {}
        }
        removeRewriteTempFiles(child: aof.childPid)
        if aof.childInfoFd != -1 {
            close(aof.childInfoFd)
            aof.childInfoFd = -1
        }
        aof.childPid = -1
        backgroundChild = nil
        aof.rewriteTimeStart = -1
    }

    /// aofRewriteLimited: after three failures in a row, automatic rewrites
    /// wait 1, 2, 4... up to 60 minutes.
    func aofRewriteLimited() -> Bool {
        if aof.consecutiveFailures < 3 {
            aof.nextRewriteDelayMinutes = 0
            aof.nextRewriteUnix = 0
            return false
        }
        let now = Int(time(nil))
        if aof.nextRewriteUnix != 0 {
            if now < aof.nextRewriteUnix { return true }
            aof.nextRewriteUnix = 0
            return false
        }
        aof.nextRewriteDelayMinutes = aof.nextRewriteDelayMinutes == 0 ? 1 : min(60, aof.nextRewriteDelayMinutes * 2)
        aof.nextRewriteUnix = now + aof.nextRewriteDelayMinutes * 60
        log.warning("Background AOF rewrite has repeatedly failed and triggered the limit, will retry in \(aof.nextRewriteDelayMinutes) minutes")
        return true
    }
}
