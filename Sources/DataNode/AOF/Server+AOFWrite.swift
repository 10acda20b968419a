import CVigilShim
import Glibc
import Persistence

/// Writing the AOF: the feed's commands into the buffer, the buffer into
/// the incr file before the loop sleeps, and the fsync policy (aof.c's
/// feedAppendOnlyFile and flushAppendOnlyFile).
extension Server {
    /// The feed's sink: SELECT when the db changes, a `#TS:` annotation when
    /// the second changed (aof-timestamp-enabled), then the command.
    func feedAppendOnlyFile(db: Int, _ argv: [[UInt8]]) {
        guard aof.state == .on || (aof.state == .waitRewrite && aof.childPid != -1) else { return }
        if config.aofTimestampEnabled {
            let now = Int(keyspace.nowMs / 1000)
            if aof.currentTimestamp < now {
                aof.currentTimestamp = now
                aof.buffer.append(contentsOf: "#TS:\(now)\r\n".utf8)
            }
        }
        if db != aof.selectedDb {
            PropagationFeed.encode([PropagationFeed.select, Array(String(db).utf8)], into: &aof.buffer)
            aof.selectedDb = db
        }
        PropagationFeed.encode(argv, into: &aof.buffer)
    }

    /// Connects the feed to the AOF (on at start-up, or turned on at runtime).
    func attachAppendOnlyFeed() {
        let server = Unmanaged.passUnretained(self)
        feed.aofSink = { db, argv in
            server._withUnsafeGuaranteedRef { $0.feedAppendOnlyFile(db: db, argv) }
        }
    }

    var appendFsyncPolicy: String { config.appendfsync }

    /// flushAppendOnlyFile: one write of the buffer, then the fsync the
    /// policy asks for. `force` writes even while a background fsync runs.
    func flushAppendOnlyFile(force: Bool) {
        guard aof.fd != -1 else { return }
        syncInjectedFsyncFault()
        let now = Int(clock.wallMs() / 1000)
        let policy = appendFsyncPolicy
        var syncInProgress = false
        if aof.buffer.isEmpty {
            // Data written earlier but never synced (writes stopped within the second).
            guard policy == "everysec" && aof.fsyncOffset != aof.currentSize && now > aof.lastFsyncUnix else { return }
            syncInProgress = vigil_aof_bio_pending() != 0
            if syncInProgress { return }
            trySync(policy: policy, now: now, syncInProgress: false)
            return
        }
        if policy == "everysec" { syncInProgress = vigil_aof_bio_pending() != 0 }
        if policy == "everysec" && !force && syncInProgress {
            // write(2) would block behind the fsync anyway: wait up to two seconds.
            if aof.flushPostponedStart == 0 {
                aof.flushPostponedStart = now
                return
            } else if now - aof.flushPostponedStart < 2 {
                return
            }
            aof.delayedFsync += 1
            log.notice("Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.")
        }
        aof.flushPostponedStart = 0
        if aof.flushSleepUs > 0 { usleep(UInt32(clamping: aof.flushSleepUs)) }
        let expected = aof.buffer.count
        var written = 0
        var writeErrno: Int32 = 0
        while written < expected {
            let n = aof.buffer.withUnsafeBytes { persistenceWrite(aof.fd, $0.baseAddress! + written, expected - written) }
            if n < 0 {
                if errno == EINTR { continue }
                writeErrno = errno
                break
            }
            if n == 0 { break }
            written += n
        }
        if written != expected {
            let canLog = now - aof.lastWriteErrorLogUnix > 30
            if canLog { aof.lastWriteErrorLogUnix = now }
            if written == 0 && writeErrno != 0 {
                if canLog { log.warning("Error writing to the AOF file: \(String(cString: strerror(writeErrno)))") }
                aof.lastWriteErrno = writeErrno
            } else {
                if canLog { log.warning("Short write while writing to the AOF file: (nwritten=\(written), expected=\(expected))") }
                if ftruncate(aof.fd, off_t(aof.lastIncrSize)) == -1 {
                    if canLog {
                        log.warning("Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: \(String(cString: strerror(errno)))")
                    }
                } else {
                    written = 0
                }
                aof.lastWriteErrno = ENOSPC
            }
            if policy == "always" {
                // The replies are already buffered and the dataset changed: the
                // promise that acknowledged writes are on disk can't be kept.
                log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...")
                exit(1)
            }
            aof.lastWriteOK = false
            if written > 0 {
                aof.currentSize += written
                aof.lastIncrSize += written
                aof.buffer.removeFirst(written)
            }
            return
        }
        if !aof.lastWriteOK {
            log.warning("AOF write error looks solved, Redis can write again.")
            aof.lastWriteOK = true
        }
        aof.currentSize += written
        aof.lastIncrSize += written
        aof.buffer.removeAll(keepingCapacity: aof.buffer.capacity < 4000)
        trySync(policy: policy, now: now, syncInProgress: syncInProgress)
    }

    private func trySync(policy: String, now: Int, syncInProgress: Bool) {
        if config.noAppendfsyncOnRewrite && hasActiveChildProcess { return }
        if policy == "always" {
            if vigil_fdatasync(aof.fd) == -1 {
                log.warning("Can't persist AOF for fsync error when the AOF fsync policy is 'always': \(String(cString: strerror(errno))). Exiting...")
                exit(1)
            }
            aof.fsyncOffset = aof.currentSize
            aof.lastFsyncUnix = now
        } else if policy == "everysec" && now > aof.lastFsyncUnix {
            if !syncInProgress {
                _ = vigil_aof_bio_fsync(aof.fd)
                aof.fsyncOffset = aof.currentSize
            }
            aof.lastFsyncUnix = now
        }
    }

    /// The AOF part of serverCron: a postponed write, a failed one retried,
    /// a scheduled or automatic rewrite (the finished child is reaped with
    /// the BGSAVE one, in persistenceCron).
    func aofCron() {
        if aof.state == .off && aof.fd == -1 && !aof.rewriteScheduled { return }
        if !hasActiveChildProcess && aof.rewriteScheduled && !aofRewriteLimited() {
            _ = rewriteAppendOnlyFileBackground()
        }
        if aof.state == .on && !hasActiveChildProcess {
            let percentage = config.autoAofRewritePercentage
            let minSize = config.autoAofRewriteMinSize
            if percentage > 0 && aof.currentSize > minSize {
                let base = aof.rewriteBaseSize > 0 ? aof.rewriteBaseSize : 1
                let growth = (aof.currentSize * 100 / base) - 100
                if growth >= percentage && !aofRewriteLimited() {
                    log.notice("Starting automatic rewriting of AOF on \(growth)% growth")
                    _ = rewriteAppendOnlyFileBackground()
                }
            }
        }
        // The background thread can't log: its first failure is told from here.
        let bio = vigil_aof_bio_status()
        if bio != 0 && !aof.bioFsyncFailed {
            log.warning("Fail to fsync the AOF file: \(String(cString: strerror(bio)))")
        }
        aof.bioFsyncFailed = bio != 0
        if aof.state == .on {
            // A postponed flush, or a failed write retried (at most once a second).
            if aof.flushPostponedStart != 0 { flushAppendOnlyFile(force: false) }
            if cronLoops % max(1, config.hz) == 0 && !aof.lastWriteOK { flushAppendOnlyFile(force: false) }
        }
    }

    /// writeCommandsDeniedByDiskError's AOF half: the error a write gets while
    /// the AOF can't be written or synced.
    var aofWriteRefusal: String? {
        guard aof.state != .off, keyspace.isMaster else { return nil }
        if !aof.lastWriteOK {
            return "MISCONF Errors writing to the AOF file: \(String(cString: strerror(aof.lastWriteErrno)))"
        }
        let bio = vigil_aof_bio_status()
        if bio != 0 {
            aof.lastWriteErrno = bio
            return "MISCONF Errors writing to the AOF file: \(String(cString: strerror(bio)))"
        }
        return nil
    }

    // MARK: appendonly at runtime

    /// CONFIG SET appendonly yes: a rewrite first, the feed collecting meanwhile.
    func startAppendOnly() -> Bool {
        aof.state = .waitRewrite
        if hasActiveChildProcess && aof.childPid == -1 {
            aof.rewriteScheduled = true
            log.warning("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.")
        } else if callDepth > 1 {
            // Inside EXEC: no fork in the middle of a transaction; the cron starts it.
            aof.rewriteScheduled = true
            log.warning("AOF was enabled during a transaction. An AOF background was scheduled to start when possible.")
        } else {
            if aof.childPid != -1 {
                log.warning("AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.")
                killAppendOnlyChild()
            }
            attachAppendOnlyFeed()
            if !rewriteAppendOnlyFileBackground() {
                aof.state = .off
                feed.aofSink = nil
                log.warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.")
                return false
            }
        }
        attachAppendOnlyFeed()
        aof.lastFsyncUnix = Int(clock.wallMs() / 1000)
        if vigil_aof_bio_status() != 0 {
            log.warning("AOF reopen, just ignore the AOF fsync error in bio job")
            vigil_aof_bio_clear_status()
        }
        if !aof.lastWriteOK {
            log.warning("AOF reopen, just ignore the last error.")
            aof.lastWriteOK = true
        }
        return true
    }

    /// CONFIG SET appendonly no.
    func stopAppendOnly() {
        flushAppendOnlyFile(force: true)
        if aof.fd != -1 {
            if vigil_fdatasync(aof.fd) == -1 {
                log.warning("Fail to fsync the AOF file: \(String(cString: strerror(errno)))")
            } else {
                aof.fsyncOffset = aof.currentSize
                aof.lastFsyncUnix = Int(clock.wallMs() / 1000)
            }
            close(aof.fd)
        }
        aof.fd = -1
        aof.selectedDb = -1
        aof.state = .off
        aof.rewriteScheduled = false
        aof.lastIncrSize = 0
        killAppendOnlyChild()
        aof.buffer.removeAll()
        feed.aofSink = nil
    }

    /// At shutdown: what is buffered written and synced (prepareForShutdown).
    func flushAppendOnlyFileForShutdown() {
        if aof.childPid != -1 {
            log.warning("There is a child rewriting the AOF. Killing it!")
            killAppendOnlyChild()
        }
        guard aof.state != .off, aof.fd != -1 else { return }
        flushAppendOnlyFile(force: true)
        log.notice("Calling fsync() on the AOF file.")
        _ = vigil_fdatasync(aof.fd)
    }
}
