/// INFO persistence, in Redis 7.0.15's field order (genRedisInfoString):
/// the loading_* block only while loading, after everything else.
struct PersistenceInfo {
    var state: PersistenceState
    var dirty: Int
    var lastSaveUnix: Int
    var child: (kind: BackgroundChild.Kind, startUnix: Int)?
    var nowUnix: Int
    /// The aof_* fields, in their order (the AOF fills them).
    var aofFields: [(String, String)]
    /// aof_current_size and the others shown while appendonly is yes: after
    /// module_fork_*, before the loading_* block.
    var aofSizes: [(String, String)] = []

    /// How far the child got, by keys (Redis's current_fork_perc).
    var forkPercent: Double {
        guard child != nil, state.currentSaveKeysTotal > 0 else { return 0 }
        return Double(state.currentSaveKeysProcessed) / Double(state.currentSaveKeysTotal) * 100
    }

    func fields() -> [(String, String)] {
        let rdbChild = child?.kind == .rdb ? child : nil
        var out: [(String, String)] = [
            ("loading", state.loading ? "1" : "0"),
            ("async_loading", "0"),
            ("current_cow_peak", String(state.currentCowPeak)),
            ("current_cow_size", String(state.currentCowBytes)),
            ("current_cow_size_age", String(state.currentCowUpdatedUnix == 0 ? 0 : nowUnix - state.currentCowUpdatedUnix)),
            ("current_fork_perc", ServerCommands.format2(forkPercent)),
            ("current_save_keys_processed", String(state.currentSaveKeysProcessed)),
            ("current_save_keys_total", String(child == nil ? 0 : state.currentSaveKeysTotal)),
            ("rdb_changes_since_last_save", String(dirty)),
            ("rdb_bgsave_in_progress", rdbChild == nil ? "0" : "1"),
            ("rdb_last_save_time", String(lastSaveUnix)),
            ("rdb_last_bgsave_status", state.lastBgsaveOK ? "ok" : "err"),
            ("rdb_last_bgsave_time_sec", String(state.lastBgsaveTimeSec)),
            ("rdb_current_bgsave_time_sec", rdbChild.map { String(nowUnix - $0.startUnix) } ?? "-1"),
            ("rdb_saves", String(state.rdbSaves)),
            ("rdb_last_cow_size", String(state.lastCopyOnWriteBytes)),
            ("rdb_last_load_keys_expired", String(state.lastLoadKeysExpired)),
            ("rdb_last_load_keys_loaded", String(state.lastLoadKeysLoaded)),
        ]
        out += aofFields
        out += [
            ("module_fork_in_progress", "0"),
            ("module_fork_last_cow_size", "0"),
        ]
        out += aofSizes
        if state.loading {
            let elapsed = max(0, nowUnix - state.loadingStartUnix)
            let loaded = state.loadingLoadedBytes, total = state.loadingTotalBytes
            let perc = total == 0 ? 0 : Double(loaded) / Double(total) * 100
            // startLoading's estimate: the elapsed time scaled by what is left.
            let eta = loaded == 0 ? 1 : elapsed * (total - loaded) / loaded
            out += [
                ("loading_start_time", String(state.loadingStartUnix)),
                ("loading_total_bytes", String(total)),
                ("loading_rdb_used_mem", String(state.loadingRdbUsedMem)),
                ("loading_loaded_bytes", String(loaded)),
                ("loading_loaded_perc", ServerCommands.format2(perc)),
                ("loading_eta_seconds", String(eta)),
            ]
        }
        return out
    }
}
