import XCTest

/// Redis 7.0.15's own Tcl suites that vigil-server passes in full, one test
/// each: every test of the suite must pass, none skipped. A suite joins this
/// list only once `scripts/redis-tcl-tests SUITE` reports it passing.
final class RedisTclSuiteTests: XCTestCase {
    func testAuthSuitePasses() throws {
        try RedisTclSuite.assertPasses("unit/auth")
    }

    func testAclSuitePasses() throws {
        try RedisTclSuite.assertPasses("unit/acl")
    }

    /// Selectors, key permissions by access, DRYRUN, SORT's BY/GET rules.
    func testAclV2SuitePasses() throws {
        try RedisTclSuite.assertPasses("unit/acl-v2")
    }

    /// Pub/sub, and keyspace notifications (notify-keyspace-events).
    func testPubsubSuitePasses() throws {
        try RedisTclSuite.assertPasses("unit/pubsub")
    }
}
