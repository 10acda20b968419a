/// The RDB payload on the replication link (replication.md §4): its header
/// line, then either exactly `length` bytes or bytes up to a 40-byte EOF
/// mark. Hands out the RDB bytes only; what follows a `$<len>` payload is
/// the start of the stream.
public struct PayloadFraming: Sendable, Equatable {
    public enum Form: Sendable, Equatable {
        case length(Int)
        case eofMark([UInt8])
    }

    public enum Header: Sendable, Equatable {
        /// An empty line: the master is alive, still preparing.
        case keepalive
        case payload(Form)
        /// `-...`: the master gave up ("MASTER aborted replication with an error: ...").
        case masterError(String)
        /// Anything else.
        case badProtocol(String)
    }

    public static let markLength = 40

    /// readSyncBulkPayload's reading of the header line (without its newline).
    public static func header(_ line: String) -> Header {
        if line.isEmpty { return .keepalive }
        if line.hasPrefix("-") { return .masterError(String(line.dropFirst())) }
        guard line.hasPrefix("$") else { return .badProtocol(line) }
        let rest = Array(line.utf8.dropFirst())
        if rest.starts(with: "EOF:".utf8) && rest.count - 4 >= markLength {
            return .payload(.eofMark(Array(rest[4..<(4 + markLength)])))
        }
        // strtol: leading digits, anything after them ignored.
        var n = 0
        for b in rest { guard b >= 48 && b <= 57 else { break }; n = n &* 10 &+ Int(b - 48) }
        return .payload(.length(n))
    }

    public let form: Form
    /// RDB bytes handed out so far.
    public private(set) var delivered = 0
    /// Payload bytes read from the master, EOF mark included
    /// (repl_transfer_read, INFO's master_sync_read_bytes).
    public private(set) var received = 0
    /// EOF form: the last bytes seen, held back until it is known they are not the mark.
    private var tail: [UInt8] = []
    public private(set) var isComplete = false

    public init(_ form: Form) {
        self.form = form
        if case .length(0) = form { isComplete = true }
    }

    /// Takes bytes from `chunk`: returns the RDB bytes they complete and how
    /// many of `chunk` were used (the rest is stream, `$<len>` form only).
    public mutating func consume(_ chunk: ArraySlice<UInt8>) -> (rdb: [UInt8], used: Int) {
        guard !isComplete else { return ([], 0) }
        switch form {
        case .length(let total):
            let take = min(total - delivered, chunk.count)
            delivered += take
            received += take
            if delivered == total { isComplete = true }
            return (Array(chunk.prefix(take)), take)
        case .eofMark(let mark):
            // The mark is the last 40 bytes the master sends before waiting
            // for our ACK, so every byte of a chunk belongs to the payload.
            var combined = tail
            combined.append(contentsOf: chunk)
            let keep = min(combined.count, Self.markLength)
            let out = Array(combined[0..<(combined.count - keep)])
            tail = Array(combined[(combined.count - keep)...])
            delivered += out.count
            received += chunk.count
            if tail == mark { isComplete = true }
            return (out, chunk.count)
        }
    }

    /// INFO's master_sync_total_bytes: 0 for the EOF form.
    public var totalBytes: Int {
        if case .length(let n) = form { return n }
        return 0
    }
}
