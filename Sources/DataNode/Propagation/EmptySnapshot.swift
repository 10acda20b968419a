import Persistence

/// The RDB a full resync sends while this node has no way to write its
/// dataset yet: an empty one, byte for byte what redis-server 7.0.15 writes
/// for an empty dataset on a master with a backlog (RDB version 10, the AUX
/// fields in 7.0's order, the 0xFF end and the CRC-64 of everything before).
/// See /work/shared/reference/rdb.md §9-11.
struct EmptySnapshot {
    var redisVersion: String
    var ctime: Int
    var usedMemory: Int
    var replStreamDb: Int
    var replId: String
    var replOffset: Int64

    var bytes: [UInt8] {
        var out = Array("REDIS0010".utf8)
        func aux(_ name: String, _ value: String) {
            out.append(0xFA)
            Self.appendString(Array(name.utf8), to: &out)
            Self.appendString(Array(value.utf8), to: &out)
        }
        aux("redis-ver", redisVersion)
        aux("redis-bits", "64")
        aux("ctime", String(ctime))
        aux("used-mem", String(usedMemory))
        aux("repl-stream-db", String(replStreamDb))
        aux("repl-id", replId)
        aux("repl-offset", String(replOffset))
        aux("aof-base", "0")
        out.append(0xFF)
        var crc = CRC64.checksum(out)
        for _ in 0..<8 {
            out.append(UInt8(crc & 0xFF))
            crc >>= 8
        }
        return out
    }

    /// rdbSaveRawString: a decimal that round-trips as an int8/16/32 is stored
    /// as that integer (0xC0/0xC1/0xC2, little-endian), anything else with a length prefix.
    static func appendString(_ s: [UInt8], to out: inout [UInt8]) {
        if s.count <= 11, let v = Int64(String(decoding: s, as: UTF8.self)), String(v).utf8.elementsEqual(s) {
            if v >= -128 && v <= 127 {
                out += [0xC0, UInt8(truncatingIfNeeded: v)]
                return
            }
            if v >= -32768 && v <= 32767 {
                out += [0xC1, UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)]
                return
            }
            if v >= Int64(Int32.min) && v <= Int64(Int32.max) {
                out.append(0xC2)
                for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
                return
            }
        }
        appendLength(s.count, to: &out)
        out += s
    }

    static func appendLength(_ n: Int, to out: inout [UInt8]) {
        if n < 64 {
            out.append(UInt8(n))
        } else if n < 16384 {
            out += [0x40 | UInt8(n >> 8), UInt8(n & 0xFF)]
        } else {
            out.append(0x80)
            for i in (0..<4).reversed() { out.append(UInt8(truncatingIfNeeded: n >> (8 * i))) }
        }
    }
}
