import Deployment
import Foundation
import TestSupport
import XCTest
@testable import Operator

/// `vigil status` over a deployment of Vigil's data nodes and vigil-sentinels.
final class StatusProcessTests: XCTestCase {
    nonisolated(unsafe) static var shared: StatusDeployment?

    /// One deployment for the class: each test only reads from it.
    func deployment() throws -> StatusDeployment {
        if let d = Self.shared { return d }
        let d = try StatusDeployment.start(vigil: true)
        Self.shared = d
        return d
    }

    override class func tearDown() {
        shared?.tearDown()
        shared = nil
        super.tearDown()
    }

    func testTableShowsOneMasterTwoReplicasAndThreeSentinels() throws {
        let d = try deployment()
        let run = try d.status([])
        XCTAssertEqual(run.status, 0, run.stderr)
        let text = run.stdout
        XCTAssertTrue(text.contains("master mymaster  127.0.0.1:\(d.deployment.masterPort)  ok\n"), text)
        XCTAssertTrue(text.contains("quorum 2  config-epoch 0  sentinels 3  replicas 2"), text)
        for (port, priority) in zip(d.replicaPorts, [100, 50]) {
            let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("  127.0.0.1:\(port) ") }, text)
            let cells = row.split(separator: " ")
            XCTAssertEqual(cells[1], "slave")
            XCTAssertEqual(cells[2], "ok")
            XCTAssertEqual(cells[3], Substring(String(priority)))
            XCTAssertNotEqual(cells[5], "-", "lag figures come from the master: \(row)")
        }
        for (i, port) in d.sentinelPorts.enumerated() {
            let row = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("  127.0.0.1:\(port) ") }, text)
            XCTAssertEqual(row.contains("(answering)"), i == 0, String(row))
        }
    }

    func testJSONHasTheMasterReplicasAndSentinelsWithTheirFields() throws {
        let d = try deployment()
        let run = try d.status(["--json"], sentinel: 1)
        XCTAssertEqual(run.status, 0, run.stderr)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        XCTAssertEqual(root["sentinel"] as? String, "127.0.0.1:\(d.sentinelPorts[1])")
        XCTAssertEqual(root["sentinelId"] as? String, d.deployment.sentinels[1].myid)
        let masters = try XCTUnwrap(root["masters"] as? [[String: Any]])
        XCTAssertEqual(masters.count, 1)
        let m = masters[0]
        XCTAssertEqual(m["address"] as? String, "127.0.0.1:\(d.deployment.masterPort)")
        XCTAssertEqual(m["clientAddress"] as? String, "127.0.0.1:\(d.deployment.masterPort)")
        XCTAssertEqual(m["state"] as? String, "ok")
        XCTAssertEqual(m["otherSentinels"] as? Int, 2)
        XCTAssertNotNil(m["replicationOffset"] as? Int)
        let replicas = try XCTUnwrap(m["replicas"] as? [[String: Any]])
        XCTAssertEqual(Set(replicas.compactMap { $0["address"] as? String }), Set(d.replicaPorts.map { "127.0.0.1:\($0)" }))
        for r in replicas {
            XCTAssertEqual(r["masterLinkStatus"] as? String, "ok")
            XCTAssertEqual(r["masterAddress"] as? String, "127.0.0.1:\(d.deployment.masterPort)")
            XCTAssertNotNil(r["lagBytes"] as? Int, "\(r)")
            XCTAssertNotNil(r["lagSeconds"] as? Int, "\(r)")
        }
        let sentinels = try XCTUnwrap(m["sentinels"] as? [[String: Any]])
        XCTAssertEqual(Set(sentinels.compactMap { $0["runId"] as? String }), Set(d.deployment.sentinels.map(\.myid)))
        for s in sentinels where s["answering"] as? Bool == false {
            XCTAssertNotNil(s["lastHelloMs"] as? Int, "\(s)")
            XCTAssertEqual(s["flags"] as? [String], ["sentinel"])
        }
    }

    func testEpochsComeFromEverySentinelsHello() throws {
        let d = try deployment()
        let run = try d.status(["--json", "--epochs"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        let sentinels = try XCTUnwrap((root["masters"] as? [[String: Any]])?.first?["sentinels"] as? [[String: Any]])
        XCTAssertEqual(sentinels.map { $0["currentEpoch"] as? Int }, [0, 0, 0], "\(sentinels)")
    }

    func testNamedMasterIsShownAlone() throws {
        let d = try deployment()
        let run = try d.status(["mymaster"], sentinel: 2)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("master mymaster "), run.stdout)
    }

    func testUnknownMasterNameFailsNamingTheKnownOnes() throws {
        let d = try deployment()
        let run = try d.status(["nosuch"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stdout, "")
        XCTAssertEqual(run.stderr, "vigil status: sentinel 127.0.0.1:\(d.sentinelPorts[0]) monitors no master named 'nosuch' (it monitors: mymaster)\n")
    }

    func testADataNodeAtTheAddressIsNotTakenForASentinel() throws {
        let d = try deployment()
        let run = try StatusDeployment.vigilStatus(["--sentinel", "127.0.0.1:\(d.deployment.masterPort)"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("vigil status: 127.0.0.1:\(d.deployment.masterPort) is not a sentinel: a server in redis_mode:standalone answered SENTINEL MYID with: ERR unknown command"), run.stderr)
    }

    func testTheFirstSentinelThatAnswersIsUsed() throws {
        let d = try deployment()
        let dead = Ports.free()
        let run = try StatusDeployment.vigilStatus(["--sentinel", "127.0.0.1:\(dead)", "--sentinel", "127.0.0.1:\(d.sentinelPorts[2])", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("\"sentinel\": \"127.0.0.1:\(d.sentinelPorts[2])\""), run.stdout)
    }

    func testWatchRedrawsTheCountedNumberOfTimes() throws {
        let d = try deployment()
        let run = try d.status(["--watch", "--interval", "0.1", "--count", "3"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout.components(separatedBy: StatusWatch.clearScreen).count - 1, 3)
        XCTAssertEqual(run.stdout.components(separatedBy: "master mymaster ").count - 1, 3)
    }
}

/// Failures that need no deployment.
final class StatusUnreachableTests: XCTestCase {
    func testUnreachableSentinelFailsNamingTheAddressAndTheError() throws {
        let port = Ports.free()
        let run = try StatusDeployment.vigilStatus(["--sentinel", "127.0.0.1:\(port)"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "vigil status: cannot reach sentinel 127.0.0.1:\(port): Connection refused\n")
    }

    func testNoSentinelAnsweringListsEachAddressTried() throws {
        let (a, b) = (Ports.free(), Ports.free())
        let run = try StatusDeployment.vigilStatus(["--sentinel", "127.0.0.1:\(a)", "--sentinel", "127.0.0.1:\(b)"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, """
            vigil status: no sentinel answered:
              cannot reach sentinel 127.0.0.1:\(a): Connection refused
              cannot reach sentinel 127.0.0.1:\(b): Connection refused

            """)
    }

    func testBadArgumentsFailWithUsage() throws {
        let run = try StatusDeployment.vigilStatus(["--sentinel", "nowhere"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.hasPrefix("vigil status: --sentinel wants host:port, got 'nowhere'\n\nUsage: vigil status"), run.stderr)
    }
}
