import Keyspace
import Protocol

/// Handlers of this group, by full command name.
enum BitmapCommands {
    static let handlers: [String: CommandHandler] = [
        "setbit": setbit, "getbit": getbit, "bitcount": bitcount, "bitpos": bitpos, "bitop": bitop,
        "bitfield": bitfield, "bitfield_ro": bitfieldRO,
    ]

    static func setbit(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let offset = bitOffset(server, client, argv[2]) else { return }
        let bitErr = "ERR bit is not an integer or out of range"
        guard let on = parseStrictInt64(argv[3]) else {
            client.replyError(bitErr)
            return
        }
        if on & ~1 != 0 {
            client.replyError(bitErr)
            return
        }
        let key = Key(argv[1])
        let db = client.db
        let byte = Int(offset >> 3)
        let shift = 7 - UInt8(offset & 7)
        let mask: UInt8 = 1 << shift
        let setBit = UInt8(on) << shift
        let current = StringCommands.inspectForWrite(db, key) { s -> (old: Int, grows: Bool, raw: Bool) in
            let grows = byte >= s.count
            let old = grows ? 0 : Int((s.bytes[byte] & mask) >> shift)
            return (old, grows, s.encoding == .raw)
        }
        switch current {
        case .wrongType:
            client.replyError(StringReplies.wrongType)
        case .missing:
            var bytes = [UInt8](repeating: 0, count: byte + 1)
            bytes[byte] = setBit
            db.add(key, .string(StringValue(bytes: bytes, encoding: .raw)))
            server.notifyKeyspaceEvent(Notify.string, "setbit", key, db: db.id)
            server.dirty += 1
            client.out.integer(0)
        case .found(let c):
            if c.grows || c.old != Int(on) {
                StringCommands.modifyString(db, key) { s in
                    if s.count <= byte { let pad = byte + 1 - s.count; s.bytes.append(contentsOf: repeatElement(0, count: pad)) }
                    s.bytes[byte] = (s.bytes[byte] & ~mask) | setBit
                    s.encoding = .raw
                }
                server.notifyKeyspaceEvent(Notify.string, "setbit", key, db: db.id)
                server.dirty += 1
            } else if !c.raw {
                // Nothing changes but Redis still unshares the value into a raw string.
                StringCommands.modifyStringSilently(db, key) { $0.encoding = .raw }
            }
            client.out.integer(c.old)
        }
    }

    static func getbit(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let offset = bitOffset(server, client, argv[2]) else { return }
        guard let v = client.db.lookupRead(Key(argv[1])) else {
            client.out.integer(0)
            return
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return
        }
        let byte = Int(offset >> 3)
        var bit = 0
        if byte < s.count { bit = Int((s.bytes[byte] >> (7 - UInt8(offset & 7))) & 1) }
        client.out.integer(bit)
    }

    /// Parses BYTE|BIT; nil after a syntax error.
    private static func rangeUnit(_ client: Client, _ arg: [UInt8]) -> Bool? {
        if argEquals(arg, "bit") { return true }
        if argEquals(arg, "byte") { return false }
        client.replyError(StringReplies.syntax)
        return nil
    }

    /// The range of BITCOUNT and BITPOS over a string of `length` bytes:
    /// negative ends count from the end, both ends are clamped into the
    /// string; a BIT range becomes the bytes holding it, and the returned
    /// masks cover the bits of its edge bytes that lie outside it.
    private static func clampRange(_ start: inout Int64, _ end: inout Int64, length: Int64, isBit: Bool)
        -> (firstMask: UInt8, lastMask: UInt8)
    {
        let total = isBit ? length << 3 : length
        if start < 0 { start = total &+ start }
        if end < 0 { end = total &+ end }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= total { end = total - 1 }
        guard isBit && start <= end else { return (0, 0) }
        let firstMask = ~UInt8(truncatingIfNeeded: (1 << (8 - (start & 7))) - 1)
        let lastMask = UInt8(truncatingIfNeeded: (1 << (7 - (end & 7))) - 1)
        start >>= 3
        end >>= 3
        return (firstMask, lastMask)
    }

    static func bitcount(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        // Redis 7.0 looks the key up before parsing the range: a missing key answers 0 whatever follows.
        guard let v = client.db.lookupRead(Key(argv[1])) else {
            client.out.integer(0)
            return
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return
        }
        let strlen = Int64(s.count)
        var start: Int64, end: Int64
        var firstMask: UInt8 = 0, lastMask: UInt8 = 0
        if argv.count == 4 || argv.count == 5 {
            guard let s0 = StringCommands.integerArgument(client, argv[2]),
                  let e0 = StringCommands.integerArgument(client, argv[3]) else { return }
            start = s0; end = e0
            // 7.0.15 answers an empty negative range before it looks at the unit word.
            if start < 0 && end < 0 && start > end {
                client.out.integer(0)
                return
            }
            var isBit = false
            if argv.count == 5 {
                guard let u = rangeUnit(client, argv[4]) else { return }
                isBit = u
            }
            (firstMask, lastMask) = clampRange(&start, &end, length: strlen, isBit: isBit)
        } else if argv.count == 2 {
            start = 0
            end = strlen - 1
        } else {
            client.replyError(StringReplies.syntax)
            return
        }
        if start > end {
            client.out.integer(0)
            return
        }
        let count = s.bytes.withUnsafeBufferPointer { p -> Int in
            var n = BitOps.popcount(p, from: Int(start), through: Int(end))
            n -= (p[Int(start)] & firstMask).nonzeroBitCount
            n -= (p[Int(end)] & lastMask).nonzeroBitCount
            return n
        }
        client.out.integer(count)
    }

    static func bitpos(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let bitArg = StringCommands.integerArgument(client, argv[2]) else { return }
        if bitArg != 0 && bitArg != 1 {
            client.replyError("ERR The bit argument must be 1 or 0.")
            return
        }
        let bit = Int(bitArg)
        // A missing key is an infinite run of zeros.
        guard let v = client.db.lookupRead(Key(argv[1])) else {
            client.out.integer(bit == 1 ? -1 : 0)
            return
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return
        }
        let strlen = Int64(s.count)
        var start: Int64, end: Int64
        var endGiven = false
        var firstMask: UInt8 = 0, lastMask: UInt8 = 0
        if argv.count >= 4 && argv.count <= 6 {
            guard let s0 = StringCommands.integerArgument(client, argv[3]) else { return }
            start = s0
            var isBit = false
            if argv.count == 6 {
                guard let u = rangeUnit(client, argv[5]) else { return }
                isBit = u
            }
            if argv.count >= 5 {
                guard let e0 = StringCommands.integerArgument(client, argv[4]) else { return }
                end = e0
                endGiven = true
            } else {
                end = strlen - 1
            }
            (firstMask, lastMask) = clampRange(&start, &end, length: strlen, isBit: isBit)
        } else if argv.count == 3 {
            start = 0
            end = strlen - 1
        } else {
            client.replyError(StringReplies.syntax)
            return
        }
        if start > end {
            client.out.integer(-1)
            return
        }
        var bytes = end - start + 1
        let pos: Int64 = s.bytes.withUnsafeBufferPointer { p -> Int64 in
            // The edge bytes are searched apart, with their out-of-range bits
            // forced to the value not searched for, as Redis does.
            if firstMask != 0 {
                var b = bit == 1 ? p[Int(start)] & ~firstMask : p[Int(start)] | firstMask
                if lastMask != 0 && bytes == 1 {
                    b = bit == 1 ? b & ~lastMask : b | lastMask
                }
                let r = BitOps.firstBit(inByte: b, bit: bit)
                if bytes == 1 || (r != -1 && r != 8) { return r }
                start += 1
                bytes -= 1
            }
            let middle = bytes - (lastMask != 0 ? 1 : 0)
            if middle > 0 {
                let r = BitOps.firstBit(p, from: Int(start), count: Int(middle), bit: bit)
                if bytes == middle || (r != -1 && r != middle << 3) { return r }
                start += middle
                bytes -= middle
            }
            let b = bit == 1 ? p[Int(end)] & ~lastMask : p[Int(end)] | lastMask
            return BitOps.firstBit(inByte: b, bit: bit)
        }
        // With an explicit end, running past the range while looking for a 0 finds nothing.
        if endGiven && bit == 0 && pos == bytes << 3 {
            client.out.integer(-1)
            return
        }
        client.out.integer(pos != -1 ? pos + (start << 3) : pos)
    }

    static func bitop(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        enum Op { case and, or, xor, not }
        let name = argv[1]
        let op: Op
        if argEquals(name, "and") { op = .and }
        else if argEquals(name, "or") { op = .or }
        else if argEquals(name, "xor") { op = .xor }
        else if argEquals(name, "not") { op = .not }
        else {
            client.replyError(StringReplies.syntax)
            return
        }
        if op == .not && argv.count != 4 {
            client.replyError("ERR BITOP NOT must be called with a single source key.")
            return
        }
        let db = client.db
        var sources: [[UInt8]] = []
        sources.reserveCapacity(argv.count - 3)
        var maxLen = 0
        for j in 3..<argv.count {
            guard let v = db.lookupRead(Key(argv[j])) else {
                sources.append([])
                continue
            }
            guard case .string(let s) = v else {
                client.replyError(StringReplies.wrongType)
                return
            }
            sources.append(s.bytes)
            maxLen = max(maxLen, s.count)
        }
        let target = Key(argv[2])
        if maxLen == 0 {
            if db.delete(target) {
                server.notifyKeyspaceEvent(Notify.generic, "del", target, db: db.id)
                server.dirty += 1
            }
            client.out.integer(0)
            return
        }
        var res = [UInt8](repeating: 0, count: maxLen)
        res.withUnsafeMutableBufferPointer { out in
            // First source copied (or negated), then the others folded in; short sources count as zeros.
            let first = sources[0]
            first.withUnsafeBufferPointer { src in
                for i in 0..<src.count { out[i] = src[i] }
            }
            if op == .not {
                for i in 0..<maxLen { out[i] = ~out[i] }
                return
            }
            for k in 1..<sources.count {
                sources[k].withUnsafeBufferPointer { src in
                    switch op {
                    case .and:
                        for i in 0..<src.count { out[i] &= src[i] }
                        for i in src.count..<maxLen { out[i] = 0 }
                    case .or:
                        for i in 0..<src.count { out[i] |= src[i] }
                    case .xor:
                        for i in 0..<src.count { out[i] ^= src[i] }
                    case .not:
                        break
                    }
                }
            }
        }
        StringCommands.expireBeforeOverwrite(db, target)
        db.setKey(target, .string(StringValue(bytes: res, encoding: .raw)))
        server.notifyKeyspaceEvent(Notify.string, "set", target, db: db.id)
        server.dirty += 1
        client.out.integer(maxLen)
    }
}

/// Bit offsets as arguments, as Redis's bitops.c.
extension BitmapCommands {
    static let offsetError = "ERR bit offset is not an integer or out of range"

    /// getBitOffsetFromArgument: a bit offset below proto-max-bulk-len bytes.
    /// With `hash`, `#N` means N * `bits` (BITFIELD's type-sized offsets).
    static func bitOffset(_ server: Server, _ client: Client, _ arg: [UInt8], hash: Bool = false, bits: Int = 0) -> UInt64? {
        let useHash = hash && bits > 0 && arg.first == UInt8(ascii: "#")
        guard var v = useHash ? parseStrictInt64(arg.dropFirst()) : parseStrictInt64(arg) else {
            client.replyError(offsetError)
            return nil
        }
        // Redis multiplies in 64-bit and lets it wrap: an overflow turns negative and is refused.
        if useHash { v = v &* Int64(bits) }
        if v < 0 || (!client.mustObey && (v >> 3) >= Int64(server.config.protoMaxBulkLen)) {
            client.replyError(offsetError)
            return nil
        }
        return UInt64(v)
    }
}
