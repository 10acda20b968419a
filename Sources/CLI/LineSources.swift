import CVigilShim
import Foundation
import Glibc

/// Lines from a non-terminal stdin (`vigil-cli < commands.txt`), read as
/// bytes: no prompt, no history, no editing.
public final class FileLineSource: CLILineSource {
    private let fd: Int32
    private var pending: [UInt8] = []
    private var eof = false

    public init(fd: Int32 = 0) { self.fd = fd }

    public func readLine(prompt: String) -> [UInt8]? {
        while true {
            if let nl = pending.firstIndex(of: 10) {
                let line = Array(pending[..<nl])
                pending.removeSubrange(...nl)
                return line
            }
            if eof {
                if pending.isEmpty { return nil }
                defer { pending.removeAll() }
                return pending
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                pending += chunk[0..<n]
            } else if n == 0 || errno != EINTR {
                eof = true
            } else if vigil_shutdown_requested() != 0 {
                return nil
            }
        }
    }

    public func remember(_ line: [UInt8]) {}
}

/// The interactive prompt on a terminal: raw mode, LineEditor keys, history
/// kept in a file (one line per entry, newest last, like linenoise).
public final class TerminalLineSource: CLILineSource {
    public let historyPath: String?
    public let historyMax = 100
    private var editor: LineEditor
    private let fd: Int32 = 0

    public init(historyPath: String?) {
        self.historyPath = historyPath
        editor = LineEditor(history: historyPath.map(Self.loadHistory) ?? [])
    }

    /// ~/.vigilcli_history, or $VIGILCLI_HISTFILE ("" disables history).
    public static func defaultHistoryPath(environment: [String: String]) -> String? {
        if let p = environment["VIGILCLI_HISTFILE"] {
            return p.isEmpty ? nil : (p as NSString).expandingTildeInPath
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.vigilcli_history"
    }

    static func loadHistory(_ path: String) -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return Array(data).split(separator: 10).map { Array($0) }.filter { !$0.isEmpty }
    }

    public func remember(_ line: [UInt8]) {
        var h = editor.history
        if h.last == line { return }
        h.append(line)
        if h.count > historyMax { h.removeFirst(h.count - historyMax) }
        editor.setHistory(h)
        guard let historyPath else { return }
        var data: [UInt8] = []
        for l in h { data += l; data.append(10) }
        let tmp = historyPath + ".tmp"
        if FileManager.default.createFile(atPath: tmp, contents: Data(data), attributes: [.posixPermissions: 0o600]) {
            _ = rename(tmp, historyPath)
        }
    }

    public func readLine(prompt: String) -> [UInt8]? {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_oflag &= ~tcflag_t(OPOST)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(fd, TCSAFLUSH, &raw) == 0 else { return nil }
        defer {
            var s = saved
            tcsetattr(fd, TCSAFLUSH, &s)
            writeAll(1, [10])
        }
        editor.reset()
        writeAll(1, Array(prompt.utf8))
        while true {
            var b: UInt8 = 0
            let n = Glibc.read(fd, &b, 1)
            if n == 0 { return nil }
            if n < 0 {
                if errno == EINTR {
                    let sig = vigil_shutdown_requested()
                    if sig != 0 && sig != SIGINT { return nil }
                    continue
                }
                return nil
            }
            switch editor.feed(b) {
            case .none: break
            case .refresh: writeAll(1, editor.render(prompt: prompt, columns: columns()))
            case .submit(let line): return line
            case .endOfInput, .interrupt: return nil
            case .clearScreen:
                writeAll(1, Array("\u{1b}[H\u{1b}[2J".utf8))
                writeAll(1, editor.render(prompt: prompt, columns: columns()))
            }
        }
    }

    private func columns() -> Int {
        var ws = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &ws) == 0 && ws.ws_col > 0 { return Int(ws.ws_col) }
        return 80
    }
}
