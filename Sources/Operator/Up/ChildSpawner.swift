import Foundation
import Glibc

/// Starts the deployment's processes: output appended to a log file, stdin
/// from /dev/null, default signal dispositions, and either a process group of
/// their own (foreground: Ctrl-C reaches only `vigil up`, which stops them in
/// order) or a session of their own (detached: no terminal to lose).
enum ChildSpawner {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Not exported by Glibc's Swift module (a _GNU_SOURCE flag of glibc's spawn.h).
    private static let spawnSetSID: Int32 = 0x80

    static func spawn(_ argv: [String], log: String, detached: Bool) throws -> Int32 {
        closeInheritedDescriptorsOnExec()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attr, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        if detached {
            flags |= spawnSetSID
        } else {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attr, 0)
        }
        posix_spawnattr_setflags(&attr, Int16(flags))

        var env = ProcessInfo.processInfo.environment
        if detached {
            env.removeValue(forKey: ChildLifetime.parentVariable)
        } else {
            env[ChildLifetime.parentVariable] = String(getpid())
        }
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cenv: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in cargs { free(p) }
            for p in cenv { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cargs, &cenv)
        guard rc == 0 else {
            throw Failure(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// Descriptors `vigil up` inherited (beyond 0-2) must not reach the
    /// long-lived processes it starts: whoever started `vigil up` may watch one
    /// of them for its end (Foundation's Process does, with a socket), and
    /// would then wait for the whole deployment instead of `vigil up --detach`.
    private static func closeInheritedDescriptorsOnExec() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let fd = Int32(name), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// This program's own binary, which runs as `vigil server` and `vigil sentinel`.
    static var selfExecutable: String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(cString: buf)
    }
}
