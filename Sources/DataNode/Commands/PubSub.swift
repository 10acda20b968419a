/// Handlers of this group, by full command name.
enum PubSubCommands {
    static let handlers: [String: CommandHandler] = [:]
}
