import Protocol
import ServerKit

/// REPLICAOF / SLAVEOF host port | NO ONE, as 7.0's replicaofCommand.
enum ReplicaofCommand {
    static let handlers: [String: CommandHandler] = ["replicaof": replicaof, "slaveof": replicaof]

    static func replicaof(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if s.replication.failover.state != .none {
            c.replyError("ERR REPLICAOF not allowed while failing over.")
            return
        }
        if argEquals(argv[1], "no") && argEquals(argv[2], "one") {
            if s.replication.role == .replica {
                s.stopReplication()
                s.log.notice("MASTER MODE enabled (user request from '\(ClientCommands.infoLine(s, c, current: c, argv: argv))')")
            }
            c.out.ok()
            return
        }
        if c.flags.contains(.replica) {
            c.replyError("ERR Command is not valid when client is a replica.")
            return
        }
        guard let port = parseStrictInt64(argv[2]), port >= 0, port <= 65535 else {
            c.replyError("ERR Invalid master port")
            return
        }
        let host = String(decoding: argv[1], as: UTF8.self)
        if s.replication.role == .replica && s.replication.link.follows(host: host, port: Int(port)) {
            s.log.notice("REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.")
            c.out.simpleString("OK Already connected to specified master")
            return
        }
        s.startReplication(host: host, port: Int(port))
        s.log.notice("REPLICAOF \(host):\(port) enabled (user request from '\(ClientCommands.infoLine(s, c, current: c, argv: argv))')")
        c.out.ok()
    }
}
