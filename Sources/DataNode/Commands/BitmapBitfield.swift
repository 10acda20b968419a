import Keyspace
import Protocol

/// BITFIELD and BITFIELD_RO, as Redis 7.0's bitfieldGeneric: every
/// subcommand is parsed before anything runs, then the operations execute
/// in order against one string.
extension BitmapCommands {
    private struct FieldOp {
        enum Kind { case get, set, incrBy }
        var kind: Kind
        var offset: UInt64
        var bits: Int
        var signed: Bool
        var value: Int64
        var overflow: BitOps.OverflowMode
    }

    static func bitfield(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        bitfieldGeneric(server, client, argv, readOnly: false)
    }

    static func bitfieldRO(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        bitfieldGeneric(server, client, argv, readOnly: true)
    }

    private static let typeError =
        "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."

    /// getBitfieldTypeFromArgument: `i1`..`i64` or `u1`..`u63`.
    private static func fieldType(_ client: Client, _ arg: [UInt8]) -> (signed: Bool, bits: Int)? {
        guard let first = arg.first, first == UInt8(ascii: "i") || first == UInt8(ascii: "u") else {
            client.replyError(typeError)
            return nil
        }
        let signed = first == UInt8(ascii: "i")
        // Redis reads the width as a C string: it stops at a NUL byte.
        let digits = arg.dropFirst().prefix { $0 != 0 }
        guard let bits = parseStrictInt64(digits), bits >= 1, bits <= (signed ? 64 : 63) else {
            client.replyError(typeError)
            return nil
        }
        return (signed, Int(bits))
    }

    private static func bitfieldGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]], readOnly: Bool) {
        var ops: [FieldOp] = []
        var overflow = BitOps.OverflowMode.wrap
        var writes = false
        var highestWrite: UInt64 = 0
        var j = 2
        while j < argv.count {
            let remaining = argv.count - j - 1
            let sub = argv[j]
            let kind: FieldOp.Kind
            if argEquals(sub, "get") && remaining >= 2 {
                kind = .get
            } else if argEquals(sub, "set") && remaining >= 3 {
                kind = .set
            } else if argEquals(sub, "incrby") && remaining >= 3 {
                kind = .incrBy
            } else if argEquals(sub, "overflow") && remaining >= 1 {
                let mode = argv[j + 1]
                if argEquals(mode, "wrap") { overflow = .wrap }
                else if argEquals(mode, "sat") { overflow = .sat }
                else if argEquals(mode, "fail") { overflow = .fail }
                else {
                    client.replyError("ERR Invalid OVERFLOW type specified")
                    return
                }
                j += 2
                continue
            } else {
                client.replyError(StringReplies.syntax)
                return
            }
            guard let type = fieldType(client, argv[j + 1]) else { return }
            guard let offset = bitOffset(server, client, argv[j + 2], hash: true, bits: type.bits) else { return }
            var value: Int64 = 0
            if kind != .get {
                writes = true
                highestWrite = max(highestWrite, offset + UInt64(type.bits) - 1)
                guard let v = StringCommands.integerArgument(client, argv[j + 3]) else { return }
                value = v
            }
            ops.append(FieldOp(kind: kind, offset: offset, bits: type.bits, signed: type.signed, value: value, overflow: overflow))
            j += kind == .get ? 3 : 4
        }

        let key = Key(argv[1])
        let db = client.db
        if !writes {
            var bytes: [UInt8] = []
            if let v = db.lookupRead(key) {
                guard case .string(let s) = v else {
                    client.replyError(StringReplies.wrongType)
                    return
                }
                bytes = s.bytes
            }
            client.out.arrayHeader(ops.count)
            for op in ops { client.out.integer(readField(bytes, op)) }
            return
        }
        if readOnly {
            client.replyError("ERR BITFIELD_RO only supports the GET subcommand")
            return
        }

        // lookupStringForBitCommand: create or grow the string to the highest written bit.
        let needed = Int(highestWrite >> 3) + 1
        var grew = false
        switch StringCommands.inspectForWrite(db, key, { $0.count }) {
        case .wrongType:
            client.replyError(StringReplies.wrongType)
            return
        case .missing:
            db.add(key, .string(StringValue(bytes: [UInt8](repeating: 0, count: needed), encoding: .raw)))
            grew = true
        case .found(let len):
            grew = len < needed
        }
        client.out.arrayHeader(ops.count)
        var changes = 0
        // The bits are rewritten in place; the key counts as modified only if some op changed it.
        StringCommands.modifyStringSilently(db, key) { s in
            s.encoding = .raw
            if s.count < needed { let pad = needed - s.count; s.bytes.append(contentsOf: repeatElement(0, count: pad)) }
            s.bytes.withUnsafeMutableBufferPointer { p in
                let ro = UnsafeBufferPointer(p)
                for op in ops {
                    if op.kind == .get {
                        client.out.integer(readField(ro, op))
                        continue
                    }
                    if op.signed {
                        let old = BitOps.getSigned(ro, offset: op.offset, bits: op.bits)
                        var new: Int64, ret: Int64, over: Int
                        if op.kind == .incrBy {
                            let (o, wrapped) = BitOps.signedOverflow(old, op.value, bits: op.bits, mode: op.overflow)
                            over = o
                            new = o != 0 ? wrapped : old &+ op.value
                            ret = new
                        } else {
                            let (o, wrapped) = BitOps.signedOverflow(op.value, 0, bits: op.bits, mode: op.overflow)
                            over = o
                            new = o != 0 ? wrapped : op.value
                            ret = old
                        }
                        if over != 0 && op.overflow == .fail {
                            client.out.nullBulk()
                        } else {
                            client.out.integer(ret)
                            BitOps.setUnsigned(p, offset: op.offset, bits: op.bits, value: UInt64(bitPattern: new))
                            if grew || old != new { changes += 1 }
                        }
                    } else {
                        let old = BitOps.getUnsigned(ro, offset: op.offset, bits: op.bits)
                        var new: UInt64, ret: UInt64, over: Int
                        if op.kind == .incrBy {
                            let (o, wrapped) = BitOps.unsignedOverflow(old, op.value, bits: op.bits, mode: op.overflow)
                            over = o
                            new = o != 0 ? wrapped : old &+ UInt64(bitPattern: op.value)
                            ret = new
                        } else {
                            let (o, wrapped) = BitOps.unsignedOverflow(UInt64(bitPattern: op.value), 0, bits: op.bits, mode: op.overflow)
                            over = o
                            new = o != 0 ? wrapped : UInt64(bitPattern: op.value)
                            ret = old
                        }
                        if over != 0 && op.overflow == .fail {
                            client.out.nullBulk()
                        } else {
                            client.out.integer(Int64(bitPattern: ret))
                            BitOps.setUnsigned(p, offset: op.offset, bits: op.bits, value: new)
                            if grew || old != new { changes += 1 }
                        }
                    }
                }
            }
        }
        if changes > 0 {
            server.keyspace.onModified?(db, key)
            server.notifyKeyspaceEvent(Notify.string, "setbit", key, db: db.id)
            server.dirty += changes
        }
    }

    /// A GET: the field read from a zero-padded window of up to 9 bytes, so
    /// that reads past the end of the string see zeros.
    private static func readField(_ bytes: [UInt8], _ op: FieldOp) -> Int64 {
        bytes.withUnsafeBufferPointer { readField($0, op) }
    }

    private static func readField(_ p: UnsafeBufferPointer<UInt8>, _ op: FieldOp) -> Int64 {
        var window: (UInt64, UInt64) = (0, 0)
        let byte = op.offset >> 3
        return withUnsafeMutableBytes(of: &window) { w -> Int64 in
            var i: UInt64 = 0
            while i < 9 && byte + i < UInt64(p.count) {
                w[Int(i)] = p[Int(byte + i)]
                i += 1
            }
            let buf = UnsafeBufferPointer(w.bindMemory(to: UInt8.self))
            let local = op.offset - byte * 8
            return op.signed ? BitOps.getSigned(buf, offset: local, bits: op.bits)
                             : Int64(bitPattern: BitOps.getUnsigned(buf, offset: local, bits: op.bits))
        }
    }
}
