import Foundation
import TestSupport
import XCTest

/// The random differential run (DiffGenerator) with a PSUBSCRIBE `__key*__:*`
/// connection on each server and `notify-keyspace-events KEAnm` (keymiss too): after every
/// command both servers must have published the same events in the same
/// order. Reply differences are the DifferentialTests' business; here they
/// are printed, and the event comparison resumes after the harness resyncs.
///
/// VIGIL_DIFF_SEED=n replays one seed; VIGIL_EVENTS_STEPS (default 3000) sizes the run.
final class KeyspaceEventsDifferentialTests: XCTestCase {
    func testRandomSequencesPublishRedisEvents() throws {
        let env = ProcessInfo.processInfo.environment
        let fixture = ProcessFixture()
        defer { fixture.stopAll() }
        let args = ["--notify-keyspace-events", "KEAnm", "--enable-debug-command", "yes"]
        let redis = try fixture.startRedis(args)
        let vigil = try VigilUnderTest(fixture: fixture, extraArgs: args)
        // The active expire cycle publishes `expired` whenever it runs: off on
        // both, so expiries happen on access, at the same command.
        for port in [redis.port, vigil.port] {
            let c = try ProcessFixture.connect(port)
            _ = try c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
            c.close()
        }
        let seed = env["VIGIL_DIFF_SEED"].flatMap(UInt64.init) ?? SeededRandom.randomSeed()
        let steps = Int(env["VIGIL_EVENTS_STEPS"] ?? "") ?? 3000
        print("KeyspaceEventsDifferentialTests: seed \(seed) × \(steps) commands; replay with VIGIL_DIFF_SEED=\(seed)")

        // Pub/sub commands would make the watchers' own traffic part of the run.
        var groups = DiffGroup.enabled(environment: env)
        groups.remove(.pubsub)
        var gen = DiffGenerator(seed: seed, groups: groups, t0: Int64(Date().timeIntervalSince1970))
        let session = try DiffSession(seed: seed, redisPort: redis.port, vigil: vigil)
        defer { session.close() }
        let redisWatcher = try KeyspaceEventWatcher(port: redis.port)
        var vigilWatcher = try KeyspaceEventWatcher(port: vigil.port)
        var watchedPort = vigil.port
        defer { redisWatcher.close(); vigilWatcher.close() }
        var mismatches: [String] = []
        var published = 0
        session.afterCommand = { cmd, step, context in
            let expected = try redisWatcher.drain()
            if watchedPort != session.vigilPort {
                // vigil-server was restarted after a crash (a reply mismatch records it).
                vigilWatcher = try KeyspaceEventWatcher(port: session.vigilPort)
                watchedPort = session.vigilPort
                return
            }
            let actual = try vigilWatcher.drain()
            published += expected.count
            if expected != actual, mismatches.count < 20 {
                mismatches.append("""
                    step \(step) \(cmd.display)
                      redis: \(expected.joined(separator: " | "))
                      vigil: \(actual.joined(separator: " | "))
                      before: \(context.suffix(6).joined(separator: "\n          "))
                    """)
            }
        }
        try session.run(steps: steps, generator: &gen)
        print("KeyspaceEventsDifferentialTests: \(session.commandsRun) commands, \(published) events from redis-server, \(session.mismatches.count) reply mismatches")
        for m in session.mismatches.prefix(5) { print("reply mismatch (DifferentialTests' business):\n" + m.report) }
        XCTAssertGreaterThan(published, steps / 10, "the run published almost nothing: are notifications on?")
        XCTAssertTrue(mismatches.isEmpty, "keyspace events differ from redis-server's (seed \(seed)):\n" + mismatches.joined(separator: "\n"))
    }
}
