import Protocol
import ServerKit

/// PING, ECHO, QUIT, SELECT, HELLO, AUTH, RESET: per-connection state.
enum ConnectionCommands {
    static let handlers: [String: CommandHandler] = [
        "ping": ping, "echo": echo, "quit": quit, "select": select,
        "hello": hello, "auth": auth, "reset": reset,
    ]

    static func ping(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv.count > 2 {
            c.replyError("ERR wrong number of arguments for 'ping' command")
            return
        }
        // A RESP2 subscriber can only read pushes, so PING answers in that shape.
        if c.flags.contains(.pubsub) && c.proto == 2 {
            c.out.arrayHeader(2)
            c.out.bulk(pongLower)
            c.out.bulk(argv.count == 2 ? argv[1] : [])
        } else if argv.count == 1 {
            c.out.simpleString("PONG")
        } else {
            c.out.bulk(argv[1])
        }
    }
    static let pongLower: [UInt8] = Array("pong".utf8)

    static func echo(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.bulk(argv[1])
    }

    static func quit(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.ok()
        c.flags.insert(.closeAfterReply)
    }

    static func select(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let id = parseStrictInt64(argv[1]) else {
            c.replyError("ERR value is not an integer or out of range")
            return
        }
        // getIntFromObjectOrReply: the value must fit a C int.
        guard id >= Int64(Int32.min) && id <= Int64(Int32.max) else {
            c.replyError("ERR value is out of range, value must between -2147483648 and 2147483647")
            return
        }
        guard id >= 0 && Int(id) < server.databases.count else {
            c.replyError("ERR DB index is out of range")
            return
        }
        c.dbIndex = Int(id)
        c.out.ok()
    }

    // MARK: authentication

    /// ACLAuthenticateUser: on success the connection runs as that user; a
    /// failure is logged (reason auth, object argv[0] as typed).
    static func authenticate(_ server: Server, _ c: Client, user: [UInt8], password: [UInt8], argv0: [UInt8]) -> Bool {
        let name = String(decoding: user, as: UTF8.self)
        guard let u = server.acl.user(name), u.accepts(password: password) else {
            server.addACLLog(c, reason: .auth, context: c.flags.contains(.multi) ? .multi : .toplevel, object: argv0,
                             running: String(decoding: argv0, as: UTF8.self).lowercased(), username: name)
            return false
        }
        c.authenticated = true
        c.parser.authRequired = false
        c.user = u.name
        c.aclUser = u === server.acl.defaultUser ? nil : u
        return true
    }
    static let defaultUser: [UInt8] = Array("default".utf8)

    /// A fresh connection is logged in iff the default user is on and nopass.
    static func startsAuthenticated(_ server: Server) -> Bool {
        server.acl.defaultUser.enabled && server.acl.defaultUser.nopass
    }

    static let wrongPass = "WRONGPASS invalid username-password pair or user is disabled."

    static func auth(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv.count > 3 {
            c.replyError("ERR syntax error")
            return
        }
        c.redactedArgs = argv.count == 2 ? [1] : [1, 2]
        let user: [UInt8], password: [UInt8]
        if argv.count == 2 {
            if server.acl.defaultUser.nopass {
                c.replyError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
                return
            }
            user = defaultUser
            password = argv[1]
        } else {
            user = argv[1]
            password = argv[2]
        }
        if authenticate(server, c, user: user, password: password, argv0: argv[0]) {
            c.out.ok()
        } else {
            c.replyError(wrongPass)
        }
    }

    /// HELLO [protover [AUTH user pass] [SETNAME name]]: options apply in order,
    /// as 7.0 does (a SETNAME before a failing AUTH sticks).
    static func hello(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        var ver = 0
        if argv.count >= 2 {
            guard let v = parseStrictInt64(argv[1]) else {
                c.replyError("ERR Protocol version is not an integer or out of range")
                return
            }
            guard v == 2 || v == 3 else {
                c.replyError("NOPROTO unsupported protocol version")
                return
            }
            ver = Int(v)
        }
        var j = 2
        var redacted: [Int] = []
        while j < argv.count {
            let more = argv.count - 1 - j
            if argEquals(argv[j], "auth") && more >= 2 {
                redacted += [j + 1, j + 2]
                c.redactedArgs = redacted
                guard authenticate(server, c, user: argv[j + 1], password: argv[j + 2], argv0: argv[0]) else {
                    c.replyError(wrongPass)
                    return
                }
                j += 3
            } else if argEquals(argv[j], "setname") && more >= 1 {
                guard ClientCommands.setName(c, argv[j + 1]) else { return }
                j += 2
            } else {
                c.replyError(bytes: errorText("ERR Syntax error in HELLO option '", cString(argv[j]), "'"))
                return
            }
        }
        guard c.authenticated else {
            c.replyError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
            return
        }
        if ver != 0 { c.proto = ver }
        c.out.mapHeader(7)
        c.out.bulk("server"); c.out.bulk("redis")
        c.out.bulk("version"); c.out.bulk(Version.redis)
        c.out.bulk("proto"); c.out.integer(c.proto)
        c.out.bulk("id"); c.out.integer(c.id)
        c.out.bulk("mode"); c.out.bulk("standalone")
        c.out.bulk("role"); c.out.bulk(server.replication.role == .master ? "master" : "replica")
        c.out.bulk("modules"); c.out.arrayHeader(0)
    }

    // MARK: RESET

    /// Back to a fresh connection's state, keeping the socket (7.0 resetCommand).
    static func reset(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if c.flags.contains(.monitor) {
            server.monitors.removeAll { $0 === c }
            c.flags.remove(.monitor)
        }
        if c.flags.contains(.master) || c.flags.contains(.replica) {
            c.replyError("ERR can only reset normal client connections")
            return
        }
        if c.tracking.isOn { server.disableTracking(c) }
        c.dbIndex = 0
        c.proto = 2
        c.user = "default"
        c.aclUser = nil
        c.authenticated = startsAuthenticated(server)
        c.parser.authRequired = !c.authenticated
        TransactionCommands.discardTransaction(server, c)
        server.unsubscribeAll(c)
        c.name = nil
        c.flags.remove([.readonly, .pubsub])
        c.replyMode = .on
        c.out.simpleString("RESET")
    }
}
