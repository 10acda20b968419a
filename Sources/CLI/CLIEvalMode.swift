import Foundation
import Glibc

/// `vigil-cli --eval FILE keys... , args...` (redis-cli's evalMode): sends
/// the file's script with EVAL; with `--ldb` / `--ldb-sync-mode` under the
/// Lua debugger first, then a `lua debugger>` prompt until quit, where
/// `restart` reloads the file and debugs it again.
enum CLIEvalMode {
    static let banner = """
        Lua debugging session started, please use:
        quit    -- End the session.
        restart -- Restart the script in debug mode again.
        help    -- Show Lua script debugging commands.


        """

    static func run(session: CLISession, file: String, words: [String], makeRepl: () -> CLIRepl) -> Int32 {
        let options = session.options
        if options.ldb { session.startDebugging() }
        var outcome = CLISession.Outcome.ok
        while true {
            if session.debugging { session.io.print(banner) }
            guard let script = FileManager.default.contents(atPath: file) else {
                let why = String(cString: strerror(access(file, R_OK) == 0 ? EIO : errno))
                session.io.printError("Can't open file '\(file)': \(why)\n")
                return 1
            }
            let debugging = session.debugging
            if debugging {
                // The answer is not shown: a refusal surfaces as the EVAL's reply.
                _ = session.issueSilently(["SCRIPT", "DEBUG", options.ldbSync ? "sync" : "yes"])
            }
            outcome = session.issue(evalArguments(script: [UInt8](script), words: words), repeatCount: options.repeatCount)
            guard debugging else { break }
            if !session.debugging {
                // The session ended at once: the script did not compile.
                session.io.print("Eval debugging session can't start:\n")
                session.finishDebugSession(syncMode: options.ldbSync, announce: false)
                break
            }
            session.promptOverride = "lua debugger> "
            let repl = makeRepl()
            let status = repl.run()
            guard repl.restartRequested else { return status }
            session.connect()
            session.io.print("\n")
        }
        return outcome == .ok ? 0 : 1
    }

    /// EVAL, the script, the number of keys, then the words without the
    /// first lone "," (what precedes it are the keys).
    static func evalArguments(script: [UInt8], words: [String]) -> [[UInt8]] {
        var keys = 0
        var rest: [[UInt8]] = []
        var gotComma = false
        for w in words {
            if !gotComma && w == "," {
                gotComma = true
                continue
            }
            rest.append(Array(w.utf8))
            if !gotComma { keys += 1 }
        }
        return [Array("EVAL".utf8), script, Array(String(keys).utf8)] + rest
    }
}
