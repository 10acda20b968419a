import CVigilShim
import Glibc

/// INFO memory. used_memory is the counting malloc's running total of
/// malloc_usable_size over live blocks (CVigilAlloc, as Redis's zmalloc; a
/// process without it, such as a test, reads mallinfo2), RSS comes from
/// /proc/self/statm. Redis's own accounting of
/// its overhead has no counterpart here, so used_memory_overhead is an
/// estimate: start-up memory, client buffers, and a per-key table cost.
/// Scripting and function engines do not exist: their fields are 0.
extension Server {
    /// Rough bytes per key and per TTL entry spent on the tables themselves.
    static let estimatedKeyOverhead = 64
    static let estimatedExpireOverhead = 40

    /// The figures INFO memory and MEMORY STATS share.
    struct MemoryFigures {
        var used = 0, peak = 0, startup = 0, rss = 0, active = 0
        var clientsNormal = 0, clientsReplicas = 0, overhead = 0, dataset = 0, notCountedForEvict = 0
    }

    func memoryFigures() -> MemoryFigures {
        var m = MemoryFigures()
        m.used = usedMemory()
        infoSampler.notePeak(m.used)
        m.peak = infoSampler.peakMemory
        m.startup = infoSampler.startupMemory
        m.rss = Self.residentSetBytes()
        m.active = Int(vigil_allocator_active())
        // As Redis: replicas count their output (the replication buffer), the rest everything they hold.
        for c in clients.values where !c.flags.contains(.replica) { m.clientsNormal += c.memoryUsage() }
        m.clientsReplicas = replicaOutputMemory
        m.notCountedForEvict = memoryNotCountedForEvict
        var tables = 0
        for db in databases { tables += db.count * Self.estimatedKeyOverhead + db.expires.count * Self.estimatedExpireOverhead }
        m.overhead = m.startup + m.clientsNormal + m.clientsReplicas + tables
        m.dataset = max(m.used - m.overhead, 0)
        return m
    }

    func infoMemory() -> [(String, String)] {
        let m = memoryFigures()
        let (used, peak, startup, rss, active) = (m.used, m.peak, m.startup, m.rss, m.active)
        let (clientsNormal, clientsReplicas, overhead, dataset) = (m.clientsNormal, m.clientsReplicas, m.overhead, m.dataset)
        let netUsage = used > startup ? used - startup : 1
        let totalSystem = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        let f2 = ServerCommands.format2
        let human = ServerCommands.bytesToHuman
        func ratio(_ a: Int, _ b: Int) -> String { f2(b == 0 ? 0 : Double(a) / Double(b)) }
        return [
            ("used_memory", String(used)),
            ("used_memory_human", human(used)),
            ("used_memory_rss", String(rss)),
            ("used_memory_rss_human", human(rss)),
            ("used_memory_peak", String(peak)),
            ("used_memory_peak_human", human(peak)),
            ("used_memory_peak_perc", f2(peak == 0 ? 0 : Double(used) * 100 / Double(peak)) + "%"),
            ("used_memory_overhead", String(overhead)),
            ("used_memory_startup", String(startup)),
            ("used_memory_dataset", String(dataset)),
            ("used_memory_dataset_perc", f2(Double(dataset) * 100 / Double(netUsage)) + "%"),
            ("allocator_allocated", String(used)),
            ("allocator_active", String(active)),
            ("allocator_resident", String(rss)),
            ("total_system_memory", String(totalSystem)),
            ("total_system_memory_human", human(totalSystem)),
        ] + scriptingMemoryRows(human: human) + [
            ("maxmemory", String(config.maxmemory)),
            ("maxmemory_human", human(config.maxmemory)),
            ("maxmemory_policy", config.maxmemoryPolicy),
            ("allocator_frag_ratio", ratio(active, used)),
            ("allocator_frag_bytes", String(active - used)),
            ("allocator_rss_ratio", ratio(rss, active)),
            ("allocator_rss_bytes", String(rss - active)),
            ("rss_overhead_ratio", ratio(rss, rss)),
            ("rss_overhead_bytes", "0"),
            ("mem_fragmentation_ratio", ratio(rss, used)),
            ("mem_fragmentation_bytes", String(rss - used)),
            ("mem_not_counted_for_evict", String(m.notCountedForEvict)),
            ("mem_replication_backlog", "0"),
            ("mem_total_replication_buffers", String(clientsReplicas)),
            ("mem_clients_slaves", String(clientsReplicas)),
            ("mem_clients_normal", String(clientsNormal)),
            ("mem_cluster_links", "0"),
            ("mem_aof_buffer", "0"),
            ("mem_allocator", "libc"),
            ("active_defrag_running", "0"),
            ("lazyfree_pending_objects", String(lazyfree.pendingObjects)),
            ("lazyfreed_objects", String(lazyfree.freedObjects)),
        ]
    }

    /// Resident pages from /proc/self/statm, in bytes.
    static func residentSetBytes() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0, resident = 0
        guard withUnsafeMutablePointer(to: &size, { sp in
            withUnsafeMutablePointer(to: &resident) { rp in
                withVaList([sp, rp]) { vfscanf(f, "%ld %ld", $0) }
            }
        }) == 2 else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
