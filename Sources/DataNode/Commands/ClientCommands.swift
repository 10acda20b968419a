/// Handlers of this group, by full command name.
enum ClientCommands {
    static let handlers: [String: CommandHandler] = [:]
}
