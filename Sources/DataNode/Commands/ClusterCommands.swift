import ServerKit

/// CLUSTER and the cluster-only connection commands on a server that never
/// runs in cluster mode: Redis 7.0 has them in its command table either way
/// and refuses them from their handlers (cluster.c clusterCommand,
/// readonlyCommand, readwriteCommand, askingCommand), so arity, unknown
/// subcommands, ACL and the NOSCRIPT check behave as Redis's.
enum ClusterCommands {
    static let disabled = "ERR This instance has cluster support disabled"

    static let handlers: [String: CommandHandler] = {
        var h: [String: CommandHandler] = ["readonly": refuse, "readwrite": refuse, "asking": refuse]
        for spec in CommandSpec.redis70 where spec.container == "cluster" { h[spec.fullName] = refuse }
        return h
    }()

    static func refuse(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.replyError(disabled)
    }
}
