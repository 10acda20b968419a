/// How Redis 7.0 names the files in the AOF directory.
public enum AOFFileNames {
    /// `<appendfilename>.<seq>.base.rdb` or `.base.aof`.
    public static func base(_ fileName: String, seq: Int64, rdb: Bool) -> String {
        "\(fileName).\(seq).base.\(rdb ? "rdb" : "aof")"
    }

    /// `<appendfilename>.<seq>.incr.aof`.
    public static func incr(_ fileName: String, seq: Int64) -> String {
        "\(fileName).\(seq).incr.aof"
    }

    /// `<appendfilename>.manifest`.
    public static func manifest(_ fileName: String) -> String { fileName + ".manifest" }

    /// What the manifest is written to before its rename.
    public static func tempManifest(_ fileName: String) -> String { "temp-" + fileName + ".manifest" }

    /// The incr file that collects writes while `appendonly yes` waits for its first rewrite.
    public static func tempIncr(_ fileName: String) -> String { "temp-" + fileName + ".incr" }

    /// The file a rewrite child writes into `dir` (not the AOF directory).
    public static func rewriteTemp(childPid: Int32) -> String { "temp-rewriteaof-bg-\(childPid).aof" }

    /// The temp file of rewriteAppendOnlyFile itself.
    public static func rewriteTempInner(pid: Int32) -> String { "temp-rewriteaof-\(pid).aof" }
}
