import Protocol
import TestSupport
import XCTest

/// Input split anywhere must give the same commands: the parser keeps finished
/// arguments across calls and the caller drops the consumed bytes.
final class RequestParserSplitTests: XCTestCase {
    /// A pipeline mixing every request shape, and the commands it must yield.
    private static func mixedPipeline(bigBulk: Int) -> (input: [UInt8], expected: [RequestOutcome]) {
        var input: [UInt8] = []
        var expected: [RequestOutcome] = []
        func add(_ bytes: [UInt8], _ outcome: RequestOutcome?) {
            input += bytes
            if let o = outcome { expected.append(o) }
        }
        let binary: [UInt8] = [13, 10, 0, 255, 13, 10, 36, 49, 13, 10, 42, 13]
        add(RESPWriter.command([b("SET"), b("bin"), binary]), .command([b("SET"), b("bin"), binary]))
        add(b("\r\n"), nil)
        add(b("ECHO \"a\\r\\n b\" 'c d' \"\\x00\\xff\"\r\n"), .command([b("ECHO"), b("a\r\n b"), b("c d"), [0, 255]]))
        add(b("*0\r\n"), nil)
        add(RESPWriter.command([b("SET"), b("empty"), []]), .command([b("SET"), b("empty"), []]))
        add(b("\n"), nil)
        add(b("*-1\r\n"), nil)
        add(b("PING\n"), cmd("PING"))
        if bigBulk > 0 {
            var big = [UInt8](repeating: 0, count: bigBulk)
            var rng = SeededRandom(seed: 7)
            for i in 0..<bigBulk { big[i] = i % 97 == 0 ? 13 : (i % 89 == 0 ? 10 : rng.byte()) }
            add(RESPWriter.command([b("SET"), b("big"), big]), .command([b("SET"), b("big"), big]))
        }
        add(b("   \t\r\n"), nil)
        add(RESPWriter.command(["MSET", "k1", "v1", "k2", "v2"]), cmd("MSET", "k1", "v1", "k2", "v2"))
        add(b("GET k1\r\n"), cmd("GET", "k1"))
        return (input, expected)
    }

    private func check(_ input: [UInt8], split points: [Int], expected: [RequestOutcome], context: String,
                       capacity: Int = 64, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        for p in points { chunks.append(input[start..<p]); start = p }
        chunks.append(input[start...])
        var conn = RequestConnection(capacity: capacity)
        for c in chunks { conn.feed(c) }
        let ok = conn.violations.isEmpty && sameOutcomes(conn.outcomes, expected) && conn.consumedTotal == input.count
            && !conn.parser.inMultibulk
        if !ok {
            XCTFail("\(context): split at \(points): violations \(conn.violations), consumed \(conn.consumedTotal)/\(input.count), "
                + "got \(conn.outcomes.map(\.description)) expected \(expected.map(\.description))", file: file, line: line)
        }
        return ok
    }

    func testWholeMixedPipelineParses() {
        let (input, expected) = Self.mixedPipeline(bigBulk: 100 * 1024)
        XCTAssertTrue(check(input, split: [], expected: expected, context: "whole"))
    }

    func testEverySingleSplitPointOfSmallPipeline() {
        let (input, expected) = Self.mixedPipeline(bigBulk: 0)
        for i in 0...input.count where !check(input, split: [i], expected: expected, context: "small") { return }
    }

    func testEveryPairOfSplitPointsOfSmallPipeline() {
        let (input, expected) = Self.mixedPipeline(bigBulk: 0)
        for i in 0...input.count {
            for j in i...input.count where !check(input, split: [i, j], expected: expected, context: "small pair") { return }
        }
    }

    func testEverySplitPointOfPipelineWithA100KBBulk() {
        let (input, expected) = Self.mixedPipeline(bigBulk: 100 * 1024)
        // One connection reused with a pre-grown buffer, so the 100 K cases stay cheap in debug builds.
        var conn = RequestConnection(capacity: input.count + 64)
        for i in 0...input.count {
            conn.reset(parser: RequestParser())
            conn.feed(input[0..<i])
            conn.feed(input[i...])
            if !(conn.violations.isEmpty && sameOutcomes(conn.outcomes, expected) && conn.consumedTotal == input.count) {
                XCTFail("split at \(i): violations \(conn.violations), consumed \(conn.consumedTotal)/\(input.count), "
                    + "got \(conn.outcomes.count) outcomes: \(conn.outcomes.map(\.description))")
                return
            }
        }
    }

    func testByteAtATime() {
        let (input, expected) = Self.mixedPipeline(bigBulk: 100 * 1024)
        var conn = RequestConnection()
        for i in 0..<input.count { conn.feed(input[i..<(i + 1)]) }
        XCTAssertEqual(conn.violations, [])
        XCTAssertTrue(sameOutcomes(conn.outcomes, expected))
        XCTAssertEqual(conn.consumedTotal, input.count)
    }

    func testRandomChunkings() {
        let (input, expected) = Self.mixedPipeline(bigBulk: 100 * 1024)
        let seed = fuzzSeed(default: 0x5EED_0001)
        var rng = SeededRandom(seed: seed)
        for round in 0..<150 {
            // Small buffers exercise compaction and growth; a large one skips both.
            let capacity = [16, 4096, input.count + 16][round % 3]
            var points: [Int] = []
            var p = 0
            while true {
                // Mostly tiny chunks, sometimes socket-sized ones.
                let size: Int
                switch rng.below(4) {
                case 0: size = 1 + rng.below(3)
                case 1: size = 1 + rng.below(40)
                case 2: size = 1 + rng.below(4096)
                default: size = 1 + rng.below(40000)
                }
                p += size
                if p >= input.count { break }
                points.append(p)
            }
            if !check(input, split: points, expected: expected, context: "seed \(seed) round \(round)", capacity: capacity) {
                return
            }
        }
    }

    /// The consumed-bytes contract, step by step: finished arguments are
    /// consumed and kept, the caller must pass only the rest next time.
    func testConsumedBytesContract() {
        var p = RequestParser()
        // Header and first argument complete, second header incomplete.
        var r = parseOnce(&p, b("*2\r\n$3\r\nGET\r\n$5\r"))
        XCTAssertEqual(r.event, .needMore)
        XCTAssertEqual(r.consumed, 13)
        XCTAssertTrue(p.inMultibulk)
        // Header complete, payload incomplete: the header is consumed.
        r = parseOnce(&p, b("$5\r\nhel"))
        XCTAssertEqual(r.event, .needMore)
        XCTAssertEqual(r.consumed, 4)
        // Payload without its trailing CRLF still waits, consuming nothing.
        r = parseOnce(&p, b("hello"))
        XCTAssertEqual(r.event, .needMore)
        XCTAssertEqual(r.consumed, 0)
        r = parseOnce(&p, b("hello\r"))
        XCTAssertEqual(r.event, .needMore)
        XCTAssertEqual(r.consumed, 0)
        r = parseOnce(&p, b("hello\r\nPING\r\n"))
        XCTAssertEqual(r.event, .command([b("GET"), b("hello")]))
        XCTAssertEqual(r.consumed, 7)
        XCTAssertFalse(p.inMultibulk)
        r = parseOnce(&p, b("PING\r\n"))
        XCTAssertEqual(r.event, .command([b("PING")]))
        XCTAssertEqual(r.consumed, 6)
    }

    func testIncompleteMultibulkHeaderConsumesNothing() {
        var p = RequestParser()
        for prefix in ["*", "*2", "*2\r"] {
            let r = parseOnce(&p, b(prefix))
            XCTAssertEqual(r.event, .needMore, prefix)
            XCTAssertEqual(r.consumed, 0, prefix)
            XCTAssertFalse(p.inMultibulk, prefix)
        }
    }

    func testCommandConsumesExactlyItsOwnBytes() {
        var p = RequestParser()
        let first = RESPWriter.command(["SET", "k", "v"])
        let r = parseOnce(&p, first + b("*1\r\n$4\r\nPI"))
        XCTAssertEqual(r.event, .command([b("SET"), b("k"), b("v")]))
        XCTAssertEqual(r.consumed, first.count)
    }

    func testByteBufferDropsConsumedBytesAcrossCompaction() {
        // A small buffer forces compaction while a multibulk is half parsed.
        var conn = RequestConnection(capacity: 16)
        let input = RESPWriter.command(["SET", String(repeating: "k", count: 50), String(repeating: "v", count: 70)])
        for i in stride(from: 0, to: input.count, by: 7) { conn.feed(input[i..<min(i + 7, input.count)]) }
        XCTAssertEqual(conn.outcomes, [cmd("SET", String(repeating: "k", count: 50), String(repeating: "v", count: 70))])
        XCTAssertTrue(conn.buffer.isEmpty)
    }
}
