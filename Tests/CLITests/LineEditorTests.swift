import CLI
import RESPClient
import XCTest

final class LineEditorTests: XCTestCase {
    private func type(_ e: inout LineEditor, _ s: String) -> [LineEditor.Action] {
        Array(s.utf8).map { e.feed($0) }
    }

    func testTypingAndSubmit() {
        var e = LineEditor()
        _ = type(&e, "get k")
        XCTAssertEqual(e.feed(13), .submit(Array("get k".utf8)))
    }

    func testCursorMovementAndDeletion() {
        var e = LineEditor()
        _ = type(&e, "xyz")
        _ = type(&e, "\u{1b}[D\u{1b}[D") // two lefts: cursor after x
        _ = e.feed(127)                   // backspace removes x
        _ = type(&e, "Q")
        _ = e.feed(1)                     // Ctrl-A
        _ = type(&e, "A")
        _ = type(&e, "\u{1b}[F")          // End
        _ = type(&e, "Z")
        XCTAssertEqual(String(decoding: e.buffer, as: UTF8.self), "AQyzZ")
        _ = type(&e, "\u{1b}[1~")         // Home
        _ = type(&e, "\u{1b}[3~")         // Delete
        XCTAssertEqual(String(decoding: e.buffer, as: UTF8.self), "QyzZ")
        _ = e.feed(5)
        _ = type(&e, " word")
        _ = e.feed(23)                    // Ctrl-W
        XCTAssertEqual(String(decoding: e.buffer, as: UTF8.self), "QyzZ ")
        _ = e.feed(1)
        _ = e.feed(11)                    // Ctrl-K
        XCTAssertEqual(e.buffer, [])
    }

    func testUtf8MovesByCharacter() {
        var e = LineEditor()
        _ = type(&e, "héllo")
        _ = type(&e, "\u{1b}[D\u{1b}[D\u{1b}[D") // before the first l
        _ = e.feed(127)                           // removes é (two bytes)
        XCTAssertEqual(String(decoding: e.buffer, as: UTF8.self), "hllo")
        XCTAssertEqual(e.cursor, 1)
    }

    func testHistoryNavigationKeepsTheDraft() {
        var e = LineEditor(history: [Array("one".utf8), Array("two".utf8)])
        _ = type(&e, "dra")
        _ = type(&e, "\u{1b}[A")
        XCTAssertEqual(e.buffer, Array("two".utf8))
        _ = e.feed(16) // Ctrl-P
        XCTAssertEqual(e.buffer, Array("one".utf8))
        XCTAssertEqual(e.feed(16), .none) // nothing older
        _ = type(&e, "\u{1b}[B\u{1b}[B")
        XCTAssertEqual(e.buffer, Array("dra".utf8))
    }

    func testControlKeys() {
        var e = LineEditor()
        XCTAssertEqual(e.feed(4), .endOfInput) // Ctrl-D on an empty line
        _ = type(&e, "ab")
        XCTAssertEqual(e.feed(3), .interrupt)
        XCTAssertEqual(e.feed(12), .clearScreen)
        _ = e.feed(1)
        _ = e.feed(4)                          // Ctrl-D deletes under the cursor
        XCTAssertEqual(e.buffer, Array("b".utf8))
    }

    func testRenderPlacesTheCursor() {
        var e = LineEditor()
        _ = type(&e, "ping")
        _ = e.feed(2) // Ctrl-B
        XCTAssertEqual(String(decoding: e.render(prompt: "> ", columns: 80), as: UTF8.self),
                       "\r> ping\u{1b}[0K\r\u{1b}[5C")
        // Too wide: the line scrolls so the cursor stays visible.
        var w = LineEditor()
        _ = type(&w, "abcdefghij")
        XCTAssertEqual(String(decoding: w.render(prompt: "> ", columns: 8), as: UTF8.self),
                       "\r> fghij\u{1b}[0K\r\u{1b}[7C")
    }
}
