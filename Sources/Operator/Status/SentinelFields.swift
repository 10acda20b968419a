import Protocol

/// A SENTINEL MASTER/REPLICAS/SENTINELS entry: a flat array of field names and
/// values (a RESP3 map arrives flattened the same way).
struct SentinelFields: Equatable {
    private(set) var values: [String: String] = [:]

    init(_ pairs: [(String, String)]) {
        for (k, v) in pairs { values[k] = v }
    }

    init?(_ reply: RESPValue) {
        guard let items = reply.elements, items.count % 2 == 0 else { return nil }
        var pairs: [(String, String)] = []
        var i = 0
        while i + 1 < items.count {
            pairs.append((items[i].string ?? "", items[i + 1].string ?? ""))
            i += 2
        }
        self.init(pairs)
    }

    subscript(_ key: String) -> String? { values[key] }

    func string(_ key: String) -> String { values[key] ?? "" }
    func int(_ key: String) -> Int { values[key].flatMap { Int($0) } ?? 0 }
    func flags(_ key: String = "flags") -> [String] {
        string(key).split(separator: ",").map(String.init)
    }
    var address: String { "\(string("ip")):\(string("port"))" }
}

extension MasterStatus {
    /// From SENTINEL MASTER's fields; replicas, sentinels and the master's own
    /// replication view are added by whoever gathers them.
    init(fields f: SentinelFields) {
        self.init(name: f.string("name"), address: f.address, runID: f.string("runid"), flags: f.flags(),
                  quorum: f.int("quorum"), configEpoch: f.int("config-epoch"),
                  otherSentinels: f.int("num-other-sentinels"), replicaCount: f.int("num-slaves"),
                  lastOkPingMs: f.int("last-ok-ping-reply"), downAfterMs: f.int("down-after-milliseconds"),
                  clientAddress: nil, replicationOffset: nil, replicationError: nil, replicas: [], sentinels: [])
    }
}

extension ReplicaStatus {
    init(fields f: SentinelFields) {
        self.init(address: f.address, runID: f.string("runid"), flags: f.flags(),
                  linkStatus: f.string("master-link-status"),
                  masterAddress: "\(f.string("master-host")):\(f.string("master-port"))",
                  priority: f.int("slave-priority"), offset: f.int("slave-repl-offset"),
                  ackedOffset: nil, lagBytes: nil, lagSeconds: nil)
    }
}

extension SentinelStatus {
    init(fields f: SentinelFields) {
        let voted = f.string("voted-leader")
        self.init(address: f.address, runID: f.string("runid"), isSelf: false, flags: f.flags(),
                  lastHelloMs: f["last-hello-message"].flatMap { Int($0) },
                  // "?" is redis-sentinel's "voted for nobody yet".
                  votedLeader: voted.isEmpty || voted == "?" ? nil : voted,
                  votedLeaderEpoch: f["voted-leader-epoch"].flatMap { Int($0) })
    }
}
