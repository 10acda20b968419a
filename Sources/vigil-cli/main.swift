import Foundation
import RESPClient

// Everything lives in RESPClient (CLIMain) so tests can reach it.
exit(CLIMain.run(arguments: Array(CommandLine.arguments.dropFirst()),
                 environment: ProcessInfo.processInfo.environment))
