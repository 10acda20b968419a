import Foundation
import Protocol
import ServerKit

/// LOLWUT as Redis 7.0.15 answers it: `VERSION 5` (or 4.9) draws Georg Nees's
/// "Schotter" in Braille (lolwut5.c); any other version, and no version,
/// is the unstable branch's one line. `VERSION 6` (lolwut6.c's drawing) is
/// not drawn: it answers like the unstable branch (see README).
enum LolwutCommand {
    static let handlers: [String: CommandHandler] = ["lolwut": lolwut]

    static func lolwut(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        var args = Array(argv.dropFirst())
        var version = Version.redis
        if args.count >= 2 && argEquals(args[0], "version") {
            guard let v = long(c, args[1]) else { return }
            // snprintf("%u.0.0", (unsigned int)ver)
            version = "\(UInt32(truncatingIfNeeded: v)).0.0"
            args.removeFirst(2)
        }
        let v = Array(version.utf8)
        func at(_ i: Int) -> UInt8 { i < v.count ? v[i] : 0 }
        let dot = UInt8(ascii: "."), nine = UInt8(ascii: "9")
        if (at(0) == UInt8(ascii: "5") && at(1) == dot && at(2) != nine) || (at(0) == UInt8(ascii: "4") && at(1) == dot && at(2) == nine) {
            schotter(server, c, args)
        } else {
            c.out.verbatim("Redis ver. \(Version.redis)\n")
        }
    }

    /// getLongFromObjectOrReply with the generic message.
    static func long(_ c: Client, _ arg: [UInt8]) -> Int? {
        guard let v = parseStrictInt64(arg) else {
            c.replyError("ERR value is not an integer or out of range")
            return nil
        }
        return Int(v)
    }

    /// lolwut5Command: [columns] [squares per row] [squares per column].
    static func schotter(_ server: Server, _ c: Client, _ args: [[UInt8]]) {
        var cols = 66, perRow = 8, perCol = 12
        if args.count > 0 { guard let n = long(c, args[0]) else { return }; cols = n }
        if args.count > 1 { guard let n = long(c, args[1]) else { return }; perRow = n }
        if args.count > 2 { guard let n = long(c, args[2]) else { return }; perCol = n }
        cols = min(max(cols, 1), 1000)
        perRow = min(max(perRow, 1), 200)
        perCol = min(max(perCol, 1), 200)
        let canvas = BrailleCanvas.schotter(cols: cols, perRow: perRow, perCol: perCol, rng: &server.rng)
        var text = canvas.render()
        text += "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. \(Version.redis)\n"
        c.out.verbatim(text)
    }
}

/// lolwut.c's canvas: one byte per pixel, rendered as Braille (2×4 pixels a character).
struct BrailleCanvas {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: max(0, width * height))
    }

    mutating func set(_ x: Int, _ y: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        pixels[x + y * width] = 1
    }

    func get(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, x < width, y >= 0, y < height else { return false }
        return pixels[x + y * width] != 0
    }

    /// Bresenham, as lwDrawLine.
    mutating func line(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int) {
        var x = x1, y = y1
        let dx = abs(x2 - x1), dy = abs(y2 - y1)
        let sx = x1 < x2 ? 1 : -1, sy = y1 < y2 ? 1 : -1
        var err = dx - dy
        while true {
            set(x, y)
            if x == x2 && y == y2 { break }
            let e2 = err * 2
            if e2 > -dy { err -= dy; x += sx }
            if e2 < dx { err += dx; y += sy }
        }
    }

    /// lwDrawSquare: float maths in C's float precision where it stores floats.
    mutating func square(_ x: Int, _ y: Int, size sizeIn: Float, angle: Float) {
        var size = sizeIn
        size /= 1.4142135623
        size = size.rounded()
        var k = Float.pi / 4 + angle
        var px = [Int](repeating: 0, count: 4), py = px
        for j in 0..<4 {
            px[j] = Int((Double(sin(k)) * Double(size) + Double(x)).rounded())
            py[j] = Int((Double(cos(k)) * Double(size) + Double(y)).rounded())
            k += Float.pi / 2
        }
        for j in 0..<4 { line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4]) }
    }

    static func schotter<G: RandomNumberGenerator>(cols: Int, perRow: Int, perCol: Int, rng: inout G) -> BrailleCanvas {
        let width = cols * 2
        let padding = width > 4 ? 2 : 0
        let side = Float(width - padding * 2) / Float(perRow)
        let height = Int(side * Float(perCol) + Float(padding * 2))
        var canvas = BrailleCanvas(width: width, height: height)
        for y in 0..<perCol {
            for x in 0..<perRow {
                var sx = Int(Float(x) * side + side / 2 + Float(padding))
                var sy = Int(Float(y) * side + side / 2 + Float(padding))
                var angle: Float = 0
                if y > 1 {
                    func r() -> Float { Float.random(in: 0...1, using: &rng) / Float(perCol) * Float(y) }
                    var r1 = r(), r2 = r(), r3 = r()
                    if Bool.random(using: &rng) { r1 = -r1 }
                    if Bool.random(using: &rng) { r2 = -r2 }
                    if Bool.random(using: &rng) { r3 = -r3 }
                    angle = r1
                    sx += Int(r2 * side / 3)
                    sy += Int(r3 * side / 3)
                }
                canvas.square(sx, sy, size: side, angle: angle)
            }
        }
        return canvas
    }

    /// renderCanvas: rows of Braille characters, newline-separated.
    func render() -> String {
        var out: [UInt8] = []
        var y = 0
        while y < height {
            var x = 0
            while x < width {
                var byte = 0
                if get(x, y) { byte |= 1 << 0 }
                if get(x, y + 1) { byte |= 1 << 1 }
                if get(x, y + 2) { byte |= 1 << 2 }
                if get(x + 1, y) { byte |= 1 << 3 }
                if get(x + 1, y + 1) { byte |= 1 << 4 }
                if get(x + 1, y + 2) { byte |= 1 << 5 }
                if get(x, y + 3) { byte |= 1 << 6 }
                if get(x + 1, y + 3) { byte |= 1 << 7 }
                let code = 0x2800 + byte
                out += [UInt8(0xE0 | (code >> 12)), UInt8(0x80 | ((code >> 6) & 0x3F)), UInt8(0x80 | (code & 0x3F))]
                x += 2
            }
            if y != height - 1 { out.append(UInt8(ascii: "\n")) }
            y += 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}
