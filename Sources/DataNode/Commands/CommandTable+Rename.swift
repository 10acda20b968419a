import ServerKit

extension CommandTable {
    /// Redis 7.0's commands with the config's rename-command lines applied
    /// in file order, refused in loadServerConfigFromString's words.
    public init(renaming directives: [ConfigDirective]) throws {
        self.init()
        for d in directives {
            let args = d.strings
            guard let command = lookup(Array(args[1].utf8)) else {
                throw ConfigError(directive: d, reason: "No such command in rename-command")
            }
            if !rename(command, from: args[1], to: args[2]) {
                throw ConfigError(directive: d, reason: "Target command name already exists")
            }
        }
    }
}
