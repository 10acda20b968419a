import Protocol
@testable import Operator

/// SENTINEL MASTER, REPLICAS and SENTINELS entries as redis-sentinel 7.0.15
/// sent them (captured from a real one, offsets and timings edited), and the
/// master's INFO replication of the same moment.
enum SentinelReplyFixtures {
    static func entry(_ pairs: [(String, String)]) -> RESPValue {
        .array(pairs.flatMap { [RESPValue.bulk($0.0), .bulk($0.1)] })
    }

    static let master = entry([
        ("name", "mymaster"), ("ip", "127.0.0.1"), ("port", "6380"),
        ("runid", "ce016ddf744dfe578036645ce0897d30639b4563"), ("flags", "master"),
        ("link-pending-commands", "0"), ("link-refcount", "1"), ("last-ping-sent", "0"),
        ("last-ok-ping-reply", "1022"), ("last-ping-reply", "1022"), ("down-after-milliseconds", "30000"),
        ("info-refresh", "2011"), ("role-reported", "master"), ("role-reported-time", "2052"),
        ("config-epoch", "3"), ("num-slaves", "2"), ("num-other-sentinels", "2"), ("quorum", "2"),
        ("failover-timeout", "180000"), ("parallel-syncs", "1"),
    ])

    static func replica(port: Int, priority: Int, offset: Int, link: String = "ok") -> RESPValue {
        entry([
            ("name", "127.0.0.1:\(port)"), ("ip", "127.0.0.1"), ("port", String(port)),
            ("runid", "39875af23a106770f9b0fb2b2dce944c2d1c3b8e"), ("flags", "slave"),
            ("link-pending-commands", "0"), ("link-refcount", "1"), ("last-ping-sent", "0"),
            ("last-ok-ping-reply", "937"), ("last-ping-reply", "937"), ("down-after-milliseconds", "30000"),
            ("info-refresh", "937"), ("role-reported", "slave"), ("role-reported-time", "2042"),
            ("master-link-down-time", "0"), ("master-link-status", link), ("master-host", "127.0.0.1"),
            ("master-port", "6380"), ("slave-priority", String(priority)), ("slave-repl-offset", String(offset)),
            ("replica-announced", "1"),
        ])
    }

    static func sentinel(port: Int, runid: String, hello: Int, votedLeader: String = "?", epoch: Int = 0) -> RESPValue {
        entry([
            ("name", runid), ("ip", "127.0.0.1"), ("port", String(port)), ("runid", runid), ("flags", "sentinel"),
            ("link-pending-commands", "0"), ("link-refcount", "1"), ("last-ping-sent", "0"),
            ("last-ok-ping-reply", "910"), ("last-ping-reply", "910"), ("down-after-milliseconds", "30000"),
            ("last-hello-message", String(hello)), ("voted-leader", votedLeader),
            ("voted-leader-epoch", String(epoch)),
        ])
    }

    static let infoReplication = """
        # Replication\r
        role:master\r
        connected_slaves:2\r
        slave0:ip=127.0.0.1,port=6381,state=online,offset=582,lag=0\r
        slave1:ip=127.0.0.1,port=6382,state=online,offset=400,lag=1\r
        master_failover_state:no-failover\r
        master_replid:df40aae7e6523e14ce6b0a88338f24a9f4592fb4\r
        master_replid2:0000000000000000000000000000000000000000\r
        master_repl_offset:716\r
        second_repl_offset:-1\r
        repl_backlog_active:1\r

        """

    static let sentinelA = "3b1870e77b4ead56a882475ee8f2fd81c752a540"
    static let sentinelB = "8f1c2e0d9a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d"
    static let answering = "4653ff9b937c5f49633441f6cc20cbd10c85f77d"

    /// The model the gatherer builds from the replies above.
    static func report() -> StatusReport {
        var m = MasterStatus(fields: SentinelFields(master)!)
        m.replicas = [replica(port: 6381, priority: 100, offset: 570), replica(port: 6382, priority: 0, offset: 380)]
            .map { ReplicaStatus(fields: SentinelFields($0)!) }
        m.sentinels = [SentinelStatus(address: "127.0.0.1:26380", runID: answering, isSelf: true, flags: [],
                                      lastHelloMs: nil, votedLeader: nil, votedLeaderEpoch: nil)]
            + [sentinel(port: 26381, runid: sentinelA, hello: 932),
               sentinel(port: 26382, runid: sentinelB, hello: 1500, votedLeader: answering, epoch: 3)]
            .map { SentinelStatus(fields: SentinelFields($0)!) }
        // Hellos heard from two of the three (--epochs).
        m.sentinels[0].currentEpoch = 3
        m.sentinels[2].currentEpoch = 3
        m.clientAddress = "127.0.0.1:6380"
        m.apply(ReplicationInfo(infoText: infoReplication))
        return StatusReport(sentinel: "127.0.0.1:26380", sentinelID: answering, tilt: false, masters: [m])
    }
}
