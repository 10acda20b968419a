import Glibc

/// The errors processCommand answers before a command runs, and the refusal
/// of a connection over maxclients: both servers send the same bytes, so the
/// texts are built in one place. Only rejections build them: nothing here
/// runs for a command that is accepted.
public enum CommandRejection {
    /// What acceptCommonHandler writes before closing a connection over
    /// maxclients (no client exists yet, so no RESP writer either).
    public static let maxClientsReached: [UInt8] = Array("-ERR max number of clients reached\r\n".utf8)

    /// Refuses an accepted socket over maxclients: a best-effort error, then
    /// close. The caller counts it in rejected_connections only: Redis counts
    /// total_connections_received once a client exists, so never for this one.
    public static func refuseOverMaxClients(fd: Int32) {
        _ = maxClientsReached.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        _ = Glibc.close(fd)
    }

    public static let noAuth = "NOAUTH Authentication required."

    /// `unknown command 'X', with args beginning with: 'a' 'b' ` — the
    /// arguments as C strings (cut at NUL, raw bytes), until 128 bytes accumulate.
    public static func unknownCommand(_ argv: [[UInt8]]) -> [UInt8] {
        var args: [UInt8] = []
        var i = 1
        while i < argv.count && args.count < 128 {
            args.append(UInt8(ascii: "'"))
            args.append(contentsOf: cString(argv[i], max: 128 - args.count + 1))
            args.append(contentsOf: "' ".utf8)
            i += 1
        }
        return errorText("ERR unknown command '", cString(argv[0], max: 128), "', with args beginning with: ", args)
    }

    /// A container (CLIENT, CONFIG...) given a subcommand it does not have.
    public static func unknownSubcommand(_ sub: [UInt8], container: String) -> [UInt8] {
        errorText("ERR unknown subcommand '", cString(sub, max: 128), "'. Try \(container.uppercased()) HELP.")
    }

    /// What a subcommand's own argument check answers (CLIENT PAUSE, PUBSUB...).
    public static func subcommandSyntax(_ sub: [UInt8], container: String) -> [UInt8] {
        errorText("ERR unknown subcommand or wrong number of arguments for '", cString(sub, max: 128),
                  "'. Try \(container.uppercased()) HELP.")
    }

    public static func wrongArity(_ fullName: String) -> String {
        "ERR wrong number of arguments for '\(fullName)' command"
    }

    /// RESP2 clients in pub/sub mode may run only these.
    public static let subscribedContextAllowed: Set<String> = ["ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe",
                                                               "psubscribe", "punsubscribe", "quit", "reset"]

    public static func subscribedContext(_ fullName: String) -> String {
        "ERR Can't execute '\(fullName)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
    }
}
