import Glibc

/// Where a full sync's RDB goes while it arrives: a temp file in the
/// working directory, Redis's `temp-<unixtime>.<pid>.rdb`, when it is
/// loaded from disk (repl-diskless-load disabled); memory otherwise, parsed
/// once complete. The file never holds the EOF mark: the link hands out
/// RDB bytes only.
struct ReplicaPayloadSink {
    private(set) var bytes: [UInt8] = []
    /// The temp file's name, relative to the working directory (`dir`).
    private(set) var tempFile: String?
    private var fd: Int32 = -1
    /// The file could not be opened or written: the payload cannot load.
    private(set) var failed = false

    /// Opens the temp file as readSyncBulkPayload's caller does (O_EXCL);
    /// returns strerror's text when it cannot.
    mutating func beginFile(unixTime: Int) -> String? {
        discard()
        let name = "temp-\(unixTime).\(getpid()).rdb"
        let f = open(name, O_CREAT | O_WRONLY | O_EXCL | O_CLOEXEC, 0o644)
        guard f >= 0 else {
            failed = true
            return String(cString: strerror(errno))
        }
        fd = f
        tempFile = name
        return nil
    }

    mutating func beginMemory() { discard() }

    /// Returns strerror's text when the file write fails (once; later bytes are dropped).
    mutating func append(_ chunk: [UInt8]) -> String? {
        if failed { return nil }
        guard fd >= 0 else {
            bytes.append(contentsOf: chunk)
            return nil
        }
        var done = 0
        while done < chunk.count {
            let n = chunk.withUnsafeBytes { write(fd, $0.baseAddress! + done, chunk.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                failed = true
                return n < 0 ? String(cString: strerror(errno)) : "short write"
            }
            done += n
        }
        return nil
    }

    /// The complete file, synced and closed; nil if it failed.
    mutating func finishFile() -> String? {
        guard fd >= 0, let name = tempFile, !failed else {
            discard()
            return nil
        }
        fsync(fd)
        close(fd)
        fd = -1
        tempFile = nil
        return name
    }

    mutating func takeBytes() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    /// Drops what arrived; a temp file is removed (replicationAbortSyncTransfer).
    mutating func discard() {
        if fd >= 0 { close(fd) }
        fd = -1
        if let name = tempFile { unlink(name) }
        tempFile = nil
        bytes = []
        failed = false
    }
}
