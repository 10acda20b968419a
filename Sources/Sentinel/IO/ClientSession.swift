import ACL
import Protocol
import Reactor

/// One client of the sentinel's port: requests in, replies and pub/sub
/// messages out.
final class ClientSession: ConnectionDelegate {
    let id: Int
    let connection: Connection
    unowned let server: SentinelServer
    let addr: String
    let laddr: String
    let createdAt: Int64
    var lastInteraction: Int64
    var parser = RequestParser()
    var proto = 2
    var name = ""
    var user: ACLUser?
    var authenticated: Bool
    var channels: [String] = []
    var patterns: [String] = []
    var lastCommand = "NULL"
    /// Redis's CLIENT_CLOSE_AFTER_REPLY: the command that set it still gets
    /// its reply, then the connection closes and nothing after it is read.
    var closeAfterReply = false
    /// A command held while clients are paused (Redis's BLOCKED_POSTPONE):
    /// it runs when the pause ends, and nothing after it is read before then.
    var postponed: [[UInt8]]?
    var replyOff = false
    var replySkipNext = false

    init(id: Int, fd: Int32, addr: String, server: SentinelServer, now: Int64, authenticated: Bool) {
        self.id = id
        self.server = server
        self.addr = addr
        connection = Connection(fd: fd, loop: server.loop)
        laddr = Socket.localName(fd)
        createdAt = now
        lastInteraction = now
        self.authenticated = authenticated
        user = authenticated ? server.acl.user("default") : nil
        connection.delegate = self
    }

    var inPubSub: Bool { !channels.isEmpty || !patterns.isEmpty }

    /// Nothing reaches a client that is closing after its last reply.
    func write(_ w: RESPWriter) {
        if connection.closing { return }
        connection.enqueue(w.bytes)
    }

    func reply(_ v: RESPValue) {
        if replyOff || connection.closing { return }
        if replySkipNext { replySkipNext = false; return }
        var w = RESPWriter(proto: proto)
        w.value(v)
        connection.enqueue(w.bytes)
    }

    /// Newlines become spaces, as Redis's addReplyErrorFormat.
    func replyError(bytes: [UInt8]) {
        if replyOff || connection.closing { return }
        if replySkipNext { replySkipNext = false; return }
        var w = RESPWriter(proto: proto)
        w.error(bytes: bytes)
        connection.enqueue(w.bytes)
    }

    // MARK: ConnectionDelegate

    func connectionDidRead(_ connection: Connection) {
        // After SHUTDOWN nothing more runs: redis-sentinel exits inside the command.
        while !connection.isClosed && !closeAfterReply && postponed == nil && !server.shuttingDown {
            let (event, consumed) = connection.input.withReadableBytes { parser.parse($0) }
            connection.input.moveReaderIndex(forwardBy: consumed)
            switch event {
            case .needMore:
                connection.input.compact()
                return
            case .skipped:
                continue
            case .error(let msg):
                reply(.err("ERR Protocol error: \(msg)"))
                connection.closeAfterFlush()
                return
            case .command(let args):
                lastInteraction = server.clockMs()
                server.process(self, args)
                closeIfAsked()
            }
        }
    }

    /// After a command: a caller that ended its own connection leaves once
    /// its reply is out. Redis closes it when a write leaves nothing pending,
    /// so one with nothing to write (CLIENT REPLY OFF) stays connected,
    /// running nothing more, until the peer leaves.
    func closeIfAsked() {
        if closeAfterReply && !connection.isClosed && connection.pendingOutputBytes > 0 { connection.closeAfterFlush() }
    }

    func connectionDidClose(_ connection: Connection, reason: String) {
        server.clientClosed(self)
    }
}
