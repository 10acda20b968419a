import Persistence
import XCTest

/// vigil-check-aof's output and exit status, on in-memory files, in
/// redis-check-aof 7.0.15's words (the interop tests compare with the real
/// tool byte for byte; these pin the rules without it).
final class AOFCheckTests: XCTestCase {
    private final class Disk {
        var files: [String: [UInt8]] = [:]
        var answers: [Bool] = []
        var truncations: [(String, Int)] = []
    }

    private func run(_ disk: Disk, _ args: String...) -> (code: Int32, output: String) {
        let files = AOFCheckFiles(
            open: { path in disk.files[path].map { ($0, "") } ?? (nil, "No such file or directory") },
            truncate: { path, size in
                disk.truncations.append((path, size))
                disk.files[path] = Array(disk.files[path]!.prefix(size))
                return true
            },
            confirm: { disk.answers.isEmpty ? false : disk.answers.removeFirst() },
            write: { _ in })
        var check = AOFCheck(files: files)
        let code = check.main(["redis-check-aof"] + args)
        return (code, String(decoding: check.output, as: UTF8.self))
    }

    private let select = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
    private let set = "*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n"
    private let manifest = "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"

    private func dir(incr: String, base: String = "") -> Disk {
        let d = Disk()
        d.files["d/appendonly.aof.manifest"] = Array(manifest.utf8)
        d.files["d/appendonly.aof.1.base.aof"] = Array(base.utf8)
        d.files["d/appendonly.aof.1.incr.aof"] = Array(incr.utf8)
        return d
    }

    func testValidManifestSet() {
        let (code, out) = run(dir(incr: select + set), "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 0)
        XCTAssertEqual(out, """
            Start checking Multi Part AOF
            Start to check BASE AOF (RESP format).
            BASE AOF appendonly.aof.1.base.aof is empty
            Start to check INCR files.
            AOF analyzed: filename=appendonly.aof.1.incr.aof, size=50, ok_up_to=50, ok_up_to_line=13, diff=0
            INCR AOF appendonly.aof.1.incr.aof is valid
            All AOF files and manifest are valid

            """)
    }

    func testTruncatedLastFileIsReportedWithOffsets() {
        let (code, out) = run(dir(incr: select + set + "*3\r\n$3\r\nse"), "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 1)
        // As redis-check-aof 7.0.15 prints it for the same bytes.
        XCTAssertTrue(out.contains("0x              3a: Expected to read 5 bytes, got 2 bytes\n"), out)
        XCTAssertTrue(out.contains("AOF analyzed: filename=appendonly.aof.1.incr.aof, size=60, ok_up_to=50, ok_up_to_line=15, diff=10\n"), out)
        XCTAssertTrue(out.hasSuffix("AOF appendonly.aof.1.incr.aof is not valid. Use the --fix option to try fixing it.\n"), out)
    }

    func testUnexpectedExecNamesThePath() {
        let (_, out) = run(dir(incr: select + "*1\r\n$4\r\nEXEC\r\n"), "d/appendonly.aof.manifest")
        XCTAssertTrue(out.contains("0x              1f: Unexpected EXEC in AOF d/appendonly.aof.1.incr.aof\n"), out)
    }

    func testOpenMultiAtEofIsTruncation() {
        let (_, out) = run(dir(incr: select + "*1\r\n$5\r\nMULTI\r\n" + set), "d/appendonly.aof.manifest")
        XCTAssertTrue(out.contains(": Reached EOF before reading EXEC for MULTI\n"), out)
        XCTAssertTrue(out.contains("ok_up_to=23,"), out)
    }

    func testFormatErrorLine() {
        let (_, out) = run(dir(incr: select + "xx\r\n"), "d/appendonly.aof.manifest")
        XCTAssertTrue(out.contains("AOF appendonly.aof.1.incr.aof format error\n"), out)
    }

    func testFixAsksAndTruncatesTheLastFile() {
        let d = dir(incr: select + set + "*3\r\n")
        d.answers = [true]
        let (code, out) = run(d, "--fix", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 0)
        XCTAssertTrue(out.contains("This will shrink the AOF appendonly.aof.1.incr.aof from 54 bytes, with 4 bytes, to 50 bytes\nContinue? [y/N]: Successfully truncated AOF appendonly.aof.1.incr.aof\n"), out)
        XCTAssertEqual(d.files["d/appendonly.aof.1.incr.aof"]?.count, 50)
    }

    func testFixWithoutConfirmationAborts() {
        let d = dir(incr: select + set + "*3\r\n")
        let (code, out) = run(d, "--fix", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 1)
        XCTAssertTrue(out.hasSuffix("Continue? [y/N]: Aborting...\n"), out)
        XCTAssertTrue(d.truncations.isEmpty)
    }

    func testFixRefusesAFileThatIsNotTheLast() {
        let d = dir(incr: select + set, base: set + "*3\r\n")
        let (code, out) = run(d, "--fix", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 1)
        XCTAssertTrue(out.hasSuffix("Failed to truncate AOF appendonly.aof.1.base.aof because it is not the last file\n"), out)
        XCTAssertTrue(d.truncations.isEmpty)
    }

    func testSingleFileIsOldStyle() {
        let d = Disk()
        d.files["x.aof"] = Array((select + set).utf8)
        let (code, out) = run(d, "x.aof")
        XCTAssertEqual(code, 0)
        XCTAssertEqual(out, "Start checking Old-Style AOF\nAOF analyzed: filename=x.aof, size=50, ok_up_to=50, ok_up_to_line=13, diff=0\nAOF x.aof is valid\n")
    }

    func testBadManifestPrintsRedisReport() {
        let d = Disk()
        d.files["d/appendonly.aof.manifest"] = Array("file appendonly.aof.1.base.aof seq 1 type z\n".utf8)
        let (code, out) = run(d, "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 1)
        XCTAssertTrue(out.hasSuffix("\n*** FATAL AOF MANIFEST FILE ERROR ***\nReading the manifest file, at line 1\n>>> 'file appendonly.aof.1.base.aof seq 1 type z'\nUnknown AOF file type\n"), out)
    }

    func testMissingFileCannotBeOpened() {
        let (code, out) = run(Disk(), "nope.aof")
        XCTAssertEqual(code, 1)
        XCTAssertEqual(out, "Cannot open file nope.aof: No such file or directory\n")
    }
}
