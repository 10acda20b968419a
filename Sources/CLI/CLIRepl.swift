import RESPClient
import CVigilShim
import Foundation
import Protocol

/// Supplies command lines to the prompt loop.
public protocol CLILineSource: AnyObject {
    /// The next line without its newline, nil at end of input (or Ctrl-C/Ctrl-D at a terminal).
    func readLine(prompt: String) -> [UInt8]?
    /// Called for lines worth remembering (not AUTH / ACL SETUSER).
    func remember(_ line: [UInt8])
}

/// redis-cli's repl(): the loop behind the interactive prompt, also used
/// when commands come from a pipe.
public final class CLIRepl {
    public let session: CLISession
    public let lines: CLILineSource
    /// Clears the terminal for `clear`.
    public var clearScreen: () -> Void = {}
    /// `restart` was typed in an `--eval` session: the caller runs the script again.
    public private(set) var restartRequested = false

    public init(session: CLISession, lines: CLILineSource) {
        self.session = session
        self.lines = lines
    }

    /// Runs until end of input or quit/exit; returns the exit status.
    public func run() -> Int32 {
        session.interactive = true
        if session.connection == nil { session.connect() }
        while let line = lines.readLine(prompt: session.prompt) {
            if line.isEmpty { continue }
            guard let argv = session.debugging ? Self.debuggerArgs(line) ?? splitArgs(line) : splitArgs(line) else {
                session.io.print("Invalid argument(s)\n")
                lines.remember(line)
                continue
            }
            if argv.isEmpty { continue }
            let first = lowercased(argv[0])
            var skip = 0
            var repeatCount = 1
            if argv.count > 1, let n = Self.repeatPrefix(argv[0]) {
                if n <= 0 {
                    session.io.print("Invalid redis-cli repeat command option value.\n")
                    continue
                }
                repeatCount = n
                skip = 1
            }
            if !Self.isSensitive(Array(argv[skip...])) { lines.remember(line) }
            if first == "quit" || first == "exit" { return 0 }
            if argv.count == 3 && first == "connect" {
                session.switchServer(host: String(decoding: argv[1], as: UTF8.self),
                                     port: Int(atoiPrefix(String(decoding: argv[2], as: UTF8.self))))
                continue
            }
            if first == "restart" {
                if session.options.evalFile != nil {
                    session.startDebugging()
                    restartRequested = true
                    return 0
                }
                session.io.print("Use 'restart' only in Lua debugging mode.\n")
                continue
            }
            if argv.count == 1 && first == "clear" {
                clearScreen()
                continue
            }
            let start = vigil_monotonic_us()
            let outcome = session.issue(Array(argv[skip...]), repeatCount: repeatCount)
            if outcome == .interrupted { return 1 }
            if session.debugSessionEnded { session.finishDebugSession(syncMode: session.options.ldbSync) }
            let elapsed = Double(vigil_monotonic_us() - start) / 1_000_000
            if elapsed >= 0.5 && session.mode == .standard {
                session.io.print(String(format: "(%.2fs)\n", elapsed))
            }
        }
        return 0
    }

    /// While debugging, `eval <code>` / `e <code>` pass the rest of the line
    /// as one argument, spaces and quotes included.
    static func debuggerArgs(_ line: [UInt8]) -> [[UInt8]]? {
        for prefix in ["eval ", "e "] where line.starts(with: prefix.utf8) {
            return [Array(line[..<(prefix.utf8.count - 1)]), Array(line[prefix.utf8.count...])]
        }
        return nil
    }

    /// strtol over the whole word (redis-cli's `N command` prefix); nil when
    /// the word is not entirely a number.
    static func repeatPrefix(_ word: [UInt8]) -> Int? {
        var s = word[...]
        while let c = s.first, c == 32 || (c >= 9 && c <= 13) { s = s.dropFirst() }
        var negative = false
        if let c = s.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            negative = c == UInt8(ascii: "-")
            s = s.dropFirst()
        }
        if s.isEmpty { return word.isEmpty ? 0 : nil }
        var v = 0
        for c in s {
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(c - 48))
            if o1 || o2 { return -1 } // ERANGE: reported as invalid
            v = a
        }
        return negative ? -v : v
    }

    /// Lines redis-cli keeps out of its history file.
    static func isSensitive(_ argv: [[UInt8]]) -> Bool {
        guard let first = argv.first else { return false }
        let c = lowercased(first)
        if c == "auth" { return true }
        return argv.count > 1 && c == "acl" && lowercased(argv[1]) == "setuser"
    }
}
