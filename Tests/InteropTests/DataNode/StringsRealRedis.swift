import Foundation
import Glibc
import Protocol
import Deployment
import TestSupport
import XCTest
@testable import DataNode

/// A real redis-server on a free port for byte-level comparisons. Skips the
/// test when redis-server is missing unless VIGIL_REQUIRE_INTEROP=1.
final class StringsRealRedis {
    private let process: NodeProcess
    private let fd: Int32
    private var pending: [UInt8] = []

    init() throws {
        let exe = try RealRedisLauncher.executable()
        let started = try RealRedisLauncher.start(exe, {
            ["--port", "\($0)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        })
        process = started.process
        fd = started.fd
    }

    deinit {
        close(fd)
        process.cleanUp()
    }

    /// Sends one command and returns the exact bytes of its reply.
    func raw(_ args: [[UInt8]]) throws -> [UInt8] {
        guard RealRedisLauncher.send(fd, RESPWriter.command(args)),
              let reply = try RealRedisLauncher.readReply(fd, &pending)
        else { throw Interop.unavailable("redis-server closed the connection") }
        return reply
    }

    /// Runs a binary command through the harness and returns the raw reply.
    static func raw(_ h: Harness, _ args: [[UInt8]]) -> [UInt8] {
        h.client.out.bytes.removeAll()
        h.server.processCommand(h.client, args)
        let b = h.client.out.bytes
        h.client.out.bytes.removeAll()
        return b
    }

    /// Runs each script on real Redis and through `h` (a fresh harness by
    /// default) and asserts byte-identical replies. A HELLO only switches
    /// the harness client's protocol: its own reply carries ids that differ.
    func assertSameReplies(_ scripts: [[String]], on h: Harness? = nil,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let h = try h ?? Harness()
        for (i, script) in scripts.enumerated() {
            let args = script.map { Array($0.utf8) }
            let expected = try raw(args)
            if script[0] == "HELLO" {
                h.client.proto = Int(script[1])!
                continue
            }
            let got = Self.raw(h, args)
            XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: expected, as: UTF8.self),
                           "#\(i) \(script)", file: file, line: line)
        }
    }
}
