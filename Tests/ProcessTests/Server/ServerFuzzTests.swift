import DataNode
import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Robustness: over a million random and mutated request frames with zero
/// crashes, and the limits that disconnect one misbehaving client while the
/// server stays up (Redis's protocol-error replies and closes are
/// InteropTests.ProtocolErrorProcessTests).
///
/// VIGIL_FUZZ_SEED replays a run; VIGIL_FUZZ_FRAMES sizes the in-process part
/// (default 1,000,000), VIGIL_FUZZ_SOCKET_FRAMES the process part (100,000).
final class ServerFuzzTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private var env: [String: String] { ProcessInfo.processInfo.environment }

    private func seed() -> UInt64 {
        let s = UInt64(env["VIGIL_FUZZ_SEED"] ?? "") ?? SeededRandom.randomSeed()
        print("ServerFuzzTests: seed \(s) (replay with VIGIL_FUZZ_SEED=\(s))")
        return s
    }

    // MARK: in-process: RequestParser + Server.processCommand

    /// Commands kept out in-process: those that touch the process or files.
    /// MONITOR and CLIENT PAUSE stay: a detached client's replies are dropped
    /// and pauses only park socket clients.
    static var inProcessExclusions: Set<String> {
        Set(FuzzFrames.unsafeCommands.keys).subtracting(["monitor", "client|pause"])
    }

    func testInProcessParserAndDispatchSurviveAMillionMutatedFrames() throws {
        let total = Int(env["VIGIL_FUZZ_FRAMES"] ?? "") ?? 1_000_000
        let seed = seed()
        // One server per core, each with its own seed: servers share no state.
        let workers = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
        let results = FuzzResults()
        // Mutations can turn a frame into SAVE (inline `LASTSAVE` or `ACL SAVE`
        // with four bytes cut): the servers' files land in the process's working
        // directory, so the run happens in a scratch one, not the runner's.
        let scratch = try makeScratchDirectory("fuzz-cwd")
        let runnerDirectory = FileManager.default.currentDirectoryPath
        XCTAssertEqual(chdir(scratch), 0)
        defer {
            _ = chdir(runnerDirectory)
            try? FileManager.default.removeItem(atPath: scratch)
        }
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let r = Self.fuzzInProcess(seed: seed &+ UInt64(w), frames: total / workers + (w == 0 ? total % workers : 0))
            results.add(r)
        }
        let secs = Date().timeIntervalSince(started)
        let all = results.all
        let commands = all.map(\.commands).reduce(0, +), errors = all.map(\.protocolErrors).reduce(0, +)
        let frames = all.map(\.frames).reduce(0, +)
        print("ServerFuzzTests: in-process \(frames) frames (\(workers) servers, seeds \(seed)+0..\(workers - 1)) in \(String(format: "%.1f", secs)) s: \(commands) commands, \(errors) protocol errors, \(all.map(\.dropped).reduce(0, +)) oversized partial requests dropped")
        for r in all { if let f = r.failure { XCTFail(f) } }
        XCTAssertEqual(frames, total)
        XCTAssertGreaterThan(commands, total / 2, "most frames should parse into commands")
        XCTAssertGreaterThan(errors, 0, "mutations should produce protocol errors")
    }

    struct FuzzResult {
        var frames = 0, commands = 0, protocolErrors = 0, dropped = 0
        var failure: String?
    }

    final class FuzzResults: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [FuzzResult] = []
        func add(_ r: FuzzResult) { lock.lock(); results.append(r); lock.unlock() }
        var all: [FuzzResult] { lock.lock(); defer { lock.unlock() }; return results }
    }

    /// Frames through a RequestParser into Server.processCommand on a detached
    /// client, as a connection would feed them; a protocol error or an
    /// oversized half-request replaces the client, as a close would.
    static func fuzzInProcess(seed: UInt64, frames total: Int) -> FuzzResult {
        var result = FuzzResult()
        var gen = FuzzFrames(seed: seed, excluding: inProcessExclusions)
        var rng = SeededRandom(seed: seed ^ 0x5EED)
        let server: Server
        // No save points: FLUSHALL would save into the test runner's cwd, and a
        // refused fork (below) would then turn writes into MISCONF.
        var config = ServerConfig()
        config.saveParams = []
        do { server = try Server(config: config, configFile: nil) } catch {
            result.failure = "Server init: \(error)"
            return result
        }
        // A mutated frame that reaches a full resync must not fork the test runner into its cwd.
        server.forkProcess = { -1 }
        let admin = server.createDetachedClient()
        var client = server.createDetachedClient()
        // 1 MiB bulk cap: mutated lengths must not make the test itself allocate GBs.
        var parser = RequestParser(maxBulkLength: 1 << 20)
        var input: [UInt8] = []
        var lastFrames: [[UInt8]] = []

        func newClient() {
            server.freeClient(client, reason: "fuzz reconnect")
            client = server.createDetachedClient()
            parser.reset()
            input.removeAll(keepingCapacity: true)
        }

        for i in 0..<total {
            let frame = gen.frame()
            result.frames += 1
            lastFrames.append(frame)
            if lastFrames.count > 8 { lastFrames.removeFirst() }
            // Arrives in one or two pieces, as TCP may deliver it.
            var pieces: [ArraySlice<UInt8>] = [frame[...]]
            if frame.count > 2 && rng.chance(0.3) {
                let cut = rng.int(1..<frame.count)
                pieces = [frame[..<cut], frame[cut...]]
            }
            for piece in pieces {
                input += piece
                parse: while true {
                    let (event, consumed) = input.withUnsafeBytes { parser.parse($0) }
                    if consumed > 0 { input.removeFirst(consumed) }
                    switch event {
                    case .command(let argv):
                        result.commands += 1
                        server.processCommand(client, argv)
                        client.out.bytes.removeAll(keepingCapacity: true)
                        if client.isFreed || client.flags.contains(.closeAfterReply) { newClient(); break parse }
                    case .skipped:
                        if consumed == 0 {
                            result.failure = "seed \(seed): parser skipped without consuming; last frames: \(lastFrames.map { visible($0, limit: 80) })"
                            return result
                        }
                    case .needMore:
                        break parse
                    case .error:
                        result.protocolErrors += 1
                        newClient()
                        break parse
                    }
                }
                // The query buffer limit's role: a half-sent huge bulk is dropped.
                if input.count > 256 * 1024 { result.dropped += 1; newClient() }
            }
            if i % 2000 == 1999 {
                server.processCommand(admin, [Array("FLUSHALL".utf8)])
                admin.out.bytes.removeAll()
                if rng.chance(0.2) { newClient() }
            }
            if i % 50_000 == 49_999, let rss = residentBytes(pid: getpid()), rss > 3 << 30 {
                result.failure = "seed \(seed): test process RSS \(rss >> 20) MiB after \(i + 1) frames"
                return result
            }
        }
        // Still consistent enough to serve a fresh client.
        let c = server.createDetachedClient()
        server.processCommand(c, ["SET", "after", "fuzz"].map { Array($0.utf8) })
        server.processCommand(c, ["GET", "after"].map { Array($0.utf8) })
        let reply = String(decoding: c.out.bytes, as: UTF8.self)
        if reply != "+OK\r\n$4\r\nfuzz\r\n" { result.failure = "seed \(seed): after fuzzing SET/GET answered \(reply)" }
        return result
    }

    // MARK: process: mutated frames over many sockets

    func testProcessSurvivesMutatedFramesOverManySockets() throws {
        let total = Int(env["VIGIL_FUZZ_SOCKET_FRAMES"] ?? "") ?? 100_000
        let seed = seed()
        let s = try fixture.startVigil()
        // Fewer mutations than in-process: a protocol error ends the connection
        // and the rest of its batch, and most frames should reach a command.
        // CONFIG RESETSTAT would zero total_commands_processed, which this run reports.
        var gen = FuzzFrames(seed: seed, excluding: Set(FuzzFrames.unsafeCommands.keys).union(["config|resetstat"]),
                             mutationRate: 0.04)
        var rng = SeededRandom(seed: seed ^ 0xF00D)
        var control = try ProcessFixture.connect(s.port)
        let baseline = residentBytes(pid: s.process.pid) ?? 0
        func commandsProcessed(_ c: RedisConnection) -> Int {
            let info = (try? c.call("INFO", "stats"))?.string ?? ""
            let line = info.split(separator: "\r\n").first { $0.hasPrefix("total_commands_processed:") }
            return line.flatMap { Int($0.dropFirst("total_commands_processed:".count)) } ?? 0
        }
        var peak = baseline
        var sockets: [(sock: RawSocket, quota: Int)] = []
        func open() throws -> (RawSocket, Int) { (try RawSocket(port: s.port), rng.int(1...400)) }
        for _ in 0..<24 { sockets.append(try open()) }
        var sent = 0, connections = 24, closedByServer = 0
        let started = Date()
        while sent < total {
            let i = rng.int(0..<sockets.count)
            let n = rng.int(1...20)
            var batch: [UInt8] = []
            for _ in 0..<n { batch += gen.frame() }
            let ok = sockets[i].sock.send(batch, timeoutMs: 200)
            sent += n
            sockets[i].quota -= n
            // Drain what is there (replies, or the EOF after a protocol error) before this socket's next turn.
            _ = sockets[i].sock.read(idleMs: rng.chance(0.9) ? 0 : 2, totalMs: 50)
            if !ok || sockets[i].sock.sawEOF || sockets[i].quota <= 0 {
                if !ok || sockets[i].sock.sawEOF { closedByServer += 1 }
                switch rng.int(0..<3) {
                case 0: sockets[i].sock.reset()
                case 1: _ = sockets[i].sock.read(idleMs: 5, totalMs: 100); sockets[i].sock.close()
                default: sockets[i].sock.close()  // unread replies left behind
                }
                guard s.process.isRunning else { break }
                sockets[i] = try open()
                connections += 1
            }
            if sent / 5000 != (sent - n) / 5000 {
                guard s.process.isRunning else { break }
                // CLIENT KILL/QUIT/RESET among the frames may hit the control link too.
                if (try? control.call("FLUSHALL")) != .simple("OK") {
                    control = try ProcessFixture.connect(s.port)
                    _ = try control.call("FLUSHALL")
                }
                peak = max(peak, residentBytes(pid: s.process.pid) ?? 0)
            }
        }
        for s in sockets { s.sock.close() }
        XCTAssertTrue(s.process.isRunning, "vigil-server died under fuzzing (seed \(seed)):\n\(s.process.crashExcerpt())")
        guard s.process.isRunning else { return }
        let fresh = try ProcessFixture.connect(s.port)
        XCTAssertEqual(try fresh.call("PING"), .simple("PONG"))
        peak = max(peak, residentBytes(pid: s.process.pid) ?? 0)
        let secs = Date().timeIntervalSince(started)
        let processed = commandsProcessed(fresh)
        print("ServerFuzzTests: process \(sent) frames over \(connections) connections (\(closedByServer) closed by the server) in \(String(format: "%.1f", secs)) s; \(processed) commands processed; RSS \(baseline >> 20) MiB -> peak \(peak >> 20) MiB")
        // Executed commands only: rejections (arity, unknown, subscribed context),
        // queued-then-discarded commands and frames after a protocol error do not count.
        XCTAssertGreaterThan(processed, sent / 5, "too few frames reached a command")
        XCTAssertLessThan(peak, 512 << 20, "vigil-server memory grew without bound (peak \(peak >> 20) MiB)")
    }

    // MARK: limits: one client is disconnected, the server stays up

    func testLimitsDisconnectTheOffendingClientOnly() throws {
        let s = try fixture.startVigil(["--client-output-buffer-limit", "pubsub 1mb 512kb 1",
                                        "--client-query-buffer-limit", "1mb"])
        let control = try ProcessFixture.connect(s.port)
        let bystander = try ProcessFixture.connect(s.port)
        XCTAssertEqual(try bystander.call("SET", "bystander", "1"), .simple("OK"))
        let baseline = residentBytes(pid: s.process.pid) ?? 0

        func assertUp(_ what: String) throws {
            XCTAssertTrue(s.process.isRunning, "\(what) crashed vigil-server:\n\(s.process.crashExcerpt())")
            XCTAssertEqual(try control.call("PING"), .simple("PONG"), what)
        }

        // A bulk length above proto-max-bulk-len (512 MiB by default).
        var sock = try RawSocket(port: s.port)
        sock.send(Array("*2\r\n$3\r\nGET\r\n$536870913\r\n".utf8))
        XCTAssertEqual(String(decoding: sock.readUntilEOF(), as: UTF8.self), "-ERR Protocol error: invalid bulk length\r\n")
        XCTAssertTrue(sock.sawEOF, "bulk above proto-max-bulk-len: still connected")
        try assertUp("bulk above proto-max-bulk-len")

        // A huge multibulk count: above 2^31-1 is an error; just below, the
        // server must not reserve memory for arguments that never come.
        sock = try RawSocket(port: s.port)
        sock.send(Array("*4294967296\r\n".utf8))
        XCTAssertEqual(String(decoding: sock.readUntilEOF(), as: UTF8.self), "-ERR Protocol error: invalid multibulk length\r\n")
        var waiting: [RawSocket] = []
        for _ in 0..<50 {
            let w = try RawSocket(port: s.port)
            w.send(Array("*2147483647\r\n$4\r\nPING\r\n".utf8))
            waiting.append(w)
        }
        try assertUp("50 clients announcing 2^31-1 arguments")
        let rssWaiting = residentBytes(pid: s.process.pid) ?? 0
        XCTAssertLessThan(rssWaiting - baseline, 64 << 20, "memory reserved for announced arguments: \((rssWaiting - baseline) >> 20) MiB")
        for w in waiting { w.close() }

        // An inline line over 64 KiB.
        sock = try RawSocket(port: s.port)
        sock.send(Array(String(repeating: "x", count: 100_000).utf8))
        XCTAssertEqual(String(decoding: sock.readUntilEOF(), as: UTF8.self), "-ERR Protocol error: too big inline request\r\n")
        try assertUp("oversized inline request")

        // A client whose unparsed query buffer passes client-query-buffer-limit: closed, no reply.
        sock = try RawSocket(port: s.port)
        sock.send(Array("*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$5000000\r\n".utf8))
        let chunk = [UInt8](repeating: UInt8(ascii: "z"), count: 64 * 1024)
        var pushed = 0
        while pushed < 4_000_000 && sock.send(chunk, timeoutMs: 1000) { pushed += chunk.count }
        let afterLimit = sock.readUntilEOF(timeoutMs: 5000)
        XCTAssertTrue(sock.sawEOF, "query buffer over the limit: still connected after \(pushed) bytes")
        XCTAssertEqual(afterLimit, [], "no reply to a client closed for its query buffer")
        try assertUp("client-query-buffer-limit")
        XCTAssertEqual(try control.call("EXISTS", "q"), .integer(0))

        // A subscriber that never reads: dropped at the pubsub hard limit (1mb).
        let sub = try RawSocket(port: s.port, receiveBuffer: 4096)
        sub.send(RESPWriter.command(["SUBSCRIBE", "flood"]))
        XCTAssertEqual(String(decoding: sub.read(idleMs: 500), as: UTF8.self), "*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n")
        let payload = String(repeating: "p", count: 64 * 1024)
        var receivers: Int64 = 1, published = 0
        while receivers == 1 && published < 2000 {
            receivers = try control.call("PUBLISH", "flood", payload).int ?? -1
            published += 1
        }
        XCTAssertEqual(receivers, 0, "subscriber still attached after \(published) × 64 KiB unread")
        XCTAssertEqual(try control.call("PUBSUB", "NUMSUB", "flood"), .array([.bulk("flood"), .integer(0)]))
        let drained = sub.readUntilEOF(timeoutMs: 10_000)
        XCTAssertTrue(sub.sawEOF, "the dropped subscriber's socket is closed (read \(drained.count) bytes, no EOF)")
        try assertUp("pubsub output limit")

        XCTAssertEqual(try bystander.call("GET", "bystander"), .bulk("1"), "other clients are unaffected")
        // Redis 7.0's log lines for both (INFO has no counters for them before 7.2).
        let log = s.process.logText
        XCTAssertTrue(log.contains("Closing client that reached max query buffer length"), log)
        XCTAssertTrue(log.contains("scheduled to be closed ASAP for overcoming of output buffer limits"), log)
    }
}
