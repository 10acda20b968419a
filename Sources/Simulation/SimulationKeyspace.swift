/// A data node's dataset in the simulation: string keys to string values,
/// enough to apply the replication stream to, compare two nodes by digest and
/// carry a full sync's snapshot.
struct SimulationKeyspace: Equatable {
    private(set) var values: [String: String] = [:]
    /// The sum of the entries' hashes, kept as they change: the fault runs
    /// compare digests after every simulated event while they wait for the
    /// datasets to converge, and recomputing them was a fifth of a run.
    private var entrySum: UInt64 = 0

    var count: Int { values.count }
    subscript(key: String) -> String? { values[key] }

    mutating func set(_ key: String, _ value: String) {
        if let old = values.updateValue(value, forKey: key) { entrySum = entrySum &- Self.entryHash(key, old) }
        entrySum = entrySum &+ Self.entryHash(key, value)
    }

    mutating func delete(_ key: String) {
        if let old = values.removeValue(forKey: key) { entrySum = entrySum &- Self.entryHash(key, old) }
    }

    /// Order-independent FNV-1a over key and value, so equal datasets give equal digests.
    var digest: UInt64 { entrySum &+ UInt64(values.count) }

    private static func entryHash(_ k: String, _ v: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in k.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h = (h ^ 0xff) &* 0x100_0000_01b3
        for b in v.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The snapshot a full sync transfers: `key\tvalue\n` lines in key order.
    var snapshot: [UInt8] {
        var out: [UInt8] = []
        for k in values.keys.sorted() {
            out += Array(k.utf8)
            out.append(9)
            out += Array(values[k]!.utf8)
            out.append(10)
        }
        return out
    }

    /// Reads a snapshot; nil if it is not one (a truncated transfer).
    init?(snapshot bytes: [UInt8]) {
        for line in bytes.split(separator: 10, omittingEmptySubsequences: true) {
            guard let tab = line.firstIndex(of: 9) else { return nil }
            set(String(decoding: line[line.startIndex..<tab], as: UTF8.self), String(decoding: line[(tab + 1)...], as: UTF8.self))
        }
    }

    init() {}

    static func == (a: SimulationKeyspace, b: SimulationKeyspace) -> Bool { a.values == b.values }
}
