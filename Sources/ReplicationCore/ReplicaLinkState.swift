/// Where the link to the master stands (7.0's repl_state).
public enum ReplicaLinkState: Sendable, Equatable {
    /// Not a replica.
    case none
    /// Must connect (at the next cron).
    case connect
    case connecting
    case receivePong
    case receiveAuth
    case receivePort
    case receiveIP
    case receiveCapa
    case receivePsync
    /// Receiving the RDB payload (or its header).
    case transfer
    /// The payload is being loaded by the shell.
    case loading
    case connected

    /// The name ROLE shows.
    public var roleName: String {
        switch self {
        case .none: return "none"
        case .connect: return "connect"
        case .connecting: return "connecting"
        case .receivePong, .receiveAuth, .receivePort, .receiveIP, .receiveCapa, .receivePsync: return "handshake"
        case .transfer, .loading: return "sync"
        case .connected: return "connected"
        }
    }

    /// A connection to the master is open (or opening).
    public var hasConnection: Bool { self != .none && self != .connect }
    public var isHandshake: Bool { roleName == "handshake" || self == .connecting }
}
