import CVigilShim
import Foundation
import Protocol
import RESPClient

/// PSUBSCRIBE * on every sentinel of the deployment, printing each event as
/// it arrives (EventLines) until a stop is requested. A sentinel that goes
/// away is reported and reconnected to once a second.
final class EventStream {
    private var links: [(port: Int, connection: RedisConnection?)]
    private var lines = EventLines()
    private var lastAttempt: [Int: Double] = [:]
    private let clockStart = Date()

    init(sentinelPorts: [Int]) {
        links = sentinelPorts.map { ($0, nil) }
    }

    /// Reads for up to `seconds`, printing what arrives; returns early when
    /// `stop` holds.
    func pump(for seconds: Double, stop: () -> Bool) {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end && !stop() {
            for i in links.indices {
                if links[i].connection == nil { connect(i) }
                guard let c = links[i].connection else { continue }
                do {
                    while let v = try c.readReply(timeoutMs: 20) {
                        guard let items = v.elements, items.count == 4, items[0].string == "pmessage" else { continue }
                        let now = Date()
                        if let line = lines.line(sentinel: "127.0.0.1:\(links[i].port)", channel: items[2].string ?? "",
                                                 message: items[3].string ?? "", at: now.timeIntervalSince(clockStart),
                                                 wallClock: now) {
                            print(line)
                            fflush(nil)
                        }
                    }
                } catch {
                    c.close()
                    links[i].connection = nil
                    say("lost the event link to sentinel 127.0.0.1:\(links[i].port) (\(error))")
                }
                if stop() { return }
            }
            if links.allSatisfy({ $0.connection == nil }) { usleep(100_000) }
        }
    }

    private func connect(_ i: Int) {
        let now = Date().timeIntervalSince(clockStart)
        if let last = lastAttempt[links[i].port], now - last < 1 { return }
        let reconnecting = lastAttempt[links[i].port] != nil
        lastAttempt[links[i].port] = now
        do {
            let c = try RedisConnection(host: "127.0.0.1", port: links[i].port, connectTimeoutMs: 300, ioTimeoutMs: 1000)
            try c.send(["PSUBSCRIBE", "*"])
            _ = try c.readReply()
            links[i].connection = c
            if reconnecting { say("event link to sentinel 127.0.0.1:\(links[i].port) is back") }
        } catch {
            return
        }
    }

    func close() {
        for l in links { l.connection?.close() }
    }

    private func say(_ s: String) {
        print("\(EventLines.timestamp(Date()))  \(s)")
        fflush(nil)
    }
}
