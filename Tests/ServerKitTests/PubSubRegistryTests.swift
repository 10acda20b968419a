import Protocol
import ServerKit
import XCTest

/// The server side of subscriptions and the reply shapes both servers send.
final class PubSubRegistryTests: XCTestCase {
    final class Sub {}

    func testChannelWithoutSubscribersDisappears() {
        var r = PubSubRegistry<String, Sub>()
        let a = Sub(), b = Sub()
        r.add(a, channel: "c")
        r.add(b, channel: "c")
        r.remove(a, channel: "c")
        XCTAssertTrue(r.channels["c"]?.count == 1 && r.channels["c"]?.first === b)
        r.remove(b, channel: "c")
        XCTAssertNil(r.channels["c"])
    }

    func testShardChannelsAreANamespaceOfTheirOwn() {
        var r = PubSubRegistry<String, Sub>()
        let a = Sub()
        r.add(a, shardChannel: "c")
        XCTAssertNil(r.channels["c"])
        XCTAssertEqual(r.shardChannels["c"]?.count, 1)
    }

    func testPatternCountIsOfDistinctPatterns() {
        var r = PubSubRegistry<String, Sub>()
        let a = Sub(), b = Sub()
        r.add(a, pattern: "x*")
        r.add(b, pattern: "x*")
        r.add(b, pattern: "y*")
        XCTAssertEqual(r.distinctPatternCount, 2)
        r.removeAllPatterns(of: b)
        XCTAssertEqual(r.distinctPatternCount, 1)
        r.remove(a, pattern: "x*")
        XCTAssertTrue(r.patterns.isEmpty)
    }

    func testUnsubscribeWithNothingHeldRepliesANullName() {
        var w = RESPWriter(proto: 2)
        PubSubReply.subscription(&w, kind: PubSubReply.unsubscribeWord, name: nil, count: 0)
        XCTAssertEqual(String(decoding: w.bytes, as: UTF8.self), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        var w3 = RESPWriter(proto: 3)
        PubSubReply.subscription(&w3, kind: PubSubReply.subscribeWord, name: Array("c".utf8), count: 1)
        XCTAssertEqual(String(decoding: w3.bytes, as: UTF8.self), ">3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n")
    }

    func testClientLineKeepsRedisFieldOrder() {
        var line = ClientInfoLine()
        line.id = 3
        line.addr = "127.0.0.1:5"
        line.laddr = "127.0.0.1:6"
        line.fd = 8
        XCTAssertEqual(line.text, "id=3 addr=127.0.0.1:5 laddr=127.0.0.1:6 fd=8 name= age=0 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=NULL user=default redir=-1 resp=2")
    }
}
