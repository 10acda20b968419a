import Persistence
import XCTest

/// The manifest as Redis 7.0's aofLoadManifestFromFile reads it and
/// getAofManifestAsString writes it.
final class AOFManifestTests: XCTestCase {
    private func parse(_ text: String) throws(AOFManifestError) -> AOFManifest {
        try AOFManifest.parse(Array(text.utf8))
    }

    private func error(_ text: String) -> AOFManifestError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    func testFreshServerManifestParses() throws {
        let m = try parse("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        XCTAssertEqual(m.base, AOFFileInfo(name: "appendonly.aof.1.base.rdb", seq: 1, kind: .base))
        XCTAssertEqual(m.incr, [AOFFileInfo(name: "appendonly.aof.1.incr.aof", seq: 1, kind: .incr)])
        XCTAssertEqual(m.currentBaseSeq, 1)
        XCTAssertEqual(m.currentIncrSeq, 1)
    }

    func testKeysInAnyOrderAndCaseAndQuotedNames() throws {
        let m = try parse("TYPE i SEQ 3 File \"my file.3.incr.aof\"\n")
        XCTAssertEqual(m.incr.first?.name, "my file.3.incr.aof")
        XCTAssertEqual(m.incr.first?.seq, 3)
    }

    func testCommentLinesAreSkippedAndUnknownKeysIgnored() throws {
        let m = try parse("# written by hand\nfile a.1.base.aof seq 1 type b extra 1\n")
        XCTAssertEqual(m.base?.name, "a.1.base.aof")
    }

    func testEmptyManifestIsFatal() {
        XCTAssertEqual(error("")?.message, "Found an empty AOF manifest")
    }

    func testEmptyLineIsFatalWithItsNumber() {
        let e = error("file a.1.base.aof seq 1 type b\n\n")
        XCTAssertEqual(e?.message, "Invalid AOF manifest file format")
        XCTAssertEqual(e?.lineNumber, 2)
        XCTAssertEqual(e?.line, "")
    }

    func testOddTokenCountIsFatal() {
        XCTAssertEqual(error("file a seq 1 type b x\n")?.message, "Invalid AOF manifest file format")
    }

    func testMissingSeqIsFatal() {
        XCTAssertEqual(error("file a.1.base.aof seq 0 type b\n")?.message, "Invalid AOF manifest file format")
    }

    func testPathInsteadOfNameIsFatal() {
        XCTAssertEqual(error("file dir/a.1.base.aof seq 1 type b\n")?.message, "File can't be a path, just a filename")
    }

    func testSecondBaseIsFatal() {
        XCTAssertEqual(error("file a seq 1 type b\nfile b seq 2 type b\n")?.message, "Found duplicate base file information")
    }

    func testIncrSequenceMustIncrease() {
        let e = error("file a.2.incr.aof seq 2 type i\nfile a.1.incr.aof seq 1 type i\n")
        XCTAssertEqual(e?.message, "Found a non-monotonic sequence number")
        XCTAssertEqual(e?.line, "file a.1.incr.aof seq 1 type i")
    }

    func testUnknownTypeIsFatal() {
        XCTAssertEqual(error("file a seq 1 type x\n")?.message, "Unknown AOF file type")
    }

    func testLineWithoutNewlineWithinLimitIsTooLong() {
        // fgets found no newline: Redis reports the line as too long.
        XCTAssertEqual(error("file a seq 1 type b")?.message, "The AOF manifest file contains too long line")
    }

    func testLineOver1024BytesIsFatal() {
        let name = String(repeating: "x", count: 1100)
        XCTAssertEqual(error("file \(name) seq 1 type b\n")?.message, "The AOF manifest file contains too long line")
    }

    func testSeqIsReadLikeAtoll() throws {
        XCTAssertEqual(try parse("file a seq 12abc type b\n").base?.seq, 12)
    }

    func testErrorReportHasRedisLines() {
        XCTAssertEqual(error("file a seq 1 type x\n")?.reportLines,
                       ["", "*** FATAL AOF MANIFEST FILE ERROR ***", "Reading the manifest file, at line 1", ">>> 'file a seq 1 type x'", "Unknown AOF file type"])
    }

    func testRenderWritesBaseThenHistoryThenIncr() {
        var m = AOFManifest()
        m.incr = [AOFFileInfo(name: "appendonly.aof.3.incr.aof", seq: 3, kind: .incr)]
        m.history = [AOFFileInfo(name: "appendonly.aof.2.incr.aof", seq: 2, kind: .history)]
        m.base = AOFFileInfo(name: "appendonly.aof.2.base.rdb", seq: 2, kind: .base)
        XCTAssertEqual(String(decoding: m.render(), as: UTF8.self),
                       "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type h\nfile appendonly.aof.3.incr.aof seq 3 type i\n")
    }

    func testRenderQuotesNamesThatNeedIt() throws {
        var m = AOFManifest()
        m.base = AOFFileInfo(name: "my aof.1.base.aof", seq: 1, kind: .base)
        XCTAssertEqual(String(decoding: m.render(), as: UTF8.self), "file \"my aof.1.base.aof\" seq 1 type b\n")
        XCTAssertEqual(try AOFManifest.parse(m.render()).base, m.base)
    }

    func testRewriteTurnsOldFilesIntoHistory() throws {
        var m = try parse("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        // At rewrite start the parent opens a new incr; at the end the new
        // base. History lists the old incr before the old base, as Redis
        // deletes them ("Removing the history file ...incr.aof" first).
        XCTAssertEqual(m.newIncr(fileName: "appendonly.aof"), "appendonly.aof.2.incr.aof")
        XCTAssertEqual(m.newBase(fileName: "appendonly.aof", rdbPreamble: true), "appendonly.aof.2.base.rdb")
        m.markRewrittenIncrAsHistory(keepingLast: true)
        XCTAssertEqual(String(decoding: m.render(), as: UTF8.self), """
            file appendonly.aof.2.base.rdb seq 2 type b
            file appendonly.aof.1.incr.aof seq 1 type h
            file appendonly.aof.1.base.rdb seq 1 type h
            file appendonly.aof.2.incr.aof seq 2 type i

            """)
    }

    func testBaseNameFollowsThePreambleSetting() {
        var m = AOFManifest()
        XCTAssertEqual(m.newBase(fileName: "appendonly.aof", rdbPreamble: false), "appendonly.aof.1.base.aof")
    }
}
