import Foundation
import Glibc
import XCTest
@testable import ServerKit

final class AtomicFileTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "vigil-atomicfile-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }

    func testWriteReplacesTheContentAndLeavesNoTempFile() throws {
        let p = dir + "/w.conf"
        FileManager.default.createFile(atPath: p, contents: Data("old\n".utf8))
        try AtomicFile.write(Array("new\n".utf8), to: p)
        XCTAssertEqual(try String(contentsOfFile: p, encoding: .utf8), "new\n")
        XCTAssertEqual(try entries(), ["w.conf"])
    }

    func testWrittenFileGetsMode0644MinusTheUmask() throws {
        let p = dir + "/m.conf"
        let mask = umask(0o027)
        defer { umask(mask) }
        try AtomicFile.write(Array("x".utf8), to: p)
        let mode = try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as! Int
        XCTAssertEqual(mode, 0o640)
    }

    func testWriteIntoAMissingDirectoryThrowsItsErrno() throws {
        XCTAssertThrowsError(try AtomicFile.write(Array("x".utf8), to: dir + "/nodir/x.conf")) { error in
            XCTAssertEqual((error as! AtomicFile.WriteError).code, ENOENT)
            XCTAssertEqual("\(error)", "No such file or directory")
        }
    }

    func testFailedRenameRemovesTheTempFileAndKeepsTheTarget() throws {
        let p = dir + "/taken"
        try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: false)
        XCTAssertThrowsError(try AtomicFile.write(Array("x".utf8), to: p))
        XCTAssertEqual(try entries(), ["taken"])
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: p, isDirectory: &isDir) && isDir.boolValue)
    }
}
