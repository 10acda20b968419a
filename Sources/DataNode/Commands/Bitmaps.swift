/// Handlers of this group, by full command name.
enum BitmapCommands {
    static let handlers: [String: CommandHandler] = [:]
}
