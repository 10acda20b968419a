import Glibc

/// Where one replica stands in its full resync (7.0's slave->replstate from
/// WAIT_BGSAVE_START to ONLINE, repldbfd/repldboff/repldbsize): the stream
/// it will continue is held in its client's output (flag `.streamHeld`)
/// while the snapshot is produced and sent.
struct ReplicaSync {
    enum Phase: Equatable {
        /// Waiting for a snapshot to start (no `+FULLRESYNC` yet).
        case waitStart
        /// `+FULLRESYNC` sent; the snapshot is being written.
        case waitEnd
        /// The disk snapshot is being sent from `file`.
        case sendBulk
        /// The EOF-form payload went out: the stream starts at its first REPLCONF ACK.
        case awaitingAck
    }

    var phase: Phase = .waitStart
    /// It announced `capa eof` (may take the diskless form).
    var capaEof: Bool
    /// It asked with SYNC: no `+FULLRESYNC` line.
    var prePsync: Bool
    /// When it asked (idle time for repl-diskless-sync-delay).
    var requestedMs: Int64
    /// What it asked to leave out of the snapshot (REPLCONF rdb-filter-only).
    var filter = SnapshotFilter()
    /// A dual-channel snapshot connection: the client id of the main link
    /// that receives the stream (nothing is held here).
    var streamTo: Int?
    /// The offset its snapshot stands for (psync_initial_offset).
    var initialOffset: Int64 = -1
    /// The disk snapshot being sent, and how far.
    var file: Int32 = -1
    var fileOffset = 0
    var fileSize = 0

    mutating func closeFile() {
        if file >= 0 { close(file) }
        file = -1
    }
}
