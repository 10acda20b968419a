@testable import DataNode
import Persistence
import XCTest

/// The feed's own rules, without a server: units, SELECT, MULTI/EXEC, and
/// the checksum its empty snapshot carries. (The stream as a whole is pinned
/// against real Redis in IntegrationTests.PropagationStreamTests.)
final class PropagationFeedTests: XCTestCase {
    private func attached() -> (PropagationFeed, () -> String) {
        let feed = PropagationFeed()
        var out: [UInt8] = []
        feed.attach(id: 1) { out += $0 }
        return (feed, { String(decoding: out, as: UTF8.self) })
    }

    private func argv(_ s: String) -> [[UInt8]] { s.split(separator: " ").map { Array($0.utf8) } }

    func testFirstCommandAfterAttachSelectsItsDb() {
        let (feed, text) = attached()
        feed.commandFinished(db: 3, argv: argv("set a 1"), wrote: true, propagatesItself: false, outermost: true, rewrite: nil)
        XCTAssertEqual(text(), "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n")
    }

    func testCommandThatDidNotWriteIsNotSent() {
        let (feed, text) = attached()
        feed.commandFinished(db: 0, argv: argv("get a"), wrote: false, propagatesItself: false, outermost: true, rewrite: nil)
        XCTAssertEqual(text(), "")
    }

    func testUnitOfSeveralCommandsIsWrappedInMultiExec() {
        let (feed, text) = attached()
        feed.commandFinished(db: 0, argv: argv("set a 1"), wrote: true, propagatesItself: false, outermost: false, rewrite: nil)
        feed.commandFinished(db: 0, argv: argv("set b 2"), wrote: true, propagatesItself: false, outermost: false, rewrite: nil)
        XCTAssertEqual(text(), "", "nothing leaves before the unit ends")
        feed.commandFinished(db: 0, argv: argv("exec"), wrote: false, propagatesItself: true, outermost: true, rewrite: nil)
        XCTAssertEqual(text(), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n"
                       + "*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2\r\n*1\r\n$4\r\nEXEC\r\n")
    }

    func testReplacementWinsOverRewriteAndArgv() {
        let (feed, text) = attached()
        feed.replaceCommand(with: argv("LPOP l"))
        feed.commandFinished(db: 0, argv: argv("blpop l 0"), wrote: true, propagatesItself: false, outermost: true,
                             rewrite: { self.argv("never") })
        XCTAssertTrue(text().hasSuffix("*2\r\n$4\r\nLPOP\r\n$1\r\nl\r\n"), text())
    }

    func testDetachingTheLastConsumerDropsPendingCommands() {
        let (feed, _) = attached()
        feed.alsoPropagate(db: 0, argv("srem s a"))
        feed.detach(id: 1)
        XCTAssertFalse(feed.isActive)
        XCTAssertTrue(feed.pending.isEmpty)
    }

    /// A replica applies its master's PUBLISH (a sentinel hello), which
    /// forces propagation, but propagates nothing of its own: once promoted,
    /// its first command (SLAVEOF NO ONE) must not inherit that force.
    func testForceOfAnUnpropagatedCommandDoesNotCarryToTheNext() {
        let (feed, text) = attached()
        feed.forceCommandPropagation(replicationOnly: true)
        feed.commandNotPropagated(outermost: true)
        feed.commandFinished(db: 0, argv: argv("slaveof no one"), wrote: false, propagatesItself: false, outermost: true,
                             rewrite: nil)
        XCTAssertEqual(text(), "")
    }

    func testUnitOfAnUnpropagatedCommandIsDropped() {
        let (feed, text) = attached()
        feed.alsoPropagate(db: 0, argv("srem s a"))
        feed.commandNotPropagated(outermost: true)
        feed.commandFinished(db: 0, argv: argv("set a 1"), wrote: true, propagatesItself: false, outermost: true, rewrite: nil)
        XCTAssertFalse(text().contains("srem"), text())
    }

    /// redis.set_repl(REPL_AOF) inside a script: the command goes to the
    /// AOF only, its unit's MULTI/EXEC to both.
    func testCommandRestrictedToTheAOFSkipsReplicas() {
        let (feed, text) = attached()
        var aof: [String] = []
        feed.aofSink = { _, argv in aof.append(argv.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")) }
        feed.restrictCommandPropagation(to: .aof)
        feed.commandFinished(db: 0, argv: argv("set c 3"), wrote: true, propagatesItself: false, outermost: false, rewrite: nil)
        feed.commandFinished(db: 0, argv: argv("set d 4"), wrote: true, propagatesItself: false, outermost: true, rewrite: nil)
        XCTAssertEqual(aof, ["MULTI", "set c 3", "set d 4", "EXEC"])
        XCTAssertFalse(text().contains("$1\r\nc\r\n"), text())
        XCTAssertTrue(text().contains("$1\r\nd\r\n"), text())
    }

    func testCommandRestrictedToReplicasSkipsTheAOF() {
        let (feed, text) = attached()
        var aof: [String] = []
        feed.aofSink = { _, argv in aof.append(argv.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")) }
        feed.restrictCommandPropagation(to: .replicas)
        feed.commandFinished(db: 0, argv: argv("set b 2"), wrote: true, propagatesItself: false, outermost: true, rewrite: nil)
        XCTAssertEqual(aof, [])
        XCTAssertTrue(text().hasSuffix("*3\r\n$3\r\nset\r\n$1\r\nb\r\n$1\r\n2\r\n"), text())
    }

    /// The bytes the hand-written encoder produced before the snapshot became
    /// a call of RDBWriter: small numbers as INT8/INT16/INT32 strings, the
    /// AUX fields in 7.0's order, the CRC-64 footer.
    func testEmptySnapshotKeepsItsBytes() throws {
        let aux = RDBAux.standard(redisVersion: "7.0.15", ctime: 1_700_000_000, usedMemory: 1_000,
                                  replication: .init(streamDb: 3, replId: "7f0ae7f9253e8d3a670024ba27e342999aedc6eb", offset: 14),
                                  aofBase: false)
        let hex = "524544495330303130fa0972656469732d76657206372e302e3135fa0a72656469732d62697473c040fa056374696d65c200f15365"
            + "fa08757365642d6d656dc1e803fa0e7265706c2d73747265616d2d6462c003fa077265706c2d69642837663061653766393235336538"
            + "643361363730303234626132376533343239393961656463366562fa0b7265706c2d6f6666736574c00efa08616f662d62617365c000"
            + "ff41855882b6225cde"
        let expected = stride(from: 0, to: hex.count, by: 2).map {
            UInt8(hex[hex.index(hex.startIndex, offsetBy: $0)...hex.index(hex.startIndex, offsetBy: $0 + 1)], radix: 16)!
        }
        XCTAssertEqual(try RDBWriter.snapshot(databases: [], aux: aux), expected)
    }
}
