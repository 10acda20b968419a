/// String and bitmap command shapes: valid forms with their options, plus
/// invalid options, bad integers/floats, overflow and out-of-range offsets.
extension DiffGenerator {
    mutating func makeString(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        switch rng.int(0..<25) {
        case 0, 1: a = [asBytes("GET"), key()]
        case 2, 3, 4:
            let k = key()
            a = [asBytes("SET"), k, value()]
            let expiredOnStore = appendSetOptions(&a)
            if expiredOnStore {
                // SET with a past EXAT/PXAT stores an already expired key that
                // DBSIZE counts until the active expire cycle (timing-dependent)
                // finds it. Touch it at once: both servers delete it lazily.
                followUp(DiffCommand(c, .strings, [asBytes("EXISTS"), k]))
            }
        case 5: a = [asBytes("SETNX"), key(), value()]
        case 6: a = [asBytes("SETEX"), key(), relativeOrBad(ms: false), value()]
        case 7: a = [asBytes("PSETEX"), key(), relativeOrBad(ms: true), value()]
        case 8: a = [asBytes("GETSET"), key(), value()]
        case 9: a = [asBytes("GETDEL"), key()]
        case 10:
            a = [asBytes("GETEX"), key()]
            appendGetexOptions(&a)
        case 11: a = [asBytes("MGET")] + keys(1...4)
        case 12, 13:
            a = [asBytes(rng.chance(0.7) ? "MSET" : "MSETNX")]
            for _ in 0..<rng.int(1...3) { a += [key(), value()] }
        case 14: a = [asBytes("APPEND"), key(), value()]
        case 15: a = [asBytes("STRLEN"), key()]
        case 16: a = [asBytes(rng.chance(0.8) ? "GETRANGE" : "SUBSTR"), key(), index(), index()]
        case 17:
            let v = rng.chance(0.2) ? [] : value()
            a = [asBytes("SETRANGE"), key(), asBytes(rng.pick(Self.setrangeOffsets)), v]
        case 18: a = [asBytes(rng.chance(0.5) ? "INCR" : "DECR"), key()]
        case 19, 20: a = [asBytes(rng.chance(0.5) ? "INCRBY" : "DECRBY"), key(), int()]
        case 21: a = [asBytes("INCRBYFLOAT"), key(), float()]
        case 22:
            a = [asBytes("LCS"), key(), key()]
            for _ in 0..<rng.int(0...3) {
                switch rng.int(0..<6) {
                case 0: a.append(asBytes("LEN"))
                case 1: a.append(asBytes("IDX"))
                case 2: a += [asBytes("MINMATCHLEN"), asBytes(rng.pick(["0", "1", "2", "4", "-1", "abc"]))]
                case 3: a.append(asBytes("WITHMATCHLEN"))
                case 4: a.append(asBytes("MINMATCHLEN"))
                default: a.append(word(["idx", "len", "BOGUS"], junkChance: 0.3))
                }
            }
        default:
            // Numeric and LCS-friendly values, so counters and LCS see real input.
            a = [asBytes("SET"), key(), asBytes(rng.pick(["1", "10", "-5", "100", "9223372036854775806", "-9223372036854775807",
                                                     "1.5", "2.0e2", "ohmytext", "mynewtext", "0"]))]
        }
        return DiffCommand(c, .strings, a)
    }

    /// Appends 0-3 SET options; returns true when the key may be stored already expired.
    private mutating func appendSetOptions(_ a: inout [[UInt8]]) -> Bool {
        var expired = false
        for _ in 0..<rng.weighted([40, 35, 18, 7]) {
            switch rng.int(0..<14) {
            case 0: a.append(asBytes(rng.pick(["NX", "nx"])))
            case 1: a.append(asBytes(rng.pick(["XX", "xx"])))
            case 2, 3: a.append(asBytes("GET"))
            case 4: a.append(asBytes("KEEPTTL"))
            case 5, 6: a += [asBytes(rng.pick(["EX", "ex"])), asBytes(String(relativeSeconds()))]
            case 7: a += [asBytes("PX"), asBytes(String(relativeSeconds() * 1000 + 7))]
            case 8:
                if rng.chance(0.3) { a += [asBytes("EXAT"), asBytes(String(pastSeconds()))]; expired = true }
                else { a += [asBytes("EXAT"), asBytes(String(absoluteSeconds()))] }
            case 9:
                if rng.chance(0.3) { a += [asBytes("PXAT"), asBytes(String(pastSeconds() * 1000))]; expired = true }
                else { a += [asBytes("PXAT"), asBytes(String(absoluteSeconds() * 1000 + 3))] }
            case 10: a += [asBytes(rng.pick(["EX", "PX", "EXAT", "PXAT"])), asBytes(rng.pick(Self.badTimes + ["0", "-5"]))]
            case 11: a.append(asBytes(rng.pick(["EX", "PX", "EXAT", "PXAT"])))  // missing value
            case 12: a.append(word(["FOO", "PERSIST", "EXX"], junkChance: 0.3))
            default: a += [asBytes("EX"), asBytes(String(relativeSeconds())), asBytes("PX"), asBytes("100000")]
            }
        }
        return expired
    }

    private mutating func appendGetexOptions(_ a: inout [[UInt8]]) {
        switch rng.int(0..<12) {
        case 0, 1: break
        case 2: a += [asBytes("EX"), asBytes(String(relativeSeconds()))]
        case 3: a += [asBytes("PX"), asBytes(String(relativeSeconds() * 1000 + 7))]
        case 4: a += [asBytes("EXAT"), asBytes(String(rng.chance(0.3) ? pastSeconds() : absoluteSeconds()))]
        case 5: a += [asBytes("PXAT"), asBytes(String((rng.chance(0.3) ? pastSeconds() : absoluteSeconds()) * 1000))]
        case 6, 7: a.append(asBytes(rng.pick(["PERSIST", "persist"])))
        case 8: a += [asBytes(rng.pick(["EX", "PX", "EXAT", "PXAT"])), asBytes(rng.pick(Self.badTimes + ["0", "-1"]))]
        case 9: a += [asBytes("EX"), asBytes("100"), asBytes("PERSIST")]
        case 10: a.append(word(["EX", "FOO", "KEEPTTL"], junkChance: 0.3))
        default: a += [asBytes("PERSIST"), asBytes("PX"), asBytes("5000")]
        }
    }

    private mutating func relativeOrBad(ms: Bool) -> [UInt8] {
        if rng.chance(0.75) {
            let s = relativeSeconds()
            return asBytes(String(ms ? s * 1000 + 7 : s))
        }
        return asBytes(rng.pick(Self.badTimes + ["0", "-1", "-100"]))
    }

    // MARK: bitmaps

    static let bitfieldTypes = ["u1", "i1", "u8", "i8", "u16", "i16", "i32", "u32", "i64", "u63", "u64", "i65", "x8",
                                "u0", "i0", "U8", "u"]
    static let bitfieldOffsets = ["0", "1", "7", "#0", "#1", "#3", "-1", "#-1", "abc", "100", "4294967296", "#", "13"]

    mutating func makeBitmap(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        func bitOffset(_ g: inout DiffGenerator) -> [UInt8] { asBytes(g.rng.pick(Self.bitOffsets)) }
        switch rng.int(0..<13) {
        case 0, 1, 2: a = [asBytes("SETBIT"), key(), bitOffset(&self), asBytes(rng.pick(["0", "1", "1", "2", "x", "", "-1"]))]
        case 3, 4: a = [asBytes("GETBIT"), key(), bitOffset(&self)]
        case 5, 6:
            a = [asBytes("BITCOUNT"), key()]
            if rng.chance(0.7) {
                a += [index(), index()]
                if rng.chance(0.5) { a.append(word(["BYTE", "BIT", "bit", "WORD"])) }
            } else if rng.chance(0.3) {
                a.append(index())
            }
        case 7, 8:
            a = [asBytes("BITPOS"), key(), asBytes(rng.pick(["0", "1", "2", "x"]))]
            if rng.chance(0.7) { a.append(index()) }
            if a.count == 4 && rng.chance(0.6) { a.append(index()) }
            if a.count == 5 && rng.chance(0.5) { a.append(word(["BYTE", "BIT", "bits"])) }
        case 9:
            let op = word(["AND", "OR", "XOR", "NOT", "and", "NAND"], junkChance: 0.05)
            a = [asBytes("BITOP"), op, key()]
            a += keys(op == asBytes("NOT") && rng.chance(0.8) ? 1...1 : 1...3)
        case 10, 11:
            a = [asBytes(rng.chance(0.8) ? "BITFIELD" : "BITFIELD_RO"), key()]
            for _ in 0..<rng.int(0...4) {
                let type = asBytes(rng.pick(Self.bitfieldTypes)), off = asBytes(rng.pick(Self.bitfieldOffsets))
                switch rng.int(0..<9) {
                case 0, 1: a += [asBytes("GET"), type, off]
                case 2, 3: a += [asBytes("SET"), type, off, int()]
                case 4, 5: a += [asBytes("INCRBY"), type, off, int()]
                case 6: a += [asBytes("OVERFLOW"), word(["WRAP", "SAT", "FAIL", "sat", "BAD"])]
                case 7: a += [asBytes(rng.pick(["GET", "SET", "INCRBY"])), type]  // too few
                default: a.append(word(["FOO", "OVERFLOW"], junkChance: 0.3))
                }
            }
        default:
            a = [asBytes("SET"), key(), rng.pick([[0xFF, 0xF0, 0x00], [0x00, 0x00, 0x01], asBytes("foobar"), [0x80], [],
                                                [0x00, 0xFF, 0x00, 0xFF, 0x00, 0x0F]])]
        }
        return DiffCommand(c, .bitmaps, a)
    }
}
