import Glibc

/// `vigil SUBCOMMAND ...`: the operator's tool. Each subcommand parses its own
/// arguments and returns the process exit status.
public enum OperatorMain {
    public static let usage = """
        Usage: vigil <command> [options]

          up [DIR]                 start the local deployment (3 data nodes, 3 sentinels) and follow its events
          up [DIR] --detach        start it and return once it is healthy
          down [DIR]               stop a deployment started by `vigil up`
          status [--sentinel host:port] [name]
                                   masters, replicas and sentinels as one sentinel sees them
          drill KIND [options]     break the deployment and report time-to-writable and writes lost
                                   (KIND: kill-master, pause-master, manual, coordinated)
          server [ARGS]            run a data node (as vigil-server)
          sentinel [ARGS]          run a sentinel (as vigil-sentinel)

        `vigil <command> --help` describes a command's options.
        """

    public static func run(arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            printError(usage)
            return 1
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "up": return UpCommand.run(arguments: rest)
        case "down": return DownCommand.run(arguments: rest)
        case "status": return StatusCommand.run(arguments: rest)
        case "drill": return DrillCommand.run(arguments: rest)
        case ExecChild.command: return ExecChild.run(arguments: rest)
        case "help", "--help", "-h":
            print(usage)
            return 0
        default:
            printError("vigil: unknown command '\(command)'\n\n" + usage)
            return 1
        }
    }
}

/// Writes a line to standard error (messages for the operator, not data).
func printError(_ message: String) {
    var text = message
    if !text.hasSuffix("\n") { text += "\n" }
    _ = text.withCString { write(2, $0, strlen($0)) }
}
