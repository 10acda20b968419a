import Foundation
import Glibc
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// A real redis-server for exact-bytes comparisons (skips like ConfigRealRedis).
final class ZsetRealRedis {
    private let server: ConfigRealRedis
    private let fd: Int32

    init() throws {
        server = try ConfigRealRedis()
        guard let s = RealRedisLauncher.connect(server.port) else {
            throw Interop.unavailable("could not connect to the test redis-server")
        }
        fd = s
    }

    deinit { close(fd) }

    /// Shell-like split with double quotes.
    static func split(_ line: String) -> [String] {
        var out: [String] = []
        var cur = "", quoted = false, any = false
        for ch in line {
            if ch == "\"" { quoted.toggle(); any = true; continue }
            if ch == " " && !quoted {
                if any { out.append(cur) }
                cur = ""; any = false
                continue
            }
            cur.append(ch); any = true
        }
        if any { out.append(cur) }
        return out
    }

    /// The exact bytes of one reply.
    func raw(_ args: [String]) throws -> [UInt8] {
        let req = RESPWriter.command(args)
        var off = 0
        while off < req.count {
            let n = req.withUnsafeBytes { write(fd, $0.baseAddress! + off, req.count - off) }
            if n <= 0 { throw NSError(domain: "ZsetRealRedis", code: 1) }
            off += n
        }
        var buf: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let (_, used) = try ReplyParser().parse(buf) { return Array(buf[0..<used]) }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { throw NSError(domain: "ZsetRealRedis", code: 2) }
            buf += chunk[0..<n]
        }
    }

    /// Runs every line on both servers and fails on the first replies that
    /// differ (HELLO's reply names the connection id, so only it is skipped).
    func compare(_ lines: [[String]], with h: Harness, file: StaticString = #filePath, line: UInt = #line) throws {
        var failures = 0
        var history: [[String]] = []
        for args in lines {
            history.append(args)
            let theirs = try raw(args)
            let ours = h.raw(args)
            if args.first?.lowercased() == "hello" { continue }
            if theirs != ours {
                failures += 1
                if ProcessInfo.processInfo.environment["ZSET_DEBUG"] != nil {
                    for hh in history.suffix(400) where hh.contains(args.count > 1 ? args[1] : "") || hh.first == "flushall" || hh.first == "config" { print("  >", hh.joined(separator: " ")) }
                }
                XCTFail("\(args.joined(separator: " ")):\n redis: \(String(decoding: theirs, as: UTF8.self).debugDescription)\n vigil: \(String(decoding: ours, as: UTF8.self).debugDescription)",
                        file: file, line: line)
                if failures >= 5 { return }
            }
        }
    }
}
