import Foundation
import Glibc
import Protocol
import RESPClient

/// A client on its own thread that INCRs one counter in a loop, finding the
/// master through SENTINEL GET-MASTER-ADDR-BY-NAME and again after any
/// error (READONLY, refused connection, timeout), as a sentinel-aware client
/// does. Only increments the master answered with an integer count as
/// acknowledged; a timed-out one may or may not have happened.
final class CounterLoad: @unchecked Sendable {
    let key = "failover:counter"
    private let sentinelPorts: [Int]
    private let masterName: String
    private let pauseMicros: UInt32
    private let lock = NSLock()
    private let finished = DispatchSemaphore(value: 0)
    private var started = false
    private var stopRequested = false
    private var acked = 0
    private var highest: Int64 = 0
    private var failures = 0

    struct Tally {
        /// Increments the master acknowledged.
        let acknowledged: Int
        /// The largest value an acknowledged INCR returned.
        let highest: Int64
        /// Replies that were not integers, and I/O errors.
        let failures: Int
    }

    /// `pauseMicros` between commands keeps the load steady without taking a
    /// core away from the sentinels on a small machine.
    init(sentinelPorts: [Int], masterName: String, pauseMicros: UInt32 = 1000) {
        self.sentinelPorts = sentinelPorts
        self.masterName = masterName
        self.pauseMicros = pauseMicros
    }

    var tally: Tally {
        lock.lock()
        defer { lock.unlock() }
        return Tally(acknowledged: acked, highest: highest, failures: failures)
    }

    func start() {
        lock.lock()
        started = true
        lock.unlock()
        Thread { [self] in
            run()
            finished.signal()
        }.start()
    }

    /// Stops the loop and returns the final tally; later calls just return it
    /// (tests also call it from a defer, so a failed step never leaves it running).
    @discardableResult
    func stop() -> Tally {
        lock.lock()
        let first = started && !stopRequested
        stopRequested = true
        lock.unlock()
        if first { finished.wait() }
        return tally
    }

    /// Waits until at least `count` increments were acknowledged.
    func waitForAcknowledged(_ count: Int, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if tally.acknowledged >= count { return true }
            usleep(10_000)
        }
        return false
    }

    private var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopRequested
    }

    private func run() {
        var conn: RedisConnection?
        while !shouldStop {
            if conn == nil {
                conn = resolve().flatMap { try? RedisConnection(host: "127.0.0.1", port: $0, connectTimeoutMs: 200, ioTimeoutMs: 1000) }
                if conn == nil {
                    usleep(10_000)
                    continue
                }
            }
            let reply = try? conn!.call("INCR", key)
            if case .integer(let v)? = reply {
                lock.lock()
                acked += 1
                highest = max(highest, v)
                lock.unlock()
                usleep(pauseMicros)
            } else {
                lock.lock()
                failures += 1
                lock.unlock()
                conn?.close()
                conn = nil
                usleep(10_000)
            }
        }
        conn?.close()
    }

    /// The master port named by the first sentinel that answers.
    private func resolve() -> Int? {
        for port in sentinelPorts {
            guard let c = try? RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 200, ioTimeoutMs: 500) else { continue }
            defer { c.close() }
            if let items = (try? c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName))?.elements, items.count == 2,
               let p = items[1].string.flatMap({ Int($0) }) {
                return p
            }
        }
        return nil
    }

    /// The counter as the data node on `port` holds it (0 if unset).
    func value(onPort port: Int) throws -> Int64 {
        let c = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 500, ioTimeoutMs: 2000)
        defer { c.close() }
        return try c.call("GET", key).int ?? 0
    }
}
