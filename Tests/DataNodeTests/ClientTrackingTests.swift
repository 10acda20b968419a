import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// Client-side caching through the real dispatch path: what each tracking
/// mode remembers and which invalidation bytes reach which client. The
/// texts were captured from redis-server 7.0.15 (InteropTests.ClientTrackingRealRedisTests
/// plays the same conversations against it).
final class ClientTrackingTests: XCTestCase {
    static let push = ">2\r\n$10\r\ninvalidate\r\n"
    static let message = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n"

    func invalidation(_ keys: String...) -> String {
        Self.push + "*\(keys.count)\r\n" + keys.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
    }

    /// A client that already said HELLO 3.
    func resp3Client(_ h: Harness) -> Client {
        let c = h.newClient()
        h.call("HELLO", "3", on: c)
        return c
    }

    /// What reached `c` outside its own replies, taken.
    func received(_ c: Client) -> String {
        defer { c.out.bytes.removeAll() }
        return String(decoding: c.out.bytes, as: UTF8.self)
    }

    func run(_ h: Harness, _ args: String..., on c: Client) -> String {
        String(decoding: h.raw(args, on: c), as: UTF8.self)
    }

    // MARK: default mode

    func testOwnWriteInvalidatesOwnReadAfterTheReply() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: c)
        h.call("GET", "k", on: c)
        XCTAssertEqual(run(h, "SET", "k", "1", on: c), "+OK\r\n" + invalidation("k"))
    }

    func testAnotherClientsWriteInvalidatesTheReader() throws {
        let h = try Harness()
        let reader = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: reader)
        h.call("MGET", "a", "b", on: reader)
        h.call("MSET", "a", "1", "b", "2")
        XCTAssertEqual(received(reader), invalidation("a") + invalidation("b"))
    }

    func testKeyIsReportedOnceUntilReadAgain() throws {
        let h = try Harness()
        let reader = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: reader)
        h.call("GET", "k", on: reader)
        h.call("SET", "k", "1")
        h.call("SET", "k", "2")
        XCTAssertEqual(received(reader), invalidation("k"))
        h.call("GET", "k", on: reader)
        h.call("DEL", "k")
        XCTAssertEqual(received(reader), invalidation("k"))
    }

    func testWritesAloneAreNotRemembered() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: c)
        h.call("SET", "k", "1", on: c)
        XCTAssertEqual(run(h, "SET", "k", "2", on: c), "+OK\r\n")
    }

    /// tracking.tcl "Tracking only occurs for scripts when a command calls a
    /// read-only command": the script's declared keys, not the keys it read.
    func testScriptThatReadsChargesItsCallerWithTheDeclaredKeys() throws {
        let h = try Harness()
        let reader = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: reader)
        h.call("EVAL", "redis.call('set', 'k3', 'bar')", "2", "k1", "k2", on: reader)
        h.call("MSET", "k1", "1", "k2", "1")
        XCTAssertEqual(received(reader), "", "a script that only wrote remembers nothing")
        h.call("EVAL", "redis.call('get', 'k3')", "2", "k1", "k2", on: reader)
        h.call("MSET", "k2", "2", "k1", "2", "k3", "x")
        XCTAssertEqual(received(reader), invalidation("k2") + invalidation("k1"))
    }

    func testReadOnlyScriptRemembersOnlyWhenItCallsARead() throws {
        let h = try Harness()
        let reader = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: reader)
        h.call("EVAL_RO", "redis.call('ping')", "2", "k1", "k2", on: reader)
        h.call("MSET", "k1", "1", "k2", "1")
        XCTAssertEqual(received(reader), "")
        h.call("EVAL_RO", "redis.call('get', 'k1')", "2", "k1", "k2", on: reader)
        h.call("MSET", "k2", "2", "k1", "2")
        XCTAssertEqual(received(reader), invalidation("k2") + invalidation("k1"))
    }

    /// tracking.tcl "Unblocked BLMOVE gets notification after response".
    func testServedBlmoveHearsOfItsOwnWriteAfterItsReply() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("RPUSH", "list2", "a")
        h.call("CLIENT", "TRACKING", "on", on: c)
        h.call("LRANGE", "list2", "0", "-1", on: c)
        XCTAssertEqual(run(h, "BLMOVE", "list1", "list2", "LEFT", "LEFT", "0", on: c), "")
        h.call("RPUSH", "list1", "foo")
        XCTAssertEqual(received(c), "$3\r\nfoo\r\n" + invalidation("list2"))
    }

    func testTransactionInvalidationsFollowTheExecReply() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: c)
        h.call("GET", "k", on: c)
        h.call("MULTI", on: c)
        h.call("SET", "k", "2", on: c)
        h.call("GET", "k", on: c)
        XCTAssertEqual(run(h, "EXEC", on: c), "*2\r\n+OK\r\n$1\r\n2\r\n" + invalidation("k"))
    }

    func testResp2ClientWithoutRedirectReceivesNothing() throws {
        let h = try Harness()
        let c = h.newClient()
        h.call("CLIENT", "TRACKING", "on", on: c)
        h.call("GET", "k", on: c)
        XCTAssertEqual(run(h, "SET", "k", "1", on: c), "+OK\r\n")
    }

    func testTrackingOffStopsInvalidations() throws {
        let h = try Harness()
        let reader = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: reader)
        h.call("GET", "k", on: reader)
        h.call("CLIENT", "TRACKING", "off", on: reader)
        h.call("SET", "k", "1")
        XCTAssertEqual(received(reader), "")
    }

    // MARK: REDIRECT

    func testRedirectToResp2SubscriberSendsInvalidateChannelMessage() throws {
        let h = try Harness()
        let sub = h.newClient()
        h.call("SUBSCRIBE", "__redis__:invalidate", on: sub)
        let reader = h.newClient()
        h.call("CLIENT", "TRACKING", "on", "REDIRECT", String(sub.id), on: reader)
        h.call("GET", "k", on: reader)
        XCTAssertEqual(run(h, "SET", "k", "1", on: reader), "+OK\r\n")
        XCTAssertEqual(received(sub), Self.message + "*1\r\n$1\r\nk\r\n")
    }

    func testRedirectToResp2ClientInAnyPubSubModeGetsTheMessage() throws {
        let h = try Harness()
        let sub = h.newClient()
        h.call("SUBSCRIBE", "foo", on: sub)
        let reader = h.newClient()
        h.call("CLIENT", "TRACKING", "on", "REDIRECT", String(sub.id), on: reader)
        h.call("GET", "k", on: reader)
        h.call("SET", "k", "1")
        XCTAssertEqual(received(sub), Self.message + "*1\r\n$1\r\nk\r\n")
    }

    func testRedirectToResp2ClientNotSubscribedSendsNothing() throws {
        let h = try Harness()
        let target = h.newClient()
        let reader = h.newClient()
        h.call("CLIENT", "TRACKING", "on", "REDIRECT", String(target.id), on: reader)
        h.call("GET", "k", on: reader)
        h.call("SET", "k", "1")
        XCTAssertEqual(received(target), "")
    }

    func testRedirectToResp3ClientSendsThePush() throws {
        let h = try Harness()
        let target = resp3Client(h)
        let reader = h.newClient()
        h.call("CLIENT", "TRACKING", "on", "REDIRECT", String(target.id), on: reader)
        h.call("GET", "k", on: reader)
        h.call("SET", "k", "1")
        XCTAssertEqual(received(target), invalidation("k"))
    }

    func testVanishedRedirectTargetSendsRedirBrokenPush() throws {
        let h = try Harness()
        let target = h.newClient()
        let reader = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "REDIRECT", String(target.id), on: reader)
        h.server.freeClient(target, reason: "test")
        h.call("GET", "z", on: reader)
        XCTAssertEqual(run(h, "SET", "z", "1", on: reader), "+OK\r\n>2\r\n$21\r\ntracking-redir-broken\r\n:\(target.id)\r\n")
        XCTAssertEqual(h.call("CLIENT", "TRACKINGINFO", on: reader),
                       .map([.bulk("flags"), .set([.bulk("on"), .bulk("broken_redirect")]),
                             .bulk("redirect"), .integer(Int64(target.id)), .bulk("prefixes"), .array([])]))
    }

    func testVanishedRedirectTargetOfResp2ClientOnlyFlagsIt() throws {
        let h = try Harness()
        let target = h.newClient()
        let reader = h.newClient()
        h.call("CLIENT", "TRACKING", "on", "REDIRECT", String(target.id), on: reader)
        h.server.freeClient(target, reason: "test")
        h.call("GET", "z", on: reader)
        XCTAssertEqual(run(h, "SET", "z", "1", on: reader), "+OK\r\n")
        XCTAssertTrue(run(h, "CLIENT", "INFO", on: reader).contains(" flags=tR "))
    }

    func testRedirectOptionErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "REDIRECT", "999"), "-ERR The client ID you want redirect to does not exist\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "REDIRECT", "0"), "-ERR The client ID you want redirect to does not exist\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "REDIRECT", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "REDIRECT"), "-ERR syntax error\r\n")
        let id = String(h.client.id)
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "REDIRECT", id, "REDIRECT", id), "-ERR A client can only redirect to a single other client\r\n")
    }

    // MARK: flush

    func testFlushSendsNullInvalidationToEveryTrackingClient() throws {
        let h = try Harness()
        let own = resp3Client(h), bcast = resp3Client(h), sub = h.newClient(), redirected = h.newClient()
        h.call("CLIENT", "TRACKING", "on", on: own)
        h.call("CLIENT", "TRACKING", "on", "BCAST", on: bcast)
        h.call("SUBSCRIBE", "x", on: sub)
        h.call("CLIENT", "TRACKING", "on", "REDIRECT", String(sub.id), on: redirected)
        XCTAssertEqual(run(h, "FLUSHDB", on: own), "+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n")
        XCTAssertEqual(received(bcast), ">2\r\n$10\r\ninvalidate\r\n_\r\n")
        XCTAssertEqual(received(sub), Self.message + "$-1\r\n")
    }

    func testFlushEmptiesTheTrackingTable() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: c)
        h.call("MGET", "a", "b", on: c)
        XCTAssertEqual(h.server.tracking.keyCount, 2)
        h.call("FLUSHALL")
        XCTAssertEqual(h.server.tracking.keyCount, 0)
        XCTAssertEqual(h.server.tracking.totalItems, 0)
    }

    // MARK: expiry and eviction

    func testExpiredKeyIsInvalidated() throws {
        let h = try Harness()
        let reader = resp3Client(h)
        h.call("SET", "k", "v", "PX", "100")
        h.call("CLIENT", "TRACKING", "on", on: reader)
        h.call("GET", "k", on: reader)
        h.advanceClock(ms: 200)
        h.call("EXISTS", "k")
        XCTAssertEqual(received(reader), invalidation("k"))
    }

    func testEvictedKeyIsInvalidated() throws {
        let h = try Harness()
        let dbs = h.server.databases
        h.server.eviction.usedMemoryModel = { dbs.reduce(0) { $0 + $1.count } * 100 }
        h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
        h.call("CONFIG", "SET", "maxmemory", "100")
        let reader = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: reader)
        h.call("SET", "old", "v")
        h.call("GET", "old", on: reader)
        h.call("SET", "new", "v")
        h.call("PING")
        XCTAssertFalse(h.server.databases[0].exists(Key("old")) && h.server.databases[0].exists(Key("new")))
        let gone = h.server.databases[0].exists(Key("old")) ? "new" : "old"
        XCTAssertEqual(received(reader), gone == "old" ? invalidation("old") : "")
    }

    // MARK: BCAST

    func testBroadcastSendsOneMessagePerPrefixBeforeSleep() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a", on: c)
        h.call("MSET", "b2", "1", "a2", "2", "a1", "3", "c", "4")
        XCTAssertEqual(received(c), "", "nothing before the loop sleeps")
        h.server.beforeSleep()
        XCTAssertEqual(received(c), invalidation("a1", "a2") + invalidation("b2"))
    }

    func testBroadcastWithoutPrefixCoversEveryKey() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "BCAST", on: c)
        h.call("MSET", "x1", "1", "x2", "2")
        h.server.beforeSleep()
        XCTAssertEqual(received(c), invalidation("x1", "x2"))
    }

    func testBroadcastNoloopLeavesOutTheClientsOwnChanges() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP", on: c)
        h.call("SET", "mine", "1", on: c)
        h.call("SET", "theirs", "1")
        h.server.beforeSleep()
        XCTAssertEqual(received(c), invalidation("theirs"))
    }

    func testBroadcastNoloopStillReportsAKeyItsOwnReadExpired() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("SET", "k", "v", "PX", "100")
        h.call("CLIENT", "TRACKING", "on", "BCAST", "NOLOOP", on: c)
        h.advanceClock(ms: 200)
        h.call("GET", "k", on: c)
        h.server.beforeSleep()
        XCTAssertEqual(received(c), invalidation("k"))
    }

    func testBroadcastClientDoesNotRememberReads() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", on: c)
        h.call("GET", "a1", on: c)
        XCTAssertEqual(h.server.tracking.keyCount, 0)
        XCTAssertEqual(h.server.tracking.prefixCount, 1)
    }

    func testPrefixesOverlappingEachOtherAreRefused() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a", "PREFIX", "ab"),
                       "-ERR Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not overlap.\r\n")
    }

    func testPrefixOverlappingAnExistingOneIsRefused() throws {
        let h = try Harness()
        h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ax"),
                       "-ERR Prefix 'ax' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap.\r\n")
    }

    func testAPrefixOfSeveralExistingOnesIsRefusedNamingTheFirstInOrder() throws {
        let h = try Harness()
        h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "ac", "PREFIX", "ab", "PREFIX", "c")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a"),
                       "-ERR Prefix 'a' overlaps with an existing prefix 'ab'. Prefixes for a single client must not overlap.\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "bz"),
                       "-ERR Prefix 'bz' overlaps with an existing prefix 'b'. Prefixes for a single client must not overlap.\r\n")
        XCTAssertEqual(h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ad", "PREFIX", "d"), .ok)
        XCTAssertEqual(h.call("CLIENT", "TRACKINGINFO"),
                       .array([.bulk("flags"), .array([.bulk("on"), .bulk("bcast")]), .bulk("redirect"), .integer(0),
                               .bulk("prefixes"), .array(["ab", "ac", "ad", "b", "c", "d"].map { .bulk($0) })]))
    }

    func testPrefixesAddUpAcrossTrackingOn() throws {
        let h = try Harness()
        h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b")
        h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "a")
        XCTAssertEqual(h.call("CLIENT", "TRACKINGINFO"),
                       .array([.bulk("flags"), .array([.bulk("on"), .bulk("bcast")]), .bulk("redirect"), .integer(0),
                               .bulk("prefixes"), .array([.bulk("a"), .bulk("b")])]))
    }

    func testPrefixWithoutBcastIsRefused() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "PREFIX", "a"), "-ERR PREFIX option requires BCAST mode to be enabled\r\n")
    }

    func testSwitchingBcastWhileOnIsRefused() throws {
        let h = try Harness()
        h.call("CLIENT", "TRACKING", "on")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "BCAST"),
                       "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n")
    }

    // MARK: OPTIN / OPTOUT / NOLOOP

    func testOptinRemembersOnlyTheCommandAfterCachingYes() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "OPTIN", on: c)
        h.call("GET", "skipped", on: c)
        h.call("CLIENT", "CACHING", "yes", on: c)
        h.call("GET", "cached", on: c)
        h.call("GET", "after", on: c)
        h.call("MSET", "skipped", "1", "cached", "1", "after", "1")
        XCTAssertEqual(received(c), invalidation("cached"))
    }

    func testOptoutSkipsOnlyTheCommandAfterCachingNo() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "OPTOUT", on: c)
        h.call("GET", "cached", on: c)
        h.call("CLIENT", "CACHING", "no", on: c)
        h.call("GET", "skipped", on: c)
        h.call("MSET", "skipped", "1", "cached", "1")
        XCTAssertEqual(received(c), invalidation("cached"))
    }

    func testCachingYesCoversAWholeTransaction() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "OPTIN", on: c)
        h.call("CLIENT", "CACHING", "yes", on: c)
        h.call("MULTI", on: c)
        h.call("GET", "a", on: c)
        h.call("GET", "b", on: c)
        h.call("EXEC", on: c)
        h.call("GET", "c", on: c)
        h.call("MSET", "a", "1", "b", "1", "c", "1")
        XCTAssertEqual(received(c), invalidation("a") + invalidation("b"))
    }

    func testCachingErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "CACHING", "yes"),
                       "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n")
        h.call("CLIENT", "TRACKING", "on")
        XCTAssertEqual(h.rawString("CLIENT", "CACHING", "yes"), "-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "CACHING", "no"), "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "CACHING", "maybe"), "-ERR syntax error\r\n")
    }

    func testOptinOptoutCombinationsAreRefused() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"), "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "BCAST", "OPTIN"), "-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n")
        h.call("CLIENT", "TRACKING", "on", "OPTIN")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "OPTOUT"),
                       "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "maybe"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "TRACKING", "on", "FOO"), "-ERR syntax error\r\n")
    }

    func testNoloopSkipsTheClientsOwnWrites() throws {
        let h = try Harness()
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", "NOLOOP", on: c)
        h.call("MGET", "a", "b", on: c)
        XCTAssertEqual(run(h, "SET", "a", "1", on: c), "+OK\r\n")
        h.call("SET", "b", "1")
        XCTAssertEqual(received(c), invalidation("b"))
    }

    // MARK: table size

    func testTrackingTableMaxKeysInvalidatesKeysOverTheLimit() throws {
        let h = try Harness()
        h.call("CONFIG", "SET", "tracking-table-max-keys", "1")
        let c = resp3Client(h)
        h.call("CLIENT", "TRACKING", "on", on: c)
        h.call("GET", "t1", on: c)
        h.call("GET", "t2", on: c)
        let pushed = run(h, "PING", on: c)
        XCTAssertTrue(pushed == invalidation("t1") + "+PONG\r\n" || pushed == invalidation("t2") + "+PONG\r\n", pushed)
        XCTAssertEqual(h.server.tracking.keyCount, 1)
    }

    // MARK: introspection

    func testTrackingInfoAndGetredirFollowTheMode() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CLIENT", "GETREDIR"), .integer(-1))
        XCTAssertEqual(h.call("CLIENT", "TRACKINGINFO"),
                       .array([.bulk("flags"), .array([.bulk("off")]), .bulk("redirect"), .integer(-1), .bulk("prefixes"), .array([])]))
        let target = h.newClient()
        h.call("CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP", "REDIRECT", String(target.id))
        h.call("CLIENT", "CACHING", "yes")
        XCTAssertEqual(h.call("CLIENT", "TRACKINGINFO"),
                       .array([.bulk("flags"), .array([.bulk("on"), .bulk("optin"), .bulk("caching-yes"), .bulk("noloop")]),
                               .bulk("redirect"), .integer(Int64(target.id)), .bulk("prefixes"), .array([])]))
        XCTAssertEqual(h.call("CLIENT", "GETREDIR"), .integer(Int64(target.id)))
    }

    func testClientListShowsTrackingFlagsAndRedirect() throws {
        let h = try Harness()
        let target = h.newClient()
        h.call("CLIENT", "TRACKING", "on", "BCAST", "REDIRECT", String(target.id))
        let line = run(h, "CLIENT", "INFO", on: h.client)
        XCTAssertTrue(line.contains(" flags=tB "), line)
        XCTAssertTrue(line.contains(" redir=\(target.id) "), line)
        XCTAssertTrue(run(h, "CLIENT", "INFO", on: target).contains(" flags=N ") && run(h, "CLIENT", "INFO", on: target).contains(" redir=-1 "))
    }

    func testInfoCountsTrackingClientsKeysItemsAndPrefixes() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient(), bc = h.newClient()
        h.call("CLIENT", "TRACKING", "on", on: a)
        h.call("CLIENT", "TRACKING", "on", on: b)
        h.call("CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "p", "PREFIX", "q", on: bc)
        h.call("MGET", "x", "y", on: a)
        h.call("GET", "x", on: b)
        let info = String(decoding: h.raw(["INFO"]), as: UTF8.self)
        for field in ["tracking_clients:3", "tracking_total_keys:2", "tracking_total_items:3", "tracking_total_prefixes:2"] {
            XCTAssertTrue(info.contains(field + "\r\n"), field)
        }
        h.server.freeClient(bc, reason: "test")
        XCTAssertEqual(h.server.tracking.prefixCount, 0)
        XCTAssertEqual(h.server.tracking.clientCount, 2)
    }
}
