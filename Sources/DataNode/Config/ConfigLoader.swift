import ACL
import Glibc
import Protocol
import ServerKit

/// Reads the configuration the way redis-server 7.0 does: an optional config
/// file (or `-` for stdin), then `--name value ...` options appended to it as
/// extra lines, so that later lines override earlier ones.
public enum ConfigLoader {
    /// `arguments` is argv without the program name. Returns the config and
    /// the absolute path of the config file, if one was given (for CONFIG REWRITE).
    /// The caller handles --version/--help first, and after loading must
    /// chdir to `config.dir` (Redis changes directory while it reads `dir`).
    public static func load(arguments: [String]) throws -> (config: ServerConfig, configFile: String?) {
        try load(arguments: arguments, readStdin: { ConfigPaths.readAll(fd: 0) })
    }

    /// Parses `text` as the content of a config file named `file` (used in
    /// error messages; relative includes resolve against the current `dir`).
    public static func load(text: String, file: String? = nil) throws -> ServerConfig {
        var loader = ConfigTextLoader(config: ServerConfig())
        let chain = file.map { [ConfigPaths.canonicalPath($0)] } ?? []
        try loader.parse(ConfigText(text, name: file ?? "(text)"), chain: chain)
        return loader.config
    }

    static func load(arguments: [String], readStdin: () -> [UInt8]) throws -> (config: ServerConfig, configFile: String?) {
        var loader = ConfigTextLoader(config: ServerConfig())
        guard !arguments.isEmpty else { return (loader.config, nil) }
        let argv = ConfigArguments(arguments, cwd: ConfigPaths.currentDirectory())
        let text = try argv.text(program: ConfigError.programName, readStdin: readStdin)
        try loader.parse(text, chain: argv.configFile.map { [ConfigPaths.canonicalPath($0)] } ?? [])
        return (loader.config, argv.configFile)
    }
}

/// One pass of loadServerConfigFromString over a text, recursing for includes.
struct ConfigTextLoader {
    var config: ServerConfig
    var fileState: ConfigFileReadState? = ConfigFileReadState()

    mutating func parse(_ text: ConfigText, chain: [String]) throws {
        try text.forEachDirective(program: ConfigError.programName) { line in
            let argv = line.args
            let name = line.name
            let argc = argv.count
            func fail(_ reason: String, _ directive: String?) -> ConfigError {
                line.error(program: ConfigError.programName, directive: directive, reason: reason)
            }
            if let i = ConfigTable.lookup(argv[0]) {
                if !ConfigTable.entries[i].flags.contains(.multiArg) && argc != 2 {
                    throw fail("wrong number of arguments", name)
                }
                var args = Array(argv[1...])
                // One non-empty argument to a multi-value parameter is split
                // again, so that `--save "60 1 10 5"` works (Redis 7.0.1+).
                if ConfigTable.entries[i].flags.contains(.multiArg) && argc == 2 && !argv[1].isEmpty {
                    args = splitArgs(argv[1]) ?? []
                }
                if case .failed(let reason) = config.setEntry(i, args: args, file: &fileState) {
                    throw fail(reason, name)
                }
            } else if ["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"].contains(name) && argc == 2 {
                // Deprecated: accepted and ignored.
            } else if name == "include" && argc == 2 {
                let included = try ConfigInclude.read(argv[1], dir: config.dir, from: line, chain: chain, program: ConfigError.programName)
                try parse(included.text, chain: included.chain)
            } else if name == "rename-command" && argc == 3 {
                config.renamedCommands.append(line)
            } else if name == "user" && argc >= 2 {
                // ACLAppendUserForLoading: syntax checked now, unknown commands at load.
                let seen = Set(config.users.map { $0.strings[1] })
                if case .declaration(let arg, let reason) = ACLUsers.validateConfigUser(line.strings, seen: seen, catalog: Server.aclCatalog) {
                    throw fail("Error in user declaration '\(arg)': \(reason)", name)
                }
                config.users.append(line)
            } else if name == "loadmodule" && argc >= 2 {
                config.loadModules.append(line)
            } else if argv[0].contains(UInt8(ascii: ".")) {
                if argc != 2 { throw fail("Module config specified without value", name) }
                config.moduleConfigs.append(line)
            } else if name == "sentinel" {
                // A bare "sentinel" selects sentinel mode, which is vigil-sentinel's business.
                if argc != 1 { throw fail("sentinel directive while not in sentinel mode", name) }
            } else {
                throw fail("Bad directive or wrong number of arguments", name)
            }
        }
        try finish(text.segments.first?.name)
    }

    /// The checks Redis makes once a whole text is read.
    private mutating func finish(_ source: String?) throws {
        try ConfigPaths.checkLogfile(String(decoding: config.bytes("logfile"), as: UTF8.self), dir: config.dir, source: source, program: ConfigError.programName)
        if config.bool("cluster-enabled"), config.replicaof != nil {
            throw ConfigError.general(program: ConfigError.programName, source: source, reason: "replicaof directive not allowed in cluster mode")
        }
        config.setNumber("hz", min(max(config.int("hz"), 1), 500))
    }
}
