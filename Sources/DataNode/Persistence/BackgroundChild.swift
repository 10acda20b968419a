import Glibc

/// The one forked child a server may have at a time, as Redis's
/// server.child_pid/child_type: a BGSAVE or an AOF rewrite, never both.
struct BackgroundChild {
    enum Kind: Equatable {
        case rdb, aof
    }

    let pid: pid_t
    let kind: Kind
    /// Unix seconds at the fork (rdb_current_bgsave_time_sec counts from it).
    let startUnix: Int
    /// The read end of the pipe the child reports its copy-on-write size on (-1 without one).
    let infoFd: Int32

    static func systemFork() -> pid_t { fork() }
}

/// What the child sends before exiting: Redis's child_info_data, reduced
/// to the fields INFO shows.
struct ChildInfo: Equatable {
    var copyOnWriteBytes: Int
    var keysProcessed: Int

    static let size = 16

    var bytes: [UInt8] {
        var out: [UInt8] = []
        for v in [copyOnWriteBytes, keysProcessed] {
            withUnsafeBytes(of: Int64(v).littleEndian) { out += $0 }
        }
        return out
    }

    init(copyOnWriteBytes: Int, keysProcessed: Int) {
        self.copyOnWriteBytes = copyOnWriteBytes
        self.keysProcessed = keysProcessed
    }

    init?(_ b: [UInt8]) {
        guard b.count == Self.size else { return nil }
        func word(_ at: Int) -> Int {
            var v: UInt64 = 0
            for i in (0..<8).reversed() { v = v << 8 | UInt64(b[at + i]) }
            return Int(Int64(bitPattern: v))
        }
        copyOnWriteBytes = word(0)
        keysProcessed = word(8)
    }
}
