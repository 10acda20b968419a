import Glibc

/// Paths as a config loader must see them. Redis changes directory while it
/// reads `dir`; the loaders do not (the process chdirs once the config is
/// accepted), so they track that directory and resolve against it.
public enum ConfigPaths {
    /// getcwd, or "" when the working directory is gone.
    public static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "" }
        return ConfigCParse.string(buf)
    }

    /// server.c getAbsolutePath: cwd joined with the trimmed path, leading
    /// "../" folded into the cwd; nothing else is normalised ("./x" stays).
    public static func absolutePath(_ path: String, cwd: String) -> String {
        var bytes = Array(path.utf8)
        let blank: Set<UInt8> = [32, 13, 10, 9]
        while let c = bytes.first, blank.contains(c) { bytes.removeFirst() }
        while let c = bytes.last, blank.contains(c) { bytes.removeLast() }
        var rel = Substring(String(decoding: bytes, as: UTF8.self))
        if rel.hasPrefix("/") { return String(rel) }
        var abs = cwd
        if !abs.isEmpty && !abs.hasSuffix("/") { abs += "/" }
        while rel.hasPrefix("../") {
            rel = rel.dropFirst(3)
            if abs.count > 1 {
                abs.removeLast()
                while let c = abs.last, c != "/" { abs.removeLast() }
            }
        }
        return abs + rel
    }

    /// The path open() would reach from `dir`, had the process chdir'ed there.
    public static func resolve(_ path: String, in dir: String) -> String {
        if path.hasPrefix("/") { return path }
        return (dir.hasSuffix("/") ? dir : dir + "/") + path
    }

    /// What chdir(path) then getcwd() would give from `cwd`, without changing
    /// the process's directory; else strerror's text, as CONFIG SET dir and
    /// a config file's `dir` report it.
    public static func resolveDirectory(_ path: [UInt8], from cwd: String) -> Result<String, ConfigPathError> {
        let p = String(decoding: path, as: UTF8.self)
        if p.isEmpty { return .failure(ConfigPathError(code: ENOENT)) }
        let full = resolve(p, in: cwd)
        var st = stat()
        if stat(full, &st) != 0 { return .failure(ConfigPathError(code: errno)) }
        if (st.st_mode & S_IFMT) != S_IFDIR { return .failure(ConfigPathError(code: ENOTDIR)) }
        if access(full, X_OK) != 0 { return .failure(ConfigPathError(code: errno)) }
        guard let rp = realpath(full, nil) else { return .failure(ConfigPathError(code: errno)) }
        defer { free(rp) }
        return .success(String(cString: rp))
    }

    /// realpath, or the path as given when it does not resolve: the key that
    /// tells two names of one file apart from two files (include loops).
    public static func canonicalPath(_ p: String) -> String {
        guard let rp = realpath(p, nil) else { return p }
        defer { free(rp) }
        return String(cString: rp)
    }

    /// The whole file, or the errno of a failed open.
    public static func readFile(_ path: String) -> Result<[UInt8], ConfigPathError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(ConfigPathError(code: errno)) }
        defer { close(fd) }
        return .success(readAll(fd: fd))
    }

    /// Redis's check at the end of every text it reads: the log file must
    /// open for appending (fopen "a") from the directory it is in by then.
    public static func checkLogfile(_ logfile: String, dir: String, source: String?, program: String) throws {
        guard !logfile.isEmpty else { return }
        let fd = open(ConfigPaths.resolve(logfile, in: dir), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o666)
        if fd < 0 {
            throw ConfigError.general(program: program, source: source, reason: "Can't open the log file: \(ConfigCParse.strerror(errno))")
        }
        close(fd)
    }

    /// Everything left to read on `fd` (stdin for `-`).
    public static func readAll(fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { out += buf[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        return out
    }
}

/// A failed system call on a config path; `description` is strerror's text.
public struct ConfigPathError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public init(code: Int32) { self.code = code }
    public var description: String { ConfigCParse.strerror(code) }
}
