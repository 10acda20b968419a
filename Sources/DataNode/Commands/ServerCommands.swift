/// Handlers of this group, by full command name.
enum ServerCommands {
    static let handlers: [String: CommandHandler] = [:]
}
