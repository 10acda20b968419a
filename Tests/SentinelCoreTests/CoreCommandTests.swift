import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// SENTINEL subcommands: replies, field order, errors.
final class CoreCommandTests: XCTestCase {
    static let masterFields = ["name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount",
                               "last-ping-sent", "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds",
                               "info-refresh", "role-reported", "role-reported-time", "config-epoch", "num-slaves",
                               "num-other-sentinels", "quorum", "failover-timeout", "parallel-syncs"]
    static let replicaFields = ["name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount",
                                "last-ping-sent", "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds",
                                "info-refresh", "role-reported", "role-reported-time", "master-link-down-time",
                                "master-link-status", "master-host", "master-port", "slave-priority", "slave-repl-offset",
                                "replica-announced"]
    static let sentinelFields = ["name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount",
                                 "last-ping-sent", "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds",
                                 "last-hello-message", "voted-leader", "voted-leader-epoch"]

    func testMasterMapFieldOrder() throws {
        let h = try CoreHarness()
        let m = CoreHarness.pairs(CoreHarness.value(h.command("MASTER", "mymaster")))
        XCTAssertEqual(m.map(\.0), Self.masterFields)
        let d = Dictionary(uniqueKeysWithValues: m)
        XCTAssertEqual(d["flags"], "master,disconnected")
        XCTAssertEqual(d["down-after-milliseconds"], "5000")
        XCTAssertEqual(d["quorum"], "2")
        XCTAssertEqual(d["failover-timeout"], "180000")
        XCTAssertEqual(d["runid"], "")
        XCTAssertEqual(d["role-reported"], "master")
        XCTAssertEqual(h.command("MASTER", "nope"), .value(.err("ERR No such master with that name")))
        XCTAssertEqual(CoreHarness.value(h.command("MASTERS")).elements?.count, 1)
    }

    func testReplicaAndSentinelMapFieldOrder() throws {
        let h = try CoreHarness(config: """
        sentinel monitor mymaster 127.0.0.1 6379 2
        sentinel known-replica mymaster 127.0.0.1 7001
        sentinel known-sentinel mymaster 127.0.0.1 26400 ffffffffffffffffffffffffffffffffffffff01
        """)
        let r = CoreHarness.value(h.command("REPLICAS", "mymaster")).elements!
        XCTAssertEqual(CoreHarness.pairs(r[0]).map(\.0), Self.replicaFields)
        XCTAssertEqual(CoreHarness.value(h.command("SLAVES", "mymaster")), CoreHarness.value(h.command("REPLICAS", "mymaster")))
        let s = CoreHarness.value(h.command("SENTINELS", "mymaster")).elements!
        let sp = CoreHarness.pairs(s[0])
        XCTAssertEqual(sp.map(\.0), Self.sentinelFields)
        XCTAssertEqual(sp[0].1, "ffffffffffffffffffffffffffffffffffffff01")
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: sp)["voted-leader"], "?")
    }

    func testSDownAddsTimeFields() throws {
        let h = try CoreHarness()
        h.advance(5200)
        let keys = CoreHarness.pairs(CoreHarness.value(h.command("MASTER", "mymaster"))).map(\.0)
        XCTAssertEqual(Array(keys[10...11]), ["s-down-time", "down-after-milliseconds"])
    }

    func testArityAndUnknownSubcommand() throws {
        let h = try CoreHarness()
        XCTAssertEqual(h.sentinelCommand(["sentinel"]), .value(.err("ERR wrong number of arguments for 'sentinel' command")))
        XCTAssertEqual(h.command("foo"), .value(.err("ERR unknown subcommand 'foo'. Try SENTINEL HELP.")))
        XCTAssertEqual(h.command("MASTER"), .value(.err("ERR wrong number of arguments for 'sentinel|master' command")))
        XCTAssertEqual(h.command("masters", "x"), .value(.err("ERR wrong number of arguments for 'sentinel|masters' command")))
        XCTAssertEqual(h.command("set", "mymaster", "quorum"), .value(.err("ERR wrong number of arguments for 'sentinel|set' command")))
        XCTAssertEqual(h.command("help", "x"), .value(.err("ERR wrong number of arguments for 'sentinel|help' command")))
        XCTAssertEqual(CoreHarness.value(h.command("HELP")).elements?.count, 49)
    }

    func testGetMasterAddrByName() throws {
        let h = try CoreHarness()
        XCTAssertEqual(CoreHarness.value(h.command("get-master-addr-by-name", "mymaster")), .array([.bulk("127.0.0.1"), .bulk("6379")]))
        XCTAssertEqual(CoreHarness.value(h.command("get-master-addr-by-name", "x")), .array(nil))
    }

    func testMonitorErrorsAndSuccess() throws {
        let h = try CoreHarness()
        XCTAssertEqual(h.command("monitor", "a", "127.0.0.1", "x", "2"), .value(.err("ERR Invalid port")))
        XCTAssertEqual(h.command("monitor", "a", "127.0.0.1", "1", "x"), .value(.err("ERR Invalid quorum")))
        XCTAssertEqual(h.command("monitor", "a", "127.0.0.1", "1", "0"), .value(.err("ERR Quorum must be 1 or greater.")))
        XCTAssertEqual(h.command("monitor", "a", "nohost", "1", "2"), .value(.err("ERR Invalid IP address or hostname specified")))
        XCTAssertEqual(h.command("monitor", "mymaster", "127.0.0.1", "70000", "2"), .value(.err("ERR Invalid port number.")))
        XCTAssertEqual(h.command("monitor", "mymaster", "127.0.0.1", "1", "2"), .value(.err("ERR Duplicate master name.")))
        let before = h.effects.count
        XCTAssertEqual(h.command("monitor", "other", "127.0.0.1", "7000", "1"), .okAfterFlush)
        let e = Array(h.effects[before...])
        XCTAssertEqual(CoreHarness.persisted(e.first)?.masters.map(\.name), ["mymaster", "other"], "saved with the new master")
        XCTAssertEqual(h.events(in: e), ["+monitor master other 127.0.0.1 7000 quorum 1"])
        XCTAssertEqual(h.command("remove", "other"), .okAfterFlush)
        XCTAssertTrue(h.events().contains("-monitor master other 127.0.0.1 7000"))
        XCTAssertNil(h.core.masters["other"])
        XCTAssertEqual(h.command("remove", "other"), .value(.err("ERR No such master with that name")))
    }

    func testSetOptionsEventsAndErrors() throws {
        let h = try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel known-replica mymaster 127.0.0.1 7001\n")
        let before = h.effects.count
        XCTAssertEqual(h.command("set", "mymaster", "down-after-milliseconds", "1234", "auth-pass", "pw", "rename-command", "CONFIG", "MYCONFIG"), .okAfterFlush)
        XCTAssertEqual(h.events(in: Array(h.effects[before...])), [
            "+set master mymaster 127.0.0.1 6379 down-after-milliseconds 1234",
            "+set master mymaster 127.0.0.1 6379 auth-pass ******",
            "+set master mymaster 127.0.0.1 6379 rename-command CONFIG MYCONFIG",
        ])
        XCTAssertEqual(h.master.replicas.all[0].downAfterPeriod, 1234)
        XCTAssertEqual(h.master.authPass, "pw")
        XCTAssertEqual(h.master.mapCommand("config"), "MYCONFIG")
        XCTAssertEqual(h.command("set", "mymaster", "quorum", "0"), .value(.err("ERR Invalid argument '0' for SENTINEL SET 'quorum'")))
        XCTAssertEqual(h.command("set", "mymaster", "foo", "1"), .value(.err("ERR Unknown option or number of arguments for SENTINEL SET 'foo'")))
        XCTAssertEqual(h.command("set", "mymaster", "notification-script", "/bin/true"),
                       .value(.err("ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration")))
        // Partly applied: the first option stays, the error is replied, the change is saved.
        let mark = h.effects.count
        XCTAssertEqual(h.command("set", "mymaster", "quorum", "3", "parallel-syncs", "x"),
                       .value(.err("ERR Invalid argument 'x' for SENTINEL SET 'parallel-syncs'")))
        XCTAssertEqual(h.master.quorum, 3)
        XCTAssertEqual(h.flushes(in: Array(h.effects[mark...])), 1)
        XCTAssertEqual(h.command("set", "nope", "quorum", "1"), .value(.err("ERR No such master with that name")))
        // Renaming a command to itself removes the mapping.
        XCTAssertEqual(h.command("set", "mymaster", "rename-command", "config", "CONFIG"), .okAfterFlush)
        XCTAssertEqual(h.master.mapCommand("CONFIG"), "CONFIG")
    }

    func testConfigGetSet() throws {
        let h = try CoreHarness()
        XCTAssertEqual(CoreHarness.pairs(CoreHarness.value(h.command("config", "get", "*"))).map(\.0),
                       ["resolve-hostnames", "announce-hostnames", "announce-ip", "announce-port", "sentinel-user", "sentinel-pass"])
        XCTAssertEqual(CoreHarness.value(h.command("config", "get", "announce-p*")), .map([.bulk("announce-port"), .bulk("0")]))
        XCTAssertEqual(h.command("config", "set", "announce-port", "x"), .value(.err("ERR Invalid value 'x' to SENTINEL CONFIG SET 'announce-port'")))
        XCTAssertEqual(h.command("config", "set", "foo", "bar"), .value(.err("ERR Invalid argument 'foo' to SENTINEL CONFIG SET")))
        XCTAssertEqual(h.command("config", "get"), .value(.err("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.")))
        XCTAssertEqual(h.command("config", "set", "announce-port", "1234"), .okAfterFlush)
        XCTAssertEqual(h.core.announcePort, 1234)
        XCTAssertEqual(h.command("config", "set", "resolve-hostnames", "maybe"),
                       .value(.err("ERR Invalid value 'maybe' to SENTINEL CONFIG SET 'resolve-hostnames'")))
    }

    func testDebugShowsAndSetsTimings() throws {
        let h = try CoreHarness()
        let d = CoreHarness.pairs(CoreHarness.value(h.command("debug")))
        XCTAssertEqual(d.count, 13)
        XCTAssertEqual(d[0].0, "INFO-PERIOD")
        XCTAssertEqual(d[0].1, "10000")
        XCTAssertEqual(h.command("debug", "ping-period", "500", "INFO-PERIOD", "2000"), .value(.simple("OK")))
        XCTAssertEqual(h.core.timings.pingPeriod, 500)
        XCTAssertEqual(h.core.timings.infoPeriod, 2000)
        XCTAssertEqual(h.command("debug", "foo"), .value(.err("ERR Unknown option or number of arguments for SENTINEL DEBUG 'foo'")))
        XCTAssertEqual(h.command("debug", "ping-period", "0"), .value(.err("ERR Invalid argument '0' for SENTINEL DEBUG 'ping-period'")))
        XCTAssertEqual(h.command("debug", "ping-period"), .value(.err("ERR Unknown option or number of arguments for SENTINEL DEBUG 'ping-period'")))
    }

    func testCkquorum() throws {
        let h = try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 5000\n")
        XCTAssertEqual(h.command("ckquorum", "mymaster"),
                       .value(.err("NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master")))
        h.receiveHello("127.0.0.1,26400,ffffffffffffffffffffffffffffffffffffff01,0,mymaster,127.0.0.1,6379,0")
        XCTAssertEqual(h.command("ckquorum", "mymaster"),
                       .value(.simple("OK 2 usable Sentinels. Quorum and failover authorization can be reached")))
        h.receiveHello("127.0.0.1,26401,ffffffffffffffffffffffffffffffffffffff02,0,mymaster,127.0.0.1,6379,0")
        h.receiveHello("127.0.0.1,26402,ffffffffffffffffffffffffffffffffffffff03,0,mymaster,127.0.0.1,6379,0")
        h.advance(5200)  // the three unreachable sentinels go SDOWN
        XCTAssertEqual(h.command("ckquorum", "mymaster"),
                       .value(.err("NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. Not enough available Sentinels to reach the majority and authorize a failover")))
    }

    func testResetDropsReplicasAndSentinelsWithoutFlush() throws {
        let h = try CoreHarness(config: """
        sentinel monitor mymaster 127.0.0.1 6379 2
        sentinel monitor other 127.0.0.1 6380 2
        sentinel known-replica mymaster 127.0.0.1 7001
        sentinel known-sentinel mymaster 127.0.0.1 26400 ffffffffffffffffffffffffffffffffffffff01
        """)
        let before = h.effects.count
        XCTAssertEqual(h.command("reset", "my*"), .value(.integer(1)))
        let e = Array(h.effects[before...])
        XCTAssertEqual(h.events(in: e), ["+reset-master master mymaster 127.0.0.1 6379"])
        XCTAssertEqual(h.flushes(in: e), 0)
        XCTAssertEqual(h.master.replicas.count, 0)
        XCTAssertEqual(h.master.sentinels.count, 0)
        XCTAssertEqual(h.command("reset", "MY*"), .value(.integer(0)), "case-sensitive")
        XCTAssertEqual(h.command("reset", "*"), .value(.integer(2)))
    }

    func testInfoCacheMyidSimulateFailurePendingScripts() throws {
        let h = try CoreHarness()
        XCTAssertEqual(CoreHarness.value(h.command("myid")), .bulk(CoreHarness.myid))
        XCTAssertEqual(CoreHarness.value(h.command("info-cache", "nope")), .array([]))
        XCTAssertEqual(CoreHarness.value(h.command("info-cache", "mymaster", "mymaster")),
                       .array([.bulk("mymaster"), .array([.array([.integer(0), .bulkString(nil)])])]))
        XCTAssertEqual(CoreHarness.value(h.command("pending-scripts")), .array([]))
        XCTAssertEqual(CoreHarness.value(h.command("simulate-failure", "help")),
                       .array([.bulk("crash-after-election"), .bulk("crash-after-promotion")]))
        XCTAssertEqual(h.command("simulate-failure", "x"), .value(.err("ERR Unknown failure simulation specified")))
        XCTAssertEqual(h.command("simulate-failure", "crash-after-election"), .value(.simple("OK")))
        XCTAssertEqual(h.core.simulateFailureFlags, .crashAfterElection)
        XCTAssertEqual(h.command("flushconfig"), .okAfterFlush)
    }

    func testUnannouncedReplicasAreHiddenButCounted() throws {
        let h = try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel known-replica mymaster 127.0.0.1 7001\n")
        let r = h.master.replicas.all[0]
        let e = h.advance(100)
        h.connectAll(e)
        h.answer(e, info: { uid in uid == r.uid ? CoreHarness.replicaInfo().replacingOccurrences(of: "replica_announced:1", with: "replica_announced:0") : nil })
        XCTAssertEqual(CoreHarness.value(h.command("REPLICAS", "mymaster")), .array([]))
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: CoreHarness.pairs(CoreHarness.value(h.command("MASTER", "mymaster"))))["num-slaves"], "1")
    }
}
