import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class CommandIntrospectionTests: XCTestCase {
    // MARK: helpers

    /// Every command of the 7.0 reference as a Command (containers with
    /// their subcommands), whether implemented or not.
    static func allCommands() -> [String: Command] {
        let specs = CommandSpec.redis70
        var out: [String: Command] = [:]
        // Sentinel-only commands (SENTINEL) are unknown to a data node.
        for spec in specs where spec.container.isEmpty && !spec.flags.contains("only_sentinel") {
            let parent = Command(spec: spec, handler: nil)
            for sub in specs where sub.container == spec.name {
                let c = Command(spec: sub, handler: nil)
                c.parent = parent
                parent.subcommands[sub.subcommandName] = c
            }
            out[spec.name] = parent
        }
        return out
    }

    static func decode(_ b: [UInt8]) -> RESPValue {
        (try? ReplyParser().parse(b))??.0 ?? .null
    }

    static func str(_ v: RESPValue) -> String {
        switch v {
        case .bulkString(let b?), .simpleString(let b): return String(decoding: b, as: UTF8.self)
        default: return ""
        }
    }

    /// Sorts subcommands by name (Redis lists them in hash order).
    static func normalizeInfo(_ v: RESPValue) -> RESPValue {
        guard case .array(var e?) = v, e.count == 10 else { return v }
        if case .array(let subs?) = e[9] {
            e[9] = .array(subs.map(normalizeInfo).sorted { str(elements($0).first ?? .null) < str(elements($1).first ?? .null) })
        }
        return .array(e)
    }

    static func elements(_ v: RESPValue) -> [RESPValue] {
        if case .array(let a?) = v { return a }
        return []
    }

    // MARK: local behaviour

    func testCountAndAllListOnlyImplementedCommands() throws {
        let h = try Harness()
        let n = h.server.commands.commands.count
        XCTAssertEqual(h.call("COMMAND", "COUNT"), .integer(Int64(n)))
        XCTAssertEqual(Self.elements(h.call("COMMAND")).count, n)
        XCTAssertEqual(Self.elements(h.call("COMMAND", "INFO")).count, n)
        let listed = Self.elements(h.call("COMMAND", "LIST")).map(Self.str)
        XCTAssertEqual(listed.count, h.server.commands.all.count)
        XCTAssertTrue(listed.contains("config|get"))
        XCTAssertEqual(h.rawString("COMMAND", "INFO", "nosuchcommand"), "*1\r\n$-1\r\n")
    }

    func testInfoEntryShape() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("COMMAND", "INFO", "get"),
                       "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n")
        h.client.proto = 3
        XCTAssertEqual(h.rawString("COMMAND", "INFO", "get"),
                       "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n")
        XCTAssertEqual(h.rawString("COMMAND", "INFO", "Config|Get"),
                       "*1\r\n*10\r\n$10\r\nconfig|get\r\n:-3\r\n~4\r\n+admin\r\n+noscript\r\n+loading\r\n+stale\r\n:0\r\n:0\r\n:0\r\n~3\r\n+@admin\r\n+@slow\r\n+@dangerous\r\n~0\r\n~0\r\n~0\r\n")
    }

    func testListFilters() throws {
        let h = try Harness()
        XCTAssertEqual(Self.elements(h.call("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONF*")).map(Self.str),
                       ["config", "config|get", "config|help", "config|resetstat", "config|rewrite", "config|set"])
        let keyspace = Self.elements(h.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "KEYSPACE")).map(Self.str)
        XCTAssertTrue(keyspace.contains("flushdb") && keyspace.contains("dbsize") && !keyspace.contains("get"))
        XCTAssertEqual(h.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcat"), .array([]))
        XCTAssertEqual(h.call("COMMAND", "LIST", "FILTERBY", "MODULE", "x"), .array([]))
        for bad in [["COMMAND", "LIST", "FILTERBY", "foo", "x"], ["COMMAND", "LIST", "foo"], ["COMMAND", "LIST", "FILTERBY"],
                    ["COMMAND", "LIST", "FILTERBY", "PATTERN", "x", "y"]] {
            XCTAssertEqual(String(decoding: h.raw(bad), as: UTF8.self), "-ERR syntax error\r\n", "\(bad)")
        }
    }

    func testGetKeysOnImplementedCommands() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("COMMAND", "GETKEYS", "GET", "a"), "*1\r\n$1\r\na\r\n")
        XCTAssertEqual(h.rawString("COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b"), "*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n")
        XCTAssertEqual(h.rawString("COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "GET"),
                       "*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n")
        XCTAssertEqual(h.rawString("COMMAND", "GETKEYS", "nosuch", "a"), "-ERR Invalid command specified\r\n")
        XCTAssertEqual(h.rawString("COMMAND", "GETKEYS", "config", "get", "x"), "-ERR The command has no key arguments\r\n")
        XCTAssertEqual(h.rawString("COMMAND", "GETKEYS", "config", "nosuch", "x"), "-ERR Invalid command specified\r\n")
        XCTAssertEqual(h.rawString("COMMAND", "GETKEYS", "get", "a", "b"), "-ERR Invalid number of arguments specified for command\r\n")
        XCTAssertEqual(h.rawString("COMMAND", "GETKEYS", "get"), "-ERR wrong number of arguments for 'command|getkeys' command\r\n")
    }

    // MARK: key extraction on every command of the reference

    /// Key positions and flags as Redis finds them (spec, native finder, or
    /// both), for command lines covering every kind of key spec.
    func testKeyExtractionMatchesRealRedis() throws {
        let redis = try ServerRealRedis()
        let all = Self.allCommands()
        let lines: [[String]] = [
            ["get", "a"], ["set", "a", "b"], ["set", "a", "b", "get"], ["mset", "a", "1", "b", "2"], ["del", "a", "b", "c"],
            ["lmove", "a", "b", "left", "right"], ["blpop", "a", "b", "0"], ["zunionstore", "d", "2", "a", "b"],
            ["zunionstore", "d", "5", "a", "b"], ["zunionstore", "d", "x", "a", "b"], ["zunionstore", "d", "0", "a"],
            ["zunion", "2", "a", "b", "withscores"], ["zinter", "1", "a"], ["zdiff", "3", "a", "b"],
            ["zintercard", "2", "a", "b", "limit", "3"], ["sintercard", "2", "a", "b"], ["lmpop", "2", "a", "b", "left"],
            ["blmpop", "0", "1", "a", "left"], ["zmpop", "1", "a", "min"], ["bzmpop", "0", "2", "a", "b", "max"],
            ["eval", "s", "0"], ["eval", "s", "2", "a", "b", "c"], ["evalsha", "s", "1", "a"], ["fcall", "f", "1", "k", "arg"],
            ["sort", "k", "store", "dst"], ["sort", "k", "by", "x", "get", "y"], ["sort", "k", "limit", "0", "1", "store", "d1", "store", "d2"],
            ["sort_ro", "k", "by", "x"], ["migrate", "h", "p", "", "0", "5", "keys", "a", "b"], ["migrate", "h", "p", "k", "0", "5"],
            ["migrate", "h", "p", "k", "0", "5", "keys", "a"], ["migrate", "h", "p", "", "0", "5", "auth", "keys", "keys", "x"],
            ["georadius", "k", "0", "0", "1", "m", "store", "dst"], ["georadius", "k", "0", "0", "1", "m", "storedist", "dst"],
            ["georadius", "k", "0", "0", "1", "m", "store"], ["georadiusbymember", "k", "m", "1", "km", "store", "d"],
            ["xread", "count", "1", "streams", "a", "b", "0", "0"], ["xread", "streams", "a", "b", "0"], ["xread", "count", "1", "a", "b"],
            ["xreadgroup", "group", "g", "c", "streams", "s1", ">"], ["bitfield", "k", "get", "u8", "0"],
            ["bitfield", "k", "set", "u8", "0", "1"], ["bitfield", "k", "overflow", "wrap", "get", "u8", "0"], ["bitfield_ro", "k", "get", "u8", "0"],
            ["object", "encoding", "k"], ["memory", "usage", "k"], ["xinfo", "stream", "s"], ["spublish", "ch", "msg"],
            ["ssubscribe", "a", "b"], ["ping", "x"], ["config", "get", "x"], ["rename", "a", "b"], ["smove", "a", "b", "m"],
            ["msetnx", "a", "1", "b", "2"], ["bitop", "and", "d", "a", "b"], ["pfmerge", "d", "a", "b"], ["lcs", "a", "b"],
            ["copy", "a", "b", "db", "1"], ["georadius_ro", "k", "0", "0", "1", "m"], ["geosearchstore", "d", "s", "frommember", "m", "byradius", "1", "m"],
            ["watch", "a", "b"], ["touch", "a"], ["zrangestore", "d", "s", "0", "-1"], ["blmove", "a", "b", "left", "left", "0"],
        ]
        for line in lines {
            let want = try redis.call(["COMMAND", "GETKEYSANDFLAGS"] + line)
            guard var cmd = all[line[0]] else { XCTFail("no spec for \(line[0])"); continue }
            if !cmd.subcommands.isEmpty, line.count > 1, let sub = cmd.subcommands[line[1].lowercased()] { cmd = sub }
            let argv = line.map { Array($0.utf8) }
            let got: RESPValue
            if !KeyExtraction.hasKeys(cmd.spec, KeySpec.parseAll(cmd.spec.keySpecs)) {
                got = .error(Array("ERR The command has no key arguments".utf8))
            } else {
                let keys = KeyExtraction.keys(cmd.spec, argv)
                if keys.isEmpty {
                    got = cmd.flags.contains(.noMandatoryKeys) ? .array([]) : .error(Array("ERR Invalid arguments specified for command".utf8))
                } else {
                    got = .array(keys.map { k in
                        .array([.bulkString(argv[k.position]), .array(k.flags.replyNames.map { .simpleString(Array($0.utf8)) })])
                    })
                }
            }
            XCTAssertEqual(got, want, "\(line)")
        }
    }

    // MARK: COMMAND INFO / DOCS of the whole reference table

    /// COMMAND INFO built from the reference table (and KeySpecNotes) equals
    /// Redis's for every command.
    func testInfoOfEveryCommandMatchesRealRedis() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        for (name, cmd) in Self.allCommands().sorted(by: { $0.key < $1.key }) {
            h.client.out.bytes.removeAll()
            CommandIntrospection.replyInfo(h.client, cmd)
            let ours = Self.normalizeInfo(Self.decode(h.client.out.bytes))
            h.client.out.bytes.removeAll()
            guard case .array(let r?) = try redis.call(["COMMAND", "INFO", name]), let real = r.first else {
                XCTFail("no COMMAND INFO for \(name)")
                continue
            }
            XCTAssertEqual(ours, Self.normalizeInfo(real), name)
        }
    }

    /// The documentation fields the table carries agree with COMMAND DOCS.
    func testDocsFieldsMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        func fields(_ v: RESPValue) -> [String: RESPValue] {
            let a = Self.elements(v)
            var out: [String: RESPValue] = [:]
            var i = 0
            while i + 1 < a.count {
                out[Self.str(a[i])] = a[i + 1]
                i += 2
            }
            return out
        }
        let keep: Set<String> = ["since", "group", "doc_flags", "deprecated_since", "replaced_by"]
        for (name, cmd) in Self.allCommands().sorted(by: { $0.key < $1.key }) {
            h.client.out.bytes.removeAll()
            CommandIntrospection.replyDocs(h.client, cmd)
            let ours = fields(Self.decode(h.client.out.bytes))
            h.client.out.bytes.removeAll()
            let realTop = Self.elements(try redis.call(["COMMAND", "DOCS", name]))
            guard realTop.count == 2 else { XCTFail("no docs for \(name)"); continue }
            let real = fields(realTop[1])
            XCTAssertEqual(ours.filter { keep.contains($0.key) }, real.filter { keep.contains($0.key) }, name)
            if let subs = real["subcommands"] {
                XCTAssertEqual(Set(fields(ours["subcommands"] ?? .null).keys), Set(fields(subs).keys), name)
            }
        }
    }

    func testRepliesMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        let script: [[String]] = [
            ["COMMAND", "HELP"], ["COMMAND", "foo"], ["COMMAND", "COUNT", "x"], ["COMMAND", "GETKEYS"],
            ["COMMAND", "GETKEYS", "get"], ["COMMAND", "GETKEYS", "get", "a"], ["COMMAND", "GETKEYS", "get", "a", "b"],
            ["COMMAND", "GETKEYS", "nosuch", "a"], ["COMMAND", "GETKEYS", "ping", "x"], ["COMMAND", "GETKEYS", "config", "get", "x"],
            ["COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"], ["COMMAND", "GETKEYSANDFLAGS", "SET", "a", "b", "get"],
            ["COMMAND", "INFO", "nosuchcommand"], ["COMMAND", "INFO", "GET"], ["COMMAND", "INFO", "config|get"],
            ["COMMAND", "INFO", "nosuch", "get"], ["COMMAND", "DOCS", "nosuch"],
            ["COMMAND", "LIST", "FILTERBY", "foo", "x"], ["COMMAND", "LIST", "foo"], ["COMMAND", "LIST", "FILTERBY", "MODULE", "x"],
            ["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuchcat"],
        ]
        for args in script {
            let want = try redis.raw(args)
            let got = h.raw(args)
            XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: want, as: UTF8.self), "\(args)")
        }
    }
}
