import Persistence
import XCTest

/// vigil-check-aof --truncate-to-timestamp on an AOF written with
/// aof-timestamp-enabled: the last file is cut at the first `#TS:` later
/// than the timestamp, in redis-check-aof 7.0.15's words (read from the real
/// tool on a directory redis-server wrote; the interop test compares them
/// over many more cases).
final class AOFCheckTimestampTests: XCTestCase {
    private final class Disk {
        var files: [String: [UInt8]] = [:]
    }

    private func run(_ disk: Disk, _ args: String...) -> (code: Int32, output: String) {
        let files = AOFCheckFiles(
            open: { path in disk.files[path].map { ($0, "") } ?? (nil, "No such file or directory") },
            truncate: { path, size in
                disk.files[path] = Array(disk.files[path]!.prefix(size))
                return true
            },
            confirm: { false },
            write: { _ in })
        var check = AOFCheck(files: files)
        let code = check.main(["redis-check-aof"] + args)
        return (code, String(decoding: check.output, as: UTF8.self))
    }

    private func set(_ k: String) -> String { "*3\r\n$3\r\nset\r\n$2\r\n\(k)\r\n$1\r\n1\r\n" }
    private let select = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"
    private var incr: String {
        "#TS:1700000000\r\n" + select + set("k1") + "#TS:1700000001\r\n" + set("k2") + "#TS:1700000002\r\n" + set("k3")
    }
    /// Where the `#TS:1700000002` line starts.
    private var cutAt: Int { ("#TS:1700000000\r\n" + select + set("k1") + "#TS:1700000001\r\n" + set("k2")).utf8.count }

    private func dir(incrFiles: [String]) -> Disk {
        let d = Disk()
        var manifest = "file appendonly.aof.1.base.aof seq 1 type b\n"
        d.files["d/appendonly.aof.1.base.aof"] = Array("#TS:1699999999\r\n".utf8)
        for (i, content) in incrFiles.enumerated() {
            manifest += "file appendonly.aof.\(i + 1).incr.aof seq \(i + 1) type i\n"
            d.files["d/appendonly.aof.\(i + 1).incr.aof"] = Array(content.utf8)
        }
        d.files["d/appendonly.aof.manifest"] = Array(manifest.utf8)
        return d
    }

    func testLastFileIsCutAtTheFirstLaterTimestamp() {
        let d = dir(incrFiles: [incr])
        let (code, out) = run(d, "--truncate-to-timestamp", "1700000001", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 0)
        XCTAssertEqual(out, """
            Start checking Multi Part AOF
            Start to check BASE AOF (RESP format).
            Truncate nothing in AOF appendonly.aof.1.base.aof to timestamp 1700000001
            BASE AOF appendonly.aof.1.base.aof is valid
            Start to check INCR files.
            Successfully truncated AOF appendonly.aof.1.incr.aof to timestamp 1700000001
            All AOF files and manifest are valid

            """)
        XCTAssertEqual(d.files["d/appendonly.aof.1.incr.aof"]?.count, cutAt)
    }

    func testTimestampAfterEverythingTruncatesNothing() {
        let d = dir(incrFiles: [incr])
        let (code, out) = run(d, "--truncate-to-timestamp", "1700000009", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 0)
        XCTAssertTrue(out.contains("Truncate nothing in AOF appendonly.aof.1.incr.aof to timestamp 1700000009\nINCR AOF appendonly.aof.1.incr.aof is valid\n"), out)
        XCTAssertEqual(d.files["d/appendonly.aof.1.incr.aof"]?.count, incr.utf8.count)
    }

    func testTimestampBeforeTheFirstAnnotationAborts() {
        let d = dir(incrFiles: [incr])
        let (code, out) = run(d, "--truncate-to-timestamp", "1699999990", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 1)
        XCTAssertTrue(out.hasSuffix("AOF d/appendonly.aof.1.base.aof has nothing before timestamp 1699999990, aborting...\n"), out)
    }

    func testLaterTimestampInAFileThatIsNotTheLastIsRefused() {
        let d = dir(incrFiles: [incr, "#TS:1700000003\r\n" + set("k4")])
        let (code, out) = run(d, "--truncate-to-timestamp", "1700000001", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 1)
        XCTAssertTrue(out.hasSuffix("""
            Failed to truncate AOF d/appendonly.aof.1.incr.aof to timestamp 1700000001 to offset \(cutAt) because it is not the last file.
            If you insist, please delete all files after this file according to the manifest file and delete the corresponding records in manifest file manually. Then re-run redis-check-aof.

            """), out)
        XCTAssertEqual(d.files["d/appendonly.aof.1.incr.aof"]?.count, incr.utf8.count)
    }

    func testSingleFileIsNamedByItsPath() {
        let d = Disk()
        d.files["x/one.aof"] = Array(incr.utf8)
        let (code, out) = run(d, "--truncate-to-timestamp", "1700000001", "x/one.aof")
        XCTAssertEqual(code, 0)
        XCTAssertEqual(out, "Start checking Old-Style AOF\nSuccessfully truncated AOF x/one.aof to timestamp 1700000001\n")
    }

    func testMalformedTimestampArgumentIsRefused() {
        let (code, out) = run(dir(incrFiles: [incr]), "--truncate-to-timestamp", "12x", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 1)
        XCTAssertEqual(out, "Invalid timestamp, aborting...\n")
    }

    func testMalformedTimestampAnnotationIsRefused() {
        let d = Disk()
        d.files["x/one.aof"] = Array(("#TS:1700000000\r\n" + select + "#TS:17000x\r\n" + set("k1")).utf8)
        let (code, out) = run(d, "--truncate-to-timestamp", "1700000001", "x/one.aof")
        XCTAssertEqual(code, 1)
        XCTAssertEqual(out, "Start checking Old-Style AOF\nInvalid timestamp annotation\n")
    }

    func testZeroTimestampIsAPlainCheck() {
        let (code, out) = run(dir(incrFiles: [incr]), "--truncate-to-timestamp", "0", "d/appendonly.aof.manifest")
        XCTAssertEqual(code, 0)
        XCTAssertTrue(out.contains("AOF analyzed: filename=appendonly.aof.1.incr.aof"), out)
    }

    func testUsageNamesTheTimestampOption() {
        let (code, out) = run(Disk(), "--truncate-to-timestamp", "5")
        XCTAssertEqual(code, 1)
        XCTAssertEqual(out, "Usage: redis-check-aof [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n")
    }
}
