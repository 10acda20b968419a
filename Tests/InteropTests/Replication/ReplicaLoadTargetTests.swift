import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// repl-diskless-load on the replica side, a vigil-server replica and a real
/// redis-server 7.0 replica side by side on one real master: `disabled`
/// stores the payload to a temp file that becomes the dump file, the two
/// others parse it (`swapdb` into a new dataset swapped in at the end,
/// `on-empty-db` only over an empty dataset); the log lines and files agree.
final class ReplicaLoadTargetTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testDisabledReceivesToATempFileThatBecomesTheDumpFile() throws {
        try compare(mode: "disabled", keyBeforeSync: true) { replica, length in
            let log = replica.process.logText
            try assertOrder(log, ["MASTER <-> REPLICA sync: receiving \(length) bytes from master to disk",
                                  "Discarding previously cached master state.",
                                  "MASTER <-> REPLICA sync: Flushing old data",
                                  "MASTER <-> REPLICA sync: Loading DB in memory",
                                  "MASTER <-> REPLICA sync: Finished with success"])
            let files = try FileManager.default.contentsOfDirectory(atPath: replica.dir)
            XCTAssertFalse(files.contains { $0.hasPrefix("temp-") }, "\(files)")
            let size = try FileManager.default.attributesOfItem(atPath: replica.dir + "/dump.rdb")[.size] as? Int
            XCTAssertEqual(size, length, "the received payload is the replica's dump.rdb")
        }
    }

    func testSwapdbParsesIntoANewDatasetAndSwapsItIn() throws {
        try compare(mode: "swapdb", keyBeforeSync: true) { replica, length in
            try assertOrder(replica.process.logText, [
                "MASTER <-> REPLICA sync: receiving \(length) bytes from master to parser",
                "MASTER <-> REPLICA sync: Loading DB in memory",
                "Done loading RDB, keys loaded: 200, keys expired: 0.",
                "Discarding previously cached master state.",
                "MASTER <-> REPLICA sync: Swapping active DB with loaded DB",
                "MASTER <-> REPLICA sync: Discarding old DB in background",
                "MASTER <-> REPLICA sync: Finished with success"])
            XCTAssertFalse(replica.process.logText.contains("Flushing old data"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: replica.dir + "/dump.rdb"), "nothing written to disk")
        }
    }

    func testOnEmptyDbParsesOnlyOverAnEmptyDataset() throws {
        try compare(mode: "on-empty-db", keyBeforeSync: false) { replica, length in
            try assertOrder(replica.process.logText, ["MASTER <-> REPLICA sync: receiving \(length) bytes from master to parser",
                                                      "MASTER <-> REPLICA sync: Flushing old data",
                                                      "MASTER <-> REPLICA sync: Finished with success"])
            XCTAssertFalse(FileManager.default.fileExists(atPath: replica.dir + "/dump.rdb"))
        }
        fixture.stopAll()
        try compare(mode: "on-empty-db", keyBeforeSync: true) { replica, length in
            XCTAssertTrue(replica.process.logText.contains("MASTER <-> REPLICA sync: receiving \(length) bytes from master to disk"))
            XCTAssertTrue(FileManager.default.fileExists(atPath: replica.dir + "/dump.rdb"))
        }
    }

    /// A real master with 200 keys (disk payload, so its length is logged);
    /// a real and a vigil replica in `mode`, each holding one key of its own
    /// first if `keyBeforeSync`; `check` runs on both once they are in sync.
    private func compare(mode: String, keyBeforeSync: Bool,
                         check: (ProcessFixture.Started, Int) throws -> Void) throws {
        let master = try fixture.startRedis(["--repl-diskless-sync", "no", "--enable-debug-command", "yes"])
        let m = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(master.port) }
        defer { m.close() }
        for i in 0..<200 { _ = try m.call(["SET", "key:\(i)", "value-\(i)"]) }
        let args = ["--repl-diskless-load", mode, "--enable-debug-command", "yes"]
        let real = try fixture.startRedis(args)
        let vigil = try fixture.startVigil(args)
        for (replica, name) in [(real, "redis-server"), (vigil, "vigil-server")] {
            let r = try ProcessFixture.connect(replica.port)
            defer { r.close() }
            if keyBeforeSync { XCTAssertEqual(try r.call(["SET", "own", "1"]).string, "OK") }
            XCTAssertEqual(try r.call(["REPLICAOF", "127.0.0.1", String(master.port)]).string, "OK")
            let sync = ReplicationSync(master: m, replicas: [r])
            try sync.waitCaughtUp()
            try sync.assertSameData("\(name) replica, repl-diskless-load \(mode)")
            let log = replica.process.logText
            guard let line = log.split(separator: "\n").first(where: { $0.contains("MASTER <-> REPLICA sync: receiving ") }),
                  let length = line.split(separator: " ").reversed().dropFirst(5).first.flatMap({ Int($0) }) else {
                return XCTFail("\(name): no payload length logged:\n\(replica.process.logTail(lines: 30))")
            }
            print("checking the \(name) replica (repl-diskless-load \(mode))")
            try check(replica, length)
        }
    }

    private func assertOrder(_ log: String, _ lines: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        var rest = Substring(log)
        for l in lines {
            guard let r = rest.range(of: l) else {
                return XCTFail("\"\(l)\" missing or out of order in:\n\(log.suffix(3000))", file: file, line: line)
            }
            rest = rest[r.upperBound...]
        }
    }
}
