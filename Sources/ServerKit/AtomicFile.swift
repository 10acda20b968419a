import Glibc

/// Replacing a file so that a reader (or a crash) sees the old content or the
/// new, never a part: config.c's rewriteConfigOverwriteFile. Config rewrite,
/// the sentinel's state and ACL files, and later RDB/AOF all write this way.
public enum AtomicFile {
    /// The errno of the step that failed; `description` is strerror's text.
    public struct WriteError: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { String(cString: strerror(code)) }
    }

    /// A temp file next to `path` (`<path>.XXXXXX`, as Redis names it), fsync,
    /// mode 0644 minus the umask, rename over `path`, then an fsync of the
    /// directory so the rename itself survives a crash. On failure the temp
    /// file is removed and `path` is untouched.
    public static func write(_ content: [UInt8], to path: String) throws(WriteError) {
        var template = Array((path + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { throw WriteError(code: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var renamed = false
        defer {
            close(fd)
            if !renamed { unlink(tmp) }
        }
        var off = 0
        while off < content.count {
            let n = content.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, content.count - off) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                throw WriteError(code: n < 0 ? errno : EIO)
            }
            off += n
        }
        if fsync(fd) != 0 { throw WriteError(code: errno) }
        let mask = umask(0o022)
        umask(mask)
        if fchmod(fd, 0o644 & ~mask) != 0 { throw WriteError(code: errno) }
        if rename(tmp, path) != 0 { throw WriteError(code: errno) }
        renamed = true
        fsyncDirectory(of: path)
    }

    /// fsyncFileDir. Best effort: the file is already in place, and a
    /// directory that cannot be opened for reading is no reason to fail.
    static func fsyncDirectory(of path: String) {
        let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let dfd = open(path.hasPrefix("/") && dir.isEmpty ? "/" : (dir.isEmpty ? "." : dir), O_RDONLY)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }
}
