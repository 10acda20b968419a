import Deployment
import Foundation
import TestSupport
import XCTest
@testable import Operator

/// A master, two replicas and three sentinels on free loopback ports, of
/// Vigil's binaries or Redis's, with a short down-after, ready for a drill
/// once every sentinel knows both replicas and both other sentinels.
enum DrillDeployment {
    static let downAfter = 600
    static let failoverTimeout = 5000

    static func start(vigilDataNodes: Bool, sentinels kind: LocalDeployment.Node.Kind,
                      priorities: [Int] = [50, 50]) throws -> LocalDeployment {
        let sentinelBinary = try Interop.built("vigil-sentinel")
        if vigilDataNodes { _ = try Interop.built("vigil-server") }
        let d = try LocalDeployment()
        d.failoverTimeout = failoverTimeout
        do {
            try d.startDataNodes(replicaCount: priorities.count, priorities: priorities, vigilDataNodes: vigilDataNodes)
            for _ in 0..<3 { try d.startSentinel(kind, vigil: sentinelBinary, downAfter: downAfter) }
            try LocalDeployment.waitUntil(30, "the sentinels to discover each other and the replicas") {
                d.sentinels.allSatisfy { s in
                    let replicas = (try? s.call("SENTINEL", "REPLICAS", d.masterName))?.elements ?? []
                    let others = (try? s.call("SENTINEL", "SENTINELS", d.masterName))?.elements ?? []
                    return replicas.count == priorities.count && others.count == 2
                        && replicas.allSatisfy { ReplyFields.pairs($0)["flags"] == "slave" }
                }
            }
            return d
        } catch {
            d.tearDown()
            throw error
        }
    }

    static func options(_ kind: DrillOptions.Kind, _ d: LocalDeployment, wait: Int = 0) -> DrillOptions {
        var o = DrillOptions(kind: kind)
        o.sentinels = d.sentinels.map { Address(host: "127.0.0.1", port: $0.port) }
        o.masterName = d.masterName
        o.waitReplicas = wait
        o.timeoutSeconds = 30
        o.json = true // no run headers on stderr
        return o
    }

    /// The one run of a drill that must have completed.
    static func completedRun(_ report: DrillReport, _ failure: DrillFailure?,
                             file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        XCTAssertNil(failure, "\(failure.map { "\($0)" } ?? "")\n\(report.text())", file: file, line: line)
        let run = try XCTUnwrap(report.runs.first, "no run reported", file: file, line: line)
        print(report.text())
        return run
    }
}
