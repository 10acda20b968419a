import Foundation

/// The local deployment `vigil up` starts: node-1 (the master), node-2 and
/// node-3 (its replicas), sentinel-1..3 watching it as `mymaster`, quorum 2.
struct LocalTopology {
    static let masterName = "mymaster"
    static let defaultDataPorts = [6380, 6381, 6382]
    static let defaultSentinelPorts = [26380, 26381, 26382]

    struct Member {
        let name: String
        let role: String
        let port: Int
        /// The port the template in configs/local uses for it.
        let templatePort: Int
        var isSentinel: Bool { role == "sentinel" }
    }

    let dataPorts: [Int]
    let sentinelPorts: [Int]

    var members: [Member] {
        dataPorts.indices.map { i in
            Member(name: "node-\(i + 1)", role: i == 0 ? "master" : "replica", port: dataPorts[i],
                   templatePort: Self.defaultDataPorts[i])
        } + sentinelPorts.indices.map { i in
            Member(name: "sentinel-\(i + 1)", role: "sentinel", port: sentinelPorts[i],
                   templatePort: Self.defaultSentinelPorts[i])
        }
    }

    var masterPort: Int { dataPorts[0] }

    /// Template ports mapped to the ports this run uses.
    var portMap: [Int: Int] {
        Dictionary(uniqueKeysWithValues: members.map { ($0.templatePort, $0.port) })
    }

    /// The template's text with the ports moved, `dir` made absolute and
    /// forced to stay in the foreground. Other lines (comments included) are
    /// kept as written.
    func render(template: String, member: Member, run: RunDirectory) -> String {
        let map = portMap
        func port(_ s: Substring) -> String { Int(s).flatMap { map[$0] }.map(String.init) ?? String(s) }
        var out: [String] = []
        var sawDir = false
        for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            switch words.first?.lowercased() {
            case "port":
                out.append("port \(member.port)")
            case "dir":
                sawDir = true
                out.append("dir \"\(member.isSentinel ? run.path : run.dataPath(member.name))\"")
            case "daemonize":
                out.append("daemonize no")
            case "replicaof", "slaveof":
                if words.count == 3 { out.append("\(words[0]) \(words[1]) \(port(words[2]))") } else { out.append(String(line)) }
            case "sentinel" where words.count == 6 && words[1].lowercased() == "monitor":
                out.append("sentinel monitor \(words[2]) \(words[3]) \(port(words[4])) \(words[5])")
            default:
                out.append(String(line))
            }
        }
        if !sawDir {
            out.append("dir \"\(member.isSentinel ? run.path : run.dataPath(member.name))\"")
        }
        return out.joined(separator: "\n")
    }

    /// Where the templates are: --configs, else configs/local under the
    /// current directory, else next to the executable's package (a binary in
    /// .build/<triple>/<configuration>/ of this repository).
    static func templateDirectory(explicit: String?, executable: String) -> String? {
        if let explicit { return explicit }
        var candidates = [FileManager.default.currentDirectoryPath + "/configs/local"]
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.path + "/configs/local")
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/node-1.conf") }
    }
}
