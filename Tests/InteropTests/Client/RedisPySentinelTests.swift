import Deployment
import Foundation
import TestSupport
import XCTest

/// redis-py's `redis.sentinel.Sentinel` in front of Vigil's deployment
/// (vigil-server data nodes, three vigil-sentinels), used as applications use
/// it. Each script first runs against redis-server and redis-sentinel, so a
/// failure on Vigil's deployment is Vigil's.
final class RedisPySentinelTests: XCTestCase {
    func testRedisPyParsesVigilSentinelsMastersReplicasAndSentinels() throws {
        for vigil in [false, true] {
            guard let run = try runScript(Self.parseScript, vigil: vigil) else { continue }
            XCTAssertEqual(run.status, 0, "redis-py's SENTINEL parsing (\(vigil ? "Vigil" : "Redis")):\n\(run.stdout)\n\(run.stderr)")
            XCTAssertTrue(run.stdout.contains("ALL OK"), run.stdout)
        }
    }

    func testRedisPyMasterForFollowsAFailoverAndSlaveForReadsReplicas() throws {
        for vigil in [false, true] {
            guard let run = try runScript(Self.failoverScript, vigil: vigil, timeout: 120) else { continue }
            XCTAssertEqual(run.status, 0, "redis-py through a failover (\(vigil ? "Vigil" : "Redis")):\n\(run.stdout)\n\(run.stderr)")
            XCTAssertTrue(run.stdout.contains("ALL OK"), run.stdout)
            // How many acknowledged writes went to the old master in the switch window, for the record.
            if let line = run.stdout.split(separator: "\n").first(where: { $0.contains("writes acknowledged during") }) {
                print("\(vigil ? "Vigil" : "Redis"): \(line)")
            }
        }
    }

    /// Runs `script` with redis-py against a fresh deployment: Vigil's, or
    /// Redis's reference one (nil without its binaries, a failure if required).
    func runScript(_ script: String, vigil: Bool, timeout: Double = 60) throws -> ToolRun? {
        let python = try Interop.tool("python3", purpose: "redis-py's Sentinel client against vigil-sentinel")
        let probe = try ToolRun.run(python, ["-c", "import redis.sentinel; print(redis.__version__)"], timeout: 30)
        if probe.status != 0 {
            throw Interop.unavailable("python3 cannot `import redis.sentinel` (pip install redis): \(probe.stderr)")
        }
        if !vigil && (Executables.redisServer == nil || Executables.redisSentinel == nil) {
            if Interop.required { XCTFail("redis-server/redis-sentinel missing for the reference run and VIGIL_REQUIRE_INTEROP=1") }
            return nil
        }
        let d = try vigil ? start(vigil: true) : Interop.talking(to: "redis-server/redis-sentinel") { try start(vigil: false) }
        defer { d.tearDown() }
        let path = d.dir + "/client.py"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let ports = d.sentinels.map { String($0.port) }.joined(separator: ",")
        let run = try ToolRun.run(python, [path, ports, String(d.masterPort)], timeout: timeout)
        if let line = run.stdout.split(separator: "\n").first(where: { $0.hasPrefix("new master ") }) {
            XCTAssertNotEqual(line, "new master 127.0.0.1:\(d.masterPort)")
        }
        return run
    }

    /// Three sentinels over a master and two replicas, all knowing each other.
    func start(vigil: Bool) throws -> LocalDeployment {
        let sentinel = vigil ? try Interop.built("vigil-sentinel") : ""
        let d = try LocalDeployment()
        do {
            try d.startDataNodes(replicaCount: 2, priorities: [100, 100], vigilDataNodes: vigil)
            for _ in 0..<3 {
                let n = try d.startSentinel(vigil ? .vigil : .real, vigil: sentinel)
                // INFO every second and hellos every half: an old master is
                // converted 2 s after the switch instead of 8 (both are Redis's
                // SENTINEL DEBUG knobs).
                XCTAssertEqual(try n.call("SENTINEL", "DEBUG", "info-period", "1000", "publish-period", "500"), .simple("OK"))
            }
            let replicaNames = Set(d.replicas.map { "127.0.0.1:\($0.1)" })
            try LocalDeployment.waitUntil(20, "every sentinel knows both replicas (linked) and the two other sentinels") {
                try d.sentinels.allSatisfy { n in
                    let reps = (try n.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).map { Dictionary(LocalDeployment.pairs($0), uniquingKeysWith: { a, _ in a }) }
                    let sents = try n.call("SENTINEL", "SENTINELS", d.masterName).elements ?? []
                    return Set(reps.compactMap { $0["name"] }) == replicaNames
                        && reps.allSatisfy { $0["master-link-status"] == "ok" } && sents.count == 2
                }
            }
        } catch {
            d.tearDown()
            throw error
        }
        return d
    }

    /// Field names are redis-sentinel 7.0.15's (SENTINEL MASTER, REPLICAS and
    /// SENTINELS of a healthy deployment); redis-py turns its typed ones into
    /// ints, which fails on anything else.
    static let parseScript = #"""
import sys
import redis
from redis.sentinel import Sentinel

ports = [int(p) for p in sys.argv[1].split(",")]
master_port = int(sys.argv[2])

MASTER_FIELDS = {"name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount",
    "last-ping-sent", "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds", "info-refresh",
    "role-reported", "role-reported-time", "config-epoch", "num-slaves", "num-other-sentinels", "quorum",
    "failover-timeout", "parallel-syncs"}
REPLICA_FIELDS = {"name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount",
    "last-ping-sent", "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds", "info-refresh",
    "role-reported", "role-reported-time", "master-link-down-time", "master-link-status", "master-host",
    "master-port", "slave-priority", "slave-repl-offset", "replica-announced"}
SENTINEL_FIELDS = {"name", "ip", "port", "runid", "flags", "link-pending-commands", "link-refcount",
    "last-ping-sent", "last-ok-ping-reply", "last-ping-reply", "down-after-milliseconds",
    "last-hello-message", "voted-leader", "voted-leader-epoch"}

def check(name, ok, detail=None):
    if not ok:
        raise AssertionError(f"{name}: {detail!r}")
    print(f"ok {name}")

def missing(entry, fields):
    return fields - set(entry)

for p in ports:
    s = redis.Redis(host="127.0.0.1", port=p, decode_responses=True, socket_timeout=5)
    masters = s.sentinel_masters()
    check(f"{p}: sentinel_masters names mymaster", list(masters) == ["mymaster"], masters)
    m = masters["mymaster"]
    check(f"{p}: master fields", not missing(m, MASTER_FIELDS), missing(m, MASTER_FIELDS))
    check(f"{p}: master state", m["is_master"] and not m["is_sdown"] and not m["is_odown"]
          and m["port"] == master_port and m["quorum"] == 2 and m["num-slaves"] == 2
          and m["num-other-sentinels"] == 2 and isinstance(m["config-epoch"], int), m)
    check(f"{p}: sentinel_master agrees", s.sentinel_master("mymaster")["runid"] == m["runid"])
    replicas = s.sentinel_slaves("mymaster")
    check(f"{p}: two replicas", len(replicas) == 2, replicas)
    for r in replicas:
        check(f"{p}: replica fields", not missing(r, REPLICA_FIELDS), missing(r, REPLICA_FIELDS))
        check(f"{p}: replica {r['name']} state", r["is_slave"] and not r["is_sdown"]
              and r["master-link-status"] == "ok" and r["master-port"] == master_port
              and r["slave-priority"] == 100 and isinstance(r["slave-repl-offset"], int)
              and r["name"] == f"{r['ip']}:{r['port']}", r)
    others = s.sentinel_sentinels("mymaster")
    check(f"{p}: two other sentinels", sorted(o["port"] for o in others) == sorted(q for q in ports if q != p), others)
    for o in others:
        check(f"{p}: sentinel fields", not missing(o, SENTINEL_FIELDS), missing(o, SENTINEL_FIELDS))
        check(f"{p}: sentinel {o['port']} state", o["is_sentinel"] and not o["is_sdown"]
              and o["name"] == o["runid"] and isinstance(o["last-hello-message"], int)
              and isinstance(o["voted-leader-epoch"], int), o)
    check(f"{p}: get-master-addr-by-name", s.sentinel_get_master_addr_by_name("mymaster") == ("127.0.0.1", master_port))

sentinel = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=5)
check("discover_master", sentinel.discover_master("mymaster") == ("127.0.0.1", master_port))
check("discover_slaves", len(sentinel.discover_slaves("mymaster")) == 2, sentinel.discover_slaves("mymaster"))
print("ALL OK")
"""#

    /// Writes through master_for before and across SENTINEL FAILOVER, noting
    /// where the client's pool pointed for each acknowledged write; then checks
    /// the writes made through the re-resolved master on that master, and
    /// reads them through slave_for from a replica.
    static let failoverScript = #"""
import sys, time
import redis
from redis.sentinel import Sentinel

ports = [int(p) for p in sys.argv[1].split(",")]
old = ("127.0.0.1", int(sys.argv[2]))

def check(name, ok, detail=None):
    if not ok:
        raise AssertionError(f"{name}: {detail!r}")
    print(f"ok {name}")

sentinel = Sentinel([("127.0.0.1", p) for p in ports], socket_timeout=2)
check("discover_master before", sentinel.discover_master("mymaster") == old)
master = sentinel.master_for("mymaster", socket_timeout=2, decode_responses=True)
for i in range(50):
    master.set(f"before:{i}", i)
check("replicas acknowledge the writes before the failover", master.wait(2, 5000) == 2)

redis.Redis(host="127.0.0.1", port=ports[0], socket_timeout=5).sentinel_failover("mymaster")
start = time.time()
acked = []   # (key, the pool's master when the write was acknowledged)
errors = 0
i = 0
while time.time() - start < 60:
    key = f"during:{i}"
    i += 1
    try:
        master.set(key, i)
    except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError) as e:
        errors += 1
        time.sleep(0.05)
        continue
    acked.append((key, master.connection_pool.master_address))
    if sum(1 for _, a in acked if a is not None and a != old) >= 50:
        break
    time.sleep(0.02)

new = sentinel.discover_master("mymaster")
print(f"new master {new[0]}:{new[1]}")
check("the sentinels moved the master", new != old, new)
through_new = [k for k, a in acked if a == new]
check("master_for re-resolved and 50 writes went through the new master", len(through_new) >= 50,
      (len(acked), len(through_new), errors))
print(f"{len(acked)} writes acknowledged during the failover, {errors} refused, "
      f"{len(acked) - len(through_new)} through the old master")

direct = redis.Redis(host=new[0], port=new[1], decode_responses=True, socket_timeout=5)
check("the new master says so", direct.execute_command("ROLE")[0] == "master")
check("writes through the new master are on it", all(direct.get(k) is not None for k in through_new),
      [k for k in through_new if direct.get(k) is None][:5])
check("writes acknowledged before the failover survived", all(direct.get(f"before:{i}") == str(i) for i in range(50)))

check("the new master's replicas catch up", master.wait(2, 10000) == 2)
replica = sentinel.slave_for("mymaster", socket_timeout=2, decode_responses=True)
check("slave_for reaches a replica", replica.execute_command("ROLE")[0] == "slave")
check("slave_for reads the writes made through the new master", all(replica.get(k) is not None for k in through_new))
try:
    replica.set("nope", 1)
    check("a replica refuses writes", False)
except redis.ReadOnlyError:
    print("ok a replica refuses writes")
print("ALL OK")
"""#
}
