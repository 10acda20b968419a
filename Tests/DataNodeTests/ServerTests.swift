import Foundation
import Glibc
import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class ServerTests: XCTestCase {
    // MARK: DBSIZE / FLUSHDB / FLUSHALL

    func testDbsizeCountsKeysOfTheSelectedDb() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("DBSIZE"), .integer(0))
        h.call("SET", "a", "1")
        h.call("SET", "b", "2")
        XCTAssertEqual(h.call("DBSIZE"), .integer(2))
        h.call("SELECT", "1")
        XCTAssertEqual(h.call("DBSIZE"), .integer(0))
    }

    func testFlushdbEmptiesOnlyTheSelectedDbAndCountsChanges() throws {
        let h = try Harness()
        h.call("SET", "a", "1")
        h.call("SET", "b", "2")
        h.call("SELECT", "1")
        h.call("SET", "c", "3")
        let before = h.server.dirty
        XCTAssertEqual(h.call("FLUSHDB"), .ok)
        XCTAssertEqual(h.server.dirty - before, 1)
        XCTAssertEqual(h.call("DBSIZE"), .integer(0))
        h.call("SELECT", "0")
        XCTAssertEqual(h.call("DBSIZE"), .integer(2))
        XCTAssertEqual(h.call("FLUSHDB", "ASYNC"), .ok)
        XCTAssertEqual(h.call("FLUSHDB", "sync"), .ok)
    }

    /// Without save points FLUSHALL counts the keys it removed, as 7.0.15
    /// (rdb_changes_since_last_save 2 after SET and FLUSHALL; an empty one adds 0).
    func testFlushallEmptiesEveryDbAndCountsTheKeysRemoved() throws {
        let h = try Harness()
        h.call("SET", "a", "1")
        h.call("SELECT", "3")
        h.call("SET", "c", "3")
        var before = h.server.dirty
        XCTAssertEqual(h.call("FLUSHALL"), .ok)
        XCTAssertEqual(h.server.dirty - before, 2)
        XCTAssertEqual(h.server.databases.reduce(0) { $0 + $1.count }, 0)
        before = h.server.dirty
        XCTAssertEqual(h.call("FLUSHALL", "SYNC"), .ok)
        XCTAssertEqual(h.server.dirty - before, 0)
    }

    func testFlushSyntaxErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("FLUSHDB", "foo"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("FLUSHDB", "async", "sync"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("FLUSHALL", "foo", "bar"), "-ERR syntax error\r\n")
    }

    /// Redis 7.0 only invalidates WATCHes of keys that existed in the flushed db.
    func testFlushdbTouchesOnlyWatchedKeysThatExisted() throws {
        let h = try Harness()
        let other = h.newClient()
        h.call("WATCH", "missing")
        h.call("FLUSHDB", on: other)
        h.call("MULTI")
        h.call("PING")
        XCTAssertEqual(h.call("EXEC"), .array([.simpleString(Array("PONG".utf8))]))

        h.call("SET", "present", "1")
        h.call("WATCH", "present")
        h.call("FLUSHALL", on: other)
        h.call("MULTI")
        h.call("PING")
        XCTAssertEqual(h.call("EXEC"), .array(nil))
    }

    // MARK: SWAPDB

    func testSwapdbErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SWAPDB", "a", "b"), "-ERR invalid first DB index\r\n")
        XCTAssertEqual(h.rawString("SWAPDB", "0", "b"), "-ERR invalid second DB index\r\n")
        XCTAssertEqual(h.rawString("SWAPDB", "0", "100"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.rawString("SWAPDB", "-1", "0"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.rawString("SWAPDB", "0", "99999999999"), "-ERR invalid second DB index\r\n")
        XCTAssertEqual(h.rawString("SWAPDB", "0"), "-ERR wrong number of arguments for 'swapdb' command\r\n")
    }

    func testSwapdbExchangesContentsAndTouchesWatchersOfPresentKeys() throws {
        let h = try Harness()
        let other = h.newClient()
        h.call("SET", "k", "zero")
        h.call("SELECT", "1", on: other)
        h.call("SET", "k1", "one", on: other)
        h.call("WATCH", "nothing")
        let before = h.server.dirty
        XCTAssertEqual(h.call("SWAPDB", "0", "1", on: other), .ok)
        XCTAssertEqual(h.server.dirty - before, 1)
        XCTAssertEqual(h.call("GET", "k1"), .bulkString(Array("one".utf8)))
        XCTAssertEqual(h.call("GET", "k", on: other), .bulkString(Array("zero".utf8)))
        h.call("MULTI")
        h.call("PING")
        XCTAssertEqual(h.call("EXEC"), .array([.simpleString(Array("PONG".utf8))]), "a key on neither side stays valid")

        h.call("WATCH", "k1")
        XCTAssertEqual(h.call("SWAPDB", "1", "0", on: other), .ok)
        h.call("MULTI")
        h.call("PING")
        XCTAssertEqual(h.call("EXEC"), .array(nil))
        XCTAssertEqual(h.call("SWAPDB", "2", "2"), .ok)
    }

    // MARK: TIME / LASTSAVE / ROLE

    func testTimeIsTwoBulkNumbers() throws {
        let h = try Harness()
        guard case .array(let parts?) = h.call("TIME"), parts.count == 2,
              case .bulkString(let s?) = parts[0], case .bulkString(let us?) = parts[1],
              let secs = Int(String(decoding: s, as: UTF8.self)), let micros = Int(String(decoding: us, as: UTF8.self)) else {
            return XCTFail("TIME shape")
        }
        XCTAssertGreaterThan(secs, 1_600_000_000)
        XCTAssertTrue((0..<1_000_000).contains(micros))
    }

    func testLastsaveIsTheStartTimeBeforeAnySave() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("LASTSAVE"), .integer(Int64(h.server.lastSaveUnix)))
    }

    func testRoleOfAMaster() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("ROLE"), "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n")
    }

    // MARK: SHUTDOWN

    func testShutdownArgumentErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SHUTDOWN", "foo"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SHUTDOWN", "save", "nosave"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SHUTDOWN", "nosave", "abort"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SHUTDOWN", "now", "abort"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SHUTDOWN", "abort"), "-ERR No shutdown in progress.\r\n")
        XCTAssertFalse(h.server.exiting)
    }

    func testShutdownStopsTheServerWithoutReplying() throws {
        let h = try Harness()
        XCTAssertEqual(h.raw(["SHUTDOWN", "NOSAVE", "NOW"]), [])
        XCTAssertTrue(h.server.exiting)
    }

    func testShutdownIsRefusedInsideMulti() throws {
        let h = try Harness()
        h.call("MULTI")
        XCTAssertEqual(h.rawString("SHUTDOWN"), "-ERR Command not allowed inside a transaction\r\n")
    }

    // MARK: SLOWLOG

    func testSlowlogRecordsEntriesInRedisShape() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "slowlog-log-slower-than", "0"), .ok)
        h.call("CLIENT", "SETNAME", "me")
        h.call("SET", "key", "value")
        guard case .array(let entries?) = h.call("SLOWLOG", "GET", "1"), entries.count == 1,
              case .array(let e?) = entries[0] else { return XCTFail("SLOWLOG GET shape") }
        XCTAssertEqual(e.count, 6)
        guard case .integer = e[0], case .integer(let t) = e[1], case .integer = e[2] else { return XCTFail("header fields") }
        XCTAssertGreaterThan(t, 1_600_000_000)
        XCTAssertEqual(e[3], .array(["SET", "key", "value"].map { .bulkString(Array($0.utf8)) }))
        XCTAssertEqual(e[4], .bulkString(Array(h.client.address.utf8)))
        XCTAssertEqual(e[5], .bulkString(Array("me".utf8)))
        guard case .integer(let n) = h.call("SLOWLOG", "LEN") else { return XCTFail() }
        XCTAssertGreaterThanOrEqual(n, 3)
        XCTAssertEqual(h.call("SLOWLOG", "RESET"), .ok)
        // RESET itself is logged after the reset, as in Redis.
        XCTAssertEqual(h.call("SLOWLOG", "LEN"), .integer(1))
    }

    func testSlowlogGetCounts() throws {
        let h = try Harness()
        h.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
        for i in 0..<15 { h.call("SET", "k\(i)", "v") }
        guard case .array(let ten?) = h.call("SLOWLOG", "GET") else { return XCTFail() }
        XCTAssertEqual(ten.count, 10)
        guard case .array(let all?) = h.call("SLOWLOG", "GET", "-1") else { return XCTFail() }
        XCTAssertGreaterThan(all.count, 15)
        XCTAssertEqual(h.call("SLOWLOG", "GET", "0"), .array([]))
    }

    func testSlowlogErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SLOWLOG", "GET", "-2"), "-ERR count should be greater than or equal to -1\r\n")
        XCTAssertEqual(h.rawString("SLOWLOG", "GET", "a"), "-ERR count should be greater than or equal to -1\r\n")
        XCTAssertEqual(h.rawString("SLOWLOG", "GET", "1", "2"),
                       "-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n")
        XCTAssertEqual(h.rawString("SLOWLOG", "LEN", "1"), "-ERR wrong number of arguments for 'slowlog|len' command\r\n")
        XCTAssertEqual(h.rawString("SLOWLOG", "foo"), "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n")
        XCTAssertTrue(h.rawString("SLOWLOG", "HELP").hasPrefix("*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"))
    }

    // MARK: LATENCY

    func testLatencyMonitorKeepsOneSamplePerSecond() {
        var m = LatencyMonitor()
        m.addSample("command", latencyMs: 20, unixTime: 1000)
        m.addSample("command", latencyMs: 50, unixTime: 1000)
        m.addSample("command", latencyMs: 30, unixTime: 1000)
        m.addSample("command", latencyMs: 10, unixTime: 1002)
        let s = m.series["command"]!
        XCTAssertEqual(s.chronological, [.init(time: 1000, latencyMs: 50), .init(time: 1002, latencyMs: 10)])
        XCTAssertEqual(s.maxMs, 50)
        let st = m.analyze("command", now: 1010)
        XCTAssertEqual(st.samples, 2)
        XCTAssertEqual(st.avg, 30)
        XCTAssertEqual(st.mad, 20)
        XCTAssertEqual(st.period, 10)
        for t in 0..<200 { m.addSample("fast-command", latencyMs: t, unixTime: 2000 + t) }
        XCTAssertEqual(m.series["fast-command"]!.chronological.count, LatencyMonitor.seriesLength)
        XCTAssertEqual(m.series["fast-command"]!.chronological.first?.time, 2040)
        XCTAssertEqual(m.reset("COMMAND"), 1)
        XCTAssertEqual(m.names, ["fast-command"])
    }

    func testLatencyCommandsReportEvents() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("LATENCY", "LATEST"), .array([]))
        h.server.latency.addSample("command", latencyMs: 50, unixTime: 1_700_000_000)
        XCTAssertEqual(h.rawString("LATENCY", "LATEST"), "*1\r\n*4\r\n$7\r\ncommand\r\n:1700000000\r\n:50\r\n:50\r\n")
        XCTAssertEqual(h.rawString("LATENCY", "HISTORY", "command"), "*1\r\n*2\r\n:1700000000\r\n:50\r\n")
        XCTAssertEqual(h.rawString("LATENCY", "HISTORY", "nothing"), "*0\r\n")
        XCTAssertEqual(h.rawString("LATENCY", "GRAPH", "nothing"), "-ERR No samples available for event 'nothing'\r\n")
        XCTAssertEqual(h.call("LATENCY", "RESET", "nothing", "command"), .integer(1))
        XCTAssertEqual(h.call("LATENCY", "RESET"), .integer(0))
    }

    func testLatencyGraphMatchesRedisSparkline() throws {
        var m = LatencyMonitor()
        m.addSample("command", latencyMs: 50, unixTime: 100)
        let text = ServerCommands.latencyGraphText("command", m.series["command"]!, now: 101)
        XCTAssertEqual(text, "command - high 50 ms, low 50 ms (all time high 50 ms)\n" + String(repeating: "-", count: 80)
                       + "\n \n \n \n_\n \n1\ns\n")
        m.addSample("command", latencyMs: 10, unixTime: 130)
        m.addSample("command", latencyMs: 100, unixTime: 200)
        let graph = ServerCommands.latencyGraphText("command", m.series["command"]!, now: 260)
        let rows = graph.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(rows, ["command - high 100 ms, low 10 ms (all time high 100 ms)", String(repeating: "-", count: 80),
                              "  #", "  |", "# |", "|_|", "   ", "221", "mmm", ""])
    }

    func testLatencyDoctorTexts() throws {
        let h = try Harness()
        XCTAssertTrue(h.rawString("LATENCY", "DOCTOR").contains("I'm sorry, Dave, I can't do that."))
        h.call("CONFIG", "SET", "latency-monitor-threshold", "10")
        let idle = ServerCommands.latencyReport(h.server, now: 0)
        if ServerCommands.anonHugePagesBytes() == 0 {
            XCTAssertEqual(idle, "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n")
        }
        h.server.latency.addSample("command", latencyMs: 50, unixTime: 1000)
        let report = ServerCommands.latencyReport(h.server, now: 1000)
        XCTAssertTrue(report.hasPrefix("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n1. command: 1 latency spikes (average 50ms, mean deviation 0ms, period 1.00 sec). Worst all time event 50ms.\n\nI have a few advices for you:\n\n- Check your Slow Log"))
    }

    func testCommandsAboveTheThresholdAreRecorded() throws {
        let h = try Harness(config: {
            var c = ServerConfig()
            c.enableDebugCommand = "yes"
            return c
        }())
        h.call("CONFIG", "SET", "latency-monitor-threshold", "5")
        h.call("DEBUG", "SLEEP", "0.01")
        guard case .array(let events?) = h.call("LATENCY", "LATEST"), events.count == 1,
              case .array(let e?) = events[0] else { return XCTFail("no latency event") }
        XCTAssertEqual(e[0], .bulkString(Array("command".utf8)))
    }

    // MARK: latency histograms

    func testHistogramPercentilesUseHdrBuckets() {
        let h = LatencyHistogram()
        h.record(nanoseconds: 2000)
        h.record(nanoseconds: 3000)
        XCTAssertEqual(h.valueAtPercentile(50), 2007)
        XCTAssertEqual(h.valueAtPercentile(99), 3007)
        XCTAssertEqual(h.valueAtPercentile(99.9), 3007)
        XCTAssertEqual(LatencyHistogram.highestEquivalent(262_144), 264_191)
        XCTAssertEqual(LatencyHistogram.highestEquivalent(32768), 33023)
    }

    func testHistogramCumulativeBucketsAreLogarithmic() {
        let h = LatencyHistogram()
        for ns: Int64 in [1000, 2000, 3000, 5000, 7000, 30000, 150_000] { h.record(nanoseconds: ns) }
        let b = h.cumulativeBuckets()
        XCTAssertEqual(b.map { $0.usec }, [1, 2, 4, 8, 33, 264])
        XCTAssertEqual(b.map { $0.count }, [1, 2, 3, 5, 6, 7])
    }

    func testLatencyHistogramCommand() throws {
        let h = try Harness()
        h.call("SET", "a", "1")
        h.call("SET", "a", "2")
        guard case .array(let m?) = h.call("LATENCY", "HISTOGRAM", "set", "nosuch") else { return XCTFail() }
        XCTAssertEqual(m.count, 2)
        XCTAssertEqual(m[0], .bulkString(Array("set".utf8)))
        guard case .array(let inner?) = m[1] else { return XCTFail() }
        XCTAssertEqual(inner[0], .bulkString(Array("calls".utf8)))
        XCTAssertEqual(inner[1], .integer(2))
        XCTAssertEqual(inner[2], .bulkString(Array("histogram_usec".utf8)))
        h.client.proto = 3
        XCTAssertTrue(h.rawString("LATENCY", "HISTOGRAM", "set").hasPrefix("%1\r\n$3\r\nset\r\n%2\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n%"))
    }
}
