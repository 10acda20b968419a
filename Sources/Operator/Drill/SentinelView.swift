import Protocol
import RESPClient

/// What a client learns from the sentinels: where the master is, which
/// replicas and other sentinels they know. Each call opens short-lived
/// connections, so it may run on any one thread at a time.
struct SentinelView {
    var sentinels: [Address]
    let masterName: String
    var timeoutMs = 500

    static func connect(_ a: Address, timeoutMs: Int) throws -> RedisConnection {
        try RedisConnection(host: a.host, port: a.port, connectTimeoutMs: timeoutMs, ioTimeoutMs: timeoutMs)
    }

    /// SENTINEL GET-MASTER-ADDR-BY-NAME on each sentinel in turn, as a client
    /// library does: the first that answers with an address wins.
    func resolveMaster() -> Address? {
        for s in sentinels {
            guard let c = try? Self.connect(s, timeoutMs: timeoutMs) else { continue }
            defer { c.close() }
            guard let reply = try? c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName),
                  let items = reply.elements, items.count == 2,
                  let host = items[0].string, let port = items[1].string.flatMap({ Int($0) }) else { continue }
            return Address(host: host, port: port)
        }
        return nil
    }

    /// Checks the starting sentinels before anything is broken: one must
    /// answer and know the master; the others it knows are added.
    mutating func discover() throws(DrillFailure) {
        var failures: [String] = []
        for s in sentinels {
            let c: RedisConnection
            do { c = try Self.connect(s, timeoutMs: 2000) } catch {
                failures.append("cannot reach sentinel \(s): \(error)")
                continue
            }
            defer { c.close() }
            let reply: RESPValue
            do { reply = try c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName) } catch {
                failures.append("sentinel \(s) did not answer: \(error)")
                continue
            }
            if case .error(let e) = reply {
                failures.append("\(s) is not a sentinel? SENTINEL GET-MASTER-ADDR-BY-NAME answered: \(String(decoding: e, as: UTF8.self))")
                continue
            }
            guard reply.elements?.count == 2 else {
                throw .badInput("sentinel \(s) monitors no master named '\(masterName)'")
            }
            if let others = try? c.call("SENTINEL", "SENTINELS", masterName), let list = others.elements {
                for entry in list {
                    let f = ReplyFields.pairs(entry)
                    if let ip = f["ip"], let port = f["port"].flatMap({ Int($0) }) {
                        let a = Address(host: ip, port: port)
                        if !sentinels.contains(a) { sentinels.append(a) }
                    }
                }
            }
            return
        }
        throw .badInput(failures.joined(separator: "\n"))
    }

    /// SENTINEL REPLICAS as the first answering sentinel lists them.
    func replicas() -> [(address: Address, flags: String)] {
        for s in sentinels {
            guard let c = try? Self.connect(s, timeoutMs: timeoutMs) else { continue }
            defer { c.close() }
            guard let reply = try? c.call("SENTINEL", "REPLICAS", masterName), let list = reply.elements else { continue }
            return list.compactMap { entry in
                let f = ReplyFields.pairs(entry)
                guard let ip = f["ip"], let port = f["port"].flatMap({ Int($0) }) else { return nil }
                return (Address(host: ip, port: port), f["flags"] ?? "")
            }
        }
        return []
    }

    /// SENTINEL MASTER's fields from `sentinel`, nil when it does not answer.
    func masterState(on sentinel: Address) -> [String: String]? {
        guard let c = try? Self.connect(sentinel, timeoutMs: timeoutMs) else { return nil }
        defer { c.close() }
        guard let reply = try? c.call("SENTINEL", "MASTER", masterName), reply.elements != nil else { return nil }
        return ReplyFields.pairs(reply)
    }
}

/// INFO of one data node, as field: value lines.
enum NodeInfo {
    static func fetch(_ a: Address, section: String, timeoutMs: Int = 1000) -> [String: String]? {
        guard let c = try? SentinelView.connect(a, timeoutMs: timeoutMs) else { return nil }
        defer { c.close() }
        guard let text = (try? c.call("INFO", section))?.string else { return nil }
        return ReplyFields.info(text)
    }
}
