import Glibc
import ServerKit

/// Redis's start-up logo (asciilogo.h), shown with always-show-logo yes
/// or when logging to a terminal; tools read its Port: and PID: lines.
enum StartupBanner {
    static func logo(name: String, version: String, mode: String, port: Int, pid: Int32) -> String {
        let lines: [String] = [
            "                _._                                                  \n",
            "           _.-``__ ''-._                                             \n",
            "      _.-``    `.  `_.  ''-._           \(name) \(version) (00000000/0) 64 bit\n",
            "  .-`` .-```.  ```\\/    _.,_ ''-._                                  \n",
            " (    '      ,       .-`  | `,    )     Running in \(mode) mode\n",
            " |`-._`-...-` __...-.``-._|'` _.-'|     Port: \(port)\n",
            " |    `-._   `._    /     _.-'    |     PID: \(pid)\n",
            "  `-._    `-._  `-./  _.-'    _.-'                                   \n",
            " |`-._`-._    `-.__.-'    _.-'_.-'|                                  \n",
            " |    `-._`-._        _.-'_.-'    |           https://redis.io       \n",
            "  `-._    `-._`-.__.-'_.-'    _.-'                                   \n",
            " |`-._`-._    `-.__.-'    _.-'_.-'|                                  \n",
            " |    `-._`-._        _.-'_.-'    |                                  \n",
            "  `-._    `-._`-.__.-'_.-'    _.-'                                   \n",
            "      `-._    `-.__.-'    _.-'                                       \n",
            "          `-._        _.-'                                           \n",
            "              `-.__.-'                                               \n",
        ]
        return lines.joined() + "\n"
    }

    /// redisAsciiArt's choice: the logo, or the one line Redis logs instead.
    static func showsLogo(alwaysShowLogo: Bool, logfile: String, stdoutIsTerminal: Bool) -> Bool {
        alwaysShowLogo || (logfile.isEmpty && stdoutIsTerminal)
    }
}

extension Server {
    /// The logo, or "Running mode=..., port=..." (redisAsciiArt).
    public func logBanner() {
        if StartupBanner.showsLogo(alwaysShowLogo: config.bool("always-show-logo"), logfile: config.logfile,
                                   stdoutIsTerminal: isatty(1) != 0) {
            log.raw(.notice, StartupBanner.logo(name: "Vigil", version: Version.vigil, mode: "standalone", port: port, pid: getpid()))
        } else {
            log.notice("Running mode=standalone, port=\(port).")
        }
    }
}
