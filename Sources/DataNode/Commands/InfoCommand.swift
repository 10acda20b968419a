/// Handlers of this group, by full command name.
enum InfoCommands {
    static let handlers: [String: CommandHandler] = [:]
}
