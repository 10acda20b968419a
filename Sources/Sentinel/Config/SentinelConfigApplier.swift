import Glibc
import SentinelCore
import ServerKit

/// Applies the queued `sentinel` lines to the core in redis-sentinel's three
/// passes (globals, then monitor lines, then the rest, each in file order),
/// so per-master lines may come before their monitor line.
public enum SentinelConfigApplier {
    public static func apply(_ directives: [SentinelDirective], to core: SentinelCore, now: Int64) throws {
        for pass in 0..<3 {
            for d in directives where SentinelCore.configPass(d.args[0]) == pass {
                if let reason = core.applyConfig(d.args, now: now) {
                    throw d.origin.error(program: ConfigError.programName, directive: "sentinel \(d.args[0].lowercased())",
                                         reason: reason)
                }
            }
        }
    }

    /// The main file's lines plus the state file's. A master the state file
    /// knows is taken from it whole (its address may have changed in a
    /// failover); the main file still adds masters the state does not know
    /// and all global options.
    public static func merge(main: [SentinelDirective], state: [SentinelDirective]) -> [SentinelDirective] {
        var stateMasters: Set<String> = []
        for d in state where d.args.count >= 2 && d.args[0].lowercased() == "monitor" { stateMasters.insert(d.args[1]) }
        let kept = main.filter { d in
            guard SentinelCore.configPass(d.args[0]) != 0, d.args.count >= 2 else { return true }
            return !stateMasters.contains(d.args[1])
        }
        return kept + state
    }

    /// Reads a state file: only comments and `sentinel` lines. A missing file
    /// is an empty state (first start).
    public static func loadStateFile(_ path: String) throws -> [SentinelDirective] {
        guard case .success(let bytes) = ConfigPaths.readFile(path) else { return [] }
        var loaded = LoadedSentinelConfig()
        let text = ConfigText(bytes: bytes, segments: [ConfigSegment(name: path, start: 0, commandLine: false)])
        try SentinelConfigLoader.parse(text, cwd: "/", into: &loaded)
        let stray = loaded.options
        if stray.stateConfigFile != nil || !stray.users.isEmpty {
            throw SentinelConfigError(source: path, line: nil, directive: nil,
                                      reason: "a state file holds only sentinel state lines",
                                      redisText: "State file \(path) holds lines that belong in the main config file")
        }
        return loaded.directives
    }
}
