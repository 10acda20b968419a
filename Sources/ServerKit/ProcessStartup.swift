import Glibc

/// Unbuffered, so that a message written just before exit(1) is never lost.
public func writeStderr(_ text: String) {
    var t = text
    t.withUTF8 { p in _ = Glibc.write(2, p.baseAddress, p.count) }
}

/// Redis's daemonize(): the parent exits, the child leaves the terminal's
/// session and reads and writes /dev/null.
public func daemonize() {
    let pid = fork()
    if pid < 0 { return }
    if pid > 0 { exit(0) }
    setsid()
    let fd = open("/dev/null", O_RDWR)
    if fd >= 0 {
        dup2(fd, 0); dup2(fd, 1); dup2(fd, 2)
        if fd > 2 { close(fd) }
    }
}

/// createPidFile: the pid and a newline; a file that cannot be opened is
/// silently skipped, as Redis does.
public func writePidfile(_ path: String) {
    if let f = fopen(path, "w") {
        fputs("\(getpid())\n", f)
        fclose(f)
    }
}
