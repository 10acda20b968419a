import Foundation
import CLI
import RESPClient

// Everything lives in the CLI library (CLIMain) so tests can reach it.
exit(CLIMain.run(arguments: Array(CommandLine.arguments.dropFirst()),
                 environment: ProcessInfo.processInfo.environment))
