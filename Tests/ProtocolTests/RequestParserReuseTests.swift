import Protocol
import XCTest

/// The parser writes a command's arguments into the buffers of the last
/// command's, and whatever a caller still holds is never changed.
final class RequestParserReuseTests: XCTestCase {
    private func command(_ p: inout RequestParser, _ args: [[UInt8]],
                         file: StaticString = #filePath, line: UInt = #line) -> [[UInt8]] {
        let wire = RESPWriter.command(args)
        let (event, consumed) = parseOnce(&p, wire)
        XCTAssertEqual(consumed, wire.count, file: file, line: line)
        guard case .command(let argv) = event else {
            XCTFail("expected a command, got \(event)", file: file, line: line)
            return []
        }
        XCTAssertEqual(argv, args, file: file, line: line)
        return argv
    }

    private let long = [UInt8](repeating: UInt8(ascii: "v"), count: 200)

    func testNextCommandIsWrittenIntoTheLastCommandsBuffers() {
        var p = RequestParser()
        let capacities = command(&p, [b("SET"), b("key"), long]).map(\.capacity)
        // A new buffer for "x" would hold a few bytes; the reused one keeps its 200.
        XCTAssertEqual(command(&p, [b("GET"), b("k"), b("x")]).map(\.capacity), capacities)
    }

    func testBuffersOfALongerCommandServeTheOneAfterAShorterOne() {
        var p = RequestParser()
        let capacities = command(&p, [b("MSET"), b("k1"), long, b("k2"), long]).map(\.capacity)
        _ = command(&p, [b("PING")])
        XCTAssertEqual(command(&p, [b("MSET"), b("a"), b("1"), b("b"), b("2")]).map(\.capacity), capacities)
    }

    func testHeldCommandIsUnchangedByTheNextOne() {
        var p = RequestParser()
        let held = command(&p, [b("SET"), b("first-key"), b("first-value")])
        _ = command(&p, [b("DEL"), b("second"), b("x")])
        _ = command(&p, [b("PING")])
        _ = command(&p, [b("MSET"), b("a"), b("1"), b("b"), b("2")])
        XCTAssertEqual(held, [b("SET"), b("first-key"), b("first-value")])
    }

    func testHeldArgumentIsUnchangedByTheNextCommand() {
        var p = RequestParser()
        let stored = command(&p, [b("SET"), b("k"), b("stored-value")])[2]
        _ = command(&p, [b("SET"), b("k"), b("other-value!")])
        XCTAssertEqual(stored, b("stored-value"))
    }

    func testBigArgumentsAreNotKept() {
        var p = RequestParser()
        let big = [UInt8](repeating: 1, count: RequestParser.maxReusedArgBytes + 1)
        _ = command(&p, [b("SET"), b("k"), big])
        XCTAssertLessThanOrEqual(command(&p, [b("SET"), b("k"), b("v")])[2].capacity, RequestParser.maxReusedArgBytes)
    }

    func testCommandsWithManyArgumentsAreParsedWithoutKeepingThem() {
        var p = RequestParser()
        let many = (0...RequestParser.maxReusedArgs).map { b("argument-\($0)") }
        _ = command(&p, many)
        _ = command(&p, Array(many.reversed()))
        _ = command(&p, [b("GET"), b("k")])
    }

    func testInlineCommandBetweenMultibulkOnes() {
        var p = RequestParser()
        _ = command(&p, [b("SET"), b("k"), long])
        let (event, _) = parseOnce(&p, b("GET k\r\n"))
        XCTAssertEqual(event, .command([b("GET"), b("k")]))
        _ = command(&p, [b("SET"), b("k"), b("v")])
    }

    /// Input split at any byte, each command dropped before the next is read
    /// (as the server does): the same commands come out.
    func testSplitAtEveryByteWithReuse() {
        let commands: [[[UInt8]]] = [
            [b("SET"), b("key"), b("value")],
            [b("MSET"), b("a"), b("1"), b("bb"), b("22"), b("ccc"), b("333")],
            [b("GET"), b("a")],
            [b("ECHO"), [0, 13, 10, 255]],
            [b("PING")],
            [b("SET"), b("key"), [UInt8](repeating: 7, count: RequestParser.maxReusedArgBytes + 5)],
            [b("SET"), b("key"), b("after-big")],
        ]
        let wire = commands.flatMap { RESPWriter.command($0) }
        for split in 0...wire.count {
            var p = RequestParser()
            var buffer: [UInt8] = []
            var seen = 0
            for chunk in [wire[..<split], wire[split...]] {
                buffer += chunk
                while true {
                    let (event, consumed) = parseOnce(&p, buffer)
                    buffer.removeFirst(consumed)
                    guard case .command(let argv) = event else {
                        XCTAssertEqual(event, .needMore, "split at \(split)")
                        break
                    }
                    XCTAssertEqual(argv, commands[seen], "split at \(split)")
                    seen += 1
                }
            }
            XCTAssertEqual(seen, commands.count, "split at \(split)")
        }
    }

    func testResetDropsTheKeptBuffers() {
        var p = RequestParser()
        _ = command(&p, [b("SET"), b("k"), long])
        p.reset()
        XCTAssertLessThan(command(&p, [b("SET"), b("k"), b("v")])[2].capacity, long.count)
    }
}
