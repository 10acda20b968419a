import RESPClient
import CVigilShim
import Foundation
import Glibc

/// vigil-cli's whole program, so the executable stays a one-liner and tests
/// can reach the logic.
public enum CLIMain {
    public static let version = "vigil-cli 7.0.15 (vigil)"

    public static func run(arguments: [String], environment: [String: String], io: CLIOutput = .standard) -> Int32 {
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
        let stdoutIsTTY = isatty(1) != 0 || environment["FAKETTY"] != nil
        let mode = options.output ?? (stdoutIsTTY ? .standard : .raw)
        if options.passwordOnCommandLine && !options.noAuthWarning {
            io.printError("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n")
        }
        let session = CLISession(options: options, mode: mode, io: io)

        if options.command.isEmpty {
            vigil_ignore_sigpipe()
            vigil_install_shutdown_signals()
            session.pendingSignal = {
                let s = vigil_shutdown_requested()
                if s != 0 { vigil_clear_shutdown() }
                return s
            }
            let lines: CLILineSource
            if isatty(0) != 0 {
                lines = TerminalLineSource(historyPath: TerminalLineSource.defaultHistoryPath(environment: environment))
            } else {
                lines = FileLineSource(fd: 0)
            }
            let repl = CLIRepl(session: session, lines: lines)
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
