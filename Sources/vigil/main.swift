import DataNode
import Glibc
import Operator
import Sentinel

// One binary for the operator's tool and for the processes it starts: `vigil up`
// re-executes itself as `vigil server CONF` and `vigil sentinel CONF`, so a single
// `swift run vigil ...` builds everything a local deployment needs.
ChildLifetime.followParentIfAsked()
let rest = Array(CommandLine.arguments.dropFirst())
switch rest.first {
case "server":
    let args = Array(rest.dropFirst())
    if SentinelMain.wantsSentinelMode(executable: "vigil-server", arguments: args) {
        exit(SentinelMain.run(arguments: args))
    }
    exit(ServerMain.run(arguments: args))
case "sentinel":
    exit(SentinelMain.run(arguments: Array(rest.dropFirst())))
default:
    exit(OperatorMain.run(arguments: rest))
}
