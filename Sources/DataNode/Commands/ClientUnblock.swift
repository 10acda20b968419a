import Protocol
import ServerKit

/// CLIENT UNBLOCK <id> [TIMEOUT|ERROR]: the reason is checked before the id,
/// and any client that is not blocked (or does not exist) answers 0.
enum ClientUnblockCommand {
    static let handlers: [String: CommandHandler] = ["client|unblock": unblock]

    static func unblock(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard argv.count == 3 || argv.count == 4 else {
            c.replyError(bytes: errorText("ERR unknown subcommand or wrong number of arguments for '", cString(argv[1]), "'. Try CLIENT HELP."))
            return
        }
        var error = false
        if argv.count == 4 {
            if argEquals(argv[3], "timeout") {
                error = false
            } else if argEquals(argv[3], "error") {
                error = true
            } else {
                c.replyError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
                return
            }
        }
        guard let id = parseStrictInt64(argv[2]) else {
            c.replyError("ERR value is not an integer or out of range")
            return
        }
        guard let target = server.clients[Int(id)], server.unblockClientByRequest(target, error: error) else {
            c.out.integer(0)
            return
        }
        c.out.integer(1)
    }
}
