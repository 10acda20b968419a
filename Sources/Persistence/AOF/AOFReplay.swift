/// Reading one AOF file's commands the way loadSingleAppendOnlyFile does,
/// with the executing left to the caller: which byte offsets stay valid,
/// when a short tail counts as truncation, and what a transaction left open
/// at the end of the file rolls back to.
public enum AOFReplay {
    /// AOF_ANNOTATION_LINE_MAX_LEN: the loader's fgets buffer.
    public static let lineBuffer = 1024

    /// What executing one command left behind.
    public enum Executed {
        /// Ran (or was queued); `inMulti` is whether the client is now inside MULTI.
        case ran(inMulti: Bool)
        /// No such command: loading fails.
        case unknownCommand
    }

    public enum Outcome: Equatable {
        /// Every command read and run.
        case ok
        /// The file ends inside a command, or inside a transaction: only
        /// `validUpTo` bytes hold whole commands. `revertedMulti` when it was
        /// an open MULTI (Redis logs that first).
        case truncated(validUpTo: Int, revertedMulti: Bool)
        /// A line that is not a command where one must start.
        case formatError(offset: Int)
        /// A command name the server does not know.
        case unknownCommand(name: [UInt8])
        /// A read stopped before the end of the data (a NUL after `*`).
        case unreadable(offset: Int)
    }

    public struct Result: Equatable {
        public var outcome: Outcome
        /// Commands handed to `execute`.
        public var commands: Int
    }

    /// Reads commands from `start` (0, or where an RDB preamble ended) and
    /// hands each to `execute`. `loadTruncated` is aof-load-truncated: only
    /// then does Redis track the last valid offset (otherwise a truncated
    /// tail has nothing to cut back to).
    /// `progress` learns the offset reached every 1024 commands, before the
    /// next is read (where Redis serves clients while it loads).
    public static func run(_ bytes: [UInt8], from start: Int = 0, loadTruncated: Bool,
                           progress: (Int) -> Void = { _ in },
                           execute: ([[UInt8]]) -> Executed) -> Result {
        var f = CFileLines(bytes, at: start)
        var validUpTo = start
        var validBeforeMulti = start
        var inMulti = false
        var count = 0
        var loops = 0
        func shortRead() -> Result {
            // readerr: only an end of file is a truncation; fall through to uxeof.
            if !f.eofSeen { return Result(outcome: .unreadable(offset: f.pos), commands: count) }
            return Result(outcome: .truncated(validUpTo: loadTruncated ? validUpTo : -1, revertedMulti: false), commands: count)
        }
        while true {
            if loops % 1024 == 0 { progress(f.pos) }
            loops += 1
            guard let line = f.fgets(lineBuffer) else { break }
            let c = CFileLines.cString(line)
            if c.first == UInt8(ascii: "#") { continue }
            let lineStart = f.pos - line.count
            if c.first != UInt8(ascii: "*") { return Result(outcome: .formatError(offset: lineStart), commands: count) }
            if c.count == 1 { return shortRead() }
            let argc = CFileLines.atoi(c.dropFirst())
            if argc < 1 { return Result(outcome: .formatError(offset: lineStart), commands: count) }
            var argv: [[UInt8]] = []
            argv.reserveCapacity(Int(argc))
            for _ in 0..<Int(argc) {
                guard let l = f.fgets(lineBuffer) else { return shortRead() }
                let lc = CFileLines.cString(l)
                if lc.first != UInt8(ascii: "$") { return Result(outcome: .formatError(offset: f.pos - l.count), commands: count) }
                let len = CFileLines.strtol(lc.dropFirst()).value
                // An unsigned long in Redis: a negative length cannot be read.
                if len < 0 { _ = f.fread(bytes.count); return shortRead() }
                let arg = f.fread(len)
                if arg.count < len { return shortRead() }
                if f.fread(2).count < 2 { return shortRead() }
                argv.append(Array(arg))
            }
            let isMulti = asciiEquals(argv[0], "multi")
            if isMulti { validBeforeMulti = validUpTo }
            count += 1
            switch execute(argv) {
            case .unknownCommand:
                return Result(outcome: .unknownCommand(name: argv[0]), commands: count)
            case .ran(let m):
                inMulti = m
            }
            if loadTruncated { validUpTo = f.pos }
        }
        if inMulti {
            // Treated as a short read even though the protocol is whole.
            return Result(outcome: .truncated(validUpTo: validBeforeMulti, revertedMulti: true), commands: count)
        }
        return Result(outcome: .ok, commands: count)
    }

    static func asciiEquals(_ a: [UInt8], _ s: StaticString) -> Bool {
        guard a.count == s.utf8CodeUnitCount else { return false }
        let p = s.utf8Start
        for i in 0..<a.count where a[i] | 0x20 != p[i] | 0x20 { return false }
        return true
    }
}
