import Glibc
import Persistence

/// The AOF at start-up: the manifest read from disk, an old single
/// appendonly.aof moved into the directory, the files replayed through the
/// normal command dispatch, and the incr file opened for appending
/// (aof.c's aofLoadManifestFromDisk, loadAppendOnlyFiles, aofOpenIfNeededOnServerStart).
extension Server {
    public enum AOFLoadStatus: Equatable { case ok, notExist, empty, openError, failed, truncated }

    var aofDirname: String { config.appenddirname }
    var aofFilename: String { config.appendfilename }

    /// aofLoadManifestFromDisk: a missing directory or manifest is no error
    /// (a first start, or an upgrade); a bad manifest stops the server.
    public func loadAppendOnlyManifest() -> Bool {
        aof.manifest = AOFManifest()
        guard Self.isDirectory(aofDirname) else {
            log.debug("The AOF directory \(aofDirname) doesn't exist")
            return true
        }
        let name = AOFFileNames.manifest(aofFilename)
        let path = AppendOnlyFile.path(aofDirname, name)
        guard access(path, F_OK) == 0 else {
            log.debug("The AOF manifest file \(name) doesn't exist")
            return true
        }
        guard let bytes = Self.readWholeFile(path) else {
            log.warning("Fatal error: can't open the AOF manifest file \(path) for reading: \(String(cString: strerror(errno)))")
            return false
        }
        do {
            aof.manifest = try AOFManifest.parse(bytes)
        } catch {
            let lines = error.reportLines
            // Redis logs each part as its own line, each ending in a newline.
            log.warning(lines[0] + "\n" + lines[1] + "\n")
            for l in lines.dropFirst(2) { log.warning(l + "\n") }
            return false
        }
        return true
    }

    /// loadAppendOnlyFiles: base then incr files; the status says whether
    /// start-up may go on. `serveEvents`: other clients are answered
    /// (-LOADING for most) while it loads, as at start-up.
    public func loadAppendOnlyFiles(serveEvents: Bool = true) -> AOFLoadStatus {
        // An old-style appendonly.aof in `dir`: moved into the directory as the base.
        if access(aofFilename, F_OK) == 0 {
            let m = aof.manifest
            let onlyOldBase = m.base != nil && m.incr.isEmpty && m.base?.name == aofFilename
                && access(AppendOnlyFile.path(aofDirname, aofFilename), F_OK) != 0
            if !Self.isDirectory(aofDirname) || (m.base == nil && m.incr.isEmpty) || onlyOldBase {
                if !aofUpgradePrepare() { return .failed }
            }
        }
        let files = aof.manifest.loadOrder
        if files.isEmpty { return .notExist }
        var total = 0
        var sizes: [Int] = []
        for f in files {
            var st = stat()
            if stat(AppendOnlyFile.path(aofDirname, f.name), &st) != 0 {
                let e = errno
                log.warning("Unable to obtain the AOF file \(f.name) length. stat: \(String(cString: strerror(e)))")
                return e == ENOENT ? .failed : .openError
            }
            sizes.append(Int(st.st_size))
            total += Int(st.st_size)
        }
        if total == 0 { return .empty }
        // startLoading: -LOADING to clients and loading_* in INFO until the last file is in.
        startLoading(totalBytes: total)
        keyspace.loading = true
        defer {
            persistence.loading = false
            keyspace.loading = false
        }
        var ret = AOFLoadStatus.ok
        var baseSize = 0
        var loadedBefore = 0
        for (i, f) in files.enumerated() {
            let last = i == files.count - 1
            let start = clock.monotonicUs()
            if f.kind == .base { baseSize = sizes[i] }
            ret = loadSingleAppendOnlyFile(f.name, loadedBefore: loadedBefore, serveEvents: serveEvents)
            loadedBefore += sizes[i]
            persistence.loadingLoadedBytes = loadedBefore
            if ret == .ok || (ret == .truncated && last) {
                let secs = Double(clock.monotonicUs() - start) / 1_000_000
                log.notice("DB loaded from \(f.kind == .base ? "base" : "incr") file \(f.name): \(Self.seconds3(secs)) seconds")
            }
            if ret == .empty && f.kind == .incr { ret = .ok }
            if ret == .truncated && !last {
                ret = .failed
                log.warning("Fatal error: the truncated file is not the last file")
            }
            if ret == .openError || ret == .failed { return ret }
        }
        aof.currentSize = total
        aof.rewriteBaseSize = baseSize
        aof.fsyncOffset = total
        return ret
    }

    /// aofUpgradePrepare.
    func aofUpgradePrepare() -> Bool {
        if !Self.makeDirectory(aofDirname) {
            log.warning("Can't open or create append-only dir \(aofDirname): \(String(cString: strerror(errno)))")
            return false
        }
        var m = aof.manifest
        m.base = AOFFileInfo(name: aofFilename, seq: 1, kind: .base)
        m.currentBaseSeq = 1
        guard persistAppendOnlyManifest(m) else { return false }
        aof.manifest = m
        if rename(aofFilename, AppendOnlyFile.path(aofDirname, aofFilename)) == -1 {
            log.warning("Error trying to move the old AOF file \(aofFilename) into dir \(aofDirname): \(String(cString: strerror(errno)))")
            return false
        }
        log.notice("Successfully migrated an old-style AOF file (\(aofFilename)) into the AOF directory (\(aofDirname)).")
        return true
    }

    /// loadSingleAppendOnlyFile: every command run by a client of its own,
    /// with the feed detached so nothing is propagated again.
    /// `loadedBefore`: the bytes of the files already loaded (for loading_loaded_bytes).
    func loadSingleAppendOnlyFile(_ name: String, loadedBefore: Int = 0, serveEvents: Bool = true) -> AOFLoadStatus {
        let path = AppendOnlyFile.path(aofDirname, name)
        guard let bytes = Self.readWholeFile(path) else {
            let e = errno
            if e != ENOENT {
                log.warning("Fatal error: can't open the append log file \(name) for reading: \(String(cString: strerror(e)))")
                return .openError
            }
            log.warning("The append log file \(name) doesn't exist: \(String(cString: strerror(e)))")
            return .notExist
        }
        if bytes.isEmpty { return .empty }
        let sink = feed.aofSink
        feed.aofSink = nil
        // Off while the file (its RDB base too) loads, as Redis (INFO says aof_enabled:0 meanwhile).
        let state = aof.state
        aof.state = .off
        defer {
            feed.aofSink = sink
            aof.state = state
        }
        var start = 0
        if bytes.starts(with: "REDIS".utf8) {
            let oldStyle = name == aofFilename
            log.notice(oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...")
            guard let end = loadRDBPreamble(bytes, loadedBefore: loadedBefore, serveEvents: serveEvents) else {
                log.warning(oldStyle ? "Error reading the RDB preamble of the AOF file \(name), AOF loading aborted"
                                     : "Error reading the RDB base file \(name), AOF loading aborted")
                return .failed
            }
            start = end
            if oldStyle { log.notice("Reading the remaining AOF tail...") }
        }
        let client = createDetachedClient()
        client.isAOFLoader = true
        defer { freeClient(client, reason: "AOF loaded") }
        let loadTruncated = config.aofLoadTruncated
        let delayUs = config.int("key-load-delay")
        let result = AOFReplay.run(bytes, from: start, loadTruncated: loadTruncated, progress: { offset in
            self.persistence.loadingLoadedBytes = loadedBefore + offset
            if serveEvents { self.processEventsWhileLoading() }
        }) { argv in
            let executed = self.runLoadedCommand(client, argv)
            if delayUs > 0 { usleep(UInt32(delayUs)) }
            return executed
        }
        switch result.outcome {
        case .ok:
            return .ok
        case .unknownCommand(let cmd):
            log.warning("Unknown command '\(String(decoding: cmd.prefix { $0 != 0 }, as: UTF8.self))' reading the append only file \(name)")
            return .failed
        case .formatError:
            log.warning("Bad file format reading the append only file \(name): make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>")
            return .failed
        case .unreadable:
            log.warning("Unrecoverable error reading the append only file \(name): Success")
            return .failed
        case .truncated(let validUpTo, let reverted):
            if reverted { log.warning("Revert incomplete MULTI/EXEC transaction in AOF file \(name)") }
            if loadTruncated {
                log.warning("!!! Warning: short read while loading the AOF file \(name)!!!")
                log.warning("!!! Truncating the AOF \(name) at offset \(validUpTo) !!!")
                if validUpTo == -1 {
                    log.warning("Last valid command offset is invalid")
                } else if truncate(path, off_t(validUpTo)) == -1 {
                    log.warning("Error truncating the AOF file \(name): \(String(cString: strerror(errno)))")
                } else {
                    if aof.fd != -1 { lseek(aof.fd, 0, SEEK_END) }
                    log.warning("AOF \(name) loaded anyway because aof-load-truncated is enabled")
                    return .truncated
                }
            }
            log.warning("Unexpected end of file reading the append only file \(name). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.")
            return .failed
        }
    }

    /// One command of the file, as the fake AOF client runs it: looked up,
    /// queued inside MULTI, otherwise called (no ACL, pause or OOM checks).
    func runLoadedCommand(_ c: Client, _ argv: [[UInt8]]) -> AOFReplay.Executed {
        guard var cmd = lookupCommand(argv[0]) else { return .unknownCommand }
        if cmd.isContainer && argv.count >= 2, let sub = cmd.subcommands[asciiLowercased(argv[1])] {
            cmd = sub
        }
        if c.flags.contains(.multi) && !cmd.isExec {
            c.multiQueue.append((cmd, argv))
        } else {
            // The command's own procedure, as Redis's loader calls it: no
            // statistics for the command itself (EXEC's queue runs through call()).
            keyspace.nowMs = clock.keyspaceMs()
            callDepth += 1
            cmd.handler?(self, c, argv)
            callDepth -= 1
        }
        c.out.bytes.removeAll(keepingCapacity: true)
        return .ran(inMulti: c.flags.contains(.multi))
    }

    /// aofOpenIfNeededOnServerStart: a base file for an empty start, the last
    /// incr file opened (or created) for appending, the manifest persisted.
    public func aofOpenIfNeededOnServerStart() -> Bool {
        guard aof.state == .on else { return true }
        if !Self.makeDirectory(aofDirname) {
            log.warning("Can't open or create append-only dir \(aofDirname): \(String(cString: strerror(errno)))")
            return false
        }
        let incrCount = aof.manifest.incr.count
        if aof.manifest.base == nil && incrCount == 0 {
            let baseName = aof.manifest.newBase(fileName: aofFilename, rdbPreamble: aofBaseIsRDB)
            if !rewriteAppendOnlyFile(into: AppendOnlyFile.path(aofDirname, baseName)) { return false }
            // Persisted below, with the incr file.
            log.notice("Creating AOF base file \(baseName) on server start")
        }
        let name = aof.manifest.lastIncr(fileName: aofFilename)
        let fd = open(AppendOnlyFile.path(aofDirname, name), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd == -1 {
            log.warning("Can't open the append-only file \(name): \(String(cString: strerror(errno)))")
            return false
        }
        aof.fd = fd
        if !persistAppendOnlyManifest(aof.manifest) { return false }
        aof.lastIncrSize = Self.fileSize(AppendOnlyFile.path(aofDirname, name))
        log.notice(incrCount > 0 ? "Opening AOF incr file \(name) on server start" : "Creating AOF incr file \(name) on server start")
        attachAppendOnlyFeed()
        return true
    }

    /// The data at start-up when appendonly is yes; false stops the server.
    public func loadAppendOnlyAtStartup() -> Bool {
        guard config.appendonly else { return true }
        aof.state = .on
        guard loadAppendOnlyManifest() else { return false }
        let start = clock.monotonicUs()
        let status = loadAppendOnlyFiles()
        dirty = 0
        switch status {
        case .ok, .truncated, .empty:
            let secs = Double(clock.monotonicUs() - start) / 1_000_000
            log.notice("DB loaded from append only file: \(Self.seconds3(secs)) seconds")
        case .notExist:
            break
        case .openError, .failed:
            return false
        }
        return aofOpenIfNeededOnServerStart()
    }

    // MARK: files

    /// writeAofManifestFile: temp file, fsync, rename, fsync of the directory.
    func persistAppendOnlyManifest(_ m: AOFManifest) -> Bool {
        let name = AOFFileNames.manifest(aofFilename)
        let tmpName = AOFFileNames.tempManifest(aofFilename)
        let tmp = AppendOnlyFile.path(aofDirname, tmpName)
        let fd = open(tmp, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0o644)
        if fd == -1 {
            log.warning("Can't open the AOF manifest file \(tmpName): \(String(cString: strerror(errno)))")
            return false
        }
        defer { close(fd) }
        let bytes = m.render()
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                log.warning("Error trying to write the temporary AOF manifest file \(tmpName): \(String(cString: strerror(errno)))")
                return false
            }
            off += n
        }
        if fsync(fd) == -1 {
            log.warning("Fail to fsync the temp AOF file \(tmpName): \(String(cString: strerror(errno))).")
            return false
        }
        if rename(tmp, AppendOnlyFile.path(aofDirname, name)) != 0 {
            log.warning("Error trying to rename the temporary AOF manifest file \(tmpName) into \(name): \(String(cString: strerror(errno)))")
            return false
        }
        let dfd = open(aofDirname, O_RDONLY)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
        return true
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func makeDirectory(_ path: String) -> Bool {
        mkdir(path, 0o755) == 0 || errno == EEXIST
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var st = stat()
        if fstat(fd, &st) == 0 { out.reserveCapacity(Int(st.st_size)) }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// "%.3f".
    static func seconds3(_ s: Double) -> String {
        let ms = Int((s * 1000).rounded())
        let frac = ms % 1000
        return "\(ms / 1000)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + String(frac)
    }
}
