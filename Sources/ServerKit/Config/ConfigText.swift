import Protocol

/// Where a stretch of a config text came from, for error messages.
public struct ConfigSegment: Sendable {
    /// "<path>" as written, "<stdin>", or "(command line)".
    public var name: String
    /// Byte offset in the text where the stretch starts.
    public var start: Int
    /// Options from argv have no line of their own.
    public var commandLine: Bool

    public init(name: String, start: Int, commandLine: Bool) {
        self.name = name
        self.start = start
        self.commandLine = commandLine
    }
}

/// The text one loadServerConfigFromString pass reads (a file, a file with
/// stdin and argv options appended, or an include's files joined), with the
/// segments it was joined from.
public struct ConfigText: Sendable {
    public var bytes: [UInt8]
    public var segments: [ConfigSegment]

    public init(bytes: [UInt8], segments: [ConfigSegment]) {
        self.bytes = bytes
        self.segments = segments
    }

    /// One source's content, e.g. a test's string.
    public init(_ text: String, name: String) {
        self.init(bytes: Array(text.utf8), segments: [ConfigSegment(name: name, start: 0, commandLine: false)])
    }

    /// Calls `body` for every line that holds a directive, in order, as
    /// loadServerConfigFromString splits them: the text ends at its first
    /// NUL, lines split on "\n" and trimmed of " \t\r\n", blank lines and
    /// "#" comments skipped, the rest split by sdssplitargs with the name
    /// lower-cased. A line with unbalanced quotes stops the pass there.
    public func forEachDirective(program: String, _ body: (ConfigLine) throws -> Void) throws {
        // A C string ends at its first NUL.
        let text = bytes.firstIndex(of: 0).map { Array(bytes[..<$0]) } ?? bytes
        // sdssplitlen on "\n": an empty text has no lines, a final "\n" ends with an empty one.
        let lines = text.isEmpty ? [] : text.split(separator: 10, omittingEmptySubsequences: false)
        // The joined line number at which each source starts.
        let firstLines = segments.map { seg in text[..<min(seg.start, text.count)].reduce(1) { $1 == 10 ? $0 + 1 : $0 } }
        for (k, rawLine) in lines.enumerated() {
            let trimmed = ConfigText.trim(rawLine)
            if trimmed.isEmpty || trimmed[0] == UInt8(ascii: "#") { continue }
            var line = ConfigLine(args: [], source: "(text)", line: k + 1, redisLine: k + 1,
                                  text: String(decoding: trimmed, as: UTF8.self))
            if let s = segments.lastIndex(where: { $0.start <= rawLine.startIndex }) {
                line.source = segments[s].name
                line.line = segments[s].commandLine ? nil : k + 1 - firstLines[s] + 1
            }
            guard let argv = splitArgs(trimmed) else {
                throw line.error(program: program, directive: nil, reason: "Unbalanced quotes in configuration line")
            }
            if argv.isEmpty { continue }
            line.args = argv
            line.args[0] = argv[0].map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }
            try body(line)
        }
    }

    /// sdstrim(line, " \t\r\n").
    public static func trim(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var a = s.startIndex, b = s.endIndex
        func strip(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }
        while a < b && strip(s[a]) { a += 1 }
        while b > a && strip(s[b - 1]) { b -= 1 }
        return Array(s[a..<b])
    }
}

/// One directive line of a config text; loaders keep the lines they act on
/// later (rename-command, user, `sentinel ...`) to report them in the same words.
public struct ConfigLine: Sendable, Equatable {
    /// The split arguments, the directive's name first (lower-cased).
    public var args: [[UInt8]]
    /// The segment's name ("<path>", "<stdin>", "(command line)").
    public var source: String
    /// The line within that source; nil for argv options.
    public var line: Int?
    /// The line Redis reports: counted over the whole text of this pass.
    public var redisLine: Int
    /// The trimmed line as written.
    public var text: String

    public var name: String { String(decoding: args.first ?? [], as: UTF8.self) }

    public var strings: [String] { args.map { String(decoding: $0, as: UTF8.self) } }

    /// Redis's report of a bad line, under `program`'s name.
    public func error(program: String, directive: String?, reason: String) -> ConfigError {
        ConfigError(program: program, source: source, line: line, redisLine: redisLine, text: text,
                    directive: directive, reason: reason)
    }
}
