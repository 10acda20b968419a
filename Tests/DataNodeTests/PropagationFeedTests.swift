@testable import DataNode
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

    func testEmptySnapshotEncodesSmallNumbersAsIntegers() {
        var out: [UInt8] = []
        EmptySnapshot.appendString(Array("64".utf8), to: &out)
        EmptySnapshot.appendString(Array("1000".utf8), to: &out)
        EmptySnapshot.appendString(Array("007".utf8), to: &out)
        XCTAssertEqual(out, [0xC0, 64, 0xC1, 0xE8, 0x03, 3] + Array("007".utf8))
    }
}
