import ACL
import Glibc
import Protocol
import Reactor
import ServerKit

/// PING, AUTH, HELLO, PUBLISH, (P)SUBSCRIBE, (P)UNSUBSCRIBE, SHUTDOWN.
extension SentinelServer {
    func ping(_ c: ClientSession, _ args: [String]) {
        if args.count > 2 { return replyError(c, "ERR wrong number of arguments for 'ping' command") }
        if c.proto == 2 && c.inPubSub {
            c.reply(.array([.bulk("pong"), .bulk(args.count == 2 ? args[1] : "")]))
        } else if args.count == 2 {
            c.reply(.bulk(args[1]))
        } else {
            c.reply(.simple("PONG"))
        }
    }

    func auth(_ c: ClientSession, _ args: [String]) {
        if args.count > 3 { return replyError(c, "ERR syntax error") }
        if args.count == 2, let d = acl.user("default"), d.nopass {
            return replyError(c, "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
        }
        let (user, pass) = args.count == 3 ? (args[1], args[2]) : ("default", args[1])
        if authenticate(c, user: user, pass: pass, argv0: args[0]) {
            c.reply(.simple("OK"))
        } else {
            replyError(c, "WRONGPASS invalid username-password pair or user is disabled.")
        }
    }

    /// ACLAuthenticateUser: a failure is logged (reason auth, object argv[0] as typed).
    func authenticate(_ c: ClientSession, user: String, pass: String, argv0: String) -> Bool {
        guard let u = acl.user(user), u.accepts(password: Array(pass.utf8)) else {
            addACLLog(c, reason: .auth, object: argv0, username: user)
            return false
        }
        c.user = u
        c.authenticated = true
        return true
    }

    func hello(_ c: ClientSession, _ args: [String]) {
        var proto = c.proto
        var i = 1
        if args.count >= 2 {
            guard let v = parseStrictInt64(Array(args[1].utf8)) else {
                return replyError(c, "ERR Protocol version is not an integer or out of range")
            }
            if v < 2 || v > 3 { return replyError(c, "NOPROTO unsupported protocol version") }
            proto = Int(v)
            i = 2
        }
        var setName: String?
        var authPair: (String, String)?
        while i < args.count {
            let opt = args[i].lowercased()
            if opt == "auth" && i + 2 < args.count {
                authPair = (args[i + 1], args[i + 2])
                i += 3
            } else if opt == "setname" && i + 1 < args.count {
                setName = args[i + 1]
                i += 2
            } else {
                return replyError(c, "ERR Syntax error in HELLO option '\(args[i])'")
            }
        }
        if let (u, p) = authPair, !authenticate(c, user: u, pass: p, argv0: args[0]) {
            return replyError(c, "WRONGPASS invalid username-password pair or user is disabled.")
        }
        if !c.authenticated {
            return replyError(c, "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
        }
        if let n = setName {
            if let err = Self.checkClientName(n) { return replyError(c, err) }
            c.name = n
        }
        c.proto = proto
        c.reply(.map([.bulk("server"), .bulk("redis"), .bulk("version"), .bulk(Version.redis),
                      .bulk("proto"), .integer(Int64(proto)), .bulk("id"), .integer(Int64(c.id)),
                      .bulk("mode"), .bulk("sentinel"), .bulk("modules"), .array([])]))
    }

    static func checkClientName(_ n: String) -> String? {
        if n.utf8.contains(where: { $0 < 33 || $0 > 126 }) {
            return "ERR Client names cannot contain spaces, newlines or special characters."
        }
        return nil
    }

    /// Only hellos are accepted, and they are not passed on to local subscribers.
    func publish(_ c: ClientSession, _ args: [String]) {
        guard args[1] == "__sentinel__:hello" else {
            return replyError(c, "ERR Only HELLO messages are accepted by Sentinel instances.")
        }
        execute(core.receiveHello(args[2], now: clockMs()))
        c.reply(.integer(1))
    }

    func subscribe(_ c: ClientSession, _ names: ArraySlice<String>, pattern: Bool) {
        for n in names {
            if pattern {
                if !c.patterns.contains(n) {
                    c.patterns.append(n)
                    pubsub.add(c, pattern: n)
                }
            } else if !c.channels.contains(n) {
                c.channels.append(n)
                pubsub.add(c, channel: n)
            }
            var w = RESPWriter(proto: c.proto)
            PubSubReply.subscription(&w, kind: pattern ? PubSubReply.psubscribeWord : PubSubReply.subscribeWord,
                                     name: Array(n.utf8), count: c.channels.count + c.patterns.count)
            c.write(w)
        }
    }

    func unsubscribe(_ c: ClientSession, _ names: [String], pattern: Bool) {
        let targets = names.isEmpty ? (pattern ? c.patterns : c.channels) : names
        let kind = pattern ? PubSubReply.punsubscribeWord : PubSubReply.unsubscribeWord
        if targets.isEmpty {
            var w = RESPWriter(proto: c.proto)
            PubSubReply.subscription(&w, kind: kind, name: nil, count: c.channels.count + c.patterns.count)
            c.write(w)
            return
        }
        for n in targets {
            if pattern {
                if let i = c.patterns.firstIndex(of: n) {
                    c.patterns.remove(at: i)
                    pubsub.remove(c, pattern: n)
                }
            } else if let i = c.channels.firstIndex(of: n) {
                c.channels.remove(at: i)
                pubsub.remove(c, channel: n)
            }
            var w = RESPWriter(proto: c.proto)
            PubSubReply.subscription(&w, kind: kind, name: Array(n.utf8), count: c.channels.count + c.patterns.count)
            c.write(w)
        }
    }

    /// A sentinel never saves on shutdown and does not flush its config.
    /// Options are read as shutdownCommand reads them: every word first,
    /// then the illegal combinations, so nothing shuts down on a bad line.
    func shutdownCommand(_ c: ClientSession, _ args: [String]) {
        var nosave = false, save = false, other = false, abort = false
        for a in args.dropFirst() {
            switch a.lowercased() {
            case "nosave": nosave = true
            case "save": save = true
            case "now", "force": other = true
            case "abort": abort = true
            default: return replyError(c, "ERR syntax error")
            }
        }
        if (abort && (nosave || save || other)) || (nosave && save) {
            return replyError(c, "ERR syntax error")
        }
        if abort { return replyError(c, "ERR No shutdown in progress.") }
        shutdown()
    }
}
