import Foundation
import Protocol
import TestSupport
import XCTest

/// Seeded fuzzing of both parsers. A failure prints the seed and the case
/// number (set VIGIL_FUZZ_SEED to replay or explore) plus the input bytes.
/// Frames are small on purpose: the budget is per-frame cost, not count.
final class FuzzTests: XCTestCase {
    private static let protocolErrors: Set<String> = [
        "invalid multibulk length", "invalid bulk length", "too big mbulk count string",
        "too big bulk count string", "too big inline request", "unbalanced quotes in request",
        "unauthenticated multibulk length", "unauthenticated bulk length",
        "Master using the inline protocol. Desync?",
    ]

    /// Printed before running: a trap in the parser kills the process
    /// before any XCTFail could name the seed.
    private func announce(_ seed: UInt64) {
        FileHandle.standardError.write(Data("\(name) fuzz seed \(seed) (VIGIL_FUZZ_SEED=\(seed) replays it)\n".utf8))
    }

    private static func isKnownError(_ m: String) -> Bool {
        protocolErrors.contains(m) || (m.hasPrefix("expected '$', got '") && m.hasSuffix("'") && m.count == 21)
    }

    /// Problems with one connection's outcome, or nil if it is well-formed.
    private static func wellFormed(_ conn: RequestConnection, parser: RequestParser, inputCount: Int) -> String? {
        if !conn.violations.isEmpty { return "violations \(conn.violations)" }
        if conn.consumedTotal > inputCount { return "consumed \(conn.consumedTotal) of \(inputCount)" }
        var argBytes = 0
        var commandIndex = 0
        for (i, o) in conn.outcomes.enumerated() {
            switch o {
            case .error(let m):
                if i != conn.outcomes.count - 1 { return "outcome after an error" }
                if !isKnownError(m) { return "unknown error text '\(m)'" }
            case .command(let args):
                if args.isEmpty { return "empty command" }
                let isMultibulk = conn.multibulk[commandIndex]
                commandIndex += 1
                for a in args { argBytes += a.count }
                if isMultibulk {
                    if !parser.isMaster && args.contains(where: { $0.count > parser.maxBulkLength }) {
                        return "argument above maxBulkLength"
                    }
                    if parser.authRequired && (args.count > ProtocolLimits.unauthenticatedMaxMultibulk
                        || args.contains(where: { $0.count > ProtocolLimits.unauthenticatedMaxBulk })) {
                        return "unauthenticated limits exceeded"
                    }
                } else if parser.isMaster {
                    return "inline command accepted from the master"
                }
            }
        }
        if argBytes > conn.consumedTotal { return "arguments hold more bytes than were consumed" }
        return nil
    }

    private static func randomParser(_ rng: inout SeededRandom) -> RequestParser {
        let limits = [ProtocolLimits.defaultMaxBulkLength, 16, 1024, 3]
        var p = RequestParser(maxBulkLength: limits[rng.below(limits.count)])
        p.authRequired = rng.chance(percent: 20)
        p.isMaster = rng.chance(percent: 5)
        return p
    }

    /// Distinct random frames; fuzz cases combine and mutate them, so
    /// generation cost does not dominate a million frames.
    private static let poolSize = 20_000

    /// Mutated (and some intact) pipelines of small requests through a
    /// server-style connection. Each input is parsed whole and in random
    /// chunks: with inputs far below the 64 KiB limits the outcome must not
    /// depend on how the bytes arrived.
    func testRequestParserSurvivesMutatedPipelines() {
        let seed = fuzzSeed(default: 0xF022_0001)
        announce(seed)
        var rng = SeededRandom(seed: seed)
        let pool = (0..<Self.poolSize).map { _ in rng.requestFrame() }
        var whole = RequestConnection(capacity: 512)
        var chunked = RequestConnection(capacity: 16)
        var frames = 0, cases = 0, commands = 0, errors = 0
        while frames < 1_000_000 {
            cases += 1
            let parser = Self.randomParser(&rng)
            var input: [UInt8] = []
            var intended: [RequestOutcome] = []
            for _ in 0..<(1 + rng.below(4)) {
                let f = pool[rng.below(pool.count)]
                input += f.bytes
                if let a = f.args { intended.append(.command(a)) }
                frames += 1
            }
            let mutated = rng.chance(percent: 80)
            if mutated { rng.mutate(&input) }

            whole.reset(parser: parser)
            whole.feed(input)
            chunked.reset(parser: parser)
            var start = 0
            for cut in rng.cuts(input.count) { chunked.feed(input[start..<cut]); start = cut }
            chunked.feed(input[start...])

            var problem = Self.wellFormed(whole, parser: parser, inputCount: input.count)
                ?? Self.wellFormed(chunked, parser: parser, inputCount: input.count)
            if problem == nil && !sameOutcomes(whole.outcomes, chunked.outcomes) {
                problem = "chunked \(chunked.outcomes) differs from whole \(whole.outcomes)"
            }
            let plainRequests = !parser.isMaster && !parser.authRequired && parser.maxBulkLength >= 1024
            if problem == nil && !mutated && plainRequests {
                if !sameOutcomes(whole.outcomes, intended) || whole.consumedTotal != input.count {
                    problem = "intact input gave \(whole.outcomes), expected \(intended)"
                }
            }
            if let problem {
                XCTFail("seed \(seed) case \(cases) (maxBulk \(parser.maxBulkLength), auth \(parser.authRequired), "
                    + "master \(parser.isMaster)): \(problem)\ninput: \(show(input))")
                return
            }
            for o in whole.outcomes {
                if case .error = o { errors += 1 } else { commands += 1 }
            }
        }
        print("request fuzz seed \(seed): \(frames) frames in \(cases) connections, \(commands) commands, \(errors) protocol errors")
        XCTAssertGreaterThan(commands, 100_000)
        XCTAssertGreaterThan(errors, 50_000)
    }

    /// Mutated (and some intact) reply streams, parsed one reply after
    /// another as a client does. Any prefix must agree with the whole input.
    func testReplyParserSurvivesMutatedReplies() {
        let seed = fuzzSeed(default: 0xF022_0002)
        announce(seed)
        var rng = SeededRandom(seed: seed)
        let parser = ReplyParser()
        let pool = (0..<Self.poolSize).map { _ in rng.replyFrame() }
        var frames = 0, cases = 0, values = 0, thrown = 0
        while frames < 1_000_000 {
            cases += 1
            var input: [UInt8] = []
            var intended: [RESPValue] = []
            for _ in 0..<(1 + rng.below(3)) {
                let f = pool[rng.below(pool.count)]
                input += f.bytes
                intended.append(f.value)
                frames += 1
            }
            let mutated = rng.chance(percent: 80)
            if mutated { rng.mutate(&input) }

            var problem: String?
            var pos = 0
            var index = 0
            var first: Result<(value: RESPValue, consumed: Int)?, Error>?
            while pos < input.count {
                let r = Result { try input.withUnsafeBytes { try parser.parse(UnsafeRawBufferPointer(rebasing: $0[pos...])) } }
                if first == nil { first = r }
                guard case .success(let parsed) = r else {
                    thrown += 1
                    if !mutated { problem = "intact input threw \(r)" }
                    break
                }
                guard let (v, n) = parsed else {
                    if !mutated { problem = "intact input incomplete at \(pos)" }
                    break
                }
                if n <= 0 || n > input.count - pos { problem = "consumed \(n) of \(input.count - pos)"; break }
                if !mutated && !sameValue(v, intended[index]) { problem = "reply \(index) is \(v), expected \(intended[index])" }
                values += 1
                index += 1
                pos += n
            }
            if problem == nil && !mutated && index != intended.count { problem = "parsed \(index) of \(intended.count) replies" }

            // A prefix may only be incomplete or agree with the whole input.
            if problem == nil, cases % 2 == 0, let first {
                let cut = rng.below(input.count + 1)
                let r = Result { try input.withUnsafeBytes { try parser.parse(UnsafeRawBufferPointer(rebasing: $0[0..<cut])) } }
                switch (r, first) {
                case (.success(nil), .success(.some(let w))) where w.consumed <= cut:
                    problem = "prefix \(cut) incomplete but the whole input parsed in \(w.consumed)"
                case (.success(.some(let p)), .success(.some(let w))):
                    if p.consumed != w.consumed || !sameValue(p.value, w.value) { problem = "prefix \(cut) parsed differently" }
                case (.success(.some), _):
                    problem = "prefix \(cut) parsed but the whole input did not"
                case (.failure, .success(let w)):
                    problem = "prefix \(cut) threw but the whole input gave \(String(describing: w))"
                default: break
                }
            }
            if let problem {
                XCTFail("seed \(seed) case \(cases): \(problem)\ninput: \(show(input))")
                return
            }
        }
        print("reply fuzz seed \(seed): \(frames) frames in \(cases) streams, \(values) replies, \(thrown) malformed")
        XCTAssertGreaterThan(values, 300_000)
        XCTAssertGreaterThan(thrown, 50_000)
    }

    /// Random valid pipelines (inline with every quoting style, multibulk with
    /// binary and larger bulks, skipped lines) in random chunks: the parser
    /// must return exactly the generator's arguments.
    func testRequestParserOutputEqualsGeneratorIntent() {
        let seed = fuzzSeed(default: 0xF022_0003)
        announce(seed)
        var rng = SeededRandom(seed: seed)
        var conn = RequestConnection(capacity: 64)
        var frames = 0
        for pipeline in 0..<15_000 {
            var input: [UInt8] = []
            var intended: [RequestOutcome] = []
            var skips = 0
            for _ in 0..<(1 + rng.below(10)) {
                let f = rng.requestFrame(bigBulks: true)
                input += f.bytes
                if let a = f.args { intended.append(.command(a)) } else { skips += 1 }
                frames += 1
            }
            conn.reset(parser: RequestParser())
            var start = 0
            for cut in rng.cuts(input.count) + (rng.chance(percent: 10) ? Array(stride(from: 0, through: input.count, by: 1 + rng.below(5))) : []) {
                if cut < start { continue }
                conn.feed(input[start..<cut])
                start = cut
            }
            conn.feed(input[start...])
            if !conn.violations.isEmpty || !sameOutcomes(conn.outcomes, intended) || conn.skipped != skips
                || conn.consumedTotal != input.count || conn.parser.inMultibulk {
                XCTFail("seed \(seed) pipeline \(pipeline): violations \(conn.violations), skipped \(conn.skipped)/\(skips), "
                    + "consumed \(conn.consumedTotal)/\(input.count)\ngot      \(conn.outcomes)\nexpected \(intended)\n"
                    + "input: \(show(input, limit: 2000))")
                return
            }
        }
        print("request comparison fuzz seed \(seed): \(frames) frames")
    }

    /// Random replies through RESPWriter in both protocols: RESP3 reads back
    /// the value, RESP2 its degraded form (resp.md §1).
    func testRESPWriterOutputParsesBackToTheWrittenValue() throws {
        let seed = fuzzSeed(default: 0xF022_0004)
        announce(seed)
        var rng = SeededRandom(seed: seed)
        for i in 0..<30_000 {
            let v = Self.writable(rng.replyFrame().value)
            let proto = rng.chance(percent: 50) ? 3 : 2
            var w = RESPWriter(proto: proto)
            w.value(v)
            let expected = proto == 3 ? ReplyParserTests.asRESP3(v) : ReplyParserTests.asRESP2(v)
            let parsed = try ReplyParser().parse(w.bytes)
            guard let parsed, parsed.consumed == w.bytes.count, sameValue(parsed.value, expected) else {
                XCTFail("seed \(seed) value \(i) proto \(proto): \(v) wrote \(show(w.bytes)) and read \(String(describing: parsed))")
                return
            }
        }
    }

    /// Error replies are single lines: blob errors with CR or LF cannot be
    /// written as `-` lines, so they are replaced for the writer fuzz.
    private static func writable(_ v: RESPValue) -> RESPValue {
        switch v {
        case .error(let e) where e.contains(13) || e.contains(10): return .err("ERR replaced")
        case .array(.some(let a)): return .array(a.map(writable))
        case .map(let a): return .map(a.map(writable))
        case .set(let a): return .set(a.map(writable))
        case .push(let a): return .push(a.map(writable))
        default: return v
        }
    }
}
