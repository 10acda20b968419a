import Glibc
import Keyspace
import Protocol

/// INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT.
extension StringCommands {
    static func incr(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        incrDecr(server, client, argv[1], by: 1)
    }

    static func decr(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        incrDecr(server, client, argv[1], by: -1)
    }

    static func incrby(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let n = integerArgument(client, argv[2]) else { return }
        incrDecr(server, client, argv[1], by: n)
    }

    static func decrby(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let n = integerArgument(client, argv[2]) else { return }
        if n == Int64.min {
            client.replyError("ERR decrement would overflow")
            return
        }
        incrDecr(server, client, argv[1], by: -n)
    }

    /// The current value as an integer, or nil when the bytes are not one.
    private enum Current {
        case missing, wrongType, notInteger
        case value(Int64)
    }

    /// Reads without keeping a reference to the bytes (see inspectForWrite).
    @inline(__always)
    private static func currentInteger(_ db: Database, _ key: Key) -> Current {
        switch inspectForWrite(db, key, { s in s.withUnsafeBytes { parseStrictInt64($0) } }) {
        case .missing: return .missing
        case .wrongType: return .wrongType
        case .found(let v): return v.map { .value($0) } ?? .notInteger
        }
    }

    static func incrDecr(_ server: Server, _ client: Client, _ keyBytes: [UInt8], by incr: Int64) {
        let key = Key(keyBytes)
        let db = client.db
        let old: Int64
        switch currentInteger(db, key) {
        case .wrongType:
            client.replyError(StringReplies.wrongType)
            return
        case .notInteger:
            client.replyError(StringReplies.notInteger)
            return
        case .missing:
            db.add(key, .string(StringValue(integer: incr)))
            server.notifyKeyspaceEvent(Notify.string, "incrby", key, db: db.id)
            server.dirty += 1
            client.out.integer(incr)
            return
        case .value(let v):
            old = v
        }
        let (value, overflow) = old.addingReportingOverflow(incr)
        if overflow {
            client.replyError("ERR increment or decrement would overflow")
            return
        }
        // The TTL stays. Redis rewrites a private integer in place only when
        // the result is not a shared one (0..<10000); otherwise the key gets
        // the shared object, so a COPY's private integer becomes shared again.
        modifyString(db, key) { s in s = StringValue(integer: value) }
        server.notifyKeyspaceEvent(Notify.string, "incrby", key, db: db.id)
        server.dirty += 1
        client.out.integer(value)
    }

    static func incrbyfloat(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        let db = client.db
        var value: Float80 = 0
        var exists = false
        switch inspectForWrite(db, key, { parseLongDouble($0.bytes) }) {
        case .wrongType:
            client.replyError(StringReplies.wrongType)
            return
        case .missing:
            break
        case .found(let v):
            guard let v else {
                client.replyError(StringReplies.notFloat)
                return
            }
            value = v
            exists = true
        }
        guard let incr = parseLongDouble(argv[2]) else {
            client.replyError(StringReplies.notFloat)
            return
        }
        value += incr
        if value.isNaN || value.isInfinite {
            client.replyError("ERR increment would produce NaN or Infinity")
            return
        }
        let text = formatLongDoubleHuman(value)
        let stored = Value.string(StringValue(bytes: text, encoding: plainEncoding(text.count)))
        if exists { db.overwrite(key, stored) } else { db.add(key, stored) }
        server.notifyKeyspaceEvent(Notify.string, "incrbyfloat", key, db: db.id)
        server.dirty += 1
        client.out.bulk(text)
    }
}

extension StringCommands {
    /// Redis's string2ld: strtold over the whole argument, no leading space, no
    /// NaN, and no overflow or underflow to zero. Longer than 5 KiB is refused.
    static func parseLongDouble(_ bytes: [UInt8]) -> Float80? {
        if bytes.isEmpty || bytes.count >= 5 * 1024 { return nil }
        // isspace in the C locale.
        switch bytes[0] {
        case 32, 9, 10, 11, 12, 13: return nil
        default: break
        }
        var buf = [CChar](repeating: 0, count: bytes.count + 1)
        for i in 0..<bytes.count { buf[i] = CChar(bitPattern: bytes[i]) }
        return buf.withUnsafeMutableBufferPointer { p -> Float80? in
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtold(p.baseAddress!, &end)
            let range = errno == ERANGE
            guard let end, end - p.baseAddress! == bytes.count else { return nil }
            if range && (v.isInfinite || v == 0) { return nil }
            if errno == EINVAL || v.isNaN { return nil }
            return v
        }
    }

    /// Redis's ld2string in human mode: `%.17Lf`, trailing zeros (and a bare
    /// point) dropped, "-0" printed as "0".
    static func formatLongDoubleHuman(_ v: Float80) -> [UInt8] {
        // The largest long double has 4933 integer digits.
        var buf = [CChar](repeating: 0, count: 5 * 1024)
        let n = Int(withVaList([v]) { vsnprintf(&buf, buf.count, "%.17Lf", $0) })
        var l = min(n, buf.count - 1)
        var out = [UInt8](repeating: 0, count: l)
        for i in 0..<l { out[i] = UInt8(bitPattern: buf[i]) }
        if out.contains(UInt8(ascii: ".")) {
            while l > 0 && out[l - 1] == UInt8(ascii: "0") { l -= 1 }
            if l > 0 && out[l - 1] == UInt8(ascii: ".") { l -= 1 }
            out.removeSubrange(l...)
        }
        if out == [UInt8(ascii: "-"), UInt8(ascii: "0")] { return [UInt8(ascii: "0")] }
        return out
    }
}
