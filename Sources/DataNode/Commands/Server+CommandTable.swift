extension Server {
    /// A server running Redis 7.0's commands: where the server and the command
    /// handlers meet (the server itself is given its table, see CommandHandler).
    public convenience init(config: ServerConfig, configFile: String?, clock: NodeClock = NodeClock()) throws {
        try self.init(config: config, configFile: configFile, clock: clock, commands: CommandTable(renaming: config.renamedCommands))
    }
}
