/// A stream entry ID: milliseconds and a sequence number, ordered as the pair.
/// Inside Redis's radix tree and PELs it is 16 bytes, both halves big-endian,
/// so byte order and ID order agree (see `bigEndianKey`).
public struct StreamID: Comparable, Hashable, Sendable {
    public var ms: UInt64
    public var seq: UInt64

    public init(ms: UInt64, seq: UInt64) {
        self.ms = ms
        self.seq = seq
    }

    public static let zero = StreamID(ms: 0, seq: 0)
    public static let max = StreamID(ms: .max, seq: .max)

    @inline(__always)
    public static func < (a: StreamID, b: StreamID) -> Bool {
        a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq
    }

    /// The next ID, nil past max-max (streamIncrID's error).
    public func incremented() -> StreamID? {
        if seq != .max { return StreamID(ms: ms, seq: seq + 1) }
        if ms != .max { return StreamID(ms: ms + 1, seq: 0) }
        return nil
    }

    /// The previous ID, nil below 0-0 (streamDecrID's error).
    public func decremented() -> StreamID? {
        if seq != 0 { return StreamID(ms: ms, seq: seq - 1) }
        if ms != 0 { return StreamID(ms: ms - 1, seq: .max) }
        return nil
    }

    /// `ms-seq`, as every reply prints it.
    public var bytes: [UInt8] {
        var out = Array(String(ms).utf8)
        out.append(UInt8(ascii: "-"))
        out.append(contentsOf: String(seq).utf8)
        return out
    }

    /// The 16-byte radix-tree key (streamEncodeID).
    public var bigEndianKey: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: ms >> (56 - 8 * UInt64(i)))
            out[8 + i] = UInt8(truncatingIfNeeded: seq >> (56 - 8 * UInt64(i)))
        }
        return out
    }
}
