import Foundation
import Glibc

/// Where the binaries a deployment runs are found.
public enum Executables {
    /// Full path of `name` found on PATH, if executable.
    public static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    public static var redisServer: String? { onPath("redis-server") }
    public static var redisSentinel: String? { onPath("redis-sentinel") }
    public static var redisCli: String? { onPath("redis-cli") }

    /// A binary built by this package (vigil-server, vigil-sentinel,
    /// vigil-cli...): VIGIL_BIN_DIR when set, then next to the running
    /// program (a test bundle or a tool), then .build/debug and .build/release
    /// under the current directory.
    public static func built(_ name: String) -> String? {
        var dirs: [String] = []
        if let d = ProcessInfo.processInfo.environment["VIGIL_BIN_DIR"] { dirs.append(d) }
        var url = Bundle.main.bundleURL
        for _ in 0..<3 {
            dirs.append(url.path)
            url = url.deletingLastPathComponent()
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        dirs.append(exe.path)
        dirs.append(exe.deletingLastPathComponent().path)
        let cwd = FileManager.default.currentDirectoryPath
        dirs.append(cwd + "/.build/debug")
        dirs.append(cwd + "/.build/release")
        for d in dirs {
            let candidate = d + "/" + name
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue,
               access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}
