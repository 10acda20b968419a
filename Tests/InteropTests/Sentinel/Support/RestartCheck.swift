import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import XCTest

/// What a sentinel's config file must carry across a restart: its id, every
/// master's settings, the replicas and sentinels it knows, the global
/// settings, and the `sentinel` lines it writes (epochs, auth, scripts).
/// Runtime state (links, flags, timings) is left out.
struct SentinelConfigView: Equatable {
    var myid = ""
    var masters: [String: [String: String]] = [:]
    var replicas: [String: Set<String>] = [:]
    var sentinels: [String: Set<String>] = [:]
    var globals: [String: String] = [:]
    /// The `sentinel` lines of the file it writes (config or state file),
    /// order aside: redis-sentinel and vigil-sentinel list entries in their own order.
    var writtenLines: Set<String> = []

    static let masterFields = ["name", "ip", "port", "quorum", "down-after-milliseconds", "failover-timeout",
                               "parallel-syncs", "config-epoch", "notification-script", "client-reconfig-script"]
    static let globalNames = ["resolve-hostnames", "announce-hostnames", "announce-ip", "announce-port"]

    /// Flushes the sentinel's config (so the file is current), then reads
    /// what it reports and what it wrote to `writtenFile`.
    static func read(port: Int, writtenFile: String) throws -> SentinelConfigView {
        let c = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 1000, ioTimeoutMs: 5000)
        defer { c.close() }
        guard try c.call("SENTINEL", "FLUSHCONFIG") == .simple("OK") else { throw RedisClientError.io("FLUSHCONFIG failed on \(port)") }
        var v = SentinelConfigView()
        v.myid = try c.call("SENTINEL", "MYID").string ?? ""
        for m in try c.call("SENTINEL", "MASTERS").elements ?? [] {
            let fields = Dictionary(LocalDeployment.pairs(m), uniquingKeysWith: { a, _ in a })
            let name = fields["name"] ?? ""
            v.masters[name] = fields.filter { masterFields.contains($0.key) }
            v.replicas[name] = Set((try c.call("SENTINEL", "REPLICAS", name).elements ?? []).map { LocalDeployment.pairs($0)[0].1 })
            v.sentinels[name] = Set((try c.call("SENTINEL", "SENTINELS", name).elements ?? []).map { s in
                let f = Dictionary(LocalDeployment.pairs(s), uniquingKeysWith: { a, _ in a })
                return "\(f["runid"] ?? "") \(f["ip"] ?? ""):\(f["port"] ?? "")"
            })
        }
        for name in globalNames {
            v.globals[name] = LocalDeployment.pairs(try c.call("SENTINEL", "CONFIG", "GET", name)).first?.1
        }
        let text = try String(contentsOfFile: writtenFile, encoding: .utf8)
        v.writtenLines = Set(text.split(separator: "\n").filter { $0.hasPrefix("sentinel ") }.map(String.init))
        return v
    }

    /// Field by field, so a failure names what was lost.
    func differences(from other: SentinelConfigView) -> [String] {
        var out: [String] = []
        if myid != other.myid { out.append("myid \(other.myid) -> \(myid)") }
        if masters != other.masters { out.append("masters \(other.masters) -> \(masters)") }
        if replicas != other.replicas { out.append("replicas \(other.replicas) -> \(replicas)") }
        if sentinels != other.sentinels { out.append("sentinels \(other.sentinels) -> \(sentinels)") }
        if globals != other.globals { out.append("globals \(other.globals) -> \(globals)") }
        let lost = other.writtenLines.subtracting(writtenLines), gained = writtenLines.subtracting(other.writtenLines)
        if !lost.isEmpty || !gained.isEmpty { out.append("written lines lost \(lost.sorted()), gained \(gained.sorted())") }
        return out
    }
}

extension LocalDeployment {
    /// A directory no config names: a restart from here proves that no
    /// relative path leaned on the directory the sentinel was first started in.
    static let elsewhere = "/"

    /// The file a node writes its learned state to (the state file when it has one).
    func writtenFile(of n: Node) -> String { n.statePath ?? n.configPath }

    /// restart-check: every sentinel in `nodes` is stopped and started again
    /// from the config file it wrote, from another working directory, and
    /// must report the same state; then made quick again. With `crossLoad`,
    /// also (for nodes without a state file) redis-sentinel loads the
    /// vigil-written file and vigil-sentinel then loads what redis-sentinel
    /// wrote, each reporting the same state.
    func restartCheck(_ nodes: [Node], vigil: String, step: String, crossLoad: Bool = false) throws {
        for n in nodes {
            let before = try SentinelConfigView.read(port: n.port, writtenFile: writtenFile(of: n))
            var kinds = [n.kind]
            if crossLoad && n.statePath == nil { kinds += n.kind == .vigil ? [.real, .vigil] : [.vigil, .real] }
            for kind in kinds {
                n.process.terminate()
                n.process = try launch(kind, vigil: vigil, config: n.configPath, useVigilServer: n.viaVigilServer,
                                       workingDirectory: Self.elsewhere)
                let who = "\(step): \(kind == .vigil ? "vigil" : "redis")-sentinel restarted from \(n.label)'s file"
                do {
                    try n.process.waitForPing(port: n.port)
                } catch {
                    XCTFail("\(who) did not start: \(error)")
                    throw error
                }
                let after = try SentinelConfigView.read(port: n.port, writtenFile: writtenFile(of: n))
                let diffs = after.differences(from: before)
                XCTAssertTrue(diffs.isEmpty, "\(who) reports another state:\n\(diffs.joined(separator: "\n"))")
            }
            try quicken(n)
        }
    }
}
