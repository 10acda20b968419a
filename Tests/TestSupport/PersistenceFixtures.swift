import Keyspace
import Persistence
import Protocol
import XCTest

/// Databases holding every type in every encoding (small and large, with
/// expiries, two databases), and a canonical text of a value to compare
/// what a file or a real server holds with what was written.
public enum PersistenceFixtures {
    public static func databases() -> [Database] {
        let ctx = KeyspaceContext()
        let db0 = Database(id: 0, context: ctx)
        let db3 = Database(id: 3, context: ctx)
        func put(_ db: Database, _ k: String, _ v: Value, expire: Int64? = nil) {
            db.add(Key(k), v)
            if let e = expire { db.setExpire(Key(k), at: e) }
        }
        for (k, s) in [("s-int8", "12"), ("s-int16", "-3000"), ("s-int32", "2000000000"), ("s-bigint", "123456789012"),
                       ("s-short", "hello"), ("s-empty", ""), ("s-lzf", String(repeating: "abcdefgh", count: 40)),
                       ("s-incompressible", "qwertyuiopasdfghjklzxcvbnm1234567890")] {
            put(db0, k, .string(StringValue(Array(s.utf8))))
        }
        put(db0, "s-expiring", .string(StringValue(Array("v".utf8))), expire: 4_102_444_800_000)
        put(db0, "l-small", .list(ListValue(["a", "1", "-5000", "b", "70000", "9999999999"].map { Array($0.utf8) })))
        put(db0, "l-big", .list(ListValue((0..<5000).map { Array("element-\($0)".utf8) })))
        put(db0, "l-wide", .list(ListValue([Array(repeating: 0x61, count: 10000), Array("x".utf8)])))
        let intset = SetValue()
        for v in [-3, 1, 5, 100000] { intset.add(Array(String(v).utf8), maxIntsetEntries: 512) }
        put(db0, "set-intset", .set(intset))
        let strs = SetValue(kind: .strings)
        for v in ["a", "b", "c", "12"] { strs.add(Array(v.utf8), maxIntsetEntries: 512) }
        put(db0, "set-strings", .set(strs))
        let bigset = SetValue(kind: .strings)
        for i in 0..<600 { bigset.add(Array("member:\(i)".utf8), maxIntsetEntries: 512) }
        put(db0, "set-table", .set(bigset))
        let bigints = SetValue()
        for i in 0..<700 { bigints.add(Array(String(i * 3).utf8), maxIntsetEntries: 512) }
        put(db0, "set-manyints", .set(bigints))
        let h = HashValue()
        for (f, v) in [("f1", "v1"), ("n", "42"), ("neg", "-77777")] { h.set(Array(f.utf8), Array(v.utf8), maxEntries: 512, maxValue: 64) }
        put(db0, "h-listpack", .hash(h), expire: 4_102_444_800_123)
        let hb = HashValue()
        for i in 0..<600 { hb.set(Array("field:\(i)".utf8), Array("value:\(i)".utf8), maxEntries: 512, maxValue: 64) }
        put(db3, "h-table", .hash(hb))
        let hl = HashValue()
        hl.set(Array("f".utf8), Array(repeating: 0x7A, count: 100), maxEntries: 512, maxValue: 64)
        put(db3, "h-longvalue", .hash(hl))
        let limits = ZsetLimits(maxEntries: 128, maxValue: 64)
        let z = SortedSetValue()
        for (m, s) in [("a", 1.0), ("b", 1.5), ("c", -2.0), ("d", 0.1), ("e", Double.infinity), ("f", -Double.infinity), ("g", 1e17)] {
            _ = z.add(Array(m.utf8), score: s, flags: [], limits: limits)
        }
        put(db3, "z-listpack", .zset(z))
        let zb = SortedSetValue()
        for i in 0..<400 { _ = zb.add(Array("m\(i)".utf8), score: Double(i) * 0.5, flags: [], limits: limits) }
        put(db3, "z-skiplist", .zset(zb))
        addStreams(db0, db3)
        return [db0, db3]
    }

    /// A canonical text of a value (collections sorted where order is not part of the value).
    public static func describe(_ v: Value) -> String {
        func s(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
        switch v {
        case .string(let x): return "string:" + s(x.bytes)
        case .list(let l): return "list:" + l.elements.map(s).joined(separator: ",")
        case .set(let x): return "set:" + x.members.map(s).sorted().joined(separator: ",")
        case .hash(let h): return "hash:" + h.pairs.map { s($0.0) + "=" + s($0.1) }.sorted().joined(separator: ",")
        case .zset(let z): return "zset:" + z.entries.map { s($0.member) + "=" + String($0.score) }.joined(separator: ",")
        case .stream(let st): return StreamFixtures.describe(st)
        }
    }

    public static func assertSame(_ loaded: [RDBLoadedKey], _ dbs: [Database], file: StaticString = #filePath, line: UInt = #line) {
        var expected: [String: (String, String, Int64?)] = [:]
        for db in dbs {
            for i in 0..<db.dict.count {
                let k = db.dict.key(at: i)
                let v = db.dict.value(at: i)
                expected["\(db.id)/\(k.string)"] = (describe(v), v.encodingName, db.expires[k])
            }
        }
        var got: [String: (String, String, Int64?)] = [:]
        for k in loaded { got["\(k.db)/\(k.key.string)"] = (describe(k.value), k.value.encodingName, k.meta.expireAtMs) }
        XCTAssertEqual(Set(got.keys), Set(expected.keys), file: file, line: line)
        for (k, e) in expected {
            guard let g = got[k] else { continue }
            XCTAssertEqual(g.0, e.0, k, file: file, line: line)
            XCTAssertEqual(g.1, e.1, "encoding of \(k)", file: file, line: line)
            XCTAssertEqual(g.2, e.2, "expire of \(k)", file: file, line: line)
        }
    }
}

extension PersistenceFixtures {
    /// The commands that build the same databases in a real server, in the
    /// same insertion order (so listpacks come out byte for byte the same).
    public static func commands(_ dbs: [Database]) -> [[[UInt8]]] {
        var out: [[[UInt8]]] = []
        for db in dbs {
            out.append([Array("SELECT".utf8), Array(String(db.id).utf8)])
            for i in 0..<db.dict.count {
                let k = db.dict.key(at: i).bytes
                switch db.dict.value(at: i) {
                case .string(let s): out.append([Array("SET".utf8), k, s.bytes])
                case .list(let l):
                    for chunk in stride(from: 0, to: l.count, by: 500) {
                        out.append([Array("RPUSH".utf8), k] + Array(l.elements[chunk..<min(l.count, chunk + 500)]))
                    }
                case .set(let s): out.append([Array("SADD".utf8), k] + s.members)
                case .hash(let h): out.append([Array("HSET".utf8), k] + h.pairs.flatMap { [$0.0, $0.1] })
                case .zset(let z):
                    out.append([Array("ZADD".utf8), k] + z.entries.flatMap { [formatScore($0.score), $0.member] })
                case .stream(let st): out += StreamFixtures.commands(key: k, st)
                }
                if let e = db.expires[db.dict.key(at: i)] {
                    out.append([Array("PEXPIREAT".utf8), k, Array(String(e).utf8)])
                }
            }
        }
        return out
    }

    /// `describe` for the text of replies: TYPE and the read command's elements.
    public static func describe(type: String, elements: [[UInt8]]) -> String {
        func s(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
        switch type {
        case "string": return "string:" + s(elements.first ?? [])
        case "list": return "list:" + elements.map(s).joined(separator: ",")
        case "set": return "set:" + elements.map(s).sorted().joined(separator: ",")
        case "hash":
            return "hash:" + stride(from: 0, to: elements.count, by: 2).map { s(elements[$0]) + "=" + s(elements[$0 + 1]) }
                .sorted().joined(separator: ",")
        case "zset":
            return "zset:" + stride(from: 0, to: elements.count, by: 2).map {
                s(elements[$0]) + "=" + String(Double(s(elements[$0 + 1])) ?? .nan)
            }.joined(separator: ",")
        default: return type
        }
    }

    /// The read command that returns a key's whole value for `describe(type:elements:)`.
    public static func readCommand(type: String, key: [UInt8]) -> [[UInt8]] {
        switch type {
        case "string": return [Array("GET".utf8), key]
        case "list": return [Array("LRANGE".utf8), key, Array("0".utf8), Array("-1".utf8)]
        case "set": return [Array("SMEMBERS".utf8), key]
        case "hash": return [Array("HGETALL".utf8), key]
        default: return [Array("ZRANGE".utf8), key, Array("0".utf8), Array("-1".utf8), Array("WITHSCORES".utf8)]
        }
    }
}

extension PersistenceFixtures {
    /// Streams: one small node with a tombstone and a group; several nodes
    /// with tombstones (the first and the last entry among them), two groups
    /// and consumers; entries too wide to share a node; an empty stream with
    /// groups; a stream whose entries were all deleted.
    static func addStreams(_ db0: Database, _ db3: Database) {
        typealias F = StreamFixtures
        let t: Int64 = 1_700_000_000_000
        db0.add(Key("x-small"), .stream(F.stream(
            [("1-1", ["a", "1", "b", "hello"]), ("1-2", ["a", "2", "b", "x"]), ("2-0", ["c", "3"])], deleting: ["1-2"],
            groups: [F.Group("g", lastID: "1-1", entriesRead: -1,
                             consumers: [F.Consumer("alice", seenTime: t, pending: [F.Pending("1-1", time: t, count: 1)])])])))
        var many: [(String, [String])] = []
        for i in 0..<250 {
            var f = ["name", "user-\(i)", "n", String(i)]
            if i % 7 == 3 { f += ["extra", String(repeating: "e", count: i % 70)] }
            many.append(("\(1000 + i)-\(i % 3)", f))
        }
        db0.add(Key("x-multinode"), .stream(F.stream(many, deleting: ["1000-0", "1005-2"] + (150..<160).map { "\(1000 + $0)-\($0 % 3)" } + ["1249-0"],
            groups: [F.Group("g1", lastID: "1100-1", entriesRead: 99, consumers: [
                        F.Consumer("c1", seenTime: t + 5, pending: [F.Pending("1001-1", time: t, count: 1), F.Pending("1002-2", time: t + 1, count: 2)]),
                        F.Consumer("c2", seenTime: t + 7, pending: [F.Pending("1050-2", time: t + 2, count: 70)]),
                        F.Consumer("c3-idle", seenTime: t, pending: [])]),
                     F.Group("g0", lastID: "0-0", entriesRead: 0)])))
        let wide = (0..<3).map { ("\(7 + $0)-0", ["blob", String(repeating: "wide-\($0)-", count: 600)]) }
        db3.add(Key("x-wide"), .stream(F.stream(wide)))
        db3.add(Key("x-empty-groups"), .stream(F.emptyWithGroups([
            F.Group("readers", lastID: "0-0", entriesRead: 0, consumers: [F.Consumer("idle", seenTime: t, pending: [])]),
            F.Group("another", lastID: "0-0", entriesRead: 0)])))
        db3.add(Key("x-emptied"), .stream(F.stream([("5-0", ["k", "v"]), ("6-0", ["k", "w"])], deleting: ["5-0", "6-0"],
            groups: [F.Group("g", lastID: "6-0", entriesRead: 2)])))
    }
}

extension PersistenceFixtures {
    /// A key's value as `describe` prints it, read from a server through `call`
    /// (streams by XRANGE and XINFO STREAM FULL, the rest by their read command).
    public static func describe(key: [UInt8], type: String, call: ([[UInt8]]) throws -> RESPValue) rethrows -> String {
        if type == "stream" {
            let (xrange, info) = StreamFixtures.readCommands(key)
            return StreamFixtures.describe(xrange: try call(xrange), info: try call(info))
        }
        let reply = try call(readCommand(type: type, key: key))
        let elements = reply.elements?.compactMap { $0.bytes } ?? [reply.bytes ?? []]
        return describe(type: type, elements: elements)
    }
}
