import ACL
import Foundation

/// Redis 7.0's command table (scripts/data/redis-7.0-commands.tsv) as the
/// ACL engine sees it, read once for all ACL unit tests.
enum Redis70Catalog {
    static let shared: ACLCatalog = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../scripts/data/redis-7.0-commands.tsv").standardized.path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var list: [(fullName: String, categories: [String], noAuth: Bool)] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            // redis-server drops the sentinel-only commands from its table.
            guard f.count > 4, !f[3].split(separator: ",").contains("only_sentinel") else { continue }
            list.append((f[0], f[4].split(separator: ",").map(String.init), f[3].split(separator: ",").contains("no_auth")))
        }
        return ACLCatalog(commands: list)
    }()

    static func users() -> ACLUsers { ACLUsers(catalog: shared) }
}
