import Glibc

/// `include <path or glob>` as loadServerConfig reads it, for a loader to
/// parse as one more pass.
public enum ConfigInclude {
    /// The text an `include` line names: relative paths mean the directory
    /// the last `dir` chose (`dir`); a glob's matches in order, joined into
    /// one text as Redis concatenates them (so its line numbers run on
    /// across them); a glob that matches nothing gives an empty text (an
    /// empty conf.d). `chain` holds the canonical paths being read: a file
    /// already in it is an include loop, refused rather than recursed into.
    /// Returns the text and the chain to read it with.
    public static func read(_ arg: [UInt8], dir: String, from line: ConfigLine, chain: [String],
                            program: String) throws -> (text: ConfigText, chain: [String]) {
        let path = String(decoding: ConfigCParse.cString(arg), as: UTF8.self)
        var files: [String] = []
        if path.contains("*") || path.contains("?") || path.contains("[") {
            var g = glob_t()
            if glob(ConfigPaths.resolve(path, in: dir), 0, nil, &g) == 0 {
                for k in 0..<Int(g.gl_pathc) {
                    if let p = g.gl_pathv[k] { files.append(String(cString: p)) }
                }
            }
            globfree(&g)
        } else {
            files = [path]
        }
        var text = ConfigText(bytes: [], segments: [])
        var newChain = chain
        for f in files {
            let full = ConfigPaths.resolve(f, in: dir)
            let canonical = ConfigPaths.canonicalPath(full)
            if chain.contains(canonical) {
                throw line.error(program: program, directive: "include", reason: "include loop: '\(f)' is already being read")
            }
            text.segments.append(ConfigSegment(name: f, start: text.bytes.count, commandLine: false))
            switch ConfigPaths.readFile(full) {
            case .success(let bytes): text.bytes += bytes
            case .failure(let e): throw ConfigError.cannotOpen(program: program, path: f, e, includedFrom: line)
            }
            newChain.append(canonical)
        }
        return (text, newChain)
    }
}
