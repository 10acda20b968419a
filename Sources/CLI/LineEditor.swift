/// The editing state behind the interactive prompt, fed one input byte at a
/// time (linenoise's keys: arrows, Home/End, Ctrl-A/E/B/F/K/U/W/L, history
/// with Up/Down or Ctrl-P/N). Pure, so tests can drive it; TerminalLineSource
/// does the terminal side.
public struct LineEditor {
    public enum Action: Equatable {
        case none
        /// The line or cursor changed: redraw.
        case refresh
        case submit([UInt8])
        /// Ctrl-D on an empty line.
        case endOfInput
        /// Ctrl-C.
        case interrupt
        case clearScreen
    }

    public private(set) var buffer: [UInt8] = []
    /// Byte offset into `buffer`, always at a UTF-8 character boundary.
    public private(set) var cursor = 0
    /// Oldest first.
    public private(set) var history: [[UInt8]]
    private var historyIndex: Int?
    private var draft: [UInt8] = []
    private var escape: [UInt8]?

    public init(history: [[UInt8]] = []) {
        self.history = history
    }

    /// Starts a fresh line (history navigation resets).
    public mutating func reset() {
        buffer = []
        cursor = 0
        historyIndex = nil
        draft = []
        escape = nil
    }

    public mutating func setHistory(_ h: [[UInt8]]) { history = h }

    public mutating func feed(_ b: UInt8) -> Action {
        if var seq = escape {
            seq.append(b)
            escape = seq
            return escapeKey(seq)
        }
        switch b {
        case 27: escape = []; return .none
        case 13, 10: return .submit(buffer)
        case 3: return .interrupt
        case 4:
            if buffer.isEmpty { return .endOfInput }
            return deleteForward()
        case 1: cursor = 0; return .refresh
        case 5: cursor = buffer.count; return .refresh
        case 2: return left()
        case 6: return right()
        case 8, 127: return backspace()
        case 11: buffer.removeSubrange(cursor...); return .refresh
        case 21: buffer = []; cursor = 0; return .refresh
        case 23: return deletePreviousWord()
        case 12: return .clearScreen
        case 16: return historyStep(-1)
        case 14: return historyStep(1)
        case 9: return .none
        default:
            if b < 32 { return .none }
            buffer.insert(b, at: cursor)
            cursor += 1
            // Mid-character bytes of UTF-8 wait for the rest before a redraw.
            return isContinuation(b) || b >= 0xC0 ? (isCharComplete() ? .refresh : .none) : .refresh
        }
    }

    private mutating func escapeKey(_ seq: [UInt8]) -> Action {
        guard let first = seq.first else { return .none }
        if first != UInt8(ascii: "[") && first != UInt8(ascii: "O") {
            escape = nil
            return .none
        }
        guard seq.count >= 2 else { return .none }
        let last = seq[seq.count - 1]
        // Parameters (digits, ';') continue the sequence; anything else ends it.
        if (last >= 48 && last <= 57) || last == UInt8(ascii: ";") {
            if seq.count > 8 { escape = nil }
            return .none
        }
        escape = nil
        switch last {
        case UInt8(ascii: "A"): return historyStep(-1)
        case UInt8(ascii: "B"): return historyStep(1)
        case UInt8(ascii: "C"): return right()
        case UInt8(ascii: "D"): return left()
        case UInt8(ascii: "H"): cursor = 0; return .refresh
        case UInt8(ascii: "F"): cursor = buffer.count; return .refresh
        case UInt8(ascii: "~"):
            switch seq.dropFirst().dropLast() {
            case [49], [55]: cursor = 0; return .refresh            // 1~, 7~ Home
            case [52], [56]: cursor = buffer.count; return .refresh // 4~, 8~ End
            case [51]: return deleteForward()                         // 3~ Delete
            default: return .none
            }
        default: return .none
        }
    }

    private func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

    /// Whether the character ending at the cursor has all its bytes.
    private func isCharComplete() -> Bool {
        var start = cursor - 1
        while start > 0 && isContinuation(buffer[start]) { start -= 1 }
        let lead = buffer[start]
        let need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return cursor - start >= need
    }

    private mutating func left() -> Action {
        guard cursor > 0 else { return .none }
        cursor -= 1
        while cursor > 0 && isContinuation(buffer[cursor]) { cursor -= 1 }
        return .refresh
    }

    private mutating func right() -> Action {
        guard cursor < buffer.count else { return .none }
        cursor += 1
        while cursor < buffer.count && isContinuation(buffer[cursor]) { cursor += 1 }
        return .refresh
    }

    private mutating func backspace() -> Action {
        guard cursor > 0 else { return .none }
        let end = cursor
        _ = left()
        buffer.removeSubrange(cursor..<end)
        return .refresh
    }

    private mutating func deleteForward() -> Action {
        guard cursor < buffer.count else { return .none }
        let start = cursor
        _ = right()
        buffer.removeSubrange(start..<cursor)
        cursor = start
        return .refresh
    }

    private mutating func deletePreviousWord() -> Action {
        let end = cursor
        var c = cursor
        while c > 0 && buffer[c - 1] == 32 { c -= 1 }
        while c > 0 && buffer[c - 1] != 32 { c -= 1 }
        buffer.removeSubrange(c..<end)
        cursor = c
        return .refresh
    }

    /// -1 older, +1 newer; past the newest entry comes back the draft.
    private mutating func historyStep(_ dir: Int) -> Action {
        guard !history.isEmpty else { return .none }
        let current = historyIndex ?? history.count
        let next = current + dir
        guard next >= 0 && next <= history.count else { return .none }
        if historyIndex == nil { draft = buffer }
        if next == history.count {
            historyIndex = nil
            buffer = draft
        } else {
            historyIndex = next
            buffer = history[next]
        }
        cursor = buffer.count
        return .refresh
    }

    /// What to write to redraw the line on a terminal `columns` wide
    /// (single-line mode: a line wider than the terminal scrolls sideways).
    public func render(prompt: String, columns: Int) -> [UInt8] {
        let p = Array(prompt.utf8)
        let promptWidth = Self.width(p[...])
        // Start offsets of the characters, plus the end.
        var starts: [Int] = []
        for (i, b) in buffer.enumerated() where !isContinuation(b) { starts.append(i) }
        starts.append(buffer.count)
        var first = 0 // index into starts
        var pos = starts.firstIndex(of: cursor) ?? (starts.count - 1)
        var len = starts.count - 1
        let cols = max(columns, promptWidth + 2)
        while promptWidth + pos - first >= cols { first += 1 }
        pos -= first
        len -= first
        if promptWidth + len > cols { len = cols - promptWidth }
        var out: [UInt8] = [13]
        out += p
        out += buffer[starts[first]..<starts[first + len]]
        out += Array("\u{1b}[0K\r".utf8)
        out += Array("\u{1b}[\(promptWidth + pos)C".utf8)
        return out
    }

    static func width(_ b: ArraySlice<UInt8>) -> Int {
        b.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}
