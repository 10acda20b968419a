/// When a dict's bucket array may grow: Redis's dict_can_resize, one setting
/// for the whole process, set from whether a fork child is alive
/// (updateDictResizePolicy). A child shares the parent's pages copy-on-write:
/// a rehash writes every bucket and key position, copying most of the
/// table's pages for nothing, so while a child lives a dict grows only once
/// its chains average more than `forceRatio` entries.
public enum DictResizePolicy: Sendable {
    case enable
    /// A fork child is alive: grow only past `DictResizing.forceRatio`.
    case avoid
    /// In the fork child itself: never (ours never runs dict code there).
    case forbid
}

public enum DictResizing {
    /// The single-threaded server's current policy.
    nonisolated(unsafe) public static var policy: DictResizePolicy = .enable
    /// dict_force_resize_ratio.
    public static let forceRatio = 5
    /// HASHTABLE_MAX_LOAD_FACTOR: past this load a keyspace dict grows even
    /// when the growth goes over maxmemory (lookups would slow down too much).
    public static let maxLoadFactor = 1.618
    /// Redis's dictExpandAllowed for the keyspace's dicts (a database's keys
    /// and expires): given the bytes a new bucket array would take, false
    /// when allocating them would put used memory over maxmemory. Growth
    /// that forces evictions of keys to make room for buckets is refused
    /// while chains are still short. Nil: always allowed.
    nonisolated(unsafe) public static var keyspaceOverMaxmemoryAfterAlloc: ((_ moreBytes: Int) -> Bool)?
}
