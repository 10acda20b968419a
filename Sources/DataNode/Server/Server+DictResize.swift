import CVigilShim
import Keyspace

/// When the keyspace's hash tables may grow or shrink (Redis's
/// updateDictResizePolicy, dictExpandAllowed and tryResizeHashTables).
extension Server {
    /// Called whenever the fork child comes or goes: while one lives, tables
    /// avoid rehashing (copy-on-write would duplicate their pages).
    func updateDictResizePolicy() {
        DictResizing.policy = hasActiveChildProcess ? .avoid : .enable
    }

    /// Makes this server the one the keyspace's tables ask before growing
    /// (the process serves one server, as redis-server; a later one takes over).
    func installKeyspaceGrowthCheck() {
        DictResizing.keyspaceOverMaxmemoryAfterAlloc = { [weak self] more in
            self?.overMaxmemoryAfterAlloc(more) ?? false
        }
    }

    /// overMaxmemoryAfterAlloc: would allocating `more` bytes put used memory
    /// (less what eviction does not count) over maxmemory? The allocator's
    /// total as Redis's zmalloc_used_memory, without usedMemory()'s
    /// deduction of the key arrays' spare capacity: this runs in the middle of
    /// an insert into one of those arrays' dicts, which must not be read then
    /// (and counting the spare room only makes the check stricter).
    func overMaxmemoryAfterAlloc(_ more: Int) -> Bool {
        let limit = hot.maxmemory
        guard limit > 0 else { return false }
        let used = Int(vigil_used_memory())
        if used + more <= limit { return false }
        return max(used - memoryNotCountedForEvict, 0) + more > limit
    }

    /// databasesCron's tryResizeHashTables: tables under 10% full shrink,
    /// never while a fork child lives (the policy refuses then).
    func shrinkSparseKeyspaceTables() {
        guard !hasActiveChildProcess else { return }
        for db in databases {
            db.dict.shrinkIndexIfSparse()
            db.expires.shrinkIndexIfSparse()
        }
    }
}
