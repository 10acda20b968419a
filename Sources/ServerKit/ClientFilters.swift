import Protocol

/// CLIENT LIST TYPE, CLIENT KILL TYPE: Redis's client classes.
public enum ClientType: Sendable {
    case normal, master, replica, pubsub

    /// getClientTypeByName: case-insensitive, "slave" and "replica" alike.
    public init?(name: [UInt8]) {
        if asciiCaseEquals(name, "normal") { self = .normal }
        else if asciiCaseEquals(name, "slave") || asciiCaseEquals(name, "replica") { self = .replica }
        else if asciiCaseEquals(name, "pubsub") { self = .pubsub }
        else if asciiCaseEquals(name, "master") { self = .master }
        else { return nil }
    }
}

/// What parsing a command's arguments gave: the request, or the error to answer.
public enum ParsedArguments<Request> {
    case request(Request)
    case error([UInt8])
}

/// strcasecmp against a lowercase keyword.
func asciiCaseEquals(_ a: [UInt8], _ word: String) -> Bool {
    a.count == word.utf8.count && zip(a, word.utf8).allSatisfy { (($0 >= 65 && $0 <= 90) ? $0 | 0x20 : $0) == $1 }
}

/// CLIENT KILL's filters, both forms, as clientKillCommand in Redis 7.0:
/// options are read in order and the first bad one answers.
public struct ClientKillFilter {
    public var addr: String?
    public var laddr: String?
    public var type: ClientType?
    /// 0: any.
    public var id = 0
    public var user: [UInt8]?
    public var skipMe = true
    /// `CLIENT KILL addr:port`: may kill the caller, answers OK or "No such client".
    public let oldForm: Bool

    init(oldForm: Bool) { self.oldForm = oldForm }

    /// `argv` is the whole command (CLIENT KILL ...); `userExists` checks a USER
    /// filter when it is read, so a later bad option cannot answer first.
    public static func parse(_ argv: [[UInt8]], userExists: ([UInt8]) -> Bool) -> ParsedArguments<ClientKillFilter> {
        if argv.count == 3 {
            var f = ClientKillFilter(oldForm: true)
            f.addr = String(decoding: argv[2], as: UTF8.self)
            f.skipMe = false
            return .request(f)
        }
        var f = ClientKillFilter(oldForm: false)
        let syntax = ParsedArguments<ClientKillFilter>.error(Array("ERR syntax error".utf8))
        var i = 2
        while i < argv.count {
            guard argv.count > i + 1 else { return syntax }
            let opt = argv[i], value = argv[i + 1]
            if asciiCaseEquals(opt, "id") {
                guard let v = parseStrictInt64(value), v >= 1 else {
                    return .error(Array("ERR client-id should be greater than 0".utf8))
                }
                f.id = Int(v)
            } else if asciiCaseEquals(opt, "type") {
                guard let t = ClientType(name: value) else {
                    return .error(errorText("ERR Unknown client type '", cString(value), "'"))
                }
                f.type = t
            } else if asciiCaseEquals(opt, "addr") {
                f.addr = String(decoding: value, as: UTF8.self)
            } else if asciiCaseEquals(opt, "laddr") {
                f.laddr = String(decoding: value, as: UTF8.self)
            } else if asciiCaseEquals(opt, "user") {
                guard userExists(value) else { return .error(errorText("ERR No such user '", cString(value), "'")) }
                f.user = value
            } else if asciiCaseEquals(opt, "skipme") {
                if asciiCaseEquals(value, "yes") {
                    f.skipMe = true
                } else if asciiCaseEquals(value, "no") {
                    f.skipMe = false
                } else {
                    return syntax
                }
            } else {
                return syntax
            }
            i += 2
        }
        return .request(f)
    }

    /// Whether a client falls under every filter given (the caller and the
    /// user are the server's to judge: `userMatches` is only read when USER was given).
    public func matches(id: Int, addr: String, laddr: String, type: ClientType, userMatches: @autoclosure () -> Bool) -> Bool {
        if let a = self.addr, a != addr { return false }
        if let l = self.laddr, l != laddr { return false }
        if let t = self.type, t != type { return false }
        if self.id != 0 && self.id != id { return false }
        if user != nil && !userMatches() { return false }
        return true
    }
}

/// CLIENT PAUSE timeout [WRITE|ALL], read in Redis 7.0's order: arity, mode, timeout.
public struct ClientPauseRequest {
    public let timeoutMs: Int64
    public let writesOnly: Bool

    public init(timeoutMs: Int64, writesOnly: Bool) {
        self.timeoutMs = timeoutMs
        self.writesOnly = writesOnly
    }

    public static func parse(_ argv: [[UInt8]]) -> ParsedArguments<ClientPauseRequest> {
        guard argv.count == 3 || argv.count == 4 else {
            return .error(CommandRejection.subcommandSyntax(argv[1], container: "client"))
        }
        var writesOnly = false
        if argv.count == 4 {
            if asciiCaseEquals(argv[3], "write") {
                writesOnly = true
            } else if !asciiCaseEquals(argv[3], "all") {
                return .error(Array("ERR CLIENT PAUSE mode must be WRITE or ALL".utf8))
            }
        }
        guard let ms = parseStrictInt64(argv[2]) else {
            return .error(Array("ERR timeout is not an integer or out of range".utf8))
        }
        if ms < 0 { return .error(Array("ERR timeout is negative".utf8)) }
        return .request(ClientPauseRequest(timeoutMs: ms, writesOnly: writesOnly))
    }
}
