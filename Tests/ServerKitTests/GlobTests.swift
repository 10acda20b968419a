import CoreKit
import ServerKit
import XCTest

/// stringMatch against Redis's stringmatchlen (cases checked with KEYS on redis-server 7.0.15).
final class GlobTests: XCTestCase {
    private func m(_ p: String, _ s: String, nocase: Bool = false) -> Bool {
        stringMatch(pattern: Array(p.utf8), string: Array(s.utf8), nocase: nocase)
    }

    func testStarsAndQuestionMarks() {
        XCTAssertFalse(m("*", ""), "stringmatchlen never matches an empty string (KEYS and SCAN special-case \"*\")")
        XCTAssertTrue(m("*", "anything"))
        XCTAssertTrue(m("h*o", "hello"))
        XCTAssertTrue(m("h**o", "hello"))
        XCTAssertTrue(m("h*l*o", "hello"))
        XCTAssertFalse(m("h*x", "hello"))
        XCTAssertTrue(m("h?llo", "hello"))
        XCTAssertFalse(m("h?llo", "hllo"))
        XCTAssertTrue(m("a?c", "a-c"))
        XCTAssertFalse(m("", "a"))
        XCTAssertTrue(m("", ""))
        XCTAssertFalse(m("?", ""))
        XCTAssertTrue(m("abc*", "abc"))
        XCTAssertTrue(m("a*b*c*", "abc"))
    }

    func testClasses() {
        XCTAssertTrue(m("h[ae]llo", "hello"))
        XCTAssertTrue(m("h[ae]llo", "hallo"))
        XCTAssertFalse(m("h[ae]llo", "hillo"))
        XCTAssertTrue(m("h[^e]llo", "hallo"))
        XCTAssertFalse(m("h[^e]llo", "hello"))
        XCTAssertTrue(m("h[a-b]llo", "hbllo"))
        XCTAssertTrue(m("a[c-a]c", "abc"), "reversed ranges work")
        XCTAssertTrue(m("a[^b]c", "a]c"))
        XCTAssertTrue(m("a[\\]]c", "a]c"))
        XCTAssertFalse(m("a[]]c", "a]c"), "[] is an empty class")
        XCTAssertTrue(m("a[-]c", "a-c"))
        XCTAssertFalse(m("a[a-]c", "a]c"), "a-] is a range that eats the bracket")
        XCTAssertTrue(m("a[b", "ab"), "an unterminated class ends at the pattern's end")
        XCTAssertFalse(m("a[b", "ac"))
        XCTAssertTrue(m("a[^", "ab"), "an unterminated negated class matches one byte")
        XCTAssertFalse(m("[", "a"))
        XCTAssertFalse(m("*[", "x["))
        XCTAssertTrue(m("a[!b]c", "abc"), "! is not negation")
    }

    func testEscapesAndCase() {
        XCTAssertTrue(m("h\\*llo", "h*llo"))
        XCTAssertFalse(m("h\\*llo", "hello"))
        XCTAssertTrue(m("a\\", "a\\"), "a trailing backslash is literal")
        XCTAssertFalse(m("abc\\", "abc"))
        XCTAssertTrue(m("HeLLo", "hello", nocase: true))
        XCTAssertFalse(m("HeLLo", "hello"))
        XCTAssertTrue(m("[A-C]x", "bx", nocase: true))
        XCTAssertFalse(m("[A-C]x", "bx"))
        XCTAssertTrue(m("[H]ello", "hello", nocase: true))
    }

    func testBinaryAndHighBytes() {
        XCTAssertTrue(stringMatch(pattern: [0x2a, 0x00, 0x2a], string: [0x61, 0x00, 0x62], nocase: false))
        XCTAssertTrue(stringMatch(pattern: [0xe9, 0x3f], string: [0xe9, 0x78], nocase: true))
        // Bytes compare as signed char: 0xff (-1) sorts below 'a'.
        XCTAssertTrue(stringMatch(pattern: Array("[".utf8) + [0xff] + Array("-a]".utf8), string: Array("Z".utf8), nocase: false))
        XCTAssertFalse(stringMatch(pattern: Array("[a-".utf8) + [0xff] + Array("]".utf8), string: Array("b".utf8), nocase: false))
    }

    func testRecursionLimit() {
        let s = String(repeating: "a", count: 1100)
        XCTAssertTrue(m(String(repeating: "a*", count: 1001), s))
        XCTAssertFalse(m(String(repeating: "a*", count: 1002), s), "Redis gives up past 1000 nested stars")
    }

    func testPathologicalPatternIsFast() {
        // Without the skip-longer-matches cut this is exponential.
        let s = String(repeating: "a", count: 60)
        XCTAssertFalse(m(String(repeating: "*a", count: 30) + "b", s))
    }
}
