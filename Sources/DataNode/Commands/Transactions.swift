/// Handlers of this group, by full command name.
enum TransactionCommands {
    static let handlers: [String: CommandHandler] = [:]
}
