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
    var closeAfterReply = false
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

    func write(_ w: RESPWriter) {
        connection.enqueue(w.bytes)
    }

    func reply(_ v: RESPValue) {
        if replyOff { return }
        if replySkipNext { replySkipNext = false; return }
        var w = RESPWriter(proto: proto)
        w.value(v)
        connection.enqueue(w.bytes)
    }

    // MARK: ConnectionDelegate

    func connectionDidRead(_ connection: Connection) {
        while !connection.isClosed && !closeAfterReply {
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
            }
        }
    }

    func connectionDidClose(_ connection: Connection, reason: String) {
        server.clientClosed(self)
    }
}
