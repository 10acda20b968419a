import Foundation
import Glibc

/// One run of a drill: load, fault, wait for a writable new master, wait for
/// the replicas, count what was lost.
struct DrillRun {
    let options: DrillOptions
    let view: SentinelView
    let index: Int

    /// Time the writer gets before the fault, so the run starts from a steady load.
    static let warmUp = 0.5
    /// Time the writer keeps going once the new master took writes.
    static let tail = 0.3

    /// The result, the old master's process when it was killed here (to restart it),
    /// and how many replicas the master had before.
    func run() throws(DrillFailure) -> (RunResult, LocalProcess?, Int) {
        guard let master = view.resolveMaster() else {
            throw .badInput("no sentinel among \(view.sentinels.map(\.description).joined(separator: ", ")) gives the address of '\(options.masterName)'")
        }
        let replicasBefore = view.replicas().map(\.address)
        let nodesBefore = [master] + replicasBefore
        let countersBefore = ResyncCounters.read(nodesBefore)
        let fault = Fault(kind: options.kind, master: master)
        let pauseMs = options.pauseMs ?? defaultPauseMs()
        let runID = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let prefix = "vigil:drill:\(runID):"

        let log = DrillLog()
        let listener = EventListener(sentinels: view.sentinels, log: log)
        listener.start()
        let writer = DrillWriter(view: view, keyPrefix: prefix, rate: options.rate, waitReplicas: options.waitReplicas, log: log)
        writer.start()
        let progress = ProgressLine(log: log)
        func stopThreads() {
            log.stop()
            writer.join()
            listener.join()
            progress.finish()
        }

        let warmStart = monotonicSeconds()
        while monotonicSeconds() - warmStart < Self.warmUp || log.ackedCount == 0 {
            if monotonicSeconds() - warmStart > 10 {
                stopThreads()
                throw .notConverged("no write to \(master) was acknowledged in 10 s before the fault"
                                    + (options.waitReplicas > 0 ? " (are \(options.waitReplicas) replicas connected for WAIT?)" : ""))
            }
            progress.update(since: warmStart)
            usleep(20_000)
        }

        let faultAt: Double
        do {
            faultAt = try fault.inject(sentinels: view.sentinels, masterName: options.masterName, pauseMs: pauseMs)
        } catch {
            stopThreads()
            ReadBack.removeKeys(on: master, prefix: prefix)
            throw error
        }
        var result = RunResult(run: index, kind: options.kind.rawValue, oldMaster: master.description, fault: fault.description)
        let deadline = faultAt + options.timeoutSeconds

        // Until a new master acknowledged a write (and a paused master was continued).
        var newMaster: Address?
        var writableAt: Double?
        while monotonicSeconds() < deadline {
            let now = monotonicSeconds()
            _ = fault.resumeIfDue(now: now)
            progress.update(since: faultAt)
            if writableAt == nil {
                let snap = log.snapshot()
                newMaster = DrillTimeline.newMaster(in: snap.events, name: options.masterName, since: faultAt)
                if let m = newMaster, let w = log.firstAck(on: m, since: faultAt) { writableAt = w.at }
            } else if now - writableAt! >= Self.tail && !fault.isPaused {
                break
            }
            usleep(10_000)
        }
        fault.release()
        stopThreads()
        let snap = log.snapshot()
        result.acknowledged = snap.acked.count
        result.failedAttempts = snap.failures
        result.newMaster = newMaster?.description
        let firstWrite = newMaster.flatMap { m in snap.acked.first { $0.node == m && $0.at >= faultAt } }
        result.timeline = DrillTimeline.assemble(faultAt: faultAt, fault: fault.description, events: snap.events, firstWrite: firstWrite)
        result.timeToWritableMs = firstWrite.map { DrillTimeline.ms($0.at - faultAt) }
        let killed = options.kind == .killMaster ? fault.local : nil

        guard let newMaster, writableAt != nil else {
            result.problem = newMaster == nil
                ? "no +switch-master within \(DrillOptions.formatSeconds(options.timeoutSeconds)) s of the fault"
                : "\(newMaster) acknowledged no write within \(DrillOptions.formatSeconds(options.timeoutSeconds)) s of the fault"
            return (result, killed, replicasBefore.count)
        }

        // The old master comes back as a replica unless it was killed.
        let expected = replicasBefore.count - (options.kind == .killMaster ? 1 : 0)
        let syncDeadline = max(deadline, monotonicSeconds() + 5)
        var synced = false
        var target: Int?
        while monotonicSeconds() < syncDeadline {
            if let info = NodeInfo.fetch(newMaster, section: "replication") {
                if target == nil { target = ReplicaLine.parse(info).masterOffset }
                guard ReplicaLine.inSync(info, expected: expected, target: target) else {
                    usleep(50_000)
                    continue
                }
                synced = true
                break
            }
            usleep(50_000)
        }
        if !synced {
            result.problem = "the replicas of \(newMaster) were not in sync (\(expected) expected) within the timeout"
        }
        let nodesAfter = Array(Set(nodesBefore + [newMaster] + view.replicas().map(\.address)))
        let resyncs = ResyncCounters.delta(before: countersBefore, after: ResyncCounters.read(nodesAfter))
        result.fullResyncs = resyncs.full
        result.partialResyncs = resyncs.partial
        do {
            let lost = try ReadBack.lost(on: newMaster, prefix: prefix, acked: snap.acked)
            result.lost = lost.count
            result.lostSample = Array(lost.prefix(10))
        } catch {
            result.problem = (result.problem.map { $0 + "; " } ?? "") + "reading the keys back from \(newMaster) failed: \(error)"
        }
        ReadBack.removeKeys(on: newMaster, prefix: prefix)
        result.notes = snap.notes
        return (result, killed, replicasBefore.count)
    }

    /// Long enough for the sentinels to act: twice down-after, plus 2 s.
    private func defaultPauseMs() -> Int {
        for s in view.sentinels {
            if let f = view.masterState(on: s), let d = f["down-after-milliseconds"].flatMap({ Int($0) }) {
                return 2 * d + 2000
            }
        }
        return 62000
    }
}

/// "elapsed 3.2 s, 640 writes acknowledged" on standard error, rewritten in
/// place, when standard error is a terminal.
final class ProgressLine {
    private let log: DrillLog
    private let enabled = isatty(2) == 1
    private var last = 0.0
    private var shown = false

    init(log: DrillLog) { self.log = log }

    func update(since start: Double) {
        let now = monotonicSeconds()
        guard enabled, now - last >= 0.1 else { return }
        last = now
        shown = true
        let s = log.snapshot()
        writeStandardError(String(format: "\r  %+.1f s   %d writes acknowledged   %d failed attempts ", now - start, s.acked.count, s.failures))
    }

    func finish() {
        if shown { writeStandardError("\n") }
        shown = false
    }
}
