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
        var out: [UInt8] = []
        out.reserveCapacity(24)
        Self.appendDecimal(ms, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendDecimal(seq, to: &out)
        return out
    }

    @inline(__always)
    static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 {
            out.append(48 + UInt8(v))
            return
        }
        let start = out.count
        var x = v
        while x > 0 {
            out.append(48 + UInt8(x % 10))
            x /= 10
        }
        out[start...].reverse()
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
