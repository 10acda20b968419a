/// Handlers of this group, by full command name.
enum DebugCommands {
    static let handlers: [String: CommandHandler] = [:]
}
