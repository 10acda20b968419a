/// The master's side of replication from its INFO replication text: its
/// offset and, per replica, the offset it last acknowledged and the seconds
/// since (the `slaveN:ip=...,port=...,state=...,offset=...,lag=...` lines).
struct ReplicationInfo: Equatable {
    struct Ack: Equatable {
        var offset: Int
        var lagSeconds: Int
    }

    var role: String
    var offset: Int?
    /// Keyed by "ip:port".
    var acks: [String: Ack]

    init(infoText: String) {
        role = ""
        offset = nil
        acks = [:]
        for (key, value) in InfoFields.parse(infoText) {
            if key == "role" { role = value }
            if key == "master_repl_offset" { offset = Int(value) }
            if key.hasPrefix("slave"), Int(key.dropFirst(5)) != nil {
                var fields: [String: String] = [:]
                for part in value.split(separator: ",") {
                    let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                    if kv.count == 2 { fields[kv[0]] = kv[1] }
                }
                if let ip = fields["ip"], let port = fields["port"], let off = fields["offset"].flatMap({ Int($0) }) {
                    acks["\(ip):\(port)"] = Ack(offset: off, lagSeconds: fields["lag"].flatMap { Int($0) } ?? 0)
                }
            }
        }
    }
}

extension MasterStatus {
    /// Completes the replicas with the master's acknowledgements. A master that
    /// does not call itself one (a failover under way) gives no lag.
    mutating func apply(_ info: ReplicationInfo) {
        guard info.role == "master" else {
            replicationError = "reports role \(info.role.isEmpty ? "unknown" : info.role)"
            return
        }
        replicationOffset = info.offset
        for i in replicas.indices {
            guard let ack = info.acks[replicas[i].address] else { continue }
            replicas[i].ackedOffset = ack.offset
            replicas[i].lagSeconds = ack.lagSeconds
            if let offset = info.offset { replicas[i].lagBytes = max(0, offset - ack.offset) }
        }
    }
}
