/// oom-score-adj (server.c's setOOMScoreAdj): the value the kernel's OOM
/// killer weighs this process by follows its role, master, replica or
/// background child, from oom-score-adj-values; "relative" adds them to the
/// value the process had before the first adjustment, which turning the
/// setting off puts back.
///
/// The decision only: reading and writing /proc/self/oom_score_adj is the
/// caller's (Server+OOMScore).
struct OOMScoreAdjuster {
    /// CONFIG_OOM_MASTER, CONFIG_OOM_REPLICA, CONFIG_OOM_BGCHILD: the index into oom-score-adj-values.
    enum ProcessClass: Int {
        case master = 0, replica = 1, backgroundChild = 2
    }

    /// oom-score-adj's values (config.c's oom_score_adj_enum).
    enum Mode: Int {
        case off = 0, relative = 1, absolute = 2
    }

    /// The value found before the first adjustment; nil while the setting
    /// has not touched the process (oom_score_adjusted_by_redis unset).
    private(set) var base: Int?

    /// What to write now, or nil for nothing. `readCurrent` reads the
    /// process's value (nil if it cannot): asked once, when the adjustments start.
    /// Throws when that read fails, leaving nothing adjusted.
    mutating func target(mode: Mode, values: [Int], of processClass: ProcessClass,
                         readCurrent: () -> Int?) throws(ReadFailure) -> Int? {
        guard mode != .off else {
            // Back to the value from before, once.
            defer { base = nil }
            return base
        }
        if base == nil {
            // Redis marks itself as the adjuster before reading: a failed
            // read leaves the base at 0, which a later disable writes back.
            guard let current = readCurrent() else {
                base = 0
                throw ReadFailure()
            }
            base = current
        }
        var value = values[processClass.rawValue]
        if mode == .relative { value += base ?? 0 }
        return min(max(value, -1000), 1000)
    }

    struct ReadFailure: Error {}
}
