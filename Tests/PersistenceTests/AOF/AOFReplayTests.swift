import Persistence
import XCTest

/// loadSingleAppendOnlyFile's reading rules: offsets, truncation, format
/// errors, transactions left open.
final class AOFReplayTests: XCTestCase {
    private func resp(_ argv: String...) -> String {
        "*\(argv.count)\r\n" + argv.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }

    /// Runs the reader with an executor that tracks MULTI like a client does.
    private func run(_ text: String, loadTruncated: Bool = true, unknown: Set<String> = []) -> (AOFReplay.Result, [[String]]) {
        var seen: [[String]] = []
        var inMulti = false
        let r = AOFReplay.run(Array(text.utf8), loadTruncated: loadTruncated) { argv in
            let words = argv.map { String(decoding: $0, as: UTF8.self) }
            if unknown.contains(words[0]) { return .unknownCommand }
            seen.append(words)
            switch words[0].lowercased() {
            case "multi": inMulti = true
            case "exec": inMulti = false
            default: break
            }
            return .ran(inMulti: inMulti)
        }
        return (r, seen)
    }

    func testWholeFileRunsEveryCommand() {
        let (r, seen) = run(resp("SELECT", "0") + resp("set", "a", "1"))
        XCTAssertEqual(r.outcome, .ok)
        XCTAssertEqual(seen, [["SELECT", "0"], ["set", "a", "1"]])
    }

    func testAnnotationsAreSkipped() {
        let (r, seen) = run("#TS:1700000000\r\n" + resp("set", "a", "1"))
        XCTAssertEqual(r.outcome, .ok)
        XCTAssertEqual(seen.count, 1)
    }

    func testTruncatedTailKeepsLastWholeCommandOffset() {
        let good = resp("set", "a", "1")
        let (r, seen) = run(good + "*3\r\n$3\r\nset\r\n$1\r\nb")
        XCTAssertEqual(r.outcome, .truncated(validUpTo: good.utf8.count, revertedMulti: false))
        XCTAssertEqual(seen.count, 1)
    }

    func testTruncationWithoutLoadTruncatedHasNoValidOffset() {
        let (r, _) = run(resp("set", "a", "1") + "*3\r\n$3", loadTruncated: false)
        XCTAssertEqual(r.outcome, .truncated(validUpTo: -1, revertedMulti: false))
    }

    func testLoneStarAtEndIsTruncation() {
        let good = resp("set", "a", "1")
        XCTAssertEqual(run(good + "*").0.outcome, .truncated(validUpTo: good.utf8.count, revertedMulti: false))
    }

    func testGarbageLineIsFormatErrorAtItsOffset() {
        let good = resp("set", "a", "1")
        XCTAssertEqual(run(good + "xx\r\n" + resp("ping")).0.outcome, .formatError(offset: good.utf8.count))
    }

    func testZeroArgcIsFormatError() {
        XCTAssertEqual(run("*0\r\n").0.outcome, .formatError(offset: 0))
    }

    func testArgumentWithoutDollarIsFormatError() {
        XCTAssertEqual(run("*1\r\n:4\r\nPING\r\n").0.outcome, .formatError(offset: 4))
    }

    func testUnknownCommandStopsLoading() {
        let (r, _) = run(resp("nosuch", "x"), unknown: ["nosuch"])
        XCTAssertEqual(r.outcome, .unknownCommand(name: Array("nosuch".utf8)))
    }

    func testOpenMultiAtEndRollsBackToBeforeMulti() {
        let before = resp("set", "a", "1")
        let (r, _) = run(before + resp("MULTI") + resp("set", "b", "2"))
        XCTAssertEqual(r.outcome, .truncated(validUpTo: before.utf8.count, revertedMulti: true))
    }

    func testClosedTransactionLoads() {
        let (r, seen) = run(resp("MULTI") + resp("set", "b", "2") + resp("EXEC"))
        XCTAssertEqual(r.outcome, .ok)
        XCTAssertEqual(seen.count, 3)
    }

    /// Redis's loader: a short read inside a transaction cuts after the last
    /// whole command, queued ones included (the next load then reverts the
    /// open MULTI); only a whole file ending in an open MULTI rolls back.
    func testShortReadInsideTransactionCutsAfterTheLastQueuedCommand() {
        let upToQueued = resp("set", "a", "1") + resp("MULTI") + resp("set", "b", "2")
        let (r, _) = run(upToQueued + "*1\r\n$4\r\nEX")
        XCTAssertEqual(r.outcome, .truncated(validUpTo: upToQueued.utf8.count, revertedMulti: false))
    }

    func testReadingStartsAfterAPreamble() {
        let preamble = "REDIS0010" + "junk"
        let (r, seen) = {
            var seen: [[UInt8]] = []
            let r = AOFReplay.run(Array((preamble + resp("ping")).utf8), from: preamble.utf8.count, loadTruncated: true) {
                seen.append($0[0])
                return .ran(inMulti: false)
            }
            return (r, seen)
        }()
        XCTAssertEqual(r.outcome, .ok)
        XCTAssertEqual(seen, [Array("ping".utf8)])
    }

    func testBinaryArgumentsKeepTheirBytes() {
        let bytes: [UInt8] = Array("*2\r\n$4\r\necho\r\n$3\r\n".utf8) + [0, 13, 10] + [13, 10]
        var got: [[UInt8]] = []
        let r = AOFReplay.run(bytes, loadTruncated: true) { got = $0; return .ran(inMulti: false) }
        XCTAssertEqual(r.outcome, .ok)
        XCTAssertEqual(got[1], [0, 13, 10])
    }
}
