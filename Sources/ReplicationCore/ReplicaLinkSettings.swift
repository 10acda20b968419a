/// What the handshake announces and how long the link may stay silent
/// (redis.conf names).
public struct ReplicaLinkSettings: Sendable, Equatable {
    /// replica-announce-port if non-zero, else port.
    public var listeningPort: Int
    /// replica-announce-ip: sent as REPLCONF ip-address when set.
    public var announceIP: String?
    public var masterUser: [UInt8]?
    public var masterAuth: [UInt8]?
    /// repl-timeout, seconds.
    public var timeoutSeconds: Int
    /// vigil-dual-channel-replication: announce `capa vigil-dual-channel`.
    public var dualChannel: Bool
    /// The most live stream buffered during a dual-channel snapshot (0: no limit).
    public var dualChannelBufferLimit: Int
    /// repl-diskless-load as it applies to the dataset now.
    public var loadTarget: PayloadLoadTarget

    public init(listeningPort: Int, announceIP: String? = nil, masterUser: [UInt8]? = nil,
                masterAuth: [UInt8]? = nil, timeoutSeconds: Int = 60,
                dualChannel: Bool = false, dualChannelBufferLimit: Int = 0,
                loadTarget: PayloadLoadTarget = .disk) {
        self.listeningPort = listeningPort
        self.announceIP = announceIP
        self.masterUser = masterUser
        self.masterAuth = masterAuth
        self.timeoutSeconds = timeoutSeconds
        self.dualChannel = dualChannel
        self.dualChannelBufferLimit = dualChannelBufferLimit
        self.loadTarget = loadTarget
    }
}

/// RESP arrays of bulk strings, as the replica writes its commands.
enum Wire {
    static func command(_ args: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = Array("*\(args.count)\r\n".utf8)
        for a in args {
            out += Array("$\(a.count)\r\n".utf8)
            out += a
            out += [13, 10]
        }
        return out
    }

    static func command(_ args: String...) -> [UInt8] { command(args.map { Array($0.utf8) }) }

    /// REPLCONF ACK <offset>.
    static func ack(_ offset: Int64) -> [UInt8] { command("REPLCONF", "ACK", String(offset)) }
}
