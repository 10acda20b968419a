/// The report as JSON, the table's content with full run ids and flags as arrays.
enum StatusJSON {
    static func render(_ report: StatusReport) -> String {
        value(report).render() + "\n"
    }

    static func value(_ r: StatusReport) -> JSONText {
        .object([
            ("sentinel", .string(r.sentinel)),
            ("sentinelId", .string(r.sentinelID)),
            ("tilt", .bool(r.tilt)),
            ("masters", .array(r.masters.map(value))),
        ])
    }

    static func value(_ m: MasterStatus) -> JSONText {
        .object([
            ("name", .string(m.name)),
            ("address", .string(m.address)),
            ("clientAddress", .optional(m.clientAddress)),
            ("state", .string(m.state)),
            ("flags", strings(m.flags)),
            ("runId", .string(m.runID)),
            ("quorum", .int(m.quorum)),
            ("configEpoch", .int(m.configEpoch)),
            ("otherSentinels", .int(m.otherSentinels)),
            ("replicaCount", .int(m.replicaCount)),
            ("lastOkPingMs", .int(m.lastOkPingMs)),
            ("downAfterMs", .int(m.downAfterMs)),
            ("replicationOffset", .optional(m.replicationOffset)),
            ("replicationError", .optional(m.replicationError)),
            ("replicas", .array(m.replicas.map(value))),
            ("sentinels", .array(m.sentinels.map(value))),
        ])
    }

    static func value(_ r: ReplicaStatus) -> JSONText {
        .object([
            ("address", .string(r.address)),
            ("runId", .string(r.runID)),
            ("flags", strings(r.flags)),
            ("masterLinkStatus", .string(r.linkStatus)),
            ("masterAddress", .string(r.masterAddress)),
            ("priority", .int(r.priority)),
            ("offset", .int(r.offset)),
            ("ackedOffset", .optional(r.ackedOffset)),
            ("lagBytes", .optional(r.lagBytes)),
            ("lagSeconds", .optional(r.lagSeconds)),
        ])
    }

    static func value(_ s: SentinelStatus) -> JSONText {
        .object([
            ("address", .string(s.address)),
            ("runId", .string(s.runID)),
            ("answering", .bool(s.isSelf)),
            ("flags", strings(s.flags)),
            ("lastHelloMs", .optional(s.lastHelloMs)),
            ("votedLeader", .optional(s.votedLeader)),
            ("votedLeaderEpoch", .optional(s.votedLeaderEpoch)),
            ("currentEpoch", .optional(s.currentEpoch)),
        ])
    }

    private static func strings(_ list: [String]) -> JSONText { .array(list.map { .string($0) }) }
}
