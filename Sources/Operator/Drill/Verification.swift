import Foundation
import Protocol
import RESPClient

/// Full and partial resyncs a node has served (INFO stats sync_full, sync_partial_ok).
struct ResyncCounters: Equatable {
    var full: Int
    var partial: Int

    static func read(_ nodes: [Address]) -> [Address: ResyncCounters] {
        var out: [Address: ResyncCounters] = [:]
        for n in nodes {
            guard let s = NodeInfo.fetch(n, section: "stats") else { continue }
            out[n] = ResyncCounters(full: Int(s["sync_full"] ?? "") ?? 0, partial: Int(s["sync_partial_ok"] ?? "") ?? 0)
        }
        return out
    }

    /// Resyncs served between two readings, summed over the nodes. A node
    /// whose counters went down was restarted: all it counts now is new.
    static func delta(before: [Address: ResyncCounters], after: [Address: ResyncCounters]) -> ResyncCounters {
        var sum = ResyncCounters(full: 0, partial: 0)
        for (node, a) in after {
            let b = before[node] ?? ResyncCounters(full: 0, partial: 0)
            let restarted = a.full < b.full || a.partial < b.partial
            sum.full += restarted ? a.full : a.full - b.full
            sum.partial += restarted ? a.partial : a.partial - b.partial
        }
        return sum
    }
}

/// A master's replicas as its INFO replication lists them.
struct ReplicaLine: Equatable {
    var address: Address
    var state: String
    var offset: Int

    /// "slave0:ip=127.0.0.1,port=6381,state=online,offset=1234,lag=0" lines, and master_repl_offset.
    static func parse(_ info: [String: String]) -> (masterOffset: Int, replicas: [ReplicaLine]) {
        var out: [ReplicaLine] = []
        for (k, v) in info where k.hasPrefix("slave") && Int(k.dropFirst(5)) != nil {
            var f: [String: String] = [:]
            for part in v.split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1)
                if kv.count == 2 { f[String(kv[0])] = String(kv[1]) }
            }
            if let ip = f["ip"], let port = f["port"].flatMap({ Int($0) }) {
                out.append(ReplicaLine(address: Address(host: ip, port: port), state: f["state"] ?? "",
                                       offset: Int(f["offset"] ?? "") ?? -1))
            }
        }
        return (Int(info["master_repl_offset"] ?? "") ?? -1, out.sorted { $0.address.port < $1.address.port })
    }

    /// At least `expected` replicas online, each at `target` (default: the
    /// master's offset now). The master's offset keeps moving (the sentinels
    /// publish hellos through it) and replicas ack once a second, so a caller
    /// waiting for sync fixes the target once and waits for the replicas to reach it.
    static func inSync(_ info: [String: String], expected: Int, target: Int? = nil) -> Bool {
        let (offset, replicas) = parse(info)
        let goal = target ?? offset
        let online = replicas.filter { $0.state == "online" }
        return online.count >= expected && goal >= 0 && online.allSatisfy { $0.offset >= goal }
    }
}

/// Reads every acknowledged key back from the new master.
enum ReadBack {
    /// Sequence numbers acknowledged but missing, or holding another value.
    static func lost(on master: Address, prefix: String, acked: [AckedWrite]) throws -> [Int] {
        let c = try SentinelView.connect(master, timeoutMs: 5000)
        defer { c.close() }
        var lost: [Int] = []
        var i = 0
        while i < acked.count {
            let batch = acked[i..<min(i + 500, acked.count)]
            let replies = try c.pipeline(batch.map { ["GET", prefix + String($0.seq)] })
            for (w, r) in zip(batch, replies) where r.string != String(w.seq) || r.isError {
                lost.append(w.seq)
            }
            i += batch.count
        }
        return lost
    }

    /// Removes the run's keys (acknowledged or not) from the deployment.
    static func removeKeys(on master: Address, prefix: String) {
        guard let c = try? SentinelView.connect(master, timeoutMs: 5000) else { return }
        defer { c.close() }
        var cursor = "0"
        repeat {
            guard let reply = try? c.call("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000"),
                  let items = reply.elements, items.count == 2, let next = items[0].string,
                  let keys = items[1].elements else { return }
            let names = keys.compactMap(\.string)
            if !names.isEmpty { _ = try? c.call(["UNLINK"] + names) }
            cursor = next
        } while cursor != "0"
    }
}
