import Keyspace
import Protocol

/// DEBUG DIGEST / DIGEST-VALUE: Redis's dataset fingerprint (debug.c), so a
/// Vigil dataset and a Redis one holding the same data print the same digest.
extension DebugCommands {
    static func digest(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var final = [UInt8](repeating: 0, count: 20)
        for db in s.databases where db.count > 0 {
            // The db number is mixed in so the same data in another db differs.
            mixDigest(&final, bigEndian32(UInt32(db.id)))
            for i in 0..<db.dict.count {
                let key = db.dict.key(at: i)
                var d = [UInt8](repeating: 0, count: 20)
                mixDigest(&d, key.bytes)
                objectDigest(db, key, db.dict.value(at: i), &d)
                xorDigest(&final, d)
            }
        }
        c.out.simpleString(hex(final))
    }

    static func digestValue(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.arrayHeader(argv.count - 2)
        for a in argv.dropFirst(2) {
            var d = [UInt8](repeating: 0, count: 20)
            // Logically expired keys still count: a debug view of the dict.
            let key = Key(a)
            if let v = c.db.dict[key] { objectDigest(c.db, key, v, &d) }
            c.out.simpleString(hex(d))
        }
    }

    /// xorObjectDigest: the type, the value, and a marker when the key has a
    /// TTL. List elements are mixed in order; set members, hash pairs and
    /// sorted-set (member, score) pairs are combined order-independently.
    static func objectDigest(_ db: Database, _ key: Key, _ v: Value, _ d: inout [UInt8]) {
        mixDigest(&d, bigEndian32(redisTypeNumber(v)))
        switch v {
        case .string(let s):
            mixDigest(&d, s.bytes)
        case .list(let l):
            for e in l.elements { mixDigest(&d, e) }
        case .set(let set):
            set.forEachBytes { xorDigest(&d, Array($0)) }
        case .hash(let h):
            h.forEach { field, value in
                var e = [UInt8](repeating: 0, count: 20)
                mixDigest(&e, Array(field))
                mixDigest(&e, Array(value))
                xorDigest(&d, e)
            }
        case .zset(let z):
            z.forEach { member, score in
                var e = [UInt8](repeating: 0, count: 20)
                mixDigest(&e, Array(member))
                mixDigest(&e, formatDouble(score))
                xorDigest(&d, e)
            }
        case .stream(let st):
            // Entries in ID order as `ms.seq`, then each field and value; groups are not part of it.
            st.forEach(from: .zero, to: .max) { id, pairs in
                mixDigest(&d, Array("\(id.ms).\(id.seq)".utf8))
                for p in pairs { mixDigest(&d, p) }
                return true
            }
        }
        if db.expires[key] != nil { xorDigest(&d, Array("!!expire!!".utf8)) }
    }

    /// OBJ_STRING 0, OBJ_LIST 1, OBJ_SET 2, OBJ_ZSET 3, OBJ_HASH 4, OBJ_STREAM 6.
    static func redisTypeNumber(_ v: Value) -> UInt32 {
        switch v.typeName {
        case "list": return 1
        case "set": return 2
        case "zset": return 3
        case "hash": return 4
        case "stream": return 6
        default: return 0
        }
    }

    static func bigEndian32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func xorDigest(_ d: inout [UInt8], _ data: [UInt8]) {
        let h = SHA1.hash(data)
        for j in 0..<20 { d[j] ^= h[j] }
    }

    static func mixDigest(_ d: inout [UInt8], _ data: [UInt8]) {
        xorDigest(&d, data)
        d = SHA1.hash(d)
    }

    static func hex(_ b: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count * 2)
        for x in b {
            out.append(digits[Int(x >> 4)])
            out.append(digits[Int(x & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// SHA-1 (FIPS 180-1): DEBUG DIGEST's fingerprints and the scripts' sha1 names.
enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h0: UInt32 = 0x6745_2301, h1: UInt32 = 0xEFCD_AB89, h2: UInt32 = 0x98BA_DCFE
        var h3: UInt32 = 0x1032_5476, h4: UInt32 = 0xC3D2_E1F0
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for i in (0..<8).reversed() { data.append(UInt8((bitLength >> (UInt64(i) * 8)) & 0xFF)) }
        var w = [UInt32](repeating: 0, count: 80)
        var chunk = 0
        while chunk < data.count {
            for i in 0..<16 {
                let b = chunk + i * 4
                w[i] = UInt32(data[b]) << 24 | UInt32(data[b + 1]) << 16 | UInt32(data[b + 2]) << 8 | UInt32(data[b + 3])
            }
            for i in 16..<80 { w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1) }
            var a = h0, b = h1, c = h2, d = h3, e = h4
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let t = rotl(a, 5) &+ f &+ e &+ k &+ w[i]
                e = d; d = c; c = rotl(b, 30); b = a; a = t
            }
            h0 = h0 &+ a; h1 = h1 &+ b; h2 = h2 &+ c; h3 = h3 &+ d; h4 = h4 &+ e
            chunk += 64
        }
        var out: [UInt8] = []
        out.reserveCapacity(20)
        for h in [h0, h1, h2, h3, h4] {
            out.append(UInt8(h >> 24)); out.append(UInt8((h >> 16) & 0xFF))
            out.append(UInt8((h >> 8) & 0xFF)); out.append(UInt8(h & 0xFF))
        }
        return out
    }

    @inline(__always) static func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
