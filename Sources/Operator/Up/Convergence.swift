import Foundation
import Protocol
import RESPClient

/// Has the local deployment converged: every sentinel reports node-1 as the
/// master with two replicas and two other sentinels, and both replicas have
/// their link up and the master's offset. Each check says what is not there
/// yet, so a timeout can name it.
struct Convergence {
    let topology: LocalTopology

    struct SentinelView {
        var master = ""
        var replicas = 0
        var otherSentinels = 0
        var quorum = ""
        var flags = ""
    }

    struct ReplicaView {
        var link = ""
        var offset: Int64 = 0
    }

    struct Snapshot {
        var sentinels: [Int: SentinelView] = [:]
        var replicas: [Int: ReplicaView] = [:]
        var masterOffset: Int64 = 0
        /// What has not converged yet; empty once it has.
        var pending: [String] = []
    }

    /// The sentinels' view, then the data nodes'.
    func check() -> Snapshot {
        var s = checkSentinels()
        let d = checkDataNodes()
        s.replicas = d.replicas
        s.masterOffset = d.masterOffset
        s.pending += d.pending
        return s
    }

    func checkSentinels() -> Snapshot {
        var s = Snapshot()
        let expectedMaster = "127.0.0.1:\(topology.masterPort)"
        let wanted = topology.dataPorts.count - 1, otherSentinels = topology.sentinelPorts.count - 1
        for port in topology.sentinelPorts {
            do {
                let reply = try Self.call(port, ["SENTINEL", "MASTER", LocalTopology.masterName])
                if reply.isError { throw RedisClientError.io(reply.string ?? "") }
                let f = ReplyFields.pairs(reply)
                var v = SentinelView()
                v.master = "\(f["ip"] ?? "?"):\(f["port"] ?? "?")"
                v.replicas = Int(f["num-slaves"] ?? "") ?? 0
                v.otherSentinels = Int(f["num-other-sentinels"] ?? "") ?? 0
                v.quorum = f["quorum"] ?? "?"
                v.flags = f["flags"] ?? ""
                s.sentinels[port] = v
                var short: [String] = []
                if v.master != expectedMaster { short.append("reports master \(v.master), not \(expectedMaster)") }
                if v.flags != "master" { short.append("flags \(v.flags)") }
                if v.replicas != wanted { short.append("knows \(v.replicas) of \(wanted) replicas") }
                if v.otherSentinels != otherSentinels { short.append("knows \(v.otherSentinels) of \(otherSentinels) other sentinels") }
                if !short.isEmpty { s.pending.append("sentinel 127.0.0.1:\(port) " + short.joined(separator: ", ")) }
            } catch {
                s.pending.append("sentinel 127.0.0.1:\(port) does not answer (\(error))")
            }
        }
        return s
    }

    /// The replicas replicate from node-1, link up, at the master's offset.
    func checkDataNodes() -> Snapshot {
        var s = Snapshot()
        let expectedMaster = "127.0.0.1:\(topology.masterPort)"
        // The master's offset first: a replica's can only grow after it.
        do {
            let info = ReplyFields.info(try Self.call(topology.masterPort, ["INFO", "replication"]).string ?? "")
            s.masterOffset = Int64(info["master_repl_offset"] ?? "") ?? 0
            if info["role"] != "master" { s.pending.append("node 127.0.0.1:\(topology.masterPort) is not a master (role \(info["role"] ?? "?"))") }
        } catch {
            s.pending.append("master 127.0.0.1:\(topology.masterPort) does not answer (\(error))")
        }
        for port in topology.dataPorts.dropFirst() {
            do {
                let info = ReplyFields.info(try Self.call(port, ["INFO", "replication"]).string ?? "")
                var v = ReplicaView()
                v.link = info["master_link_status"] ?? "none"
                v.offset = Int64(info["slave_repl_offset"] ?? "") ?? 0
                s.replicas[port] = v
                if info["role"] != "slave" || info["master_port"] != String(topology.masterPort) {
                    s.pending.append("replica 127.0.0.1:\(port) does not replicate from \(expectedMaster)")
                } else if v.link != "up" {
                    s.pending.append("replica 127.0.0.1:\(port) has master_link_status:\(v.link)")
                } else if info["master_sync_in_progress"] == "1" || v.offset < s.masterOffset {
                    s.pending.append("replica 127.0.0.1:\(port) is at offset \(v.offset), the master at \(s.masterOffset)")
                }
            } catch {
                s.pending.append("replica 127.0.0.1:\(port) does not answer (\(error))")
            }
        }
        return s
    }

    static func call(_ port: Int, _ args: [String]) throws -> RESPValue {
        let c = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 500, ioTimeoutMs: 1000)
        defer { c.close() }
        return try c.call(args)
    }
}
