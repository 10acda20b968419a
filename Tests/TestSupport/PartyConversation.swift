import Foundation
import Protocol

/// One step of a conversation between several connections to one server:
/// a command sent by `party`, or that party's connection closing. `{id:N}`
/// in an argument stands for party N's client id on the server played.
public struct PartyStep {
    public enum Action {
        case send([String])
        case close
    }
    public let party: Int
    public let action: Action
    /// False for a reply that differs between servers by nature (HELLO).
    public let compared: Bool

    public init(_ party: Int, compared: Bool = true, _ args: String...) {
        self.party = party
        self.action = .send(args)
        self.compared = compared
    }

    public static func close(_ party: Int) -> PartyStep { PartyStep(party: party, action: .close) }

    init(party: Int, action: Action) {
        self.party = party
        self.action = action
        compared = true
    }
}

/// Plays party conversations on raw sockets and records, per step, what
/// every connection received: the sender's reply and whatever reached the
/// others (pushes, pub/sub messages). Client ids are written back as
/// `{id:N}` so transcripts of two servers compare byte for byte.
public enum PartyConversation {
    public typealias Transcript = [[[UInt8]]]

    public static func play(port: Int, parties: Int, _ steps: [PartyStep]) throws -> Transcript {
        // Ids start past the small integers replies carry, so writing them
        // back cannot touch a count or a length.
        let probe = try RawSocket(port: port)
        probe.send(WireConversation.encodeCommand(["CLIENT", "ID"]))
        let first = integer(probe.read(idleMs: 50)) ?? 0
        probe.close()
        var burnt: [RawSocket] = []
        for _ in first..<100 { burnt.append(try RawSocket(port: port)) }
        for s in burnt { s.close() }

        var sockets: [RawSocket] = []
        var ids: [Int] = []
        for _ in 0..<parties {
            let s = try RawSocket(port: port)
            s.send(WireConversation.encodeCommand(["CLIENT", "ID"]))
            guard let id = integer(s.read(idleMs: 50, totalMs: 5000)) else { throw RawSocketError.failed("no CLIENT ID reply") }
            sockets.append(s)
            ids.append(id)
        }
        defer { for s in sockets { s.close() } }
        var transcript: Transcript = []
        for step in steps {
            var received = Array(repeating: [UInt8](), count: parties)
            switch step.action {
            case .close:
                sockets[step.party].close()
            case .send(let args):
                let resolved = args.map { a -> String in
                    var a = a
                    for (n, id) in ids.enumerated() { a = a.replacingOccurrences(of: "{id:\(n)}", with: String(id)) }
                    return a
                }
                let s = sockets[step.party]
                s.send(WireConversation.encodeCommand(resolved))
                var got: [UInt8] = []
                let deadline = Date().addingTimeInterval(5)
                while WireConversation.completeReplies(got) == 0 && !s.sawEOF && Date() < deadline {
                    got += s.read(idleMs: 50, totalMs: 100)
                }
                got += s.read(idleMs: 30, totalMs: 1000)
                received[step.party] = got
            }
            // Whatever the step caused elsewhere went out in the same loop turn.
            for (n, s) in sockets.enumerated() where n != step.party && s.fd >= 0 {
                received[n] = s.read(idleMs: 20, totalMs: 1000)
            }
            transcript.append(received.map { normalize($0, ids) })
        }
        return transcript
    }

    /// Where two transcripts differ, one line per step and party.
    public static func differences(_ real: Transcript, _ ours: Transcript, _ steps: [PartyStep]) -> [String] {
        var out: [String] = []
        for (i, step) in steps.enumerated() where i < real.count && i < ours.count {
            for p in 0..<real[i].count where real[i][p] != ours[i][p] {
                if !step.compared && p == step.party { continue }
                out.append("step \(i + 1) (party \(step.party) \(step.action)), party \(p): real \"\(WireConversation.printable(real[i][p]))\" ours \"\(WireConversation.printable(ours[i][p]))\"")
            }
        }
        return out
    }

    static func integer(_ bytes: [UInt8]) -> Int? {
        guard bytes.first == UInt8(ascii: ":") else { return nil }
        return Int(String(decoding: bytes.dropFirst().prefix { $0 != 13 }, as: UTF8.self))
    }

    static func normalize(_ bytes: [UInt8], _ ids: [Int]) -> [UInt8] {
        var text = String(decoding: bytes, as: UTF8.self)
        for (n, id) in ids.enumerated() {
            text = text.replacingOccurrences(of: ":\(id)\r\n", with: ":{id:\(n)}\r\n")
        }
        return Array(text.utf8)
    }
}
