import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class InfoTests: XCTestCase {
    /// Fields Vigil adds to Redis's sections, and why.
    static let extraFields: [String: Set<String>] = [
        // Identifies the implementation behind the Redis version it speaks.
        "Server": ["vigil_version"],
    ]
    /// Fields Redis has that Vigil leaves out, and why: none so far.
    static let missingFields: [String: Set<String>] = [:]

    private func infoText(_ h: Harness, _ args: String...) -> String {
        guard case .bulkString(let b?) = h.call(args: ["INFO"] + args) else {
            XCTFail("INFO reply is not a bulk string")
            return ""
        }
        return String(decoding: b, as: UTF8.self)
    }

    /// Section title -> field names in order.
    static func fieldNames(_ text: String) -> [(String, [String])] {
        var out: [(String, [String])] = []
        for line in text.components(separatedBy: "\r\n") {
            if line.hasPrefix("# ") { out.append((String(line.dropFirst(2)), [])); continue }
            guard !line.isEmpty, let colon = line.firstIndex(of: ":"), !out.isEmpty else { continue }
            out[out.count - 1].1.append(String(line[..<colon]))
        }
        return out
    }

    static func value(_ text: String, _ field: String) -> String? {
        for line in text.components(separatedBy: "\r\n") where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1))
        }
        return nil
    }

    func testTextShape() throws {
        let h = try Harness()
        let t = infoText(h)
        XCTAssertTrue(t.hasPrefix("# Server\r\nredis_version:7.0.15\r\nvigil_version:"))
        XCTAssertTrue(t.hasSuffix("\r\n"))
        XCTAssertFalse(t.contains("\n\n"), "lines end with CRLF")
        XCTAssertTrue(t.contains("\r\n\r\n# Clients\r\n"))
        XCTAssertEqual(Self.value(t, "run_id"), h.server.runId)
        XCTAssertEqual(Self.value(t, "master_replid")?.count, 40)
        XCTAssertEqual(Self.value(t, "role"), "master")
    }

    func testSectionSelection() throws {
        let h = try Harness()
        func titles(_ args: String...) -> [String] {
            guard case .bulkString(let b?) = h.call(args: ["INFO"] + args) else { return ["?"] }
            return Self.fieldNames(String(decoding: b, as: UTF8.self)).map { $0.0 }
        }
        let defaults = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                        "Errorstats", "Cluster", "Keyspace"]
        let all = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                   "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"]
        XCTAssertEqual(titles(), defaults)
        XCTAssertEqual(titles("default"), defaults)
        XCTAssertEqual(titles("all"), all)
        XCTAssertEqual(titles("everything"), all)
        XCTAssertEqual(titles("all", "foo"), all)
        XCTAssertEqual(titles("clients", "SERVER"), ["Server", "Clients"])
        XCTAssertEqual(titles("server", "server"), ["Server"])
        XCTAssertEqual(titles("modules"), ["Modules"])
        XCTAssertEqual(titles("commandstats", "latencystats"), ["Commandstats", "Latencystats"])
        XCTAssertEqual(titles("default", "commandstats"),
                       ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                        "Commandstats", "Errorstats", "Cluster", "Keyspace"])
        XCTAssertEqual(h.rawString("INFO", "foo"), "$0\r\n\r\n")
    }

    func testResp3IsVerbatim() throws {
        let h = try Harness()
        h.client.proto = 3
        h.call("SET", "k", "v")
        XCTAssertEqual(h.rawString("INFO", "keyspace"), "=48\r\ntxt:# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n")
    }

    func testKeyspaceErrorAndCommandStats() throws {
        let h = try Harness()
        h.call("SET", "a", "1")
        h.call("SET", "b", "2", "EX", "100")
        XCTAssertEqual(h.call("SELECT", "2"), .ok)
        XCTAssertEqual(h.call("SET", "c", "3"), .ok)
        h.call("GET", "c")
        h.call("GET", "nope")
        h.call("GET")
        h.call("NOSUCHCOMMAND")
        h.call("INCR", "c")
        h.call("SET", "s", "x")
        h.call("INCR", "s")
        let t = infoText(h, "all")
        XCTAssertEqual(Self.value(t, "db0"), "keys=2,expires=1,avg_ttl=0")
        XCTAssertEqual(Self.value(t, "db2"), "keys=2,expires=0,avg_ttl=0")
        XCTAssertNil(Self.value(t, "db1"))
        XCTAssertEqual(Self.value(t, "errorstat_ERR"), "count=3")
        let get = Self.value(t, "cmdstat_get") ?? ""
        XCTAssertTrue(get.hasPrefix("calls=2,usec="), get)
        XCTAssertTrue(get.hasSuffix(",rejected_calls=1,failed_calls=0"), get)
        let incr = Self.value(t, "cmdstat_incr") ?? ""
        XCTAssertTrue(incr.hasSuffix(",rejected_calls=0,failed_calls=1"), incr)
        XCTAssertNotNil(Self.value(t, "cmdstat_select"))
        XCTAssertEqual(Self.value(t, "keyspace_hits"), "1")
        XCTAssertEqual(Self.value(t, "keyspace_misses"), "1")
        XCTAssertEqual(Self.value(t, "total_error_replies"), "3")
        XCTAssertEqual(Self.value(t, "rdb_changes_since_last_save"), String(h.server.dirty))
        let lat = Self.value(t, "latency_percentiles_usec_get") ?? ""
        XCTAssertNotNil(lat.range(of: #"^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$"#, options: .regularExpression), lat)
    }

    func testLatencyPercentilesFollowConfig() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99.99 100"), .ok)
        h.call("PING")
        let lat = Self.value(infoText(h, "latencystats"), "latency_percentiles_usec_ping") ?? ""
        XCTAssertNotNil(lat.range(of: #"^p50=[0-9.]+,p99\.99=[0-9.]+,p100=[0-9.]+$"#, options: .regularExpression), lat)
        XCTAssertEqual(h.call("CONFIG", "SET", "latency-tracking", "no"), .ok)
        XCTAssertEqual(h.call("CONFIG", "RESETSTAT"), .ok)
        h.call("PING")
        XCTAssertEqual(infoText(h, "latencystats"), "# Latencystats\r\n")
    }

    func testResetstatClearsCountersButNotThePeak() throws {
        let h = try Harness()
        h.call("SET", "a", "1")
        h.call("GET", "a")
        h.call("GET")
        h.call("SET", "a")
        XCTAssertEqual(h.call("CONFIG", "RESETSTAT"), .ok)
        let t = infoText(h, "all")
        XCTAssertEqual(Self.value(t, "keyspace_hits"), "0")
        XCTAssertEqual(Self.value(t, "total_error_replies"), "0")
        XCTAssertNil(Self.value(t, "errorstat_ERR"))
        XCTAssertNil(Self.value(t, "cmdstat_get"))
        XCTAssertEqual(Self.value(t, "total_commands_processed"), "1", "only CONFIG RESETSTAT itself")
        XCTAssertNotNil(Self.value(t, "cmdstat_config|resetstat"))
        XCTAssertEqual(Self.value(t, "db0"), "keys=1,expires=0,avg_ttl=0")
    }

    func testMemoryFigures() throws {
        let h = try Harness()
        let t = infoText(h, "memory")
        let used = Int(Self.value(t, "used_memory") ?? "") ?? 0
        let peak = Int(Self.value(t, "used_memory_peak") ?? "") ?? 0
        XCTAssertGreaterThan(used, 0)
        XCTAssertGreaterThanOrEqual(peak, used)
        XCTAssertGreaterThan(Int(Self.value(t, "used_memory_rss") ?? "") ?? 0, 0)
        XCTAssertEqual(Self.value(t, "maxmemory_human"), "0B")
        XCTAssertEqual(Self.value(t, "mem_allocator"), "libc")
        XCTAssertEqual(ServerCommands.bytesToHuman(1023), "1023B")
        XCTAssertEqual(ServerCommands.bytesToHuman(941000), "918.95K")
        XCTAssertEqual(ServerCommands.bytesToHuman(12386304), "11.81M")
        XCTAssertEqual(ServerCommands.bytesToHuman(25276514304), "23.54G")
    }

    func testSamplerRates() {
        var m = InfoSampler.Metric(nowMs: 0)
        m.track(100, nowMs: 100)
        XCTAssertEqual(m.value, 1000 / 16)
        m.track(100, nowMs: 200)
        XCTAssertEqual(m.value, 1000 / 16)
    }

    /// Per section, the field names and their order are real Redis's, apart
    /// from the documented extra/missing lists; other sections are compared
    /// by line format.
    func testFieldNamesMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        for args in [["SET", "k", "v"], ["EXPIRE", "k", "100"], ["GET", "k"], ["GET"]] {
            _ = try redis.raw(args)
            h.call(args: args)
        }
        let real = Self.fieldNames(String(decoding: try redis.call(["INFO", "everything"]).payloadBytes ?? [], as: UTF8.self))
        let ours = Self.fieldNames(infoText(h, "everything"))
        XCTAssertEqual(ours.map { $0.0 }, real.map { $0.0 }, "sections")
        let byPattern = ["Commandstats", "Errorstats", "Latencystats", "Keyspace"]
        for (title, realNames) in real where !byPattern.contains(title) {
            let mine = ours.first { $0.0 == title }?.1 ?? []
            let extra = Self.extraFields[title] ?? []
            let missing = Self.missingFields[title] ?? []
            XCTAssertEqual(mine.filter { !extra.contains($0) }, realNames.filter { !missing.contains($0) }, title)
        }
        let realText = String(decoding: try redis.call(["INFO", "everything"]).payloadBytes ?? [], as: UTF8.self)
        let ourText = infoText(h, "everything")
        let shapes = [
            ("cmdstat_get", #"^calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=\d+,failed_calls=\d+$"#),
            ("errorstat_ERR", #"^count=\d+$"#),
            ("latency_percentiles_usec_get", #"^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$"#),
            ("db0", #"^keys=1,expires=1,avg_ttl=\d+$"#),
        ]
        for (field, pattern) in shapes {
            for (who, text) in [("redis", realText), ("vigil", ourText)] {
                let v = Self.value(text, field) ?? "<missing>"
                XCTAssertNotNil(v.range(of: pattern, options: .regularExpression), "\(who) \(field):\(v)")
            }
        }
        for field in ["cmdstat_get", "errorstat_ERR"] {
            let r = Self.value(realText, field)?.split(separator: ",").map { $0.split(separator: "=")[0] }
            let o = Self.value(ourText, field)?.split(separator: ",").map { $0.split(separator: "=")[0] }
            XCTAssertEqual(r, o, field)
        }
    }

    /// Values that are fixed for an idle fresh server agree with Redis's.
    func testStaticValuesMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        let realText = String(decoding: try redis.call(["INFO", "everything"]).payloadBytes ?? [], as: UTF8.self)
        let ourText = infoText(h, "everything")
        let same = ["redis_version", "redis_git_sha1", "redis_git_dirty", "redis_mode", "os", "arch_bits",
                    "monotonic_clock", "multiplexing_api", "process_supervised", "hz", "configured_hz",
                    "io_threads_active", "cluster_connections", "maxclients", "blocked_clients", "tracking_clients",
                    "maxmemory", "maxmemory_human", "maxmemory_policy", "total_system_memory", "loading",
                    "async_loading", "rdb_bgsave_in_progress", "rdb_last_bgsave_status", "rdb_last_bgsave_time_sec",
                    "rdb_current_bgsave_time_sec", "rdb_saves", "aof_enabled", "aof_rewrite_in_progress",
                    "aof_last_rewrite_time_sec", "aof_last_bgrewrite_status", "aof_last_write_status",
                    "instantaneous_input_repl_kbps", "rejected_connections", "sync_full", "expired_keys",
                    "evicted_keys", "pubsub_channels", "pubsub_patterns", "pubsubshard_channels", "total_forks",
                    "role", "connected_slaves", "master_failover_state", "master_replid2", "master_repl_offset",
                    "second_repl_offset", "repl_backlog_active", "repl_backlog_size", "repl_backlog_first_byte_offset",
                    "repl_backlog_histlen", "cluster_enabled"]
        for f in same {
            XCTAssertEqual(Self.value(ourText, f), Self.value(realText, f), f)
        }
    }
}

extension RESPValue {
    var payloadBytes: [UInt8]? {
        switch self {
        case .bulkString(let b): return b
        case .verbatim(_, let t): return t
        case .simpleString(let b): return b
        default: return nil
        }
    }
}
