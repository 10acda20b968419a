import Protocol
@testable import Sentinel
@testable import SentinelCore

/// One TCP connection a sentinel opened, to a data node or to another
/// sentinel: two ordered byte streams. A message waits in its stream while
/// the path is cut or the receiver is paused (TCP retransmits), and what
/// follows it waits behind it.
final class SimulationConnection {
    enum Message {
        case command([String], ReplyTag)
        case reply(ReplyTag, RESPValue)
        case push(RESPValue)
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

    /// Unique in the simulation; orders fan-out deterministically.
    let id: Int
    let sentinel: Int
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
    var toServer = Stream()
    var toClient = Stream()

    init(id: Int, sentinel: Int, coreConn: Int, clientPort: Int, serverPort: Int, startedAt: Int64) {
        self.id = id
        self.sentinel = sentinel
        self.coreConn = coreConn
        self.clientPort = clientPort
        self.serverPort = serverPort
        self.startedAt = startedAt
    }
}
