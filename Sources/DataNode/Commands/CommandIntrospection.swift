/// Handlers of this group, by full command name.
enum CommandIntrospection {
    static let handlers: [String: CommandHandler] = [:]
}
