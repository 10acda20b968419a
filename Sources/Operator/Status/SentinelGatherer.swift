import Protocol
import RESPClient

/// Reads a StatusReport over RESP from one sentinel (vigil-sentinel or
/// redis-sentinel: only commands and fields both have), then asks each master
/// for its INFO replication so that replica lag is as fresh as the master's
/// last REPLCONF ACK rather than the sentinel's 10-second INFO cache.
struct SentinelGatherer {
    var user: String?
    var password: String?
    var epochs = false
    var connectTimeoutMs = 1000
    var ioTimeoutMs = 3000

    /// The first of `addresses` that answers as a sentinel.
    func gather(from addresses: [StatusOptions.Address], masterName: String?) throws(StatusFailure) -> StatusReport {
        var failures: [StatusFailure] = []
        for address in addresses {
            do {
                return try gather(from: address, masterName: masterName)
            } catch {
                if !error.triesNext || addresses.count == 1 { throw error }
                failures.append(error)
            }
        }
        throw .noneAnswered(failures)
    }

    func gather(from address: StatusOptions.Address, masterName: String?) throws(StatusFailure) -> StatusReport {
        let c: RedisConnection
        do {
            c = try RedisConnection(host: address.host, port: address.port,
                                    connectTimeoutMs: connectTimeoutMs, ioTimeoutMs: ioTimeoutMs)
        } catch {
            throw .unreachable(address, Self.describe(error, timeoutMs: connectTimeoutMs))
        }
        defer { c.close() }
        let ask = { (args: [String]) throws(StatusFailure) -> RESPValue in
            do {
                return try c.call(args)
            } catch {
                throw .unreachable(address, "\(args.prefix(2).joined(separator: " ")): \(Self.describe(error, timeoutMs: ioTimeoutMs))")
            }
        }
        if let password {
            let reply = try ask(["AUTH"] + (user.map { [$0] } ?? []) + [password])
            if reply.isError { throw .refused(address, "AUTH: \(reply.string ?? "")") }
        }
        let myid = try ask(["SENTINEL", "MYID"])
        if myid.isError { throw try classify(myid.string ?? "", at: address, ask: ask) }

        var masterReplies: [RESPValue]
        if let masterName {
            let reply = try ask(["SENTINEL", "MASTER", masterName])
            if reply.isError {
                let text = reply.string ?? ""
                guard text.contains("No such master") else { throw .refused(address, "SENTINEL MASTER: \(text)") }
                let known = (try ask(["SENTINEL", "MASTERS"]).elements ?? []).compactMap { SentinelFields($0)?["name"] }
                throw .noSuchMaster(name: masterName, address, known: known.sorted())
            }
            masterReplies = [reply]
        } else {
            let reply = try ask(["SENTINEL", "MASTERS"])
            if reply.isError { throw .refused(address, "SENTINEL MASTERS: \(reply.string ?? "")") }
            masterReplies = reply.elements ?? []
        }
        let info = InfoFields.dictionary(try ask(["INFO", "sentinel"]).string ?? "")

        var masters: [MasterStatus] = []
        for reply in masterReplies {
            guard let fields = SentinelFields(reply) else { continue }
            var master = MasterStatus(fields: fields)
            let name = master.name
            for (what, args) in [("replicas", ["SENTINEL", "REPLICAS", name]), ("sentinels", ["SENTINEL", "SENTINELS", name])] {
                let reply = try ask(args)
                if reply.isError { throw .refused(address, "\(args.prefix(2).joined(separator: " ")) \(name): \(reply.string ?? "")") }
                let entries = (reply.elements ?? []).compactMap(SentinelFields.init)
                if what == "replicas" {
                    master.replicas = entries.map(ReplicaStatus.init(fields:)).sorted { Self.precedes($0.address, $1.address) }
                } else {
                    master.sentinels = entries.map(SentinelStatus.init(fields:)).sorted { Self.precedes($0.address, $1.address) }
                }
            }
            let me = SentinelStatus(address: address.description, runID: myid.string ?? "", isSelf: true, flags: [],
                                    lastHelloMs: nil, votedLeader: nil, votedLeaderEpoch: nil)
            master.sentinels.insert(me, at: 0)
            if let addr = try ask(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", name]).elements, addr.count == 2 {
                master.clientAddress = "\(addr[0].string ?? ""):\(addr[1].string ?? "")"
            }
            probeReplication(of: &master)
            if epochs { listenForEpochs(of: &master) }
            masters.append(master)
        }
        return StatusReport(sentinel: address.description, sentinelID: myid.string ?? "",
                            tilt: info["sentinel_tilt"] == "1", masters: masters.sorted { $0.name < $1.name })
    }

    /// An error reply to SENTINEL MYID: a data node's "unknown command", or a
    /// sentinel that wants a password.
    private func classify(_ text: String, at address: StatusOptions.Address,
                          ask: ([String]) throws(StatusFailure) -> RESPValue) throws(StatusFailure) -> StatusFailure {
        if text.hasPrefix("NOAUTH") || text.hasPrefix("WRONGPASS") {
            return .refused(address, "\(text) (give --password)")
        }
        if text.contains("unknown command") || text.contains("unknown subcommand") {
            let mode = InfoFields.dictionary(try ask(["INFO", "server"]).string ?? "")["redis_mode"]
            let what = mode.map { "a server in redis_mode:\($0)" } ?? "the server"
            return .notASentinel(address, "\(what) answered SENTINEL MYID with: \(text)")
        }
        return .refused(address, "SENTINEL MYID: \(text)")
    }

    /// INFO replication from the master itself; a master that is down or
    /// refuses leaves the lag columns empty and says why.
    private func probeReplication(of master: inout MasterStatus) {
        guard let address = StatusOptions.parseAddress(master.address) else { return }
        do {
            let c = try RedisConnection(host: address.host, port: address.port,
                                        connectTimeoutMs: connectTimeoutMs, ioTimeoutMs: ioTimeoutMs)
            defer { c.close() }
            let reply = try c.call("INFO", "replication")
            if reply.isError {
                master.replicationError = reply.string ?? "error"
            } else {
                master.apply(ReplicationInfo(infoText: reply.string ?? ""))
            }
        } catch {
            master.replicationError = Self.describe(error, timeoutMs: ioTimeoutMs)
        }
    }

    /// Two hello periods and a half, so that every sentinel speaks once.
    private func listenForEpochs(of master: inout MasterStatus) {
        guard let address = StatusOptions.parseAddress(master.address) else { return }
        let heard = (try? HelloEpochs.listen(host: address.host, port: address.port,
                                             runIDs: Set(master.sentinels.map(\.runID)), waitMs: 2500,
                                             connectTimeoutMs: connectTimeoutMs)) ?? [:]
        for i in master.sentinels.indices {
            master.sentinels[i].currentEpoch = heard[master.sentinels[i].runID]
        }
    }

    static func describe(_ error: Error, timeoutMs: Int) -> String {
        if let e = error as? RedisClientError, e == .timeout { return "no reply within \(timeoutMs) ms" }
        return "\(error)"
    }

    /// By host, then by port as a number.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let (ha, pa) = split(a), (hb, pb) = split(b)
        return ha != hb ? ha < hb : pa < pb
    }

    private static func split(_ address: String) -> (String, Int) {
        guard let colon = address.lastIndex(of: ":") else { return (address, 0) }
        return (String(address[..<colon]), Int(address[address.index(after: colon)...]) ?? 0)
    }
}
