import Persistence

/// DUMP payloads whose footer is right (RDB version 10, CRC64) but whose
/// value is inconsistent inside: what only a deep check of the encoding
/// (sanitize-dump-payload yes) refuses. Redis 7.0.15 accepts the first
/// group with sanitize-dump-payload no and refuses all with yes; the empty
/// ones it refuses either way.
public enum InconsistentPayloads {
    public static let cases: [(name: String, payload: [UInt8])] = [
        ("hash listpack with a duplicate field", payload(16, listpack(["f", "1", "f", "2"]))),
        ("hash listpack with an odd entry count", payload(16, listpack(["f", "1", "g"]))),
        ("zset listpack with a duplicate member", payload(17, listpack(["m", "1", "m", "2"]))),
        ("zset listpack with an odd entry count", payload(17, listpack(["m", "1", "n"]))),
        ("intset out of order", payload(11, intset([3, 1, 2]))),
        ("intset with a duplicate", payload(11, intset([1, 2, 2]))),
        ("empty hash listpack", payload(16, listpack([]))),
        ("empty intset", payload(11, intset([]))),
    ]

    /// A consistent payload built the same way (a hash f=1, g=2), to show the builder is right.
    public static let valid = payload(16, listpack(["f", "1", "g", "2"]))

    /// type byte, the value as an RDB string, RDB version 10, CRC64 of all that.
    static func payload(_ type: UInt8, _ blob: [UInt8]) -> [UInt8] {
        precondition(blob.count < 64)
        var p = [type, UInt8(blob.count)] + blob + [10, 0]
        var crc = CRC64.checksum(p)
        for _ in 0..<8 {
            p.append(UInt8(truncatingIfNeeded: crc))
            crc >>= 8
        }
        return p
    }

    /// A listpack of short strings (6-bit length encoding, one-byte backlen).
    static func listpack(_ items: [String]) -> [UInt8] {
        var body: [UInt8] = []
        for s in items {
            let entry = [0x80 | UInt8(s.utf8.count)] + Array(s.utf8)
            body += entry + [UInt8(entry.count)]
        }
        let total = 6 + body.count + 1
        return le(total, 4) + le(items.count, 2) + body + [0xff]
    }

    /// An intset of 16-bit integers, in the order given.
    static func intset(_ values: [Int]) -> [UInt8] {
        le(2, 4) + le(values.count, 4) + values.flatMap { le($0, 2) }
    }

    static func le(_ v: Int, _ bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }
}
