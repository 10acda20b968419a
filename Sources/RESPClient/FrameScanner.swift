import Protocol

/// Finds where one reply frame ends without decoding it, resumably: bytes
/// already scanned are not scanned again when more arrive. This keeps reading
/// a huge reply linear (ReplyParser restarts from the frame start each time),
/// and gives `readRawReply` its exact byte boundaries.
struct FrameScanner {
    /// Offset (from the frame start) of the next item header to scan.
    private var pos = 0
    /// Items still expected by each open aggregate; the bottom entry is the frame itself.
    private var pending: [Int] = [1]

    mutating func reset() {
        pos = 0
        pending.removeAll(keepingCapacity: true)
        pending.append(1)
    }

    /// The frame length once `buf` (starting at the frame) holds a whole frame.
    mutating func scan(_ buf: UnsafeRawBufferPointer) throws -> Int? {
        while !pending.isEmpty {
            guard pos < buf.count else { return nil }
            let type = buf[pos]
            guard let eol = crlf(buf, from: pos + 1) else { return nil }
            let line = UnsafeRawBufferPointer(rebasing: buf[(pos + 1)..<eol])
            switch type {
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "("),
                 UInt8(ascii: "#"), UInt8(ascii: "_"), UInt8(ascii: ","):
                pos = eol + 2
                itemDone()
            case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
                let n = try length(line)
                if n < 0 {
                    pos = eol + 2
                } else {
                    let end = eol + 2 + n + 2
                    if buf.count < end { return nil }
                    pos = end
                }
                itemDone()
            case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
                let n = try length(line)
                pos = eol + 2
                let pairs = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
                if type == UInt8(ascii: "|") {
                    // An attribute precedes the value it decorates: both form one item.
                    pending[pending.count - 1] += 1
                }
                if n <= 0 {
                    if n < 0 && type != UInt8(ascii: "*") {
                        throw RedisClientError.malformedReply("negative aggregate length")
                    }
                    itemDone()
                } else {
                    if pending.count > 1000 { throw RedisClientError.malformedReply("nesting too deep") }
                    pending.append(pairs ? n * 2 : n)
                }
            default:
                throw RedisClientError.malformedReply("got \"\(Self.printable(type))\" as reply type byte")
            }
        }
        return pos
    }

    private mutating func itemDone() {
        while let last = pending.last {
            pending[pending.count - 1] = last - 1
            if last - 1 > 0 { return }
            pending.removeLast()
        }
    }

    private func crlf(_ buf: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var i = start
        while i + 1 < buf.count {
            if buf[i] == 13 && buf[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    private func length(_ line: UnsafeRawBufferPointer) throws -> Int {
        guard let v = parseStrictInt64(line), v >= -1, v <= Int64(Int32.max) else {
            throw RedisClientError.malformedReply("invalid length '\(String(decoding: line, as: UTF8.self))'")
        }
        return Int(v)
    }

    private static func printable(_ b: UInt8) -> String {
        b >= 32 && b < 127 ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16)
    }
}
