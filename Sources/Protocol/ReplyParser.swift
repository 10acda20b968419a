/// Parses replies (client side), RESP2 and RESP3. Incomplete input returns
/// nil without consuming; the caller retries when more bytes arrive.
public struct ReplyParser: Sendable {
    public struct Malformed: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init() {}

    /// Parses one reply from the start of `buf`.
    public func parse(_ buf: UnsafeRawBufferPointer) throws -> (value: RESPValue, consumed: Int)? {
        var pos = 0
        guard let v = try parseValue(buf, &pos, depth: 0) else { return nil }
        return (v, pos)
    }

    public func parse(_ bytes: [UInt8]) throws -> (value: RESPValue, consumed: Int)? {
        try bytes.withUnsafeBytes { try parse($0) }
    }

    private func line(_ buf: UnsafeRawBufferPointer, _ pos: inout Int) -> UnsafeRawBufferPointer? {
        var i = pos
        while i + 1 < buf.count {
            if buf[i] == 13 && buf[i + 1] == 10 {
                let l = UnsafeRawBufferPointer(rebasing: buf[pos..<i])
                pos = i + 2
                return l
            }
            i += 1
        }
        return nil
    }

    private func int(_ l: UnsafeRawBufferPointer) throws -> Int64 {
        // Replies may carry "+" free integers only; be lenient on "-0".
        if let v = parseStrictInt64(l) { return v }
        if l.count == 2 && l[0] == UInt8(ascii: "-") && l[1] == UInt8(ascii: "0") { return 0 }
        throw Malformed(description: "invalid integer '\(String(decoding: l, as: UTF8.self))'")
    }

    private func parseValue(_ buf: UnsafeRawBufferPointer, _ pos: inout Int, depth: Int) throws -> RESPValue? {
        if depth > 1000 { throw Malformed(description: "nesting too deep") }
        guard pos < buf.count else { return nil }
        let type = buf[pos]
        var p = pos + 1
        guard let l = line(buf, &p) else { return nil }
        let result: RESPValue
        switch type {
        case UInt8(ascii: "+"): result = .simpleString(Array(l))
        case UInt8(ascii: "-"): result = .error(Array(l))
        case UInt8(ascii: ":"): result = .integer(try int(l))
        case UInt8(ascii: "("): result = .bigNumber(Array(l))
        case UInt8(ascii: "#"):
            guard l.count == 1, l[0] == UInt8(ascii: "t") || l[0] == UInt8(ascii: "f") else {
                throw Malformed(description: "invalid boolean")
            }
            result = .boolean(l[0] == UInt8(ascii: "t"))
        case UInt8(ascii: "_"): result = .null
        case UInt8(ascii: ","):
            let s = String(decoding: l, as: UTF8.self)
            switch s {
            case "inf": result = .double(.infinity)
            case "-inf": result = .double(-.infinity)
            case "nan": result = .double(.nan)
            default:
                guard let d = Double(s) else { throw Malformed(description: "invalid double '\(s)'") }
                result = .double(d)
            }
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            let n = try int(l)
            if n < 0 {
                result = .bulkString(nil)
            } else {
                guard n <= Int64(Int32.max) else { throw Malformed(description: "bulk too long") }
                let len = Int(n)
                if buf.count - p < len + 2 { return nil }
                let body = Array(UnsafeRawBufferPointer(rebasing: buf[p..<(p + len)]))
                p += len + 2
                if type == UInt8(ascii: "=") {
                    guard len >= 4 else { throw Malformed(description: "verbatim too short") }
                    result = .verbatim(format: Array(body[0..<3]), text: Array(body[4...]))
                } else if type == UInt8(ascii: "!") {
                    result = .error(body)
                } else {
                    result = .bulkString(body)
                }
            }
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            let n = try int(l)
            if n < 0 {
                guard type == UInt8(ascii: "*") else { throw Malformed(description: "negative aggregate length") }
                result = .array(nil)
            } else {
                // Checked before doubling map/attribute counts, which would trap near Int64.max.
                guard n <= Int64(Int32.max) else { throw Malformed(description: "aggregate too long") }
                let count = (type == UInt8(ascii: "%") || type == UInt8(ascii: "|")) ? Int(n) * 2 : Int(n)
                var items: [RESPValue] = []
                items.reserveCapacity(min(count, 4096))
                for _ in 0..<count {
                    guard let e = try parseValue(buf, &p, depth: depth + 1) else { return nil }
                    items.append(e)
                }
                switch type {
                case UInt8(ascii: "~"): result = .set(items)
                case UInt8(ascii: ">"): result = .push(items)
                case UInt8(ascii: "%"): result = .map(items)
                case UInt8(ascii: "|"):
                    // An attribute decorates the reply that follows; keep the reply.
                    guard let next = try parseValue(buf, &p, depth: depth + 1) else { return nil }
                    pos = p
                    return next
                default: result = .array(items)
                }
            }
        default:
            throw Malformed(description: "unexpected reply type byte \(type)")
        }
        pos = p
        return result
    }
}
