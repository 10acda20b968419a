/// Handlers of this group, by full command name.
enum ConnectionCommands {
    static let handlers: [String: CommandHandler] = [:]
}
