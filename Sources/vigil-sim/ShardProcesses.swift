import Glibc

/// Runs the shards as child processes of this same binary (`--shard i/n`), one
/// per job, and collects what each prints. Processes, not threads: the
/// simulation is built single-threaded (non-atomic reference counts).
enum ShardProcesses {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The standard output of `self <arguments> --shard i/jobs` for each i, in shard order.
    static func run(jobs: Int, arguments: [String]) throws -> [String] {
        var children: [(pid: pid_t, fd: Int32)] = []
        for i in 0..<jobs {
            children.append(try spawn(arguments + ["--shard", "\(i)/\(jobs)"]))
        }
        var outputs = [[UInt8]](repeating: [], count: jobs)
        var open = Set(0..<jobs)
        var buf = [UInt8](repeating: 0, count: 65536)
        while !open.isEmpty {
            var fds = open.sorted().map { pollfd(fd: children[$0].fd, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "poll: \(String(cString: strerror(errno)))")
            }
            for (k, i) in open.sorted().enumerated() where fds[k].revents != 0 {
                let n = read(children[i].fd, &buf, buf.count)
                if n > 0 {
                    outputs[i] += buf[0..<n]
                } else if n == 0 || errno != EINTR {
                    close(children[i].fd)
                    open.remove(i)
                }
            }
        }
        for (i, c) in children.enumerated() {
            var status: Int32 = 0
            while waitpid(c.pid, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS, which the Glibc module does not export.
            let exited = status & 0x7f == 0, code = (status >> 8) & 0xff
            guard exited && code == 0 else {
                throw Failure(description: "shard \(i)/\(jobs) " + (exited ? "exited with code \(code)" : "ended by signal \(status & 0x7f)"))
            }
        }
        return outputs.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Starts this binary with `arguments`, its standard output on a pipe we read.
    private static func spawn(_ arguments: [String]) throws -> (pid: pid_t, fd: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        // Our end must not leak into the other shards.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[1])
        let path = selfExecutable
        var cargs: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, &cargs, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw Failure(description: "cannot start \(path): \(String(cString: strerror(rc)))")
        }
        return (pid, fds[0])
    }

    private static var selfExecutable: String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
