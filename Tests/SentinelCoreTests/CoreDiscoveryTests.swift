import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// Replicas from INFO, sentinels from hellos, master switches carried by hellos.
final class CoreDiscoveryTests: XCTestCase {
    let otherID = "ffffffffffffffffffffffffffffffffffffff01"

    func connected() throws -> CoreHarness {
        let h = try CoreHarness()
        let e = h.advance(100)
        h.connectAll(e)
        h.answer(e, info: { _ in CoreHarness.masterInfo(replicas: [("127.0.0.1", 7001), ("127.0.0.1", 7002)]) })
        return h
    }

    func testReplicasFromMasterInfo() throws {
        let h = try connected()
        XCTAssertEqual(h.master.replicas.all.map(\.name), ["127.0.0.1:7001", "127.0.0.1:7002"])
        XCTAssertEqual(Array(h.events().suffix(2)), [
            "+slave slave 127.0.0.1:7001 127.0.0.1 7001 @ mymaster 127.0.0.1 6379",
            "+slave slave 127.0.0.1:7002 127.0.0.1 7002 @ mymaster 127.0.0.1 6379",
        ])
        XCTAssertEqual(h.flushes(in: h.effects), 2)
        XCTAssertEqual(h.master.runid, String(repeating: "a", count: 40))
        // The same INFO again adds nothing.
        let before = h.effects.count
        h.reply(conn: h.master.link.cc!, tag: .info(uid: h.master.uid),
                value: .bulk(CoreHarness.masterInfo(replicas: [("127.0.0.1", 7001)])))
        h.drain()
        XCTAssertEqual(h.effects.count, before)
    }

    func testOldReplicaLineFormat() throws {
        let h = try CoreHarness()
        let e = h.advance(100)
        h.connectAll(e)
        h.answer(e, info: { _ in "role:master\r\nslave0:10.1.1.1,6380,online\r\n" })
        XCTAssertEqual(h.master.replicas.all.map(\.name), ["10.1.1.1:6380"])
    }

    func testReplicaDetailsFromItsOwnInfo() throws {
        let h = try connected()
        let r = h.master.replicas["127.0.0.1:7001"]!
        let e = h.advance(100)
        h.connectAll(e)
        h.answer(e, info: { uid in uid == r.uid ? CoreHarness.replicaInfo(priority: 50, offset: 1234) : nil })
        XCTAssertEqual(r.runid, String(repeating: "b", count: 40))
        XCTAssertEqual(r.slavePriority, 50)
        XCTAssertEqual(r.slaveReplOffset, 1234)
        XCTAssertEqual(r.slaveMasterHost, "127.0.0.1")
        XCTAssertEqual(r.slaveMasterPort, 6379)
        XCTAssertTrue(r.slaveMasterLinkUp)
        XCTAssertEqual(r.roleReported, .replica)
        let map = CoreHarness.pairs(CoreHarness.value(h.command("REPLICAS", "mymaster")).elements![0])
        let d = Dictionary(uniqueKeysWithValues: map)
        XCTAssertEqual(d["master-link-status"], "ok")
        XCTAssertEqual(d["slave-priority"], "50")
        XCTAssertEqual(d["slave-repl-offset"], "1234")
        XCTAssertEqual(d["replica-announced"], "1")
    }

    func testReplicaWithLinkDownGetsInfoEverySecond() throws {
        let h = try connected()
        let r = h.master.replicas["127.0.0.1:7001"]!
        let e = h.advance(100)
        h.connectAll(e)
        h.answer(e, info: { uid in uid == r.uid ? CoreHarness.replicaInfo(linkUp: false) : nil })
        XCTAssertEqual(r.masterLinkDownTime, 3000)
        var infos = 0
        for _ in 0..<30 {
            let s = h.advance(100)
            h.answer(s, info: { uid in uid == r.uid ? CoreHarness.replicaInfo(linkUp: false) : nil })
            infos += h.sends(in: s).filter { $0.args == ["INFO"] && $0.tag == .info(uid: r.uid) }.count
        }
        XCTAssertTrue((2...3).contains(infos), "\(infos)")
    }

    func testRebootEventOnNewRunID() throws {
        let h = try connected()
        h.reply(conn: h.master.link.cc!, tag: .info(uid: h.master.uid),
                value: .bulk(CoreHarness.masterInfo(runid: String(repeating: "c", count: 40), replicas: [])))
        XCTAssertEqual(h.events(in: h.drain()), ["+reboot master mymaster 127.0.0.1 6379"])
    }

    func hello(_ h: CoreHarness, ip: String = "127.0.0.1", port: Int = 26400, runid: String? = nil, epoch: Int = 0,
               masterIP: String = "127.0.0.1", masterPort: Int = 6379, configEpoch: Int = 0) -> [SentinelEffect] {
        let payload = "\(ip),\(port),\(runid ?? otherID),\(epoch),mymaster,\(masterIP),\(masterPort),\(configEpoch)"
        h.push(conn: h.master.link.pc!, value: .array([.bulk("message"), .bulk("__sentinel__:hello"), .bulk(payload)]))
        return h.drain()
    }

    func testSentinelFromHello() throws {
        let h = try connected()
        let e = hello(h)
        XCTAssertEqual(h.events(in: e), ["+sentinel sentinel \(otherID) 127.0.0.1 26400 @ mymaster 127.0.0.1 6379"])
        XCTAssertEqual(h.flushes(in: e), 1)
        XCTAssertEqual(h.master.sentinels.count, 1)
        XCTAssertEqual(h.master.sentinels.all[0].runid, otherID)
        // Known: nothing new.
        XCTAssertTrue(hello(h).isEmpty)
        // The sentinel gets a command link of its own on the next tick.
        let t = h.advance(100)
        XCTAssertTrue(h.connects(in: t).contains { $0.port == 26400 })
    }

    func testOwnHelloIsIgnored() throws {
        let h = try connected()
        XCTAssertTrue(hello(h, runid: CoreHarness.myid).isEmpty)
        XCTAssertEqual(h.master.sentinels.count, 0)
    }

    func testMalformedHellosAreIgnored() throws {
        let h = try connected()
        for bad in ["", "a,b,c", "1,2,3,4,5,6,7,8,9", "127.0.0.1,x,\(otherID),0,nosuchmaster,127.0.0.1,6379,0",
                    "notanip,26400,\(otherID),0,mymaster,127.0.0.1,6379,0"] {
            h.push(conn: h.master.link.pc!, value: .array([.bulk("message"), .bulk("__sentinel__:hello"), .bulk(bad)]))
        }
        h.push(conn: h.master.link.pc!, value: .array([.bulk("message"), .integer(3), .bulk("x")]))
        h.push(conn: h.master.link.pc!, value: .integer(3))
        h.drain()
        XCTAssertEqual(h.master.sentinels.count, 0)
    }

    func testSentinelRestartedWithNewRunIDOnSameAddressReplacesIt() throws {
        let h = try connected()
        hello(h)
        let newID = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee02"
        let e = hello(h, runid: newID)
        XCTAssertEqual(h.events(in: e), [
            "+sentinel-invalid-addr sentinel \(otherID) 127.0.0.1 26400 @ mymaster 127.0.0.1 6379",
            "+sentinel sentinel \(newID) 127.0.0.1 26400 @ mymaster 127.0.0.1 6379",
        ])
        XCTAssertEqual(h.master.sentinels.all.map(\.runid), [newID])
    }

    func testSentinelAddressSwitch() throws {
        let h = try connected()
        hello(h)
        let e = hello(h, port: 26401)
        XCTAssertEqual(h.events(in: e), ["+sentinel-address-switch master mymaster 127.0.0.1 6379 ip 127.0.0.1 port 26401 for \(otherID)"])
        XCTAssertEqual(h.master.sentinels.all.map(\.addr.port), [26401])
    }

    func testNewEpochFromHello() throws {
        let h = try connected()
        let e = hello(h, epoch: 5)
        XCTAssertEqual(h.core.currentEpoch, 5)
        XCTAssertTrue(h.events(in: e).contains("+new-epoch 5"))
    }

    func testMasterSwitchFromHelloWithNewerConfigEpoch() throws {
        let h = try connected()
        hello(h)
        let e = hello(h, epoch: 3, masterIP: "127.0.0.1", masterPort: 7001, configEpoch: 3)
        XCTAssertEqual(h.events(in: e), [
            "+new-epoch 3",
            "+config-update-from sentinel \(otherID) 127.0.0.1 26400 @ mymaster 127.0.0.1 6379",
            "+switch-master mymaster 127.0.0.1 6379 127.0.0.1 7001",
            "+slave slave 127.0.0.1:7002 127.0.0.1 7002 @ mymaster 127.0.0.1 7001",
            "+slave slave 127.0.0.1:6379 127.0.0.1 6379 @ mymaster 127.0.0.1 7001",
        ])
        XCTAssertEqual(h.master.addr.port, 7001)
        XCTAssertEqual(h.master.configEpoch, 3)
        XCTAssertEqual(h.master.sentinels.count, 1, "sentinels are kept")
        XCTAssertEqual(CoreHarness.value(h.command("GET-MASTER-ADDR-BY-NAME", "mymaster")), .array([.bulk("127.0.0.1"), .bulk("7001")]))
        // Same epoch again: nothing.
        h.receiveHello("127.0.0.1,26400,\(otherID),3,mymaster,127.0.0.1,7001,3")
        XCTAssertTrue(h.events(in: h.drain()).isEmpty)
    }

    func testConfigEpochOnlyChangeIsSilent() throws {
        let h = try connected()
        hello(h)
        let e = hello(h, configEpoch: 2)
        XCTAssertTrue(h.events(in: e).isEmpty)
        XCTAssertEqual(h.master.configEpoch, 2)
    }

    func testSentinelLinkSharedAcrossMasters() throws {
        let h = try CoreHarness(config: "sentinel monitor m1 127.0.0.1 6379 2\nsentinel monitor m2 127.0.0.1 6380 2\n")
        let e = h.advance(100)
        h.connectAll(e)
        for m in ["m1", "m2"] {
            let mi = h.core.masters[m]!
            let payload = "127.0.0.1,26400,\(otherID),0,\(m),\(mi.addr.ip),\(mi.addr.port),0"
            h.push(conn: mi.link.pc!, value: .array([.bulk("message"), .bulk("__sentinel__:hello"), .bulk(payload)]))
        }
        h.drain()
        let s1 = h.core.masters["m1"]!.sentinels.all[0], s2 = h.core.masters["m2"]!.sentinels.all[0]
        XCTAssertTrue(s1.link === s2.link)
        XCTAssertEqual(s1.link.refcount, 2)
        let t = h.advance(100)
        XCTAssertEqual(h.connects(in: t).filter { $0.port == 26400 }.count, 1)
    }

    func testBadInfoRepliesDoNotCrash() throws {
        let h = try CoreHarness()
        let e = h.advance(100)
        h.connectAll(e)
        let cc = h.master.link.cc!
        for v: RESPValue in [.integer(1), .err("ERR no"), .array([]), .bulkString(nil),
                             .bulk("role:master\r\nslave0:\r\nslave1:ip=,port=\r\nslave2:ip=1.1.1.1\r\nrun_id:short\r\nmaster_link_down_since_seconds:\r\n")] {
            h.reply(conn: cc, tag: .info(uid: h.master.uid), value: v)
        }
        h.drain()
        XCTAssertEqual(h.master.replicas.count, 0)
        let logs = h.effects.compactMap { if case .log(_, let t) = $0 { return t } else { return nil } }
        XCTAssertEqual(logs.filter { $0.contains("INFO reply is not a bulk string") }.count, 1, "logged once")
    }
}
