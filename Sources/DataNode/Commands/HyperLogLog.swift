import Keyspace
import Protocol

/// PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST over string values holding
/// Redis's HLL bytes (HyperLogLogRepr.swift).
enum HyperLogLogCommands {
    static let handlers: [String: CommandHandler] = [
        "pfadd": pfadd, "pfcount": pfcount, "pfmerge": pfmerge, "pfdebug": pfdebug, "pfselftest": pfselftest,
    ]

    /// Calls `body` with the bytes of `v` if it is a valid HLL string, else
    /// replies Redis's error (plain WRONGTYPE for other types) and returns nil.
    @inline(__always)
    static func withHLL<R>(_ client: Client, _ v: Value, _ body: ([UInt8]) -> R) -> R? {
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return nil
        }
        guard HLL.isValid(s.bytes) else {
            client.replyError(HLL.notHLL)
            return nil
        }
        return body(s.bytes)
    }

    /// Validates a looked-up value; the value is released on return, so a
    /// following in-place mutation finds the bytes uniquely held.
    static func check(_ client: Client, _ v: Value) -> Bool {
        withHLL(client, v) { _ in true } ?? false
    }

    /// Mutates a stored HLL in place without signalling: Redis's
    /// dbUnshareStringValue turns the value into a raw string silently, and
    /// only the callers that change registers signal the key.
    @inline(__always)
    static func mutate<R>(_ db: Database, _ key: Key, _ body: (inout [UInt8]) -> R) -> R? {
        db.dict.modify(key) { v -> R? in
            guard case .string(var s) = v else { return nil }
            v = .string(StringValue(bytes: [], encoding: .raw))
            let r = body(&s.bytes)
            s.encoding = .raw
            v = .string(s)
            return r
        } ?? nil
    }

    // MARK: PFADD

    static func pfadd(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        let db = client.db
        let maxBytes = server.config.hllSparseMaxBytes
        var updated = 0
        var corrupt = false
        let addAll = { (b: inout [UInt8]) in
            for j in 2..<argv.count {
                let r = HLL.add(&b, argv[j], maxBytes: maxBytes)
                if r == 1 {
                    updated += 1
                } else if r < 0 {
                    corrupt = true
                    return
                }
            }
            if updated > 0 { HLL.invalidateCache(&b) }
        }
        // The looked-up value is only checked, then released before the in-place update.
        if let valid = db.lookupWrite(key).map({ check(client, $0) }) {
            guard valid else { return }
            mutate(db, key, addAll)
            if corrupt {
                client.replyError(HLL.corrupted)
                return
            }
            if updated > 0 { db.context.onModified?(db, key) }
        } else {
            var b = HLL.empty()
            updated = 1
            addAll(&b)
            db.add(key, .string(StringValue(bytes: b, encoding: .raw)))
        }
        if updated > 0 { server.notifyKeyspaceEvent(Notify.string, "pfadd", key, db: db.id) }
        server.dirty += updated
        client.out.integer(updated > 0 ? 1 : 0)
    }

    // MARK: PFCOUNT

    static func pfcount(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        if argv.count > 2 {
            // The cardinality of the union, computed on one byte per register.
            var regs = [UInt8](repeating: 0, count: HLL.registers)
            for j in 1..<argv.count {
                guard let v = db.lookupRead(Key(argv[j])) else { continue }
                guard let ok = withHLL(client, v, { HLL.merge(into: &regs, $0) }) else { return }
                if !ok {
                    client.replyError(HLL.corrupted)
                    return
                }
            }
            var h = [Int](repeating: 0, count: 64)
            HLL.rawHistogram(regs, &h)
            client.out.integer(Int64(bitPattern: HLL.estimate(h)))
            return
        }
        let key = Key(argv[1])
        guard let valid = db.lookupRead(key).map({ check(client, $0) }) else {
            client.out.integer(0)
            return
        }
        guard valid else { return }
        var computed = false
        let card: UInt64? = mutate(db, key) { b in
            if HLL.isCacheValid(b) { return HLL.cachedCardinality(b) }
            guard let c = HLL.count(b) else { return nil }
            HLL.setCachedCardinality(&b, c)
            computed = true
            return c
        } ?? nil
        guard let card else {
            client.replyError(HLL.corrupted)
            return
        }
        if computed {
            // Writing the cache changes the string: Redis signals and propagates it.
            db.context.onModified?(db, key)
            server.dirty += 1
        }
        client.out.integer(Int64(bitPattern: card))
    }

    // MARK: PFMERGE

    static func pfmerge(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        var regs = [UInt8](repeating: 0, count: HLL.registers)
        var useDense = false
        // The destination is a source too (argv[1]).
        for j in 1..<argv.count {
            guard let v = db.lookupRead(Key(argv[j])) else { continue }
            let ok = withHLL(client, v) { b -> Bool in
                if b[4] == HLL.dense { useDense = true }
                return HLL.merge(into: &regs, b)
            }
            guard let ok else { return }
            if !ok {
                client.replyError(HLL.corrupted)
                return
            }
        }
        let key = Key(argv[1])
        if db.lookupWrite(key) == nil {
            db.add(key, .string(StringValue(bytes: HLL.empty(), encoding: .raw)))
        }
        let maxBytes = server.config.hllSparseMaxBytes
        let ok = mutate(db, key) { b -> Bool in
            if useDense && !HLL.toDense(&b) { return false }
            for j in 0..<HLL.registers where regs[j] != 0 {
                if b[4] == HLL.dense {
                    _ = HLL.denseRaise(&b, j, regs[j])
                } else {
                    _ = HLL.sparseRaise(&b, j, regs[j], maxBytes: maxBytes)
                }
            }
            HLL.invalidateCache(&b)
            return true
        } ?? false
        guard ok else {
            client.replyError(HLL.corrupted)
            return
        }
        db.context.onModified?(db, key)
        server.notifyKeyspaceEvent(Notify.string, "pfadd", key, db: db.id)
        server.dirty += 1
        client.out.ok()
    }

    // MARK: PFDEBUG

    static func pfdebug(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        let key = Key(argv[2])
        guard let valid = db.lookupWrite(key).map({ check(client, $0) }) else {
            client.replyError("ERR The specified key does not exist")
            return
        }
        guard valid else { return }
        let sub = argv[1]
        mutate(db, key) { b in
            if argEquals(sub, "getreg") {
                if b[4] == HLL.sparse {
                    guard HLL.toDense(&b) else {
                        client.replyError(HLL.corrupted)
                        return
                    }
                    server.dirty += 1
                }
                client.out.arrayHeader(HLL.registers)
                b.withUnsafeBufferPointer { buf in
                    let r = buf.baseAddress! + HLL.headerSize
                    for j in 0..<HLL.registers { client.out.integer(Int64(HLL.denseGet(r, j))) }
                }
            } else if argEquals(sub, "decode") {
                guard b[4] == HLL.sparse else {
                    client.replyError("ERR HLL encoding is not sparse")
                    return
                }
                client.out.bulk(decode(b))
            } else if argEquals(sub, "encoding") {
                client.out.simpleString(b[4] == HLL.dense ? "dense" : "sparse")
            } else if argEquals(sub, "todense") {
                var converted = false
                if b[4] == HLL.sparse {
                    guard HLL.toDense(&b) else {
                        client.replyError(HLL.corrupted)
                        return
                    }
                    converted = true
                    server.dirty += 1
                }
                client.out.integer(converted ? 1 : 0)
            } else {
                // Redis formats the name with %s: it ends at a NUL byte.
                let name = String(decoding: sub.prefix { $0 != 0 }, as: UTF8.self)
                client.replyError("ERR Unknown PFDEBUG subcommand '\(name)'")
            }
        }
    }

    /// PFDEBUG DECODE's text: "Z:n" (XZERO), "z:n" (ZERO), "v:value,len" (VAL).
    static func decode(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var p = HLL.headerSize
        while p < b.count {
            let op = b[p]
            if HLL.isZero(op) {
                out += Array("z:\(HLL.zeroLen(op)) ".utf8)
                p += 1
            } else if HLL.isXZero(op) {
                out += Array("Z:\(HLL.xzeroLen(op, HLL.at(b, p + 1))) ".utf8)
                p += 2
            } else {
                out += Array("v:\(HLL.valValue(op)),\(HLL.valLen(op)) ".utf8)
                p += 1
            }
        }
        while out.last == 0x20 { out.removeLast() }
        return out
    }
}
