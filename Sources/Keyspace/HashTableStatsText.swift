import Glibc

/// DEBUG HTSTATS-KEY's text: dict.c's dictGetStats layout, byte for byte.
public enum HashTableStatsText {
    /// dictGetStats writes into a 4096-byte buffer: the text stops at 4095 bytes.
    public static let bufferSize = 4096

    /// The tables of one dict (main, then the rehashing target if any).
    public static func render(_ tables: [HashTableStats]) -> String {
        var text: [UInt8] = []
        for t in tables { text += Array(render(t).utf8) }
        if text.count > bufferSize - 1 { text.removeLast(text.count - (bufferSize - 1)) }
        return String(decoding: text, as: UTF8.self)
    }

    /// _dictGetStatsHt for one table.
    public static func render(_ s: HashTableStats) -> String {
        let name = s.table == 0 ? "main hash table" : "rehashing target"
        guard s.used > 0 else {
            return "Hash table \(s.table) stats (\(name)):\nNo stats available for empty dictionaries\n"
        }
        // C computes these in float, then printf promotes them to double.
        let counted = Double(Float(s.totalChain) / Float(s.slots))
        let computed = Double(Float(s.used) / Float(s.slots))
        var out = "Hash table \(s.table) stats (\(name)):\n"
            + " table size: \(s.size)\n"
            + " number of elements: \(s.used)\n"
            + " different slots: \(s.slots)\n"
            + " max chain length: \(s.maxChain)\n"
            + " avg chain length (counted): \(fixed2(counted))\n"
            + " avg chain length (computed): \(fixed2(computed))\n"
            + " Chain length distribution:\n"
        for (length, buckets) in s.chainLengths.enumerated().dropLast() where buckets != 0 {
            let percent = Double(Float(buckets) / Float(s.size) * 100)
            out += "   \(length): \(buckets) (\(fixed2(percent))%)\n"
        }
        return out
    }

    /// printf's "%.02f".
    static func fixed2(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([d]) { vsnprintf(&buf, 64, "%.02f", $0) }
        return String(decoding: buf[0..<Int(max(0, min(n, 63)))].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
