import Protocol
import SentinelCore

/// A writing client as a Sentinel-aware client library behaves: it asks a
/// sentinel for the master (SENTINEL GET-MASTER-ADDR-BY-NAME), moving to the
/// next sentinel when one fails or stays silent, writes sequence-numbered
/// keys there, optionally WAITs, and records every write it was told
/// succeeded. Any error or silence makes it resolve the master again.
final class SimulationWriter {
    enum Mode: Equatable {
        /// Acknowledged at +OK.
        case plain
        /// Acknowledged when WAIT `replicas` answers at least that many.
        case wait(replicas: Int, timeoutMs: Int64)
    }

    struct Ack {
        let key: String
        let time: Int64
        /// Replicas WAIT counted (0 without WAIT).
        let replicas: Int
    }

    let index: Int
    let port: Int
    let mode: Mode
    /// Bumped when the client drops its connections, so their late events do nothing.
    var life = 0
    var stopped = false
    private var sentinel = 0
    private var conn: SimulationConnection?
    /// What the open connection is for: asking a sentinel, or writing to this master port.
    private var target: Int?
    private var pendingKey: String?
    private var awaitingWait = false
    private var seq = 0
    private(set) var acks: [Ack] = []
    private(set) var attempts = 0

    static let replyTimeout: Int64 = 1000
    static let interval: Int64 = 50

    init(index: Int, mode: Mode) {
        self.index = index
        self.port = 7000 + index
        self.mode = mode
    }

    func start(_ sim: Simulation) { resolve(sim) }

    /// Drops the connection and asks a sentinel again, the next one after a failure.
    private func restart(_ sim: Simulation, nextSentinel: Bool) {
        if let c = conn { sim.closeClientSide(c) }
        conn = nil
        life += 1
        pendingKey = nil
        awaitingWait = false
        if nextSentinel { sentinel = (sentinel + 1) % sim.procs.count }
        guard !stopped else { return }
        sim.schedule(after: 100) { [unowned self, unowned sim] in self.resolve(sim) }
    }

    private func resolve(_ sim: Simulation) {
        guard !stopped else { return }
        target = nil
        conn = sim.open(.writer(index), life: life, from: port, to: sim.sentinelPorts[sentinel])
        armTimeout(sim)
    }

    /// A request that gets no answer in time counts as failed.
    private func armTimeout(_ sim: Simulation) {
        let life = self.life, sent = attempts
        sim.schedule(after: Self.replyTimeout) { [unowned self, unowned sim] in
            guard self.life == life, self.attempts == sent, !self.stopped else { return }
            self.restart(sim, nextSentinel: self.target == nil)
        }
    }

    func connected(_ c: SimulationConnection, _ sim: Simulation) {
        guard c === conn else { return }
        if target == nil {
            send(["SENTINEL", "get-master-addr-by-name", "mymaster"], sim)
        } else {
            writeNext(sim)
        }
    }

    func closed(_ c: SimulationConnection, _ sim: Simulation) {
        guard c === conn else { return }
        restart(sim, nextSentinel: target == nil)
    }

    private func send(_ args: [String], _ sim: Simulation) {
        guard let c = conn else { return }
        attempts += 1
        sim.send(c, toServer: .command(args, .discard))
        armTimeout(sim)
    }

    private func writeNext(_ sim: Simulation) {
        guard !stopped else { return }
        seq += 1
        let key = "w\(index):\(seq)"
        pendingKey = key
        send(["SET", key, String(seq)], sim)
    }

    func reply(_ v: RESPValue, on c: SimulationConnection, _ sim: Simulation) {
        guard c === conn, !stopped else { return }
        attempts += 1 // the pending timeout no longer applies
        guard target != nil else {
            if case .array(let a?) = v, a.count == 2, case .bulkString(let pb?) = a[1], let mp = Int(String(decoding: pb, as: UTF8.self)) {
                sim.closeClientSide(c)
                target = mp
                conn = sim.open(.writer(index), life: life, from: self.port, to: mp)
                armTimeout(sim)
            } else {
                restart(sim, nextSentinel: true)
            }
            return
        }
        guard let key = pendingKey else { return }
        if case .error = v { restart(sim, nextSentinel: false); return }
        switch mode {
        case .plain:
            acks.append(Ack(key: key, time: sim.now, replicas: 0))
            pendingKey = nil
        case .wait(let n, let timeout):
            if !awaitingWait {
                awaitingWait = true
                send(["WAIT", String(n), String(timeout)], sim)
                return
            }
            awaitingWait = false
            pendingKey = nil
            if case .integer(let got) = v, got >= Int64(n) { acks.append(Ack(key: key, time: sim.now, replicas: Int(got))) }
        }
        let life = self.life
        sim.schedule(after: Self.interval) { [unowned self, unowned sim] in
            guard self.life == life, self.conn === c else { return }
            self.writeNext(sim)
        }
    }

    func stop(_ sim: Simulation) {
        stopped = true
        if let c = conn { sim.closeClientSide(c) }
        conn = nil
        life += 1
    }
}
