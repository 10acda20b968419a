import Glibc
import Persistence

// redis-check-aof's command line over the real files: reads whole files,
// asks on stdin, truncates with truncate(2), writes to stdout unbuffered
// so the prompt shows before the answer is read.
func readFile(_ path: String) -> (bytes: [UInt8]?, error: String) {
    let fd = open(path, O_RDONLY)
    if fd < 0 { return (nil, String(cString: strerror(errno))) }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return (out, "")
}

let files = AOFCheckFiles(
    open: readFile,
    truncate: { path, size in truncate(path, off_t(size)) == 0 },
    confirm: {
        guard let line = readLine(strippingNewline: false), let c = line.first else { return false }
        return c == "y" || c == "Y"
    },
    write: { bytes in bytes.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) } },
    checkRDB: { bytes, name in
        var tv = timeval()
        gettimeofday(&tv, nil)
        return AOFRDBPreambleCheck.check(bytes, name: name, nowMs: Int64(tv.tv_sec) * 1000 + Int64(tv.tv_usec) / 1000)
    })
var check = AOFCheck(files: files)
exit(check.main(CommandLine.arguments))
