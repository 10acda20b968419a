import RESPClient
import CVigilShim
import Foundation
import Glibc

/// vigil-cli's whole program, so the executable stays a one-liner and tests
/// can reach the logic.
public enum CLIMain {
    public static let version = "vigil-cli 7.0.15 (vigil)"

    /// `lines` replaces standard input as the source of prompt lines (tests).
    public static func run(arguments: [String], environment: [String: String], io: CLIOutput = .standard,
                           lines: CLILineSource? = nil) -> Int32 {
        let options: CLIOptions
        do {
            options = try CLIOptions.parse(arguments, environment: environment)
        } catch {
            io.printError("\(error)\n")
            return 1
        }
        if options.showVersion {
            io.print(version + "\n")
            return 0
        }
        if options.showHelp {
            io.print(version + "\n\n" + CLIOptions.usage)
            return 0
        }
        if options.ldb && options.evalFile == nil {
            io.printError("Options --ldb and --ldb-sync-mode require --eval.\n")
            io.printError("Try \(CommandLine.arguments.first ?? "vigil-cli") --help for more information.\n")
            return 1
        }
        let stdoutIsTTY = isatty(1) != 0 || environment["FAKETTY"] != nil
        let mode = options.output ?? (stdoutIsTTY ? .standard : .raw)
        if options.passwordOnCommandLine && !options.noAuthWarning {
            io.printError("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n")
        }
        let session = CLISession(options: options, mode: mode, io: io)
        session.debuggerOutput = LuaDebuggerOutput(term: environment["TERM"])
        func promptLines() -> CLILineSource {
            if let lines { return lines }
            if isatty(0) != 0 {
                return TerminalLineSource(historyPath: TerminalLineSource.defaultHistoryPath(environment: environment))
            }
            return FileLineSource(fd: 0)
        }

        if let file = options.evalFile {
            vigil_ignore_sigpipe()
            guard session.connect() else { return 1 }
            // One source for every restart: a pipe's lines are read ahead.
            var source: CLILineSource?
            return CLIEvalMode.run(session: session, file: file, words: options.command) {
                let lines = source ?? promptLines()
                source = lines
                return CLIRepl(session: session, lines: lines)
            }
        }

        if options.command.isEmpty {
            vigil_ignore_sigpipe()
            vigil_install_shutdown_signals()
            session.pendingSignal = {
                let s = vigil_shutdown_requested()
                if s != 0 { vigil_clear_shutdown() }
                return s
            }
            let repl = CLIRepl(session: session, lines: promptLines())
            repl.clearScreen = { io.print("\u{1b}[H\u{1b}[2J") }
            return repl.run()
        }

        var args = options.command.map { Array($0.utf8) }
        if options.lastArgFromStdin { args.append(readAllStdin()) }
        guard session.connect() else { return 1 }
        return session.issue(args, repeatCount: options.repeatCount) == .ok ? 0 : 1
    }

    static func readAllStdin() -> [UInt8] {
        var all: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if n > 0 { all += chunk[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            return all
        }
    }
}
