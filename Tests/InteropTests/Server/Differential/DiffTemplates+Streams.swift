/// Stream command shapes on the shared key space. IDs are explicit or
/// `ms-*` (never `*`: a generated ID is each server's clock); a counter keeps
/// most XADDs above the top item. Idle and absolute times in replies are
/// compared within a tolerance (`.streamTimes`); min-idle arguments are 0 or
/// far from any idle time a run produces, so filters never hinge on a millisecond.
extension DiffGenerator {
    static let streamFields = ["a", "b", "f", "", "1", String(repeating: "s", count: 70)]
    static let groupNames = ["g1", "g2", "g1", "G1"]
    static let consumerNames = ["c1", "c2", "c3", "c1"]
    static let streamCounts = ["0", "1", "2", "3", "10", "-1", "abc", "9223372036854775807", "-9223372036854775808", ""]
    static let streamIdles = ["0", "-5", "3600000", "abc", "9223372036854775807"]

    mutating func streamID() -> [UInt8] {
        switch rng.int(0..<12) {
        case 0: return asBytes(rng.pick(["0", "0-0", "0-1", "1", "1-1", "2-0"]))
        case 1: return asBytes(rng.pick(["-", "+", "(0-0", "(1-1", "(", "18446744073709551615-18446744073709551615",
                                         "18446744073709551616", "1-18446744073709551615", "abc", "", "5-", "-5", " 3-1",
                                         "+3", "3-*", "$", ">"]))
        default: return asBytes("\(rng.int(0...(streamMs + 1)))-\(rng.int(0...3))")
        }
    }

    mutating func newStreamID() -> [UInt8] {
        if rng.chance(0.85) { streamMs += 1 }
        switch rng.int(0..<10) {
        case 0: return asBytes("\(streamMs)-*")
        case 1: return streamID()
        case 2: return asBytes("\(streamMs)")
        default: return asBytes("\(streamMs)-\(rng.int(0...2))")
        }
    }

    mutating func trimArgs(xadd: Bool) -> [[UInt8]] {
        var a: [[UInt8]] = []
        if xadd && rng.chance(0.1) { a.append(asBytes("NOMKSTREAM")) }
        guard rng.chance(xadd ? 0.3 : 0.95) else { return a }
        let maxlen = rng.chance(0.6)
        a.append(asBytes(maxlen ? "MAXLEN" : "MINID"))
        switch rng.int(0..<3) {
        case 0: a.append(asBytes("~"))
        case 1: a.append(asBytes("="))
        default: break
        }
        a.append(maxlen ? asBytes(rng.pick(["0", "1", "2", "5", "50", "-1", "abc"])) : streamID())
        if rng.chance(0.2) { a += [asBytes("LIMIT"), asBytes(rng.pick(["0", "1", "10", "-1", "x"]))] }
        if rng.chance(0.05) { a.insert(asBytes(rng.pick(["MAXLEN", "MINID", "LIMIT", "FOO"])), at: rng.int(0...a.count)) }
        return a
    }

    mutating func makeStream(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        var compare = DiffCompare.exact
        let g = asBytes(rng.pick(Self.groupNames)), consumer = asBytes(rng.pick(Self.consumerNames))
        switch rng.int(0..<26) {
        case 0, 1, 2, 3, 4:
            a = [asBytes("XADD"), key()] + trimArgs(xadd: true) + [newStreamID()]
            for _ in 0..<rng.weighted([60, 30, 10]) + 1 {
                a += [asBytes(rng.pick(Self.streamFields)), value()]
            }
            if rng.chance(0.05) { a.removeLast() }
        case 5: a = [asBytes("XLEN"), key()]
        case 6, 7:
            a = [asBytes(rng.pick(["XRANGE", "XREVRANGE"])), key(), streamID(), streamID()]
            if rng.chance(0.4) { a = [a[0], a[1], asBytes(rng.pick(["-", "+"])), asBytes(rng.pick(["+", "-"]))] }
            if rng.chance(0.4) { a += [asBytes("COUNT"), asBytes(rng.pick(Self.streamCounts))] }
        case 8: a = [asBytes("XDEL"), key()] + (0..<rng.int(1...3)).map { _ in streamID() }
        case 9: a = [asBytes("XTRIM"), key()] + trimArgs(xadd: false)
        case 10:
            a = [asBytes("XSETID"), key(), streamID()]
            if rng.chance(0.3) { a += [asBytes("ENTRIESADDED"), asBytes(rng.pick(["0", "1", "5", "100", "-1", "x"]))] }
            if rng.chance(0.3) { a += [asBytes("MAXDELETEDID"), streamID()] }
        case 11:
            a = [asBytes("XINFO"), asBytes("STREAM"), key()]
            if rng.chance(0.3) {
                a.append(word(["FULL"], junkChance: 0.1))
                if rng.chance(0.4) { a += [asBytes("COUNT"), asBytes(rng.pick(Self.streamCounts))] }
                compare = .streamTimes
            }
        case 12: a = [asBytes("XINFO"), asBytes("GROUPS"), key()]
        case 13: a = [asBytes("XINFO"), asBytes("CONSUMERS"), key(), g]; compare = .streamTimes
        case 14:
            a = [asBytes("XGROUP"), asBytes("CREATE"), key(), g, rng.chance(0.3) ? asBytes("$") : streamID()]
            if rng.chance(0.3) { a.append(asBytes("MKSTREAM")) }
            if rng.chance(0.2) { a += [asBytes("ENTRIESREAD"), asBytes(rng.pick(["0", "1", "-1", "-2", "3", "x"]))] }
        case 15:
            switch rng.int(0..<5) {
            case 0:
                a = [asBytes("XGROUP"), asBytes("SETID"), key(), g, rng.chance(0.3) ? asBytes("$") : streamID()]
                if rng.chance(0.3) { a += [asBytes("ENTRIESREAD"), asBytes(rng.pick(["0", "2", "-1", "-3"]))] }
            case 1: a = [asBytes("XGROUP"), asBytes("DESTROY"), key(), g]
            case 2: a = [asBytes("XGROUP"), asBytes("CREATECONSUMER"), key(), g, consumer]
            case 3: a = [asBytes("XGROUP"), asBytes("DELCONSUMER"), key(), g, consumer]
            default: a = [asBytes("XGROUP"), word(["HELP", "FOO"])]
            }
        case 16, 17, 18:
            a = [asBytes("XREADGROUP"), asBytes("GROUP"), g, consumer]
            if rng.chance(0.4) { a += [asBytes("COUNT"), asBytes(rng.pick(Self.streamCounts))] }
            if rng.chance(0.2) { a.append(asBytes("NOACK")) }
            if inMulti[c] && rng.chance(0.3) { a += [asBytes("BLOCK"), asBytes(rng.pick(["0", "100"]))] }
            let keys = rng.chance(0.8) ? [key()] : [key(), key()]
            a.append(asBytes("STREAMS"))
            a += keys
            a += keys.map { _ in rng.chance(0.6) ? asBytes(">") : streamID() }
        case 19:
            a = [asBytes("XREAD")]
            if rng.chance(0.4) { a += [asBytes("COUNT"), asBytes(rng.pick(Self.streamCounts))] }
            if inMulti[c] && rng.chance(0.3) { a += [asBytes("BLOCK"), asBytes(rng.pick(["0", "100", "-1"]))] }
            if rng.chance(0.05) { a.append(word(["GROUP", "NOACK", "FOO"])) }
            let keys = rng.chance(0.8) ? [key()] : [key(), key()]
            a.append(asBytes("STREAMS"))
            a += keys
            a += keys.map { _ in rng.chance(0.2) ? asBytes("$") : streamID() }
        case 20: a = [asBytes("XACK"), key(), g] + (0..<rng.int(1...3)).map { _ in streamID() }
        case 21:
            a = [asBytes("XPENDING"), key(), g]
            if rng.chance(0.6) {
                if rng.chance(0.3) { a += [asBytes("IDLE"), asBytes(rng.pick(Self.streamIdles))] }
                a += [streamID(), streamID(), asBytes(rng.pick(Self.streamCounts))]
                if rng.chance(0.4) { a.append(consumer) }
                compare = .streamTimes
            }
        case 22:
            a = [asBytes("XCLAIM"), key(), g, consumer, asBytes(rng.pick(Self.streamIdles))]
            a += (0..<rng.int(1...3)).map { _ in streamID() }
            for _ in 0..<rng.weighted([40, 40, 20]) {
                switch rng.int(0..<7) {
                case 0: a += [asBytes("IDLE"), asBytes(rng.pick(["0", "1000000", "-5", "x"]))]
                case 1: a += [asBytes("TIME"), asBytes(rng.pick(["0", "1", "99999999999999", "x"]))]
                case 2: a += [asBytes("RETRYCOUNT"), asBytes(rng.pick(["0", "5", "-1", "x"]))]
                case 3: a.append(asBytes("FORCE"))
                case 4: a.append(asBytes("JUSTID"))
                case 5: a += [asBytes("LASTID"), streamID()]
                default: a.append(junk())
                }
            }
        case 23:
            a = [asBytes("XAUTOCLAIM"), key(), g, consumer, asBytes(rng.pick(Self.streamIdles)), streamID()]
            if rng.chance(0.5) { a += [asBytes("COUNT"), asBytes(rng.pick(Self.streamCounts))] }
            if rng.chance(0.3) { a.append(asBytes("JUSTID")) }
        case 24: a = [asBytes(rng.pick(["TYPE", "OBJECT"])), key()]; if a[0] == asBytes("OBJECT") { a.insert(asBytes("ENCODING"), at: 1) }
        default: a = [asBytes("XINFO"), word(["HELP", "FOO", "STREAM"])]
        }
        return DiffCommand(c, .streams, a, compare: compare)
    }
}
