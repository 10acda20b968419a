import Foundation
import Protocol

/// One raw byte conversation, played step by step against a real Redis and
/// against ours, recording per step the bytes received and whether the
/// server had closed the connection: what a client sees when a command ends
/// its own connection (CLIENT KILL, QUIT, SHUTDOWN, ACL changes).
public struct WireStep {
    /// The commands of this step, sent in one write (a pipeline); built when
    /// the step runs, so they can name the connection's own address or id.
    public let commands: (WireContext) -> [[String]]
    /// Complete replies to wait for before looking for more bytes or EOF.
    public let replies: Int
    /// False for a reply that differs between servers by nature (HELLO's id).
    public let compared: Bool

    public init(replies: Int? = nil, compared: Bool = true, _ commands: [String]...) {
        self.init(replies: replies ?? commands.count, compared: compared) { _ in commands }
    }

    public init(replies: Int, compared: Bool = true, _ commands: @escaping (WireContext) -> [[String]]) {
        self.commands = commands
        self.replies = replies
        self.compared = compared
    }

    /// Sends nothing: looks again whether more bytes or an EOF arrive.
    public static var listen: WireStep { WireStep(replies: 0) { _ in [] } }
}

/// What a step may use: the connection's own addresses and the last reply.
public struct WireContext {
    public let address: String
    public let serverAddress: String
    public let lastReply: [UInt8]

    /// The integer of the last reply (`:7\r\n`), e.g. after CLIENT ID.
    public var lastInteger: String {
        String(decoding: lastReply.dropFirst().prefix { $0 != 13 }, as: UTF8.self)
    }
}

public struct WireTranscript {
    /// Bytes received after each step.
    public var received: [[UInt8]] = []
    /// The step after which the server had closed the connection, if any.
    public var closedAfterStep: Int?
}

public enum WireConversation {
    /// Plays `steps` on a fresh connection to `port`. With `reference` (the
    /// real server's transcript), waits up to `closeWaitMs` for an EOF where
    /// the reference saw one, so a slower server is not taken for one that
    /// keeps the connection; otherwise an idle `settleMs` ends each step.
    public static func play(port: Int, _ steps: [WireStep], reference: WireTranscript? = nil,
                            settleMs: Int = 200, closeWaitMs: Int = 5000) throws -> WireTranscript {
        let sock = try RawSocket(port: port)
        defer { sock.close() }
        var t = WireTranscript()
        var last: [UInt8] = []
        for (i, step) in steps.enumerated() {
            if sock.sawEOF {
                t.received.append([])
                continue
            }
            let ctx = WireContext(address: sock.localAddress, serverAddress: sock.peerAddress, lastReply: last)
            var bytes: [UInt8] = []
            for cmd in step.commands(ctx) { bytes += encodeCommand(cmd) }
            if !bytes.isEmpty { sock.send(bytes) }
            var got: [UInt8] = []
            let deadline = Date().addingTimeInterval(Double(closeWaitMs) / 1000)
            while completeReplies(got) < step.replies && !sock.sawEOF && Date() < deadline {
                got += sock.read(idleMs: 50, totalMs: 100)
            }
            let expectClose = reference?.closedAfterStep == i
            if expectClose {
                got += sock.readUntilEOF(timeoutMs: closeWaitMs)
            } else if !sock.sawEOF {
                got += sock.read(idleMs: settleMs, totalMs: closeWaitMs)
            }
            if sock.sawEOF && t.closedAfterStep == nil { t.closedAfterStep = i }
            t.received.append(got)
            if !got.isEmpty { last = lastReply(in: got) }
        }
        return t
    }

    /// Where two transcripts of the same steps differ, in words; empty if alike.
    public static func differences(_ real: WireTranscript, _ ours: WireTranscript, _ steps: [WireStep]) -> [String] {
        var out: [String] = []
        for (i, step) in steps.enumerated() where i < real.received.count && i < ours.received.count {
            let a = real.received[i], b = ours.received[i]
            if step.compared ? a != b : completeReplies(a) != completeReplies(b) {
                out.append("step \(i + 1): real \"\(printable(a))\" ours \"\(printable(b))\"")
            }
        }
        if real.closedAfterStep != ours.closedAfterStep {
            out.append("connection closed after step \(real.closedAfterStep.map { String($0 + 1) } ?? "never") on the real server, "
                       + "after step \(ours.closedAfterStep.map { String($0 + 1) } ?? "never") on ours")
        }
        return out
    }

    public static func encodeCommand(_ args: [String]) -> [UInt8] {
        var out = Array("*\(args.count)\r\n".utf8)
        for a in args {
            out += Array("$\(a.utf8.count)\r\n".utf8) + Array(a.utf8) + [13, 10]
        }
        return out
    }

    static func completeReplies(_ bytes: [UInt8]) -> Int {
        var n = 0, offset = 0
        while offset < bytes.count, let (_, used) = try? ReplyParser().parse(Array(bytes[offset...])) {
            n += 1
            offset += used
        }
        return n
    }

    static func lastReply(in bytes: [UInt8]) -> [UInt8] {
        var offset = 0, start = 0
        while offset < bytes.count, let (_, used) = try? ReplyParser().parse(Array(bytes[offset...])) {
            start = offset
            offset += used
        }
        return Array(bytes[start..<offset])
    }

    public static func printable(_ bytes: [UInt8]) -> String {
        bytes.map { b in
            switch b {
            case 13: return "\\r"
            case 10: return "\\n"
            case 32...126: return String(UnicodeScalar(b))
            default: return String(format: "\\x%02x", b)
            }
        }.joined()
    }
}
