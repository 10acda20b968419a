import Keyspace

/// The RDB part of an AOF (a `.base.rdb`, or an old-style file starting with
/// REDIS) checked for vigil-check-aof: sane or not, the lines to print in
/// redis-check-rdb's shape, and where the RDB ends (the AOF tail starts there).
/// Per-field lines (AUX FIELD, Selecting DB ID) are not printed: the reader
/// reports keys, not its steps.
public enum AOFRDBPreambleCheck {
    public static func check(_ bytes: [UInt8], name: String, nowMs: Int64) -> (ok: Bool, lines: [String], end: Int) {
        var lines = ["[offset 0] Checking RDB file \(name)"]
        var reader = RDBReader(bytes: bytes)
        var expires = 0
        var expired = 0
        var keys = 0
        func info() -> [String] {
            ["[info] \(keys) keys read", "[info] \(expires) expires", "[info] \(expired) already expired"]
        }
        do {
            let summary = try reader.read { k in
                keys += 1
                if let at = k.meta.expireAtMs {
                    expires += 1
                    if at < nowMs { expired += 1 }
                }
            }
            let end = reader.offset
            if summary.checksumVerified { lines.append("[offset \(end)] Checksum OK") }
            lines.append("[offset \(end)] \\o/ RDB looks OK! \\o/")
            return (true, lines + info(), end)
        } catch let e as RDBError {
            lines += ["--- RDB ERROR DETECTED ---", "[offset \(e.offset)] \(e.message)"]
            return (false, lines + info(), e.offset)
        } catch {
            lines += ["--- RDB ERROR DETECTED ---", "[offset \(reader.offset)] \(error)"]
            return (false, lines + info(), reader.offset)
        }
    }
}
