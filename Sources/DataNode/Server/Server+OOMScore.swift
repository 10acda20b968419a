import Glibc

/// Applies oom-score-adj to /proc/self/oom_score_adj: at start-up, when the
/// role or the setting changes, and in each forked child.
extension Server {
    /// setOOMScoreAdj: `processClass` nil means the server's own role.
    /// False (after logging why) when /proc could not be read or written.
    @discardableResult
    func applyOOMScoreAdj(_ processClass: OOMScoreAdjuster.ProcessClass? = nil, config: ServerConfig? = nil) -> Bool {
        let config = config ?? self.config
        let cls = processClass ?? (config.replicaof != nil ? .replica : .master)
        let value: Int?
        do {
            value = try oomScore.target(mode: config.oomScoreAdjMode, values: config.oomScoreAdjValues, of: cls) {
                Self.readOOMScoreAdj()
            }
        } catch {
            log.warning("Unable to read oom_score_adj: \(String(cString: strerror(errno)))")
            return false
        }
        guard let value else { return true }
        if !Self.writeOOMScoreAdj(value) {
            log.warning("Unable to write oom_score_adj: \(String(cString: strerror(errno)))")
            return false
        }
        return true
    }

    static let oomScoreAdjPath = "/proc/self/oom_score_adj"

    private static func readOOMScoreAdj() -> Int? {
        let fd = open(oomScoreAdjPath, O_RDONLY)
        if fd < 0 { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buf, buf.count)
        if n < 0 { return nil }
        // atoi: leading digits, the newline after them ignored.
        let text = String(decoding: buf[0..<n], as: UTF8.self).trimmingWhitespace
        return Int(text) ?? 0
    }

    private static func writeOOMScoreAdj(_ value: Int) -> Bool {
        let fd = open(oomScoreAdjPath, O_WRONLY)
        if fd < 0 { return false }
        defer { close(fd) }
        let line = Array("\(value)\n".utf8)
        return write(fd, line, line.count) >= 0
    }
}

private extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" { s.removeLast() }
        return String(s)
    }
}
