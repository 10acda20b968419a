/// What `vigil-sentinel` (and `vigil-server --sentinel`) does: parse argv like
/// redis-sentinel, start, run, exit.
public enum SentinelMain {
    /// True when argv asks for sentinel mode, as redis-server decides it:
    /// the executable name contains "redis-sentinel" (here "vigil-sentinel"),
    /// or "--sentinel" is one of the arguments.
    public static func wantsSentinelMode(executable: String, arguments: [String]) -> Bool {
        executable.hasSuffix("vigil-sentinel") || executable.contains("redis-sentinel") || arguments.contains("--sentinel")
    }

    public static func run(arguments: [String]) -> Int32 {
        1
    }
}
