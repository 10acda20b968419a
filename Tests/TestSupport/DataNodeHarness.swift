import Glibc
import Protocol
import XCTest
import DataNode

/// An in-process server with socketless clients: commands go through the real
/// dispatch path (lookup, arity, auth, MULTI...) and replies are read back
/// from the client's output buffer.
public final class Harness {
    public let server: Server
    public let client: Client

    public init(config: ServerConfig = ServerConfig(), clock: NodeClock = NodeClock()) throws {
        var config = config
        // With save points FLUSHALL saves in the foreground, into the runner's
        // working directory: in-process servers keep none unless a test sets its own.
        func points(_ c: ServerConfig) -> [[Int]] { c.saveParams.map { [$0.seconds, $0.changes] } }
        if points(config) == points(ServerConfig()) { config.saveParams = [] }
        server = try Server(config: config, configFile: nil, clock: clock)
        // A fork here would copy the test runner, and the child would write its
        // snapshot into the runner's working directory (a full resync asked by
        // a test forks for its BGSAVE): saves that write files are process tests.
        server.forkProcess = {
            errno = EPERM
            return -1
        }
        client = server.createDetachedClient()
    }

    public func newClient() -> Client { server.createDetachedClient() }

    /// Runs one command and returns the exact reply bytes.
    public func raw(_ args: [String], on c: Client? = nil) -> [UInt8] {
        let c = c ?? client
        c.out.bytes.removeAll()
        // Each command arrives in a read of its own: its time is read afresh,
        // not carried from the previous command's end (time moves between calls).
        server.clock.endBatch()
        server.processCommand(c, args.map { Array($0.utf8) })
        let b = c.out.bytes
        c.out.bytes.removeAll()
        return b
    }

    public func rawString(_ args: String...) -> String { String(decoding: raw(args), as: UTF8.self) }

    /// Runs one command and decodes its reply.
    @discardableResult
    public func call(_ args: String..., on c: Client? = nil) -> RESPValue { decode(raw(args, on: c)) }

    @discardableResult
    public func call(args: [String], on c: Client? = nil) -> RESPValue { decode(raw(args, on: c)) }

    /// Runs a command with binary arguments.
    @discardableResult
    public func call(bytes args: [[UInt8]], on c: Client? = nil) -> RESPValue {
        let c = c ?? client
        c.out.bytes.removeAll()
        server.clock.endBatch()
        server.processCommand(c, args)
        let b = c.out.bytes
        c.out.bytes.removeAll()
        return decode(b)
    }

    private func decode(_ b: [UInt8]) -> RESPValue {
        guard !b.isEmpty else { return .array([]) }
        guard let (v, n) = try? ReplyParser().parse(b) else {
            XCTFail("undecodable reply: \(String(decoding: b, as: UTF8.self))")
            return .null
        }
        XCTAssertEqual(n, b.count, "reply has trailing bytes: \(String(decoding: b, as: UTF8.self))")
        return v
    }

    /// Moves the command clock (expiry tests never sleep).
    public func advanceClock(ms: Int64) { server.clockOffsetMs += ms }
}

extension RESPValue {
    /// Short forms for assertions.
    public static let ok = RESPValue.simpleString(Array("OK".utf8))
    public static let nilBulk = RESPValue.bulkString(nil)
}
