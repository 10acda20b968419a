import TestSupport
import Protocol

/// Random request and reply frames that know what they should parse to, and
/// the mutations the fuzz tests apply to them. Frames are kept small so a
/// million of them stay cheap in debug builds.

/// A request frame and the arguments it must yield (nil: consumed silently).
struct RequestFrame {
    var bytes: [UInt8]
    var args: [[UInt8]]?
}

/// A reply frame and the value a client must read from it.
struct ReplyFrame {
    var bytes: [UInt8]
    var value: RESPValue
}

private let interestingBytes: [UInt8] = Array("\r\n\r\n*$\"'\\ \t0123456789-+:_#,%~>|=(!xX".utf8) + [0, 7, 8, 11, 12, 127, 128, 255]

extension SeededRandom {
    /// Argument bytes biased toward bytes that matter to the protocol.
    mutating func argument(maxLength: Int = 10) -> [UInt8] {
        let n = chance(percent: 10) ? below(40) : below(maxLength + 1)
        var out: [UInt8] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            switch below(3) {
            case 0: out.append(interestingBytes[below(interestingBytes.count)])
            case 1: out.append(UInt8(ascii: "a") + UInt8(below(26)))
            default: out.append(byte())
            }
        }
        return out
    }

    mutating func arguments() -> [[UInt8]] {
        let n = 1 + (chance(percent: 10) ? below(8) : below(3))
        var out: [[UInt8]] = []
        for _ in 0..<n { out.append(argument()) }
        return out
    }

    // MARK: requests

    mutating func requestFrame(bigBulks: Bool = false) -> RequestFrame {
        let kind = below(20)
        if kind < 2 {
            let skips = ["\r\n", "\n", "  \t\r\n", " \n", "*0\r\n", "*-1\r\n", "*-7\r\n"]
            return RequestFrame(bytes: Array(skips[below(skips.count)].utf8), args: nil)
        }
        var args = arguments()
        // Big arguments only in multibulk: an inline line arriving in tiny chunks is rescanned per chunk
        // (as in Redis), which is quadratic and only slows the test down.
        if bigBulks && chance(percent: 6) {
            args.append(bytes(count: 1000 + below(5000)))
            return multibulk(args)
        }
        return kind < 11 ? multibulk(args) : inline(args)
    }

    mutating func multibulk(_ args: [[UInt8]]) -> RequestFrame {
        var out: [UInt8] = [UInt8(ascii: "*")]
        appendDecimal(Int64(args.count), to: &out)
        out += [13, 10]
        for a in args {
            out.append(UInt8(ascii: "$"))
            appendDecimal(Int64(a.count), to: &out)
            out += [13, 10]
            out += a
            // Redis skips the two bytes after a payload unchecked; any two bytes are valid.
            if chance(percent: 3) { out += [byte(), byte()] } else { out += [13, 10] }
        }
        return RequestFrame(bytes: out, args: args)
    }

    /// An inline line that sdssplitargs must split back into `args`, using
    /// plain words, double quotes (escapes, \xHH) and single quotes at random.
    mutating func inline(_ args: [[UInt8]]) -> RequestFrame {
        var out: [UInt8] = []
        while chance(percent: 30) { out.append(chance(percent: 50) ? 32 : 9) }
        for (i, a) in args.enumerated() {
            if i > 0 { out.append(chance(percent: 80) ? 32 : 9) }
            let atLineStart = out.isEmpty
            var quoted = true
            if canBePlain(a, atLineStart: atLineStart) && chance(percent: 60) {
                out += a
                quoted = false
            } else if canBeSingleQuoted(a) && chance(percent: 40) {
                out.append(UInt8(ascii: "'"))
                for c in a {
                    if c == UInt8(ascii: "'") { out.append(UInt8(ascii: "\\")) }
                    out.append(c)
                }
                out.append(UInt8(ascii: "'"))
            } else if a.count >= 2 && isPlainByte(a[0]) && !(atLineStart && a[0] == UInt8(ascii: "*")) && chance(percent: 20) {
                // A quote may open mid-word: foo"bar baz" is one argument.
                out.append(a[0])
                appendDoubleQuoted(a.dropFirst(), to: &out)
            } else {
                appendDoubleQuoted(a[...], to: &out)
            }
            // isspace() after a closing quote also accepts \v and \f.
            if quoted && i + 1 < args.count && chance(percent: 10) { out.append(chance(percent: 50) ? 11 : 12) }
        }
        while chance(percent: 20) { out.append(chance(percent: 50) ? 32 : 9) }
        out += chance(percent: 50) ? [13, 10] : [10]
        return RequestFrame(bytes: out, args: args)
    }

    private func isPlainByte(_ c: UInt8) -> Bool {
        !(c == 0 || (c >= 9 && c <= 13) || c == 32 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'"))
    }

    private func canBePlain(_ a: [UInt8], atLineStart: Bool) -> Bool {
        if a.isEmpty { return false }
        if atLineStart && a[0] == UInt8(ascii: "*") { return false }
        for c in a where !isPlainByte(c) { return false }
        return true
    }

    private func canBeSingleQuoted(_ a: [UInt8]) -> Bool {
        if a.last == UInt8(ascii: "\\") { return false }
        for c in a where c == 0 || c == 10 { return false }
        return true
    }

    private mutating func appendDoubleQuoted(_ a: ArraySlice<UInt8>, to out: inout [UInt8]) {
        let hex = Array((chance(percent: 50) ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
        out.append(UInt8(ascii: "\""))
        for c in a {
            switch c {
            case UInt8(ascii: "\""): out += [92, c]
            case 92: out += [92, 92]
            case 10: out += chance(percent: 70) ? [92, UInt8(ascii: "n")] : [92, UInt8(ascii: "x"), hex[0], hex[10]]
            case 13 where chance(percent: 50): out += [92, UInt8(ascii: "r")]
            case 9 where chance(percent: 50): out += [92, UInt8(ascii: "t")]
            case 8: out += [92, UInt8(ascii: "b")]
            case 7: out += [92, UInt8(ascii: "a")]
            case 0: out += [92, UInt8(ascii: "x"), hex[0], hex[0]]
            default:
                if chance(percent: 15) {
                    out += [92, UInt8(ascii: "x"), hex[Int(c >> 4)], hex[Int(c & 15)]]
                } else if chance(percent: 5) && c >= UInt8(ascii: "c") && c <= UInt8(ascii: "z") && c != UInt8(ascii: "n")
                            && c != UInt8(ascii: "r") && c != UInt8(ascii: "t") && c != UInt8(ascii: "x") {
                    // An unknown escape stands for the letter itself.
                    out += [92, c]
                } else {
                    out.append(c)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: replies

    /// A random reply in RESP3 wire form (our own encoder, independent of
    /// RESPWriter) and the value it decodes to.
    mutating func replyFrame(depth: Int = 0) -> ReplyFrame {
        var out: [UInt8] = []
        if depth < 2 && chance(percent: 4) {
            // An attribute decorates the reply; a client sees only the reply.
            let pairs = below(2)
            out += Array("|\(pairs)\r\n".utf8)
            for _ in 0..<(pairs * 2) { out += replyFrame(depth: depth + 1).bytes }
        }
        let v = replyValue(depth: depth, into: &out)
        return ReplyFrame(bytes: out, value: v)
    }

    private mutating func line() -> [UInt8] {
        // Line payloads may hold a lone \n but never CR, so they never contain CRLF.
        argument(maxLength: 8).map { $0 == 13 ? UInt8(ascii: "r") : $0 }
    }

    private mutating func header(_ type: Character, _ n: Int, into out: inout [UInt8]) {
        out.append(type.asciiValue!)
        appendDecimal(Int64(n), to: &out)
        out += [13, 10]
    }

    private mutating func replyValue(depth: Int, into out: inout [UInt8]) -> RESPValue {
        let kind = depth >= 3 ? below(12) : below(17)
        switch kind {
        case 0:
            let l = line(); out.append(UInt8(ascii: "+")); out += l; out += [13, 10]
            return .simpleString(l)
        case 1:
            let l = line(); out.append(UInt8(ascii: "-")); out += l; out += [13, 10]
            return .error(l)
        case 2:
            let v = Int64(bitPattern: next()) >> below(64)
            out.append(UInt8(ascii: ":")); appendDecimal(v, to: &out); out += [13, 10]
            return .integer(v)
        case 3:
            let a = argument()
            header("$", a.count, into: &out); out += a; out += [13, 10]
            return .bulkString(a)
        case 4:
            out += Array("$-1\r\n".utf8)
            return .bulkString(nil)
        case 5:
            out += Array("_\r\n".utf8)
            return .null
        case 6:
            let specials: [Double] = [0, -0.0, 1.5, .infinity, -.infinity, .nan, 1e300, -2.5e-300]
            let d = chance(percent: 30) ? specials[below(specials.count)] : Double(bitPattern: next())
            let text: [UInt8]
            if d.isNaN { text = Array("nan".utf8) } else if chance(percent: 50) { text = formatDouble(d) } else { text = Array("\(d)".utf8) }
            out.append(UInt8(ascii: ",")); out += text; out += [13, 10]
            return .double(d.isNaN ? .nan : d)
        case 7:
            let t = chance(percent: 50)
            out += Array((t ? "#t\r\n" : "#f\r\n").utf8)
            return .boolean(t)
        case 8:
            var digits: [UInt8] = chance(percent: 30) ? [UInt8(ascii: "-")] : []
            for _ in 0..<(1 + below(40)) { digits.append(UInt8(ascii: "0") + UInt8(below(10))) }
            out.append(UInt8(ascii: "(")); out += digits; out += [13, 10]
            return .bigNumber(digits)
        case 9:
            let format = [UInt8(ascii: "a") + UInt8(below(26)), UInt8(ascii: "x"), UInt8(ascii: "t")]
            let text = argument()
            header("=", text.count + 4, into: &out); out += format; out.append(UInt8(ascii: ":")); out += text; out += [13, 10]
            return .verbatim(format: format, text: text)
        case 10:
            let a = argument()
            header("!", a.count, into: &out); out += a; out += [13, 10]
            return .error(a)
        case 11:
            out += Array("*-1\r\n".utf8)
            return .array(nil)
        default:
            let n = below(4)
            let type: Character = ["*", "~", ">", "%"][kind - 12 < 4 ? kind - 12 : 0]
            header(type, n, into: &out)
            var items: [RESPValue] = []
            for _ in 0..<(type == "%" ? n * 2 : n) {
                let f = replyFrame(depth: depth + 1)
                out += f.bytes
                items.append(f.value)
            }
            switch type {
            case "~": return .set(items)
            case ">": return .push(items)
            case "%": return .map(items)
            default: return .array(items)
            }
        }
    }

    // MARK: mutations

    private static let lengthSubstitutes: [[UInt8]] = [
        "-1", "0", "-0", "1", "10", "11", "16384", "16385", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "4611686018427387904",
        "99999999999999999999", "536870913", "", "+5", "007", "abc", "1 ", "-",
    ].map { Array($0.utf8) }

    private static let typeBytes: [UInt8] = Array("*$+-:,#_%~>|=(!\r\n x".utf8) + [0, 255]

    /// Applies 1-3 random mutations: byte flips, truncation, a huge or bogus
    /// length in place of a header's digits, a random type byte, insertions,
    /// deletions and duplicated ranges.
    mutating func mutate(_ input: inout [UInt8]) {
        for _ in 0..<(1 + below(3)) {
            if input.isEmpty { input = bytes(count: 1 + below(4)); continue }
            switch below(8) {
            case 0:
                input[below(input.count)] ^= UInt8(1) << UInt8(below(8))
            case 1:
                input[below(input.count)] = chance(percent: 50) ? byte() : interestingBytes[below(interestingBytes.count)]
            case 2:
                input.removeLast(1 + below(input.count))
            case 3:
                // Replace the number after a header byte with a huge or malformed one.
                let headers = input.indices.filter { i in
                    let c = input[i]
                    return c == UInt8(ascii: "*") || c == UInt8(ascii: "$") || c == UInt8(ascii: "%")
                        || c == UInt8(ascii: "~") || c == UInt8(ascii: "=") || c == UInt8(ascii: "!")
                        || c == UInt8(ascii: "|") || c == UInt8(ascii: ">")
                }
                guard !headers.isEmpty else { input[below(input.count)] = UInt8(ascii: "*"); continue }
                let h = headers[below(headers.count)]
                var end = h + 1
                while end < input.count && input[end] != 13 { end += 1 }
                input.replaceSubrange((h + 1)..<end, with: Self.lengthSubstitutes[below(Self.lengthSubstitutes.count)])
            case 4:
                input[below(input.count)] = Self.typeBytes[below(Self.typeBytes.count)]
            case 5:
                input.insert(contentsOf: bytes(count: 1 + below(6)), at: below(input.count + 1))
            case 6:
                let start = below(input.count)
                input.removeSubrange(start..<min(input.count, start + 1 + below(8)))
            default:
                let start = below(input.count)
                let slice = Array(input[start..<min(input.count, start + 1 + below(16))])
                input.insert(contentsOf: slice, at: below(input.count + 1))
            }
        }
    }

    /// Cut points splitting `count` bytes into 1...4 chunks.
    mutating func cuts(_ count: Int) -> [Int] {
        var points: [Int] = []
        for _ in 0..<below(4) { points.append(below(count + 1)) }
        return points.sorted()
    }
}
