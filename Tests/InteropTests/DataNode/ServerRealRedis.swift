import Foundation
import Glibc
import Protocol
import Deployment
import TestSupport
import XCTest

/// A real redis-server on a free loopback port for byte-level comparisons
/// (shared by the Server/Info/ConfigCommand/Debug/CommandIntrospection tests).
/// Skips the test when redis-server is missing unless VIGIL_REQUIRE_INTEROP=1.
final class ServerRealRedis {
    let port: Int
    private let process: NodeProcess
    private var fd: Int32 = -1
    private let directory: String

    init(extraArgs: [String] = []) throws {
        let exe = try RealRedisLauncher.executable()
        var template = Array("/tmp/vigil-srvtest-XXXXXX".utf8CString)
        _ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let dir = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        directory = dir
        // Never hang a test run on a reply that does not come.
        let started = try RealRedisLauncher.start(exe, directory: dir, receiveTimeout: 10, {
            ["--port", "\($0)", "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"] + extraArgs
        })
        process = started.process
        port = started.port
        fd = started.fd
    }

    deinit {
        if fd >= 0 { close(fd) }
        process.cleanUp()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Bytes read past the last reply.
    private var pending: [UInt8] = []

    /// Sends one command; returns the exact bytes of its reply (`frames`
    /// top-level values: a push or attribute comes before the real reply).
    func raw(_ args: [String], frames: Int = 1) throws -> [UInt8] {
        try raw(bytes: args.map { Array($0.utf8) }, frames: frames)
    }

    /// As `raw`, with binary arguments (DUMP payloads).
    func raw(bytes args: [[UInt8]], frames: Int = 1) throws -> [UInt8] {
        guard RealRedisLauncher.send(fd, RESPWriter.command(args)) else { throw Interop.unavailable("redis-server closed the connection") }
        var out: [UInt8] = []
        for _ in 0..<frames {
            guard let reply = try RealRedisLauncher.readReply(fd, &pending) else {
                XCTFail("no reply from redis-server to \(args)")
                throw Interop.unavailable("redis-server did not answer")
            }
            out += reply
        }
        return out
    }

    func call(_ args: [String]) throws -> RESPValue {
        let b = try raw(args)
        return try ReplyParser().parse(b)!.0
    }
}
