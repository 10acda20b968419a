import RESPClient

/// Sentinels tell their current epoch only in their hellos, published every
/// 2 s on the master's `__sentinel__:hello` channel as
/// `ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`.
/// `--epochs` listens there for a while to fill it in.
enum HelloEpochs {
    /// (run id, current epoch) of one hello, nil if it is not one.
    static func parse(_ text: String) -> (runID: String, epoch: Int)? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 8, let epoch = Int(parts[3]) else { return nil }
        return (String(parts[2]), epoch)
    }

    /// Current epochs by run id, heard on `host:port` until every one of
    /// `runIDs` spoke or `waitMs` passed.
    static func listen(host: String, port: Int, runIDs: Set<String>, waitMs: Int,
                       connectTimeoutMs: Int) throws -> [String: Int] {
        let c = try RedisConnection(host: host, port: port, connectTimeoutMs: connectTimeoutMs, ioTimeoutMs: waitMs)
        defer { c.close() }
        _ = try c.call("SUBSCRIBE", "__sentinel__:hello")
        var heard: [String: Int] = [:]
        var left = waitMs
        while left > 0 && !runIDs.isSubset(of: Set(heard.keys)) {
            let step = min(left, 100)
            left -= step
            while let message = try c.readReply(timeoutMs: step), let items = message.elements, items.count == 3 {
                if let hello = items[2].string.flatMap(parse) { heard[hello.runID] = hello.epoch }
            }
        }
        return heard
    }
}
