import DataNode
import Glibc
import Sentinel

// Before anything: argv's memory becomes the process title's (setproctitle).
ProcessTitle.initialize()
let argv = CommandLine.arguments
let rest = Array(argv.dropFirst())
if SentinelMain.wantsSentinelMode(executable: argv.first ?? "", arguments: rest) {
    exit(SentinelMain.run(arguments: rest))
}
exit(ServerMain.run(arguments: rest))
