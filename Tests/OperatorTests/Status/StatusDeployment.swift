import Deployment
import Foundation
import TestSupport
import XCTest
@testable import Operator

/// A master, two replicas and three sentinels of one kind on free ports, and
/// `vigil status` run as the operator runs it (the built binary).
struct StatusDeployment {
    let deployment: LocalDeployment
    var sentinelPorts: [Int] { deployment.sentinels.map(\.port) }
    var replicaPorts: [Int] { deployment.replicas.map(\.1) }

    /// Vigil's data nodes and vigil-sentinels, or redis-server and redis-sentinel.
    static func start(vigil: Bool) throws -> StatusDeployment {
        let d = try LocalDeployment()
        do {
            try d.startDataNodes(replicaCount: 2, priorities: [100, 50], vigilDataNodes: vigil)
            let sentinelExe = vigil ? try Interop.built("vigil-sentinel") : ""
            for _ in 0..<3 { try d.startSentinel(vigil ? .vigil : .real, vigil: sentinelExe) }
            let s = StatusDeployment(deployment: d)
            try s.waitUntilEverySentinelSeesEveryone()
            return s
        } catch {
            d.tearDown()
            throw error
        }
    }

    /// Sentinels learn replicas from the master's INFO and each other from
    /// hellos every 2 s; the tests look once all of that is in.
    func waitUntilEverySentinelSeesEveryone() throws {
        try LocalDeployment.waitUntil(20, "every sentinel sees two linked replicas and two other sentinels") {
            try sentinelPorts.allSatisfy { port in
                let r = try SentinelGatherer().gather(from: .init(host: "127.0.0.1", port: port), masterName: nil)
                guard let m = r.masters.first else { return false }
                return m.replicas.count == 2 && m.replicas.allSatisfy { $0.linkStatus == "ok" } && m.sentinels.count == 3
            }
        }
    }

    func tearDown() { deployment.tearDown() }

    /// `vigil status ARGS`, with --sentinel for the first sentinel unless given.
    func status(_ args: [String], sentinel: Int = 0) throws -> ToolRun {
        try Self.vigilStatus(["--sentinel", "127.0.0.1:\(sentinelPorts[sentinel])"] + args)
    }

    static func vigilStatus(_ args: [String]) throws -> ToolRun {
        try ToolRun.run(try Interop.built("vigil"), ["status"] + args, timeout: 30)
    }
}
