import Foundation
import RESPClient
import TestSupport
import Deployment
import XCTest

/// Real Redis clients against vigil-server: redis-cli, redis-benchmark and
/// redis-py. Each skips with a message when the client is not installed
/// (fails instead under VIGIL_REQUIRE_INTEROP=1).
final class RealClientsTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    // MARK: redis-cli

    /// Invocations and the exact stdout redis-cli prints against redis-server 7.0
    /// (stdout is not a terminal: raw output unless --no-raw).
    static let cliCases: [(args: [String], stdin: String?, expected: String)] = [
        (["SET", "cli:k", "bar"], nil, "OK\n"),
        (["GET", "cli:k"], nil, "bar\n"),
        (["--no-raw", "GET", "cli:k"], nil, "\"bar\"\n"),
        (["--raw", "INCR", "cli:n"], nil, "1\n"),
        (["--no-raw", "INCR", "cli:n"], nil, "(integer) 2\n"),
        (["--no-raw", "GET", "cli:missing"], nil, "(nil)\n"),
        (["--no-raw", "MGET", "cli:k", "cli:missing"], nil, "1) \"bar\"\n2) (nil)\n"),
        (["--raw", "MGET", "cli:k", "cli:missing"], nil, "bar\n\n"),
        (["--no-raw", "FOO", "x"], nil, "(error) ERR unknown command 'FOO', with args beginning with: 'x' \n"),
        (["--raw", "INCR", "cli:k"], nil, "ERR value is not an integer or out of range\n\n"),
        (["-n", "2", "SET", "cli:db2", "1"], nil, "OK\n"),
        (["-n", "2", "DBSIZE"], nil, "1\n"),
        (["-n", "0", "EXISTS", "cli:db2"], nil, "0\n"),
        (["-r", "3", "INCR", "cli:r"], nil, "1\n2\n3\n"),
        (["-3", "--no-raw", "GET", "cli:missing"], nil, "(nil)\n"),
        (["-3", "--no-raw", "HELLO", "3"], nil, ""),  // map with the client id: shape checked below
        ([], "SET cli:a 1\nINCR cli:a\nECHO \"x y\"\n", "OK\n2\nx y\n"),
        (["--no-raw", "SET", "cli:big", "5", "EX", "100"], nil, "OK\n"),
        (["--no-raw", "TTL", "cli:big"], nil, "(integer) 100\n"),
    ]

    func testRedisCli() throws {
        let cli = try Interop.tool("redis-cli", purpose: "redis-cli against vigil-server")
        let vigil = try fixture.startVigil()
        let redisPort = try fixture.optionalRedis(purpose: "comparing redis-cli output with redis-server's")?.port
        for c in Self.cliCases {
            let out = try ToolRun.run(cli, ["-p", String(vigil.port)] + c.args, stdin: c.stdin, timeout: 20)
            XCTAssertEqual(out.status, 0, "redis-cli \(c.args): \(out.stderr)")
            if c.args.contains("HELLO") {
                for field in ["1# \"server\" => \"redis\"", "2# \"version\" => \"7.0.15\"", "3# \"proto\" => (integer) 3",
                              "5# \"mode\" => \"standalone\"", "6# \"role\" => \"master\"", "7# \"modules\" => (empty array)"] {
                    XCTAssertTrue(out.stdout.contains(field), "HELLO 3 via redis-cli lacks \(field):\n\(out.stdout)")
                }
            } else {
                XCTAssertEqual(out.stdout, c.expected, "redis-cli \(c.args)")
            }
            if let redisPort {
                let ref = try ToolRun.run(cli, ["-p", String(redisPort)] + c.args, stdin: c.stdin, timeout: 20)
                let norm = { (s: String) in s.replacingOccurrences(of: #"4# "id" => \(integer\) [0-9]+"#, with: "ID",
                                                                    options: .regularExpression) }
                XCTAssertEqual(norm(out.stdout), norm(ref.stdout), "redis-cli \(c.args): vigil-server vs redis-server")
            }
        }
    }

    // MARK: redis-benchmark

    func testRedisBenchmarkCompletesWithoutErrors() throws {
        let bench = try Interop.tool("redis-benchmark", purpose: "redis-benchmark against vigil-server")
        let vigil = try fixture.startVigil()
        let run = try ToolRun.run(bench, ["-h", "127.0.0.1", "-p", String(vigil.port), "-t", "set,get,incr,ping,mset",
                                          "-n", "2000", "-q"], timeout: 120)
        // -q still draws progress lines ending in \r; keep the final ones.
        let lines = (run.stdout + run.stderr).split(whereSeparator: { $0 == "\n" || $0 == "\r" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.contains("rps=") }
        XCTAssertEqual(run.status, 0, lines.joined(separator: "\n"))
        for test in ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(test + ": ") && $0.contains("requests per second") },
                          "no result line for \(test):\n\(lines.joined(separator: "\n"))")
        }
        let problems = lines.filter { $0.localizedCaseInsensitiveContains("error") || $0.contains("WARN") }
        XCTAssertEqual(problems, [], "redis-benchmark reported problems")
        XCTAssertTrue(vigil.process.isRunning, vigil.process.crashExcerpt())
        let c = try ProcessFixture.connect(vigil.port)
        XCTAssertEqual(try c.call("PING"), .simple("PONG"))
    }

    // MARK: redis-py

    func testRedisPy() throws {
        let python = try Interop.tool("python3", purpose: "redis-py against vigil-server")
        let probe = try ToolRun.run(python, ["-c", "import redis; print(redis.__version__)"], timeout: 30)
        if probe.status != 0 {
            throw Interop.unavailable("python3 cannot `import redis` (pip install redis): \(probe.stderr)")
        }
        let dir = try makeScratchDirectory("redispy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = dir + "/client.py"
        try Self.redisPyScript.write(toFile: script, atomically: true, encoding: .utf8)

        // The script is first checked against real Redis, so a failure below is Vigil's.
        if let redis = try fixture.optionalRedis(purpose: "checking the redis-py script against redis-server") {
            let ref = try ToolRun.run(python, [script, String(redis.port)], timeout: 60)
            XCTAssertEqual(ref.status, 0, "the redis-py script fails against redis-server itself:\n\(ref.stdout)\n\(ref.stderr)")
        }
        let vigil = try fixture.startVigil()
        let run = try ToolRun.run(python, [script, String(vigil.port)], timeout: 60)
        XCTAssertEqual(run.status, 0, "redis-py against vigil-server (redis-py \(probe.stdout.trimmingCharacters(in: .whitespacesAndNewlines))):\n\(run.stdout)\n\(run.stderr)")
        XCTAssertTrue(run.stdout.contains("ALL OK"), run.stdout)
    }

    static let redisPyScript = #"""
import sys, time
import redis

port = int(sys.argv[1])
step = "connect"

def check(name, got, want):
    if got != want:
        raise AssertionError(f"{name}: got {got!r}, want {want!r}")
    print(f"ok {name}")

try:
    r = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=10)
    other = redis.Redis(host="127.0.0.1", port=port, decode_responses=True, socket_timeout=10)
    check("ping", r.ping(), True)
    r.flushall()
    check("set", r.set("py:k", "v"), True)
    check("get", r.get("py:k"), "v")
    check("set nx existing", r.set("py:k", "w", nx=True), None)
    check("set xx get", r.set("py:k", "w", xx=True, get=True), "v")
    check("incr", r.incr("py:n"), 1)
    check("incrby", r.incrby("py:n", 41), 42)
    check("incrbyfloat", r.incrbyfloat("py:f", 1.5), 1.5)
    check("mget", r.mget("py:k", "py:missing"), ["w", None])
    check("mset", r.mset({"py:a": "1", "py:b": "2"}), True)
    check("set ex", r.set("py:e", "1", ex=100), True)
    check("ttl", r.ttl("py:e") in (99, 100), True)
    check("exists", r.exists("py:a", "py:b", "py:missing"), 2)
    check("delete", r.delete("py:a", "py:missing"), 1)
    check("type", r.type("py:k"), "string")
    check("append", r.append("py:k", "xyz"), 4)
    check("getrange", r.getrange("py:k", 1, 2), "xy")
    check("setbit", r.setbit("py:bits", 7, 1), 0)
    check("bitcount", r.bitcount("py:bits"), 1)
    check("expire", r.expire("py:k", 1000), True)
    check("persist", r.persist("py:k"), True)
    check("rename", r.rename("py:k", "py:k2"), True)
    check("keys", sorted(r.keys("py:k*")), ["py:k2"])
    check("scan_iter", sorted(r.scan_iter(match="py:*")), sorted(r.keys("py:*")))
    check("dbsize", r.dbsize(), len(r.keys("*")))
    check("echo", r.echo("hello"), "hello")

    step = "errors"
    try:
        r.incr("py:k2")
        raise AssertionError("INCR on a non-integer did not fail")
    except redis.ResponseError as e:
        check("incr error", str(e), "value is not an integer or out of range")
    try:
        r.execute_command("NOSUCHCOMMAND", "a")
        raise AssertionError("unknown command did not fail")
    except redis.ResponseError as e:
        check("unknown command", str(e).startswith("unknown command 'NOSUCHCOMMAND'"), True)

    step = "pipeline"
    p = r.pipeline(transaction=False)
    p.set("py:p", "1").incr("py:p").get("py:p").incr("py:k2")
    res = p.execute(raise_on_error=False)
    check("pipeline", res[:3], [True, 2, "2"])
    check("pipeline error", isinstance(res[3], redis.ResponseError), True)

    step = "transaction"
    t = r.pipeline(transaction=True)
    t.set("py:t", "5").incrby("py:t", 5).get("py:t")
    check("multi/exec", t.execute(), [True, 10, "10"])

    step = "watch"
    with r.pipeline() as pipe:
        pipe.watch("py:w")
        other.set("py:w", "changed")
        pipe.multi()
        pipe.set("py:w", "mine")
        try:
            pipe.execute()
            raise AssertionError("EXEC ran although a WATCHed key changed")
        except redis.WatchError:
            print("ok watch")
    check("watch value", r.get("py:w"), "changed")

    def transfer(pipe):
        v = int(pipe.get("py:acct") or 0)
        pipe.multi()
        pipe.set("py:acct", v + 10)
    r.transaction(transfer, "py:acct")
    check("transaction helper", r.get("py:acct"), "10")

    step = "pubsub"
    ps = r.pubsub()
    ps.subscribe("py:ch")
    ps.psubscribe("py:*")
    got = [ps.get_message(timeout=2), ps.get_message(timeout=2)]
    check("subscribe confirmations", [m["type"] for m in got], ["subscribe", "psubscribe"])
    check("publish", other.publish("py:ch", "hi"), 2)
    msgs = []
    deadline = time.time() + 5
    while len(msgs) < 2 and time.time() < deadline:
        m = ps.get_message(timeout=1)
        if m:
            msgs.append(m)
    check("messages", sorted((m["type"], m["channel"], m["data"]) for m in msgs),
          [("message", "py:ch", "hi"), ("pmessage", "py:ch", "hi")])
    check("numsub", other.pubsub_numsub("py:ch"), [("py:ch", 1)])
    ps.unsubscribe()
    ps.punsubscribe()
    ps.close()

    step = "resp3"
    r3 = redis.Redis(host="127.0.0.1", port=port, protocol=3, decode_responses=True, socket_timeout=10)
    hello = r3.execute_command("HELLO", "3")
    check("hello proto", hello["proto"], 3)
    check("hello version", hello["version"], "7.0.15")
    check("resp3 get missing", r3.get("py:missing"), None)
    check("resp3 set/get", (r3.set("py:r3", "x"), r3.get("py:r3")), (True, "x"))
    check("resp3 incrbyfloat", r3.incrbyfloat("py:r3f", 2.5), 2.5)
    t3 = r3.pipeline(transaction=True)
    t3.incr("py:r3n").incr("py:r3n")
    check("resp3 multi/exec", t3.execute(), [1, 2])
    ps3 = r3.pubsub()
    ps3.subscribe("py:ch3")
    check("resp3 subscribe", ps3.get_message(timeout=2)["type"], "subscribe")
    check("resp3 publish", r.publish("py:ch3", "pushed"), 1)
    m = None
    deadline = time.time() + 5
    while m is None and time.time() < deadline:
        m = ps3.get_message(timeout=1)
    check("resp3 push message", (m["type"], m["data"]), ("message", "pushed"))
    ps3.close()
    r3.close()
    print("ALL OK")
except Exception as e:
    print(f"FAILED at {step}: {type(e).__name__}: {e}")
    sys.exit(1)
"""#
}
