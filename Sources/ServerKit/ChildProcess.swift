import Glibc

/// Children a server starts and later collects without blocking its event
/// loop: the sentinel's scripts today, a forked BGSAVE next.
public enum ChildProcess {
    /// How a child ended: its exit code, or the signal that killed it
    /// (`signal` 0 when it exited by itself).
    public struct Exit: Equatable, Sendable {
        public let code: Int32
        public let signal: Int32
        public init(code: Int32, signal: Int32) {
            self.code = code
            self.signal = signal
        }
    }

    /// Starts `argv[0]` (a path, not searched in PATH) with `argv` and this
    /// process's environment. Returns the pid, or the errno that stopped it;
    /// glibc reports a failed exec here, not as the child's exit.
    public static func spawn(_ argv: [String]) -> Result<pid_t, Errno> {
        var pid: pid_t = 0
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cargs.append(nil)
        defer { for p in cargs { free(p) } }
        let rc = posix_spawn(&pid, argv[0], nil, nil, cargs, environ)
        return rc == 0 ? .success(pid) : .failure(Errno(code: rc))
    }

    /// The child's exit if it has ended (and is now reaped), nil while it runs.
    public static func reap(_ pid: pid_t) -> Exit? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        return Exit(code: (status >> 8) & 0xff, signal: signaled ? status & 0x7f : 0)
    }

    public struct Errno: Error, Equatable {
        public let code: Int32
    }
}
