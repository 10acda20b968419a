import Persistence

/// The RDB a full resync sends while this node has no way to write its
/// dataset yet: an empty one, byte for byte what redis-server 7.0.15 writes
/// for an empty dataset on a master with a backlog (RDB version 10, the AUX
/// fields in 7.0's order, the 0xFF end and the CRC-64 of everything before).
/// See /work/shared/reference/rdb.md §9-11.
struct EmptySnapshot {
    var redisVersion: String
    var ctime: Int
    var usedMemory: Int
    var replStreamDb: Int
    var replId: String
    var replOffset: Int64

    var bytes: [UInt8] {
        let aux = RDBAux.standard(redisVersion: redisVersion, ctime: ctime, usedMemory: usedMemory,
                                  replication: .init(streamDb: replStreamDb, replId: replId, offset: replOffset), aofBase: false)
        // Writing into memory cannot fail.
        return (try? RDBWriter.snapshot(databases: [], aux: aux)) ?? []
    }
}
