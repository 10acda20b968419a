import Protocol

import SentinelCore

/// One TCP connection a sentinel, a writing client or a replica's link
/// opened, to a data node or to a sentinel: two ordered streams. A message waits in its stream while
/// the path is cut or the receiver is paused (TCP retransmits), and what
/// follows it waits behind it.
final class SimulationConnection {
    enum Message {
        case command([String], ReplyTag)
        case reply(ReplyTag, RESPValue)
        case push(RESPValue)
        /// Raw bytes: a replication link (handshake, payload, stream, ACKs).
        case bytes([UInt8])
        /// FIN or RST: the other side is gone.
        case eof(String)
    }

    struct Stream {
        var queue: [(readyAt: Int64, message: Message)] = []
        var head = 0
        var pumpAt: Int64?
        var lastReady: Int64 = 0
        var pending: Bool { head < queue.count }
        mutating func removeAll() { queue = []; head = 0 }
    }

    /// Who opened it.
    enum Client {
        case sentinel(Int)
        /// A data node's link to its master (by the node's port).
        case node(Int)
        /// A writing client (by its index).
        case writer(Int)
    }

    /// Unique in the simulation; orders fan-out deterministically.
    let id: Int
    let client: Client
    /// The client process's life when it opened this (a restarted process does not own it).
    let clientLife: Int
    /// The id the sentinel's core gave this connection.
    let coreConn: Int
    let clientPort: Int
    let serverPort: Int
    let startedAt: Int64
    var open = false
    /// The sentinel has closed it or learned it is closed.
    var clientGone = false
    /// The server side has dropped it (crash, CLIENT KILL, reset).
    var serverGone = false
    // Server-side session state on a data node.
    var subscribed = false
    var name = ""
    var multi: [[String]]?
    var multiDirty = false
    // Server-side state of a replication link on its master.
    var serverInput: [UInt8] = []
    var serverParser: RequestParser = { var p = RequestParser(); p.isMaster = true; return p }()
    var announcedPort = 0
    var toServer = Stream()
    var toClient = Stream()

    /// The sentinel that opened it, -1 for other clients.
    var sentinel: Int { if case .sentinel(let i) = client { return i }; return -1 }
    var isReplicationLink: Bool { if case .node = client { return true }; return false }

    init(id: Int, client: Client, clientLife: Int, coreConn: Int, clientPort: Int, serverPort: Int, startedAt: Int64) {
        self.id = id
        self.client = client
        self.clientLife = clientLife
        self.coreConn = coreConn
        self.clientPort = clientPort
        self.serverPort = serverPort
        self.startedAt = startedAt
    }
}
