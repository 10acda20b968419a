import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// client-reconfig-script during a failover: redis-sentinel's arguments
/// `<master-name> <role> <state> <from-ip> <from-port> <to-ip> <to-port>`,
/// run by the leader at the promotion and by observers at the switch.
final class CoreFailoverScriptTests: XCTestCase {
    static let script = "/bin/true"

    func spawned(_ e: [SentinelEffect]) -> [[String]] {
        e.compactMap { if case .spawnScript(_, let a) = $0, a.first == Self.script { return a } else { return nil } }
    }

    func world() throws -> FailoverWorld {
        try FailoverWorld(extraConfig: "sentinel client-reconfig-script mymaster \(Self.script)")
    }

    func testLeaderRunsTheReconfigScriptWhenThePromotionIsSeen() throws {
        let w = try world()
        w.killMaster()
        var effects: [SentinelEffect] = []
        for _ in 0..<600 where !w.h.events(in: effects).contains(where: { $0.hasPrefix("+switch-master") }) {
            effects += w.run(100)
        }
        XCTAssertEqual(spawned(effects), [["/bin/true", "mymaster", "leader", "start", "127.0.0.1", "6379", "127.0.0.1", "7001"]])
    }

    func testObserverRunsTheReconfigScriptWhenAHelloSwitchesTheMaster() throws {
        let w = try world()
        let peer = w.peers[26400]!
        w.h.receiveHello("127.0.0.1,26400,\(peer.runid),3,mymaster,127.0.0.1,7002,3")
        let effects = w.h.drain() + w.run(200)
        XCTAssertEqual(spawned(effects), [["/bin/true", "mymaster", "observer", "start", "127.0.0.1", "6379", "127.0.0.1", "7002"]])
    }
}
