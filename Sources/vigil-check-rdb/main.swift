import Glibc
import Persistence
import ServerKit

// redis-check-rdb <rdb-file-name>: the report on stdout, exit 0 when the
// file is good and 1 otherwise (also for a file that cannot be opened,
// which redis-check-rdb reports with nothing but its first line).
let args = CommandLine.arguments
guard args.count == 2 else {
    let usage = "Usage: \(args.first ?? "vigil-check-rdb") <rdb-file-name>\n"
    _ = usage.withCString { write(2, $0, strlen($0)) }
    exit(1)
}
let path = args[1]
guard let bytes = try? RDBReader.readFile(path) else {
    let line = "[offset 0] Checking RDB file \(path)\n"
    _ = line.withCString { write(1, $0, strlen($0)) }
    exit(1)
}
var now = timeval()
gettimeofday(&now, nil)
let check = RDBCheck(bytes: bytes, name: path, nowMs: Int64(now.tv_sec) * 1000 + Int64(now.tv_usec) / 1000)
// Written unbuffered, so the log line below comes after the report as Redis's does.
let report = check.lines.map { $0 + "\n" }.joined()
_ = report.withCString { write(1, $0, strlen($0)) }
if check.terminatedByCorruption {
    Logger(level: .warning, role: "C").warning("Terminating server after rdb file reading failure.")
}
exit(check.ok ? 0 : 1)
