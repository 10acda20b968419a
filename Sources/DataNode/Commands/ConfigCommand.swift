/// Handlers of this group, by full command name.
enum ConfigCommands {
    static let handlers: [String: CommandHandler] = [:]
}
