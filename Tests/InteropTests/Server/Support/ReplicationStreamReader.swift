import Foundation
import TestSupport
import XCTest

/// A bare replica link: sends SYNC (or PSYNC ? -1), takes the full-resync
/// header and the RDB payload, then hands out the commands the master
/// streams, as arrays of arguments.
final class ReplicationStreamReader {
    private let socket: RawSocket
    private var buffer: [UInt8] = []
    /// The `+FULLRESYNC <replid> <offset>` line (PSYNC only).
    private(set) var fullResyncLine: String?
    /// The RDB payload's bytes.
    private(set) var snapshot: [UInt8] = []

    init(port: Int, psync: Bool) throws {
        socket = try RawSocket(port: port)
        guard socket.send(Array((psync ? "PSYNC ? -1\r\n" : "SYNC\r\n").utf8)) else {
            throw RawSocketError.failed("sending SYNC to \(port)")
        }
        let deadline = Date().addingTimeInterval(20)
        // Keepalive newlines may come before the header and before the payload.
        while true {
            while buffer.first == UInt8(ascii: "\n") { buffer.removeFirst() }
            if let line = takeLine() {
                if line.hasPrefix("+FULLRESYNC") { fullResyncLine = line; continue }
                guard line.hasPrefix("$"), let n = Int(line.dropFirst()) else {
                    throw RawSocketError.failed("unexpected reply to SYNC: \(line)")
                }
                while buffer.count < n {
                    guard Date() < deadline else { throw RawSocketError.failed("RDB payload incomplete") }
                    fill()
                }
                snapshot = Array(buffer[..<n])
                buffer.removeFirst(n)
                return
            }
            guard Date() < deadline else { throw RawSocketError.failed("no full resync from \(port): \(visible(buffer))") }
            fill()
        }
    }

    private func fill() {
        let got = socket.read(idleMs: 20, totalMs: 200)
        buffer += got
    }

    private func takeLine() -> String? {
        guard let i = buffer.firstIndex(of: 10), i > 0, buffer[i - 1] == 13 else { return nil }
        let line = String(decoding: buffer[..<(i - 1)], as: UTF8.self)
        buffer.removeFirst(i + 1)
        return line
    }

    /// Every command streamed until the link stays quiet for `idleMs`.
    func commands(idleMs: Int = 150) throws -> [[String]] {
        buffer += socket.read(idleMs: idleMs, totalMs: 5000)
        var out: [[String]] = []
        var i = 0
        func line() throws -> String {
            guard let end = buffer[i...].firstIndex(of: 10), end > i, buffer[end - 1] == 13 else {
                throw RawSocketError.failed("incomplete stream: \(visible(Array(buffer[i...])))")
            }
            defer { i = end + 1 }
            return String(decoding: buffer[i..<(end - 1)], as: UTF8.self)
        }
        while i < buffer.count {
            let head = try line()
            guard head.hasPrefix("*"), let n = Int(head.dropFirst()) else {
                throw RawSocketError.failed("stream item is not a command: \(head)")
            }
            var argv: [String] = []
            for _ in 0..<n {
                let b = try line()
                guard b.hasPrefix("$"), let len = Int(b.dropFirst()), i + len + 2 <= buffer.count else {
                    throw RawSocketError.failed("bad bulk in stream: \(b)")
                }
                argv.append(String(decoding: buffer[i..<(i + len)], as: UTF8.self))
                i += len + 2
            }
            out.append(argv)
        }
        buffer.removeAll()
        return out
    }
}
