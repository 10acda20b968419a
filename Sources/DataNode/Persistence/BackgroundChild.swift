import Keyspace
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
    /// An RDB child writes to disk, or to the replicas through a pipe (diskless sync).
    var target: Target = .disk

    enum Target: Equatable {
        case disk, sockets
    }

    /// fork(2); the child never resizes a hash table (updateDictResizePolicy
    /// in a fork child), so its pages stay shared with the parent's.
    static func systemFork() -> pid_t {
        let pid = fork()
        if pid == 0 { DictResizing.policy = .forbid }
        return pid
    }
}

/// What the child sends on its pipe: Redis's child_info_data, reduced to
/// the fields INFO shows. `current` messages come about once a second while
/// it writes, the `final` one just before it exits successfully.
struct ChildInfo: Equatable {
    enum Kind: Int64 {
        case current = 0, final = 1
    }

    var kind: Kind
    var copyOnWriteBytes: Int
    var keysProcessed: Int

    static let size = 24

    var bytes: [UInt8] {
        var out: [UInt8] = []
        for v in [kind.rawValue, Int64(copyOnWriteBytes), Int64(keysProcessed)] {
            withUnsafeBytes(of: v.littleEndian) { out += $0 }
        }
        return out
    }

    init(kind: Kind, copyOnWriteBytes: Int, keysProcessed: Int) {
        self.kind = kind
        self.copyOnWriteBytes = copyOnWriteBytes
        self.keysProcessed = keysProcessed
    }

    init?(_ b: [UInt8]) {
        guard b.count == Self.size else { return nil }
        func word(_ at: Int) -> Int64 {
            var v: UInt64 = 0
            for i in (0..<8).reversed() { v = v << 8 | UInt64(b[at + i]) }
            return Int64(bitPattern: v)
        }
        guard let k = Kind(rawValue: word(0)) else { return nil }
        kind = k
        copyOnWriteBytes = Int(word(8))
        keysProcessed = Int(word(16))
    }
}
