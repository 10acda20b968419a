/// Handlers of this group, by full command name.
enum StringCommands {
    static let handlers: [String: CommandHandler] = [:]
}
