import Glibc
import Sentinel

exit(SentinelMain.run(arguments: Array(CommandLine.arguments.dropFirst())))
