#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hash table's chain statistics and their text as Redis's dictGetStats
/// writes it (DEBUG HTSTATS, DEBUG HTSTATS-KEY): any of our chained tables
/// fills one of these, so the layout lives once.
public struct HashTableStats: Equatable {
    /// DICT_STATS_VECTLEN: chains this long or longer share the last counter.
    public static let vectorLength = 50

    public let size: Int
    public let count: Int
    /// Non-empty buckets.
    public private(set) var slots = 0
    public private(set) var maxChainLength = 0
    public private(set) var totalChainLength = 0
    /// Buckets per chain length (the last one: that length or more).
    public private(set) var chainLengths = [Int](repeating: 0, count: HashTableStats.vectorLength)

    public init(size: Int, count: Int) {
        self.size = size
        self.count = count
    }

    public mutating func addChain(length: Int) {
        chainLengths[min(length, Self.vectorLength - 1)] += 1
        guard length > 0 else { return }
        slots += 1
        maxChainLength = max(maxChainLength, length)
        totalChainLength += length
    }

    /// _dictGetStatsHt for table 0 (ours never has a rehashing target: a
    /// table grows in one step), trimmed to a 4096-byte buffer as Redis's.
    public var text: String {
        if count == 0 {
            return "Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n"
        }
        var s = "Hash table 0 stats (main hash table):\n"
        s += " table size: \(size)\n"
        s += " number of elements: \(count)\n"
        s += " different slots: \(slots)\n"
        s += " max chain length: \(maxChainLength)\n"
        s += " avg chain length (counted): \(Self.twoDecimals(Float(totalChainLength) / Float(slots)))\n"
        s += " avg chain length (computed): \(Self.twoDecimals(Float(count) / Float(slots)))\n"
        s += " Chain length distribution:\n"
        for (length, buckets) in chainLengths.enumerated().dropLast() where buckets != 0 {
            if s.utf8.count >= 4096 { break }
            s += "   \(length): \(buckets) (\(Self.twoDecimals(Float(buckets) / Float(size) * 100))%)\n"
        }
        // snprintf into char buf[4096]: at most 4095 bytes.
        if s.utf8.count > 4095 { s = String(decoding: s.utf8.prefix(4095), as: UTF8.self) }
        return s
    }

    /// printf's %.02f of a C float (promoted to double), rounding as it does.
    static func twoDecimals(_ f: Float) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([Double(f)]) { vsnprintf(&buf, 64, "%.02f", $0) }
        return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
