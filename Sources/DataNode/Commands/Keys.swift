/// Handlers of this group, by full command name.
enum KeyCommands {
    static let handlers: [String: CommandHandler] = [:]
}
