import Foundation
import TestSupport
import XCTest

/// Client-side caching conversations between several connections, played on
/// redis-server 7.0.15 and on the built vigil-server: every connection must
/// receive the same bytes after every step (replies, invalidation pushes,
/// `__redis__:invalidate` messages, redir-broken pushes).
final class ClientTrackingRealRedisTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func assertSameAsRedis(parties: Int, expecting marker: String = "$10\r\ninvalidate\r\n", _ steps: [PartyStep], file: StaticString = #filePath, line: UInt = #line) throws {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        let real = try Interop.talking(to: "redis-server") { try PartyConversation.play(port: redis.port, parties: parties, steps) }
        let ours = try PartyConversation.play(port: vigil.port, parties: parties, steps)
        // The conversation must have made real Redis send what it is about.
        let sawMarker = real.joined().contains { String(decoding: $0, as: UTF8.self).contains(marker) }
        XCTAssertTrue(sawMarker, "redis-server never sent \(marker.debugDescription) in this conversation", file: file, line: line)
        let diffs = PartyConversation.differences(real, ours, steps)
        XCTAssertTrue(diffs.isEmpty, diffs.joined(separator: "\n"), file: file, line: line)
    }

    func testResp3PushesMatch() throws {
        try assertSameAsRedis(parties: 2, [
            PartyStep(0, compared: false, "HELLO", "3"),
            PartyStep(0, "CLIENT", "TRACKING", "on"),
            PartyStep(0, "MGET", "a", "b", "c"),
            PartyStep(0, "SET", "a", "1"),
            PartyStep(1, "MSET", "b", "1", "c", "2", "a", "3"),
            PartyStep(0, "GET", "b"),
            PartyStep(0, "MULTI"), PartyStep(0, "INCR", "b"), PartyStep(0, "GET", "b"), PartyStep(0, "EXEC"),
            PartyStep(0, "GET", "b"),
            PartyStep(1, "DEL", "b", "zz"),
            PartyStep(0, "HGET", "h", "f"), PartyStep(1, "HSET", "h", "f", "v"),
            PartyStep(0, "GET", "x"), PartyStep(1, "FLUSHALL"), PartyStep(1, "SET", "x", "1"),
            PartyStep(0, "CLIENT", "TRACKINGINFO"), PartyStep(0, "CLIENT", "GETREDIR"),
            PartyStep(0, "CLIENT", "TRACKING", "off"), PartyStep(0, "GET", "y"), PartyStep(1, "SET", "y", "1"),
        ])
    }

    func testResp2RedirectMessagesMatch() throws {
        try assertSameAsRedis(parties: 3, expecting: "$20\r\n__redis__:invalidate\r\n*1\r\n", [
            PartyStep(1, "SUBSCRIBE", "__redis__:invalidate"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "REDIRECT", "{id:1}"),
            PartyStep(0, "GET", "k"), PartyStep(0, "SET", "k", "1"),
            PartyStep(0, "GET", "k"), PartyStep(2, "APPEND", "k", "x"),
            PartyStep(0, "CLIENT", "GETREDIR"), PartyStep(0, "CLIENT", "TRACKINGINFO"),
            PartyStep(0, "GET", "k"), PartyStep(2, "FLUSHDB"),
            // Redirect to a connection that is not subscribed: nothing is sent.
            PartyStep(0, "CLIENT", "TRACKING", "on", "REDIRECT", "{id:2}"),
            PartyStep(0, "GET", "q"), PartyStep(1, "UNSUBSCRIBE"), PartyStep(2, "SET", "q", "1"),
            // The target leaves: the tracking client is flagged (no push under RESP2).
            PartyStep(0, "GET", "q"), .close(2), PartyStep(1, "SET", "q", "2"),
            PartyStep(0, "CLIENT", "TRACKINGINFO"),
        ])
    }

    func testRedirBrokenPushMatches() throws {
        try assertSameAsRedis(parties: 3, expecting: "tracking-redir-broken", [
            PartyStep(0, compared: false, "HELLO", "3"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "REDIRECT", "{id:1}"),
            PartyStep(0, "GET", "z"), .close(1),
            PartyStep(0, "SET", "z", "1"),
            PartyStep(0, "GET", "z"), PartyStep(2, "SET", "z", "2"),
            PartyStep(0, "CLIENT", "TRACKINGINFO"),
        ])
    }

    func testBroadcastWithPrefixesMatches() throws {
        try assertSameAsRedis(parties: 3, [
            PartyStep(0, compared: false, "HELLO", "3"),
            PartyStep(1, compared: false, "HELLO", "3"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a"),
            PartyStep(1, "CLIENT", "TRACKING", "on", "BCAST"),
            PartyStep(2, "MSET", "a2", "1", "b2", "2", "a1", "3", "c", "4"),
            PartyStep(2, "SET", "ab", "1"),
            PartyStep(2, "DEL", "a1", "nothing"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "c"),
            PartyStep(2, "MSET", "c1", "1", "a1", "1"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "cx"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "PREFIX", "xy"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "PREFIX", "x"),
            PartyStep(0, "CLIENT", "TRACKING", "on"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "BCAST", "OPTIN"),
            PartyStep(0, "CLIENT", "TRACKINGINFO"),
            PartyStep(2, "FLUSHALL"),
        ])
    }

    func testOptinOptoutMatch() throws {
        try assertSameAsRedis(parties: 2, [
            PartyStep(0, compared: false, "HELLO", "3"),
            PartyStep(0, "CLIENT", "CACHING", "yes"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "OPTIN"),
            PartyStep(0, "CLIENT", "CACHING", "no"),
            PartyStep(0, "GET", "skipped"),
            PartyStep(0, "CLIENT", "CACHING", "yes"),
            PartyStep(0, "CLIENT", "TRACKINGINFO"),
            PartyStep(0, "GET", "cached"), PartyStep(0, "GET", "after"),
            PartyStep(1, "MSET", "skipped", "1", "cached", "1", "after", "1"),
            PartyStep(0, "CLIENT", "CACHING", "yes"),
            PartyStep(0, "MULTI"), PartyStep(0, "GET", "m1"), PartyStep(0, "GET", "m2"), PartyStep(0, "EXEC"),
            PartyStep(1, "MSET", "m1", "1", "m2", "1"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "OPTOUT"),
            PartyStep(0, "CLIENT", "TRACKING", "off"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "OPTOUT"),
            PartyStep(0, "GET", "o1"),
            PartyStep(0, "CLIENT", "CACHING", "no"), PartyStep(0, "GET", "o2"),
            PartyStep(0, "GET", "o3"),
            PartyStep(1, "MSET", "o1", "1", "o2", "1", "o3", "1"),
        ])
    }

    func testNoloopMatches() throws {
        try assertSameAsRedis(parties: 3, [
            PartyStep(0, compared: false, "HELLO", "3"),
            PartyStep(1, compared: false, "HELLO", "3"),
            PartyStep(0, "CLIENT", "TRACKING", "on", "NOLOOP"),
            PartyStep(1, "CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"),
            PartyStep(0, "MGET", "a", "b"),
            PartyStep(0, "SET", "a", "1"),
            PartyStep(2, "SET", "b", "1"),
            PartyStep(1, "MSET", "a", "2", "c", "3"),
            PartyStep(1, "SET", "own", "1"),
            PartyStep(0, "CLIENT", "TRACKINGINFO"),
        ])
    }
}
