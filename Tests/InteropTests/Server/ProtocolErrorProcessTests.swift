import DataNode
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Malformed requests as redis-server 7.0 answers them: the reply, then whether
/// the connection closes (each case is first checked against redis-server itself).
final class ProtocolErrorProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    struct ProtocolCase {
        let name: String
        let input: [UInt8]
        let reply: String
        /// The server closes the connection after replying.
        let closes: Bool
    }

    static var protocolCases: [ProtocolCase] {
        let long = { (c: String) in Array(String(repeating: c, count: 70_000).utf8) }
        return [
            ProtocolCase(name: "non-numeric multibulk count", input: Array("*abc\r\n".utf8),
                         reply: "-ERR Protocol error: invalid multibulk length\r\n", closes: true),
            ProtocolCase(name: "multibulk count above 2^31-1", input: Array("*2147483648\r\n".utf8),
                         reply: "-ERR Protocol error: invalid multibulk length\r\n", closes: true),
            ProtocolCase(name: "element not a bulk", input: Array("*1\r\nfoo\r\n".utf8),
                         reply: "-ERR Protocol error: expected '$', got 'f'\r\n", closes: true),
            ProtocolCase(name: "negative bulk length", input: Array("*1\r\n$-1\r\n".utf8),
                         reply: "-ERR Protocol error: invalid bulk length\r\n", closes: true),
            ProtocolCase(name: "bulk above proto-max-bulk-len (1mb)", input: Array("*1\r\n$1048577\r\n".utf8),
                         reply: "-ERR Protocol error: invalid bulk length\r\n", closes: true),
            ProtocolCase(name: "bulk count line over 64 KiB", input: Array("*1\r\n$".utf8) + long("1"),
                         reply: "-ERR Protocol error: too big bulk count string\r\n", closes: true),
            ProtocolCase(name: "multibulk count line over 64 KiB", input: Array("*".utf8) + long("1"),
                         reply: "-ERR Protocol error: too big mbulk count string\r\n", closes: true),
            ProtocolCase(name: "inline line over 64 KiB", input: long("a"),
                         reply: "-ERR Protocol error: too big inline request\r\n", closes: true),
            ProtocolCase(name: "unbalanced quotes", input: Array("SET k \"unbalanced\r\n".utf8),
                         reply: "-ERR Protocol error: unbalanced quotes in request\r\n", closes: true),
            ProtocolCase(name: "commands before the bad frame are answered", input: Array("PING\r\n*x\r\nPING\r\n".utf8),
                         reply: "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n", closes: true),
            ProtocolCase(name: "HTTP POST (cross-protocol guard)", input: Array("POST / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
                         reply: "", closes: true),
            ProtocolCase(name: "Host: header", input: Array("Host: example\r\n".utf8), reply: "", closes: true),
            ProtocolCase(name: "empty lines are skipped", input: Array("\r\n\n\r\nPING\r\n".utf8),
                         reply: "+PONG\r\n", closes: false),
            ProtocolCase(name: "*0 and *-1 are skipped", input: Array("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n".utf8),
                         reply: "+PONG\r\n", closes: false),
            ProtocolCase(name: "bytes after a bulk are not checked", input: Array("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n".utf8),
                         reply: "+PONG\r\n+PONG\r\n", closes: false),
            ProtocolCase(name: "inline quoting", input: Array("ECHO \"a\\x41\\n\" 'b c'\r\nECHO \"x y\"\n".utf8),
                         reply: "-ERR wrong number of arguments for 'echo' command\r\n$3\r\nx y\r\n", closes: false),
        ]
    }

    private func exercise(_ c: ProtocolCase, port: Int) throws -> (reply: [UInt8], closed: Bool) {
        let sock = try RawSocket(port: port)
        defer { sock.close() }
        sock.send(c.input)
        if c.closes {
            let got = sock.readUntilEOF(timeoutMs: 5000)
            return (got, sock.sawEOF)
        }
        let got = sock.read(idleMs: 300, totalMs: 3000)
        return (got, sock.sawEOF)
    }

    func testProtocolErrorsReplyAndCloseAsRedisDoes() throws {
        let args = ["--proto-max-bulk-len", "1mb"]
        let vigil = try fixture.startVigil(args)
        let redisPort = try fixture.optionalRedis(args, purpose: "checking the protocol cases against redis-server itself")?.port
        for c in Self.protocolCases {
            if let redisPort {
                let ref = try exercise(c, port: redisPort)
                XCTAssertEqual(String(decoding: ref.reply, as: UTF8.self), c.reply, "\(c.name): redis-server itself answers differently (test expectation wrong)")
                XCTAssertEqual(ref.closed, c.closes, "\(c.name): redis-server close behaviour")
            }
            let got = try exercise(c, port: vigil.port)
            XCTAssertEqual(visible(got.reply), visible(Array(c.reply.utf8)), c.name)
            XCTAssertEqual(got.closed, c.closes, "\(c.name): connection \(c.closes ? "should be closed" : "should stay open")")
            XCTAssertTrue(vigil.process.isRunning, "\(c.name) crashed vigil-server:\n\(vigil.process.crashExcerpt())")
        }
        let control = try ProcessFixture.connect(vigil.port)
        XCTAssertEqual(try control.call("PING"), .simple("PONG"))
    }
}
