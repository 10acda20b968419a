import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// The issue's "Must show": a real redis-server master with two real
/// replicas, three vigil-sentinels (one started as `vigil-server --sentinel`)
/// and one real redis-sentinel in one quorum, on free loopback ports.
final class MixedDeploymentTests: XCTestCase {
    let downAfter = 1000

    func testWatchRealDeploymentWithRealSentinel() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        try d.startDataNodes(replicaCount: 2)
        let v1 = try d.startSentinel(.vigil, vigil: vigil, downAfter: downAfter)
        let v2 = try d.startSentinel(.vigil, vigil: vigil, downAfter: downAfter)
        let v3 = try d.startSentinel(.vigil, vigil: vigil, downAfter: downAfter, useVigilServer: true)
        let real = try d.startSentinel(.real, vigil: vigil, downAfter: downAfter)
        let all = [v1, v2, v3, real]

        // 1. Discovery: both replicas and the three other sentinels, within three hello periods.
        let replicaNames = Set(d.replicas.map { "127.0.0.1:\($0.1)" })
        let took = try LocalDeployment.waitUntil(6.0, "full discovery") {
            try all.allSatisfy { n in
                let reps = Set((try n.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 })
                let sents = Set((try n.call("SENTINEL", "SENTINELS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 })
                return reps == replicaNames && sents == Set(all.filter { $0 !== n }.map(\.myid))
            }
        }
        print("discovery: every sentinel knew 2 replicas and 3 sentinels \(String(format: "%.2f", took)) s after the last start")

        // 2. The same fields, in the same order, as the real redis-sentinel.
        try compareWithReal(d, vigil: v1, real: real)

        // 3. SIGSTOP the master: +sdown within down-after + 1 s, +odown at quorum 2, everywhere.
        let watcher = try EventWatcher(all)
        defer { watcher.close() }
        let stopped = Date()
        d.master.kill(signal: SIGSTOP)
        watcher.pump(for: 8) { ev in all.allSatisfy { n in ev.contains { $0.node == n.label && $0.type == "+odown" } } }
        let masterDesc = "master \(d.masterName) 127.0.0.1 \(d.masterPort)"
        for n in all {
            guard let sdown = watcher.first(n.label, "+sdown", after: stopped), sdown.message == masterDesc else {
                XCTFail("\(n.label): no +sdown for the master; events: \(watcher.events.filter { $0.node == n.label }.map { "\($0.type) \($0.message)" })")
                continue
            }
            let sdownAfter = sdown.at.timeIntervalSince(stopped)
            print("\(n.label): +sdown \(String(format: "%.3f", sdownAfter)) s after SIGSTOP")
            // A PING goes out at most one ping period (1 s) plus one timer tick after the last reply.
            XCTAssertLessThanOrEqual(sdownAfter, Double(downAfter) / 1000 + 1.0 + 0.15, "\(n.label) +sdown too late")
            XCTAssertGreaterThanOrEqual(sdownAfter, Double(downAfter) / 1000 - 0.05, "\(n.label) +sdown too early")
            guard let odown = watcher.first(n.label, "+odown", after: stopped) else {
                XCTFail("\(n.label): no +odown")
                continue
            }
            XCTAssertTrue(odown.message.hasPrefix("\(masterDesc) #quorum "), odown.message)
            XCTAssertTrue(odown.message.hasSuffix("/2"), odown.message)
            print("\(n.label): \(odown.type) \(odown.message) \(String(format: "%.3f", odown.at.timeIntervalSince(stopped))) s after SIGSTOP")
        }

        // While down: the same fields (s-down-time, o-down-time) in the same order as the real one.
        // The real sentinel may be inside its (doomed: replica priority 0) failover attempt: leave that out.
        func downView(_ n: LocalDeployment.Node) throws -> [(String, String)] {
            LocalDeployment.pairs(try n.call("SENTINEL", "MASTER", d.masterName)).filter { $0.0 != "failover-state" }.map { k, v in
                (k, k == "flags" ? v.split(separator: ",").filter { $0 != "failover_in_progress" }.joined(separator: ",") : v)
            }
        }
        compareMaps("MASTER while down", try downView(v1), try downView(real))
        XCTAssertEqual(try downView(v1).first { $0.0 == "flags" }?.1, "s_down,o_down,master")

        // 4. SIGCONT: -sdown and -odown everywhere.
        let resumed = Date()
        d.master.kill(signal: SIGCONT)
        watcher.pump(for: 8) { ev in
            all.allSatisfy { n in
                ev.contains { $0.node == n.label && $0.type == "-sdown" && $0.message == masterDesc && $0.at >= resumed }
                    && ev.contains { $0.node == n.label && $0.type == "-odown" && $0.at >= resumed }
            }
        }
        for n in all {
            XCTAssertNotNil(watcher.first(n.label, "-sdown", after: resumed), "\(n.label): no -sdown")
            XCTAssertNotNil(watcher.first(n.label, "-odown", after: resumed), "\(n.label): no -odown")
        }
        let flags = LocalDeployment.pairs(try v1.call("SENTINEL", "MASTER", d.masterName)).first { $0.0 == "flags" }?.1
        XCTAssertEqual(flags, "master")
        XCTAssertEqual(try v1.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", d.masterName),
                       .array([.bulk("127.0.0.1"), .bulk(String(d.masterPort))]), "no failover")

        // 5. Restarted from its rewritten config, a vigil-sentinel knows the same replicas and sentinels at once.
        let conf = try String(contentsOfFile: v1.configPath, encoding: .utf8)
        XCTAssertTrue(conf.hasPrefix("# written by LocalDeployment\nport \(v1.port)\n"), "operator lines kept in place")
        XCTAssertEqual(conf.components(separatedBy: "sentinel known-replica ").count - 1, 2)
        XCTAssertEqual(conf.components(separatedBy: "sentinel known-sentinel ").count - 1, 3)
        XCTAssertTrue(conf.contains("sentinel myid \(v1.myid)\n"))
        let knownBefore = try knownNames(v1, d)
        try d.restart(v1, vigil: vigil)
        let c = try v1.connect()
        defer { c.close() }
        let reps = (try c.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 }
        let sents = (try c.call("SENTINEL", "SENTINELS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 }
        XCTAssertEqual(Set(reps), knownBefore.replicas)
        XCTAssertEqual(Set(sents), knownBefore.sentinels)
        XCTAssertEqual(try c.call("SENTINEL", "MYID").string, v1.myid)
    }

    func knownNames(_ n: LocalDeployment.Node, _ d: LocalDeployment) throws -> (replicas: Set<String>, sentinels: Set<String>) {
        let reps = (try n.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 }
        let sents = (try n.call("SENTINEL", "SENTINELS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 }
        return (Set(reps), Set(sents))
    }

    /// Values that differ between any two sentinels by nature: times, queue lengths, offsets.
    static let volatile: Set<String> = ["link-pending-commands", "last-ping-sent", "last-ok-ping-reply", "last-ping-reply",
                                        "info-refresh", "role-reported-time", "last-hello-message", "slave-repl-offset",
                                        "s-down-time", "o-down-time"]

    func compareMaps(_ what: String, _ mine: [(String, String)], _ theirs: [(String, String)]) {
        XCTAssertEqual(mine.map(\.0), theirs.map(\.0), "\(what): field names and order")
        for ((k, a), (_, b)) in zip(mine, theirs) where !Self.volatile.contains(k) {
            XCTAssertEqual(a, b, "\(what): field \(k)")
        }
    }

    func compareWithReal(_ d: LocalDeployment, vigil v: LocalDeployment.Node, real r: LocalDeployment.Node) throws {
        // Let both see fresh INFO from every replica first (link status, offsets...).
        try LocalDeployment.waitUntil(12, "replica INFO on both sentinels") {
            try [v, r].allSatisfy { n in
                (try n.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).allSatisfy {
                    LocalDeployment.pairs($0).contains { $0 == ("master-link-status", "ok") }
                }
            }
        }
        // And links to every other sentinel (a loaded machine connects them late).
        try LocalDeployment.waitUntil(12, "sentinel links on both sentinels") {
            try [v, r].allSatisfy { n in
                (try n.call("SENTINEL", "SENTINELS", d.masterName).elements ?? []).allSatisfy {
                    LocalDeployment.pairs($0).contains { $0 == ("flags", "sentinel") }
                }
            }
        }
        compareMaps("MASTER", LocalDeployment.pairs(try v.call("SENTINEL", "MASTER", d.masterName)),
                    LocalDeployment.pairs(try r.call("SENTINEL", "MASTER", d.masterName)))

        func byName(_ n: LocalDeployment.Node, _ sub: String) throws -> [String: [(String, String)]] {
            var out: [String: [(String, String)]] = [:]
            for e in try n.call("SENTINEL", sub, d.masterName).elements ?? [] {
                let p = LocalDeployment.pairs(e)
                out[p[0].1] = p
            }
            return out
        }
        let myReplicas = try byName(v, "REPLICAS"), realReplicas = try byName(r, "REPLICAS")
        XCTAssertEqual(Set(myReplicas.keys), Set(realReplicas.keys))
        for (name, p) in myReplicas {
            if let q = realReplicas[name] { compareMaps("REPLICAS \(name)", p, q) }
        }
        // Each lists the others: compare the sentinels both know.
        let mySentinels = try byName(v, "SENTINELS"), realSentinels = try byName(r, "SENTINELS")
        let common = Set(mySentinels.keys).intersection(realSentinels.keys)
        XCTAssertEqual(common.count, 2)
        for name in common { compareMaps("SENTINELS \(name)", mySentinels[name]!, realSentinels[name]!) }
        // The real sentinel, as seen by us, has the same shape as a vigil one seen by it.
        if let realSeen = mySentinels[r.myid], let vigilSeen = realSentinels[v.myid] ?? realSentinels.values.first {
            XCTAssertEqual(realSeen.map(\.0), vigilSeen.map(\.0))
        }
        let myInfo = try v.call("INFO", "sentinel").string ?? ""
        let realInfo = try r.call("INFO", "sentinel").string ?? ""
        XCTAssertEqual(myInfo, realInfo, "INFO sentinel")
    }
}
