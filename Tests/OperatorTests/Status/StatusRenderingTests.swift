import Foundation
import XCTest
@testable import Operator

/// The status model as the operator reads it: tables and JSON.
final class StatusRenderingTests: XCTestCase {
    func testTableShowsTheMasterItsReplicasAndItsSentinels() {
        XCTAssertEqual(StatusTable.render(SentinelReplyFixtures.report()), """
            sentinel 127.0.0.1:26380  id 4653ff9b  masters 1

            master mymaster  127.0.0.1:6380  ok
              flags master  quorum 2  config-epoch 3  sentinels 3  replicas 2  repl-offset 716

              REPLICA         FLAGS  LINK  PRIORITY  OFFSET  ACKED  LAG-BYTES  LAG-S
              127.0.0.1:6381  slave  ok    100       570     582    134        0
              127.0.0.1:6382  slave  ok    0         380     400    316        1

              SENTINEL         ID        FLAGS        LAST-HELLO  VOTED-LEADER  LEADER-EPOCH  EPOCH
              127.0.0.1:26380  4653ff9b  (answering)  -           -             -             3
              127.0.0.1:26381  3b1870e7  sentinel     932ms       -             0             -
              127.0.0.1:26382  8f1c2e0d  sentinel     1500ms      4653ff9b      3             3

            """)
    }

    func testTableSaysWhereClientsGoWhenTheSentinelsMovedThemAlready() {
        var report = SentinelReplyFixtures.report()
        report.masters[0].clientAddress = "127.0.0.1:6381"
        XCTAssertTrue(StatusTable.render(report).contains("\n  clients are sent to 127.0.0.1:6381\n"))
    }

    func testTableSaysWhyLagIsMissingWhenTheMasterIsDown() {
        var report = SentinelReplyFixtures.report()
        report.masters[0].flags = ["master", "s_down", "o_down"]
        report.masters[0].replicationError = "Connection refused"
        for i in report.masters[0].replicas.indices {
            report.masters[0].replicas[i].lagBytes = nil
            report.masters[0].replicas[i].ackedOffset = nil
            report.masters[0].replicas[i].lagSeconds = nil
        }
        let text = StatusTable.render(report)
        XCTAssertTrue(text.contains("master mymaster  127.0.0.1:6380  odown\n"), text)
        XCTAssertTrue(text.contains("no lag figures: the master's INFO replication Connection refused"), text)
        XCTAssertTrue(text.contains("127.0.0.1:6381  slave  ok    100       570     -      -          -"), text)
    }

    func testTableFlagsATiltedSentinel() {
        var report = SentinelReplyFixtures.report()
        report.tilt = true
        XCTAssertTrue(StatusTable.render(report).contains("\nTILT: "))
    }

    func testTableOfASentinelWithoutMastersSaysSo() {
        let report = StatusReport(sentinel: "h:1", sentinelID: "abc", tilt: false, masters: [])
        XCTAssertEqual(StatusTable.render(report), "sentinel h:1  id abc  masters 0\n(it monitors no master)\n")
    }

    func testJSONParsesAndCarriesEveryField() throws {
        let text = StatusJSON.render(SentinelReplyFixtures.report())
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(root["sentinel"] as? String, "127.0.0.1:26380")
        XCTAssertEqual(root["tilt"] as? Bool, false)
        let master = try XCTUnwrap((root["masters"] as? [[String: Any]])?.first)
        XCTAssertEqual(master["name"] as? String, "mymaster")
        XCTAssertEqual(master["state"] as? String, "ok")
        XCTAssertEqual(master["quorum"] as? Int, 2)
        XCTAssertEqual(master["configEpoch"] as? Int, 3)
        XCTAssertEqual(master["replicationOffset"] as? Int, 716)
        XCTAssertTrue(master["replicationError"] is NSNull)
        let replicas = try XCTUnwrap(master["replicas"] as? [[String: Any]])
        XCTAssertEqual(replicas.map { $0["address"] as? String }, ["127.0.0.1:6381", "127.0.0.1:6382"])
        XCTAssertEqual(replicas.map { $0["lagBytes"] as? Int }, [134, 316])
        XCTAssertEqual(replicas.map { $0["masterLinkStatus"] as? String }, ["ok", "ok"])
        let sentinels = try XCTUnwrap(master["sentinels"] as? [[String: Any]])
        XCTAssertEqual(sentinels.map { $0["answering"] as? Bool }, [true, false, false])
        XCTAssertEqual(sentinels[2]["votedLeader"] as? String, SentinelReplyFixtures.answering)
        XCTAssertEqual(sentinels[2]["votedLeaderEpoch"] as? Int, 3)
        XCTAssertEqual(sentinels.map { $0["currentEpoch"] as? Int }, [3, nil, 3])
    }

    func testJSONKeepsTheTableOrderOfKeys() {
        let text = StatusJSON.render(SentinelReplyFixtures.report())
        let keys = ["\"sentinel\"", "\"sentinelId\"", "\"tilt\"", "\"masters\"", "\"name\"", "\"address\"", "\"replicas\"", "\"sentinels\""]
        let positions = keys.map { text.range(of: $0)?.lowerBound }
        XCTAssertFalse(positions.contains(nil), text)
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted())
    }

    func testJSONEscapesControlCharactersAndQuotes() {
        XCTAssertEqual(JSONText.string("a\"b\\c\n\u{1}").render(), #""a\"b\\c\n\u0001""#)
    }

    func testCompactJSONIsOneLineOfTheSameDocument() throws {
        let value = StatusJSON.value(SentinelReplyFixtures.report())
        let line = value.renderCompact()
        XCTAssertFalse(line.contains("\n"))
        let a = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(value.render().utf8)) as? NSDictionary
        XCTAssertEqual(a, b)
    }

    func testTableColumnsAlignOnTheWidestCellWithoutTrailingBlanks() {
        XCTAssertEqual(TextTable.render(header: ["A", "BB"], rows: [["xxx", ""], ["y", "z"]]),
                       ["A    BB", "xxx", "y    z"])
    }
}
