import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// What a client holds: maxmemory-clients and the per-client memory it
/// counts (CLIENT LIST's tot-mem), and the query and reply buffers that
/// follow a client's use, against the built vigil-server over real sockets.
/// Redis's own tests for the same are unit/client-eviction, unit/querybuf and
/// unit/replybufsize.
final class ClientMemoryProcessTests: XCTestCase {
    var processes: [NodeProcess] = []

    override func tearDown() {
        for p in processes { p.cleanUp() }
        processes.removeAll()
        super.tearDown()
    }

    func startVigil(_ extra: [String] = []) throws -> (port: Int, control: RedisConnection) {
        _ = try Interop.built("vigil-server")
        let port = Ports.free()
        processes.append(try NodeProcess.startVigilServer(port: port, arguments: ["--enable-debug-command", "yes"] + extra))
        let control = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: 5000)
        XCTAssertEqual(try control.call("CLIENT", "SETNAME", "control"), .ok)
        XCTAssertEqual(try control.call("CLIENT", "NO-EVICT", "on"), .ok)
        return (port, control)
    }

    /// A raw client named `name` that has sent the start of an argument of
    /// `size` bytes and `sent` of its bytes, and nothing more.
    func clientHoldingPartOfAnArgument(_ port: Int, name: String, size: Int, sent: Int) throws -> RawSocket {
        let s = try RawSocket(port: port)
        XCTAssertTrue(s.send(Array("CLIENT SETNAME \(name)\r\n".utf8)))
        XCTAssertEqual(s.read(), Array("+OK\r\n".utf8))
        XCTAssertTrue(s.send(Array("*2\r\n$\(size)\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "v"), count: sent)))
        return s
    }

    /// CLIENT LIST's `field` for the client named `name`; nil when it is gone.
    func clientField(_ c: RedisConnection, _ name: String, _ field: String) throws -> Int? {
        let list = try c.call("CLIENT", "LIST").string ?? ""
        guard let line = list.split(separator: "\n").first(where: { $0.contains(" name=\(name) ") }) else { return nil }
        let value = line.split(separator: " ").first { $0.hasPrefix(field + "=") }?.dropFirst(field.count + 1)
        return value.flatMap { Int($0) }
    }

    /// Polls until `check` holds (the server reads a client's bytes in its own time).
    func eventually(_ what: String, seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line,
                    _ check: () throws -> Bool) rethrows {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try check() { return }
            usleep(10_000)
        }
        XCTFail("never: \(what)", file: file, line: line)
    }

    func testAPartlyReceivedBigArgumentCountsItsWholeSizeAtOnce() throws {
        let (port, control) = try startVigil()
        let client = try clientHoldingPartOfAnArgument(port, name: "big", size: 300_000, sent: 1000)
        defer { client.close() }
        // The query buffer is sized for the whole argument when its length is read, as Redis's is.
        try eventually("tot-mem counts the announced 300000 bytes") {
            (try clientField(control, "big", "tot-mem") ?? 0) >= 300_000
        }
        XCTAssertEqual(try clientField(control, "big", "qbuf"), 1000)
    }

    func testAClientWhoseArgumentAloneExceedsTheLimitIsEvicted() throws {
        let (port, control) = try startVigil(["--maxmemory-clients", "200000"])
        let client = try clientHoldingPartOfAnArgument(port, name: "greedy", size: 300_000, sent: 10)
        defer { client.close() }
        try eventually("the client is evicted") { try clientField(control, "greedy", "id") == nil }
        XCTAssertEqual(try control.infoField("evicted_clients"), "1")
        XCTAssertNotNil(try clientField(control, "control", "id"), "CLIENT NO-EVICT kept the control client")
    }

    func testLoweringTheLimitEvictsTheBiggestClientsUntilUnderIt() throws {
        let (port, control) = try startVigil()
        var sockets: [RawSocket] = []
        defer { for s in sockets { s.close() } }
        for (name, size) in [("small", 200_000), ("medium", 600_000), ("large", 1_500_000)] {
            sockets.append(try clientHoldingPartOfAnArgument(port, name: name, size: size, sent: 10))
            try eventually("\(name) holds its argument's room") { (try clientField(control, name, "tot-mem") ?? 0) >= size }
        }
        let small = try XCTUnwrap(clientField(control, "small", "tot-mem"))
        let medium = try XCTUnwrap(clientField(control, "medium", "tot-mem"))
        let own = try XCTUnwrap(clientField(control, "control", "tot-mem"))
        // Room for the two smaller ones (and the control client, which counts but is never evicted).
        XCTAssertEqual(try control.call("CONFIG", "SET", "maxmemory-clients", String(small + medium + own + 50_000)), .ok)
        XCTAssertNil(try clientField(control, "large", "id"))
        XCTAssertNotNil(try clientField(control, "medium", "id"))
        XCTAssertNotNil(try clientField(control, "small", "id"))
        XCTAssertEqual(try control.infoField("evicted_clients"), "1")
    }

    func testANoEvictClientOverTheLimitIsEvictedOnceItAllowsEvictionAgain() throws {
        let (port, control) = try startVigil()
        XCTAssertEqual(try control.call("SET", "big", String(repeating: "x", count: 100_000)), .ok)
        // Replies it never reads pile up in the server: its output is its memory.
        let keeper = try RawSocket(port: port, receiveBuffer: 4096)
        defer { keeper.close() }
        XCTAssertTrue(keeper.send(Array("CLIENT SETNAME keeper\r\nCLIENT NO-EVICT on\r\n".utf8)
            + Array(repeating: Array("GET big\r\n".utf8), count: 300).flatMap { $0 }))
        try eventually("keeper's unread replies count") { (try clientField(control, "keeper", "tot-mem") ?? 0) >= 2_000_000 }
        XCTAssertEqual(try control.call("CONFIG", "SET", "maxmemory-clients", "1000000"), .ok)
        usleep(200_000)
        XCTAssertNotNil(try clientField(control, "keeper", "id"), "NO-EVICT on keeps it")
        XCTAssertTrue(keeper.send(Array("CLIENT NO-EVICT off\r\n".utf8)))
        try eventually("keeper is evicted") { try clientField(control, "keeper", "id") == nil }
        XCTAssertEqual(try control.infoField("evicted_clients"), "1")
    }

    /// Clients asking for big values without reading the replies (unit/maxmemory's
    /// "output buffers of many MGET clients"): their pending replies count at
    /// about their size, so maxmemory-clients evicts clients before used
    /// memory reaches maxmemory and no key goes, as with redis-server.
    func testClientsPilingUpBigRepliesAreEvictedBeforeAnyKey() throws {
        let (port, control) = try startVigil(["--maxmemory", "11mb", "--maxmemory-policy", "allkeys-lru",
                                              "--maxmemory-clients", "3mb"])
        for j in 0..<50 { _ = try control.call("SETRANGE", String(j), "100000", "x") }
        XCTAssertEqual(try control.call("CONFIG", "RESETSTAT"), .ok)
        let readers = try (0..<20).map { _ in try RawSocket(port: port) }
        let mget = Array("*2\r\n$4\r\nmget\r\n$1\r\n1\r\n".utf8)
        func evicted() throws -> (keys: Int, clients: Int) {
            (Int(try control.infoField("evicted_keys") ?? "") ?? -1, Int(try control.infoField("evicted_clients") ?? "") ?? -1)
        }
        let deadline = Date().addingTimeInterval(20)
        while try evicted() == (0, 0) && Date() < deadline {
            for r in readers { _ = r.send(mget, timeoutMs: 50) }
        }
        let (keys, clients) = try evicted()
        XCTAssertGreaterThan(clients, 0)
        XCTAssertEqual(keys, 0, "keys evicted before clients")
        XCTAssertEqual(try control.call("DBSIZE"), .integer(50))
    }

    func testWatchedKeysCountTowardsAClientsMemory() throws {
        let (port, control) = try startVigil(["--maxmemory-clients", "150000"])
        let watcher = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: 5000)
        XCTAssertEqual(try watcher.call("CLIENT", "SETNAME", "watcher"), .ok)
        var evicted = false
        for i in 0..<200_000 {
            guard (try? watcher.call("WATCH", "key:\(i)")) != nil else { evicted = true; break }
        }
        XCTAssertTrue(evicted, "the watcher was never evicted")
        XCTAssertNil(try clientField(control, "watcher", "id"))
    }

    func testAnIdleClientsReplyBufferShrinksAndABusyOneGrowsBack() throws {
        let (port, control) = try startVigil()
        XCTAssertEqual(try control.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100"), .ok)
        let client = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: 5000)
        XCTAssertEqual(try client.call("CLIENT", "SETNAME", "idle"), .ok)
        try eventually("the idle client's reply buffer shrinks to 1 KiB") {
            let rbs = try clientField(control, "idle", "rbs") ?? 0
            return rbs >= 1024 && rbs < 2048
        }
        XCTAssertNotEqual(try control.infoField("reply_buffer_shrinks"), "0")
        XCTAssertEqual(try control.call("SET", "big", String(repeating: "x", count: 32768)), .ok)
        XCTAssertEqual(try control.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "never"), .ok)
        try eventually("a client filling its buffer gets 16 KiB back") {
            _ = try client.call("GET", "big")
            let rbs = try clientField(control, "idle", "rbs") ?? 0
            return rbs >= 16384 && rbs < 32768
        }
        XCTAssertNotEqual(try control.infoField("reply_buffer_expands"), "0")
    }

    func testReplyBuffersKeepTheirSizeWhileResizingIsOff() throws {
        let (port, control) = try startVigil()
        XCTAssertEqual(try control.call("DEBUG", "REPLYBUFFER", "RESIZING", "0"), .ok)
        XCTAssertEqual(try control.call("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100"), .ok)
        let client = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: 5000)
        XCTAssertEqual(try client.call("CLIENT", "SETNAME", "idle"), .ok)
        usleep(1_500_000)
        XCTAssertGreaterThanOrEqual(try clientField(control, "idle", "rbs") ?? 0, 16384)
        XCTAssertEqual(try control.infoField("reply_buffer_shrinks"), "0")
    }

    func testAnIdleClientGivesItsQueryBufferBack() throws {
        let (port, control) = try startVigil()
        let client = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: 5000)
        XCTAssertEqual(try client.call("CLIENT", "SETNAME", "idle"), .ok)
        XCTAssertGreaterThanOrEqual(try clientField(control, "idle", "qbuf-free") ?? 0, 16384)
        try eventually("after 3 s idle its query buffer is freed", seconds: 10) {
            try clientField(control, "idle", "qbuf-free") == 0 && (try clientField(control, "idle", "idle") ?? 0) >= 3
        }
        // And comes back with the next command.
        XCTAssertEqual(try client.call("PING"), .simpleString(Array("PONG".utf8)))
    }

    func testRoomForABigArgumentStaysUntilTheClientsUseShowsItIsNotNeeded() throws {
        let (port, control) = try startVigil()
        let client = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: 5000)
        XCTAssertEqual(try client.call("CLIENT", "SETNAME", "busy"), .ok)
        XCTAssertEqual(try client.call("SET", "x", String(repeating: "A", count: 400_000)), .ok)
        let room = try XCTUnwrap(clientField(control, "busy", "qbuf-free"))
        XCTAssertGreaterThan(room, 32768, "a second big argument may follow at once")
        try eventually("small commands let it shrink") {
            XCTAssertEqual(try client.call("SET", "x", "small"), .ok)
            let now = try clientField(control, "busy", "qbuf-free") ?? 0
            return now < room
        }
    }
}
