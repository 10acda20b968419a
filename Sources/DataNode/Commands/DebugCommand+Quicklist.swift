import Keyspace
import ServerKit

/// DEBUG QUICKLIST-PACKED-THRESHOLD: how big a list element must be to get a
/// node of its own (Redis's plain nodes), so tests can make small elements
/// take the big-element paths.
enum DebugQuicklist {
    /// quicklistisSetPackedThreshold: 0 restores 1 GiB; at most 4 GiB less 1 MiB.
    static func packedThreshold(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard var size = ConfigCParse.memtoull(argv[2]), size <= (UInt64(1) << 32) - (1 << 20) else {
            c.replyError("ERR argument must be a memory value bigger than 1 and smaller than 4gb")
            return
        }
        if size == 0 { size = UInt64(ListFill.defaultPackedThreshold) }
        ListFill.packedThreshold = Int(size)
        // The push path reads the threshold from the fill it holds.
        s.refreshHotConfig()
        c.out.ok()
    }
}
