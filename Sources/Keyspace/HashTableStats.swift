/// One hash table's chain statistics, as dict.c's _dictGetStatsHt gathers
/// them: filled by any of our chained tables (ChainedIndex for the keyspace,
/// ChainedDict for sets) and written by HashTableStatsText, so the layout
/// lives once.
public struct HashTableStats: Equatable, Sendable {
    /// DICT_STATS_VECTLEN: chains this long or longer share the last counter.
    public static let vectorLength = 50
    /// 0: the main table; 1: the rehashing target.
    public var table: Int
    public var size: Int
    public var used: Int
    /// Non-empty buckets.
    public var slots = 0
    public var maxChain = 0
    public var totalChain = 0
    /// How many buckets have a chain of each length (index 0: empty buckets).
    public var chainLengths = [Int](repeating: 0, count: vectorLength)

    public init(table: Int = 0, size: Int, used: Int) {
        self.table = table
        self.size = size
        self.used = used
    }

    /// Counts one bucket whose chain is `length` long.
    public mutating func addChain(length: Int) {
        chainLengths[min(length, Self.vectorLength - 1)] += 1
        guard length > 0 else { return }
        slots += 1
        maxChain = max(maxChain, length)
        totalChain += length
    }
}
