import ServerKit
import XCTest

/// proc-title-template as Redis's sdstemplate + redisProcTitleGetVariable expand it.
final class ProcTitleTemplateTests: XCTestCase {
    private let vars = ProcTitleTemplate.Variables(title: "/usr/bin/redis-server", listenAddr: "127.0.0.1:6379", serverMode: "",
                                                   configFile: "/etc/redis.conf", port: 6379, tlsPort: 0, unixsocket: "/tmp/r.sock")

    private func expand(_ t: String, _ v: ProcTitleTemplate.Variables? = nil) -> String? {
        ProcTitleTemplate(Array(t.utf8)).expand(v ?? vars).map { String(decoding: $0, as: UTF8.self) }
    }

    func testEveryVariableExpandsToTheServersValue() {
        XCTAssertEqual(expand("TEST {title} {listen-addr} {port} {tls-port} {unixsocket} {config-file}"),
                       "TEST /usr/bin/redis-server 127.0.0.1:6379 6379 0 /tmp/r.sock /etc/redis.conf")
    }

    func testTheDefaultTemplateDropsTheTrailingSpaceOfAnEmptyServerMode() {
        XCTAssertEqual(expand("{title} {listen-addr} {server-mode}"), "/usr/bin/redis-server 127.0.0.1:6379")
    }

    func testADoubledBraceIsALiteralBraceAndAClosingBraceAloneIsText() {
        XCTAssertEqual(expand("{{port} } x"), "{port} } x")
    }

    func testAnUnknownVariableOrAnUnclosedBraceDoesNotExpand() {
        XCTAssertNil(expand("{invalid-var}"))
        XCTAssertNil(expand("name {port"))
        XCTAssertNil(expand("name {"))
    }

    func testATemplateThatIsOnlyTheTitleIsInvalidBecauseValidationUsesAnEmptyTitle() {
        XCTAssertFalse(ProcTitleTemplate(Array("{title}".utf8)).isValid(vars))
        XCTAssertFalse(ProcTitleTemplate(Array("   ".utf8)).isValid(vars))
        XCTAssertTrue(ProcTitleTemplate(Array("{title} {port}".utf8)).isValid(vars))
    }

    func testListenAddrFallsBackToTheTlsPortThenToTheUnixSocket() {
        typealias V = ProcTitleTemplate.Variables
        XCTAssertEqual(V.listenAddr(bind: [], port: 6379, tlsPort: 0, unixsocket: ""), "*:6379")
        XCTAssertEqual(V.listenAddr(bind: ["-::1", "127.0.0.1"], port: 6379, tlsPort: 0, unixsocket: ""), "-::1:6379")
        XCTAssertEqual(V.listenAddr(bind: ["10.0.0.1"], port: 0, tlsPort: 6380, unixsocket: ""), "10.0.0.1:6380")
        XCTAssertEqual(V.listenAddr(bind: [], port: 0, tlsPort: 0, unixsocket: "/tmp/s"), "unixsocket:/tmp/s")
    }
}
