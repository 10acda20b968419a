import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Seeded random command sequences sent to a real redis-server 7.0 and to
/// vigil-server; every reply is compared byte for byte, except the documented
/// nondeterministic ones (see `DiffCompare` and `excluded`).
///
/// VIGIL_DIFF_SEED=n replays one seed; VIGIL_DIFF_SEEDS (default 4) and
/// VIGIL_DIFF_STEPS (default 5000) size the run; VIGIL_DIFF_GROUPS /
/// VIGIL_DIFF_DISABLE pick command groups (see `DiffGroup`).
final class DifferentialTests: XCTestCase {
    /// Commands never generated, and why.
    static let excluded: [(command: String, reason: String)] = [
        ("TIME, LASTSAVE", "wall clock and start time"),
        ("INFO", "uptime, memory, counters and run ids differ between any two servers"),
        ("CLIENT ID / LIST / INFO / KILL", "client ids, addresses, fds and ages differ; covered by PubSubProcessTests"),
        ("HELLO", "generated, but the `id` field (the client id) is normalised before comparing"),
        ("ROLE, COMMAND, DEBUG, OBJECT FREQ under LFU", "replication offsets, table size while groups land, debug-only"),
        ("QUIT, MONITOR, SUBSCRIBE family, CLIENT PAUSE/REPLY, SHUTDOWN",
         "change the connection's mode or lifetime; covered by PubSubProcessTests and ServerFuzzTests"),
        ("TTL, PTTL, EXPIRETIME, PEXPIRETIME, OBJECT IDLETIME", "generated, compared within a tolerance (clock)"),
        ("A relative TTL of at most 200 ms (PX 1...)", "generated, then waited out before the next command: which later "
         + "command still sees the key is each server's speed; ExpiryBoundaryRealRedisTests pins the rule"),
        ("KEYS, SCAN, RANDOMKEY", "generated; hash-order replies compared as sets / membership"),
        ("SCAN with a non-zero cursor", "what it visits depends on Redis's hash table layout and seed"),
        ("OBJECT REFCOUNT inside MULTI", "Redis reports 2 for a value stored from an argument of the same transaction"),
    ]

    func testRandomSequencesMatchRedis() throws {
        let env = ProcessInfo.processInfo.environment
        let fixture = ProcessFixture()
        defer { fixture.stopAll() }
        let redis = try fixture.startRedis()
        let vigil = try VigilUnderTest(fixture: fixture)

        var groups = DiffGroup.enabled(environment: env)
        // Type groups land one by one: a group whose probe command is unknown to
        // this build is left out, loudly.
        let probe = try ProcessFixture.connect(vigil.port)
        for g in groups.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let p = g.probe, case .error(let e) = try probe.call(p),
                  e.starts(with: Array("ERR unknown command".utf8)) else { continue }
            groups.remove(g)
            print("DifferentialTests: group '\(g.rawValue)' off: vigil-server answers 'unknown command' to \(p[0]) (not in this build)")
        }
        probe.close()
        let steps = Int(env["VIGIL_DIFF_STEPS"] ?? "") ?? 5000
        let seeds: [UInt64]
        if let s = env["VIGIL_DIFF_SEED"], let seed = UInt64(s) {
            seeds = [seed]
        } else {
            seeds = (0..<(Int(env["VIGIL_DIFF_SEEDS"] ?? "") ?? 4)).map { _ in SeededRandom.randomSeed() }
        }
        print("DifferentialTests: seeds \(seeds.map(String.init).joined(separator: ", ")) × \(steps) commands; replay one with VIGIL_DIFF_SEED=<seed>")
        print("DifferentialTests: groups on: \(groups.map(\.rawValue).sorted().joined(separator: ","))")
        for (g, why) in DiffGroup.disabledByDefault where !groups.contains(g) {
            print("DifferentialTests: group '\(g.rawValue)' off: \(why)")
        }
        for e in Self.excluded { print("DifferentialTests: not compared as-is: \(e.command): \(e.reason)") }

        var all: [DiffMismatch] = []
        var totals: [DiffGroup: (total: Int, errors: Int)] = [:]
        var commands = 0
        let started = Date()
        for seed in seeds {
            let t0 = Int64(Date().timeIntervalSince1970)
            var gen = DiffGenerator(seed: seed, groups: groups, t0: t0)
            let session = try DiffSession(seed: seed, redisPort: redis.port, vigil: vigil)
            defer { session.close() }
            do {
                try session.run(steps: steps, generator: &gen)
            } catch {
                XCTFail("seed \(seed): \(error)\nvigil log:\n\(vigil.process.crashExcerpt())")
                throw error
            }
            all += session.mismatches
            commands += session.commandsRun
            for (g, c) in session.groupCounts {
                let t = totals[g] ?? (0, 0)
                totals[g] = (t.total + c.total, t.errors + c.errors)
            }
            print("DifferentialTests: seed \(seed): \(session.commandsRun) commands, \(session.mismatches.count) mismatches")
        }
        let elapsed = Date().timeIntervalSince(started)
        print("DifferentialTests: \(commands) commands in \(String(format: "%.1f", elapsed)) s")
        for (g, c) in totals.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            print("  \(g.rawValue): \(c.total) commands, \(c.errors) error replies from Redis")
        }
        XCTAssertTrue(vigil.isRunning, "vigil-server exited at the end of the run:\n\(vigil.process.crashExcerpt())")
        XCTAssertEqual(vigil.restarts, 0, "vigil-server crashed \(vigil.restarts) times (see the CRASH mismatches)")
        guard !all.isEmpty else { return }

        // One entry per distinct difference; the first occurrence in full.
        var bySignature: [String: (first: DiffMismatch, count: Int)] = [:]
        var order: [String] = []
        for m in all {
            if let e = bySignature[m.signature] {
                bySignature[m.signature] = (e.first, e.count + 1)
            } else {
                bySignature[m.signature] = (m, 1)
                order.append(m.signature)
            }
        }
        var report = "\(all.count) mismatches, \(order.count) distinct:\n"
        for sig in order { report += "  [\(bySignature[sig]!.count)×] \(sig)\n" }
        report += "\nFirst occurrence of each:\n"
        for sig in order.prefix(60) { report += bySignature[sig]!.first.report + "\n\n" }
        let path = NSTemporaryDirectory() + "vigil-differential-report.txt"
        try? report.write(toFile: path, atomically: true, encoding: .utf8)
        print(report)
        XCTFail("Vigil's replies differ from redis-server's: \(order.count) distinct mismatches (full report above and in \(path))")
    }
}
