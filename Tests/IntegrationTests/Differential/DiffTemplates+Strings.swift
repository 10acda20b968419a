/// String and bitmap command shapes: valid forms with their options, plus
/// invalid options, bad integers/floats, overflow and out-of-range offsets.
extension DiffGenerator {
    mutating func makeString(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        switch rng.int(0..<25) {
        case 0, 1: a = [bytes("GET"), key()]
        case 2, 3, 4:
            let k = key()
            a = [bytes("SET"), k, value()]
            let expiredOnStore = appendSetOptions(&a)
            if expiredOnStore {
                // SET with a past EXAT/PXAT stores an already expired key that
                // DBSIZE counts until the active expire cycle (timing-dependent)
                // finds it. Touch it at once: both servers delete it lazily.
                followUp(DiffCommand(c, .strings, [bytes("EXISTS"), k]))
            }
        case 5: a = [bytes("SETNX"), key(), value()]
        case 6: a = [bytes("SETEX"), key(), relativeOrBad(ms: false), value()]
        case 7: a = [bytes("PSETEX"), key(), relativeOrBad(ms: true), value()]
        case 8: a = [bytes("GETSET"), key(), value()]
        case 9: a = [bytes("GETDEL"), key()]
        case 10:
            a = [bytes("GETEX"), key()]
            appendGetexOptions(&a)
        case 11: a = [bytes("MGET")] + keys(1...4)
        case 12, 13:
            a = [bytes(rng.chance(0.7) ? "MSET" : "MSETNX")]
            for _ in 0..<rng.int(1...3) { a += [key(), value()] }
        case 14: a = [bytes("APPEND"), key(), value()]
        case 15: a = [bytes("STRLEN"), key()]
        case 16: a = [bytes(rng.chance(0.8) ? "GETRANGE" : "SUBSTR"), key(), index(), index()]
        case 17:
            let v = rng.chance(0.2) ? [] : value()
            a = [bytes("SETRANGE"), key(), bytes(rng.pick(Self.setrangeOffsets)), v]
        case 18: a = [bytes(rng.chance(0.5) ? "INCR" : "DECR"), key()]
        case 19, 20: a = [bytes(rng.chance(0.5) ? "INCRBY" : "DECRBY"), key(), int()]
        case 21: a = [bytes("INCRBYFLOAT"), key(), float()]
        case 22:
            a = [bytes("LCS"), key(), key()]
            for _ in 0..<rng.int(0...3) {
                switch rng.int(0..<6) {
                case 0: a.append(bytes("LEN"))
                case 1: a.append(bytes("IDX"))
                case 2: a += [bytes("MINMATCHLEN"), bytes(rng.pick(["0", "1", "2", "4", "-1", "abc"]))]
                case 3: a.append(bytes("WITHMATCHLEN"))
                case 4: a.append(bytes("MINMATCHLEN"))
                default: a.append(word(["idx", "len", "BOGUS"], junkChance: 0.3))
                }
            }
        default:
            // Numeric and LCS-friendly values, so counters and LCS see real input.
            a = [bytes("SET"), key(), bytes(rng.pick(["1", "10", "-5", "100", "9223372036854775806", "-9223372036854775807",
                                                     "1.5", "2.0e2", "ohmytext", "mynewtext", "0"]))]
        }
        return DiffCommand(c, .strings, a)
    }

    /// Appends 0-3 SET options; returns true when the key may be stored already expired.
    private mutating func appendSetOptions(_ a: inout [[UInt8]]) -> Bool {
        var expired = false
        for _ in 0..<rng.weighted([40, 35, 18, 7]) {
            switch rng.int(0..<14) {
            case 0: a.append(bytes(rng.pick(["NX", "nx"])))
            case 1: a.append(bytes(rng.pick(["XX", "xx"])))
            case 2, 3: a.append(bytes("GET"))
            case 4: a.append(bytes("KEEPTTL"))
            case 5, 6: a += [bytes(rng.pick(["EX", "ex"])), bytes(String(relativeSeconds()))]
            case 7: a += [bytes("PX"), bytes(String(relativeSeconds() * 1000 + 7))]
            case 8:
                if rng.chance(0.3) { a += [bytes("EXAT"), bytes(String(pastSeconds()))]; expired = true }
                else { a += [bytes("EXAT"), bytes(String(absoluteSeconds()))] }
            case 9:
                if rng.chance(0.3) { a += [bytes("PXAT"), bytes(String(pastSeconds() * 1000))]; expired = true }
                else { a += [bytes("PXAT"), bytes(String(absoluteSeconds() * 1000 + 3))] }
            case 10: a += [bytes(rng.pick(["EX", "PX", "EXAT", "PXAT"])), bytes(rng.pick(Self.badTimes + ["0", "-5"]))]
            case 11: a.append(bytes(rng.pick(["EX", "PX", "EXAT", "PXAT"])))  // missing value
            case 12: a.append(word(["FOO", "PERSIST", "EXX"], junkChance: 0.3))
            default: a += [bytes("EX"), bytes(String(relativeSeconds())), bytes("PX"), bytes("100000")]
            }
        }
        return expired
    }

    private mutating func appendGetexOptions(_ a: inout [[UInt8]]) {
        switch rng.int(0..<12) {
        case 0, 1: break
        case 2: a += [bytes("EX"), bytes(String(relativeSeconds()))]
        case 3: a += [bytes("PX"), bytes(String(relativeSeconds() * 1000 + 7))]
        case 4: a += [bytes("EXAT"), bytes(String(rng.chance(0.3) ? pastSeconds() : absoluteSeconds()))]
        case 5: a += [bytes("PXAT"), bytes(String((rng.chance(0.3) ? pastSeconds() : absoluteSeconds()) * 1000))]
        case 6, 7: a.append(bytes(rng.pick(["PERSIST", "persist"])))
        case 8: a += [bytes(rng.pick(["EX", "PX", "EXAT", "PXAT"])), bytes(rng.pick(Self.badTimes + ["0", "-1"]))]
        case 9: a += [bytes("EX"), bytes("100"), bytes("PERSIST")]
        case 10: a.append(word(["EX", "FOO", "KEEPTTL"], junkChance: 0.3))
        default: a += [bytes("PERSIST"), bytes("PX"), bytes("5000")]
        }
    }

    private mutating func relativeOrBad(ms: Bool) -> [UInt8] {
        if rng.chance(0.75) {
            let s = relativeSeconds()
            return bytes(String(ms ? s * 1000 + 7 : s))
        }
        return bytes(rng.pick(Self.badTimes + ["0", "-1", "-100"]))
    }

    // MARK: bitmaps

    static let bitfieldTypes = ["u1", "i1", "u8", "i8", "u16", "i16", "i32", "u32", "i64", "u63", "u64", "i65", "x8",
                                "u0", "i0", "U8", "u"]
    static let bitfieldOffsets = ["0", "1", "7", "#0", "#1", "#3", "-1", "#-1", "abc", "100", "4294967296", "#", "13"]

    mutating func makeBitmap(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        func bitOffset(_ g: inout DiffGenerator) -> [UInt8] { bytes(g.rng.pick(Self.bitOffsets)) }
        switch rng.int(0..<13) {
        case 0, 1, 2: a = [bytes("SETBIT"), key(), bitOffset(&self), bytes(rng.pick(["0", "1", "1", "2", "x", "", "-1"]))]
        case 3, 4: a = [bytes("GETBIT"), key(), bitOffset(&self)]
        case 5, 6:
            a = [bytes("BITCOUNT"), key()]
            if rng.chance(0.7) {
                a += [index(), index()]
                if rng.chance(0.5) { a.append(word(["BYTE", "BIT", "bit", "WORD"])) }
            } else if rng.chance(0.3) {
                a.append(index())
            }
        case 7, 8:
            a = [bytes("BITPOS"), key(), bytes(rng.pick(["0", "1", "2", "x"]))]
            if rng.chance(0.7) { a.append(index()) }
            if a.count == 4 && rng.chance(0.6) { a.append(index()) }
            if a.count == 5 && rng.chance(0.5) { a.append(word(["BYTE", "BIT", "bits"])) }
        case 9:
            let op = word(["AND", "OR", "XOR", "NOT", "and", "NAND"], junkChance: 0.05)
            a = [bytes("BITOP"), op, key()]
            a += keys(op == bytes("NOT") && rng.chance(0.8) ? 1...1 : 1...3)
        case 10, 11:
            a = [bytes(rng.chance(0.8) ? "BITFIELD" : "BITFIELD_RO"), key()]
            for _ in 0..<rng.int(0...4) {
                let type = bytes(rng.pick(Self.bitfieldTypes)), off = bytes(rng.pick(Self.bitfieldOffsets))
                switch rng.int(0..<9) {
                case 0, 1: a += [bytes("GET"), type, off]
                case 2, 3: a += [bytes("SET"), type, off, int()]
                case 4, 5: a += [bytes("INCRBY"), type, off, int()]
                case 6: a += [bytes("OVERFLOW"), word(["WRAP", "SAT", "FAIL", "sat", "BAD"])]
                case 7: a += [bytes(rng.pick(["GET", "SET", "INCRBY"])), type]  // too few
                default: a.append(word(["FOO", "OVERFLOW"], junkChance: 0.3))
                }
            }
        default:
            a = [bytes("SET"), key(), rng.pick([[0xFF, 0xF0, 0x00], [0x00, 0x00, 0x01], bytes("foobar"), [0x80], [],
                                                [0x00, 0xFF, 0x00, 0xFF, 0x00, 0x0F]])]
        }
        return DiffCommand(c, .bitmaps, a)
    }
}
