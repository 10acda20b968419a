import Keyspace
import Persistence
import Protocol

/// MIGRATE (cluster.c migrateCommand): moves keys to another server as
/// RESTORE commands carrying DUMP payloads, over a cached connection, with
/// blocking IO on the server's thread as Redis does. Keys the target
/// acknowledged are deleted here (unless COPY) and reach replicas and the
/// AOF as one DEL. Always RESTORE: RESTORE-ASKING is for cluster mode, which
/// this server never runs in.
enum MigrateCommand {
    static let handlers: [String: CommandHandler] = ["migrate": migrate]

    static let connectError = "IOERR error or timeout connecting to the client"
    static func ioError(writing: Bool) -> String {
        "IOERR error or timeout \(writing ? "writing" : "reading") to target instance"
    }
    /// The reply buffers migrateCommand reads the target's lines into (1024 bytes with the NUL).
    static let lineLimit = 1023
    /// Written to the target this many bytes at a time.
    static let chunkSize = 64 * 1024

    static let auth = Array("AUTH".utf8), select = Array("SELECT".utf8)
    static let restore = Array("RESTORE".utf8), replaceArg = Array("REPLACE".utf8)

    static func migrate(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let parsed = MigrateArguments.parse(argv)
        client.redactedArgs += parsed.redacted
        guard let args = parsed.arguments else {
            client.replyError(parsed.error ?? "ERR syntax error")
            return
        }
        // A key that is gone (often just expired) is not an error: with none
        // left the reply says there was nothing to move.
        let db = client.db
        var found: [(key: [UInt8], value: Value)] = []
        for i in args.keyPositions {
            if let v = db.lookupRead(Key(argv[i])) { found.append((argv[i], v)) }
        }
        if found.isEmpty {
            client.out.simpleString("NOKEY")
            return
        }
        var run = MigrateRun(server: server, client: client, argv: argv, args: args, found: found)
        run.execute()
    }
}

/// One MIGRATE's exchange with its target, with migrateCommand's single
/// retry on a fresh connection when a cached one turns out dead.
private struct MigrateRun {
    let server: Server
    let client: Client
    let argv: [[UInt8]]
    let args: MigrateArguments
    var found: [(key: [UInt8], value: Value)]

    var host: [UInt8] { argv[1] }
    var port: [UInt8] { argv[2] }

    /// How an attempt ended when it did not reply: Redis's socket_err label.
    struct SocketError {
        var writing: Bool
        var failure: SyncSocketIO.Failure
    }

    mutating func execute() {
        var mayRetry = true
        while true {
            guard let err = attempt(mayRetry: &mayRetry) else { return }
            // Closing also makes the next attempt send SELECT again.
            server.migrateSockets.close(host: host, port: port)
            if err.failure != .timedOut && mayRetry {
                mayRetry = false
                continue
            }
            client.replyError(MigrateCommand.ioError(writing: err.writing))
            return
        }
    }

    /// One try_again pass: nil once a reply went out, else the socket error.
    private mutating func attempt(mayRetry: inout Bool) -> SocketError? {
        let nowSeconds = server.clock.monotonicMs() / 1000
        guard let cs = server.migrateSockets.socket(host: host, port: port, timeoutMs: args.timeoutMs, nowSeconds: nowSeconds) else {
            client.replyError(MigrateCommand.connectError)
            return nil
        }
        let timeout = args.timeoutMs
        var cmd = RESPWriter()
        if let password = args.password {
            cmd.arrayHeader(args.username == nil ? 2 : 3)
            cmd.bulk(MigrateCommand.auth)
            if let user = args.username { cmd.bulk(user) }
            cmd.bulk(password)
        }
        let sendsSelect = cs.lastDbId != args.dbid
        if sendsSelect {
            cmd.arrayHeader(2)
            cmd.bulk(MigrateCommand.select)
            cmd.bulk(Array(String(args.dbid).utf8))
        }
        // Keys that expired since the lookup are left out; the TTL sent is
        // what is left of it, at least 1 ms.
        let now = server.clock.keyspaceMs()
        let db = client.db
        var sent: [(key: [UInt8], value: Value)] = []
        for entry in found {
            var ttl: Int64 = 0
            if let at = db.expireTime(Key(entry.key)) {
                ttl = at - now
                if ttl < 0 { continue }
                if ttl < 1 { ttl = 1 }
            }
            sent.append(entry)
            cmd.arrayHeader(args.replace ? 5 : 4)
            cmd.bulk(MigrateCommand.restore)
            cmd.bulk(entry.key)
            cmd.bulk(Array(String(ttl).utf8))
            cmd.bulk(DumpPayload.encode(entry.value, options: server.dumpPayloadOptions))
            if args.replace { cmd.bulk(MigrateCommand.replaceArg) }
        }
        found = sent

        let bytes = cmd.bytes
        var pos = 0
        while pos < bytes.count {
            let end = min(pos + MigrateCommand.chunkSize, bytes.count)
            if let f = SyncSocketIO.write(cs.fd, bytes[pos..<end], timeoutMs: timeout) {
                return SocketError(writing: true, failure: f)
            }
            pos = end
        }

        var authReply: [UInt8] = [], selectReply: [UInt8] = []
        if args.password != nil {
            switch readLine(cs.fd, timeout) {
            case .success(let l): authReply = l
            case .failure(let f): return SocketError(writing: false, failure: f)
            }
        }
        if sendsSelect {
            switch readLine(cs.fd, timeout) {
            case .success(let l): selectReply = l
            case .failure(let f): return SocketError(writing: false, failure: f)
            }
        }

        var errorFromTarget = false
        var socketFailure: SyncSocketIO.Failure?
        var acknowledged: [[UInt8]] = []
        var j = 0
        while j < found.count {
            let read = readLine(cs.fd, timeout)
            guard case .success(let restoreReply) = read else {
                if case .failure(let f) = read { socketFailure = f }
                break
            }
            let authFailed = args.password != nil && authReply.first == UInt8(ascii: "-")
            let selectFailed = sendsSelect && selectReply.first == UInt8(ascii: "-")
            if authFailed || selectFailed || restoreReply.first == UInt8(ascii: "-") {
                if !errorFromTarget {
                    // The target's selected database is no longer known.
                    cs.lastDbId = -1
                    let line = authFailed ? authReply : selectFailed ? selectReply : restoreReply
                    errorFromTarget = true
                    client.replyError(bytes: Array("ERR Target instance replied with error: ".utf8) + line.dropFirst())
                }
            } else if !args.copy {
                deleteMoved(found[j].key)
                acknowledged.append(found[j].key)
            }
            j += 1
        }

        // Nothing was processed and the first reply failed: the cached
        // connection was probably dead, a fresh one may work.
        if !errorFromTarget, let f = socketFailure, j == 0, mayRetry, f != .timedOut {
            return SocketError(writing: false, failure: f)
        }
        if socketFailure != nil { server.migrateSockets.close(host: host, port: port) }
        // Replicas and the AOF see the keys the target acknowledged deleted.
        if !args.copy && !acknowledged.isEmpty && server.feed.isActive {
            server.feed.replaceCommand(with: [PropagationRewrites.del] + acknowledged)
        }
        if !errorFromTarget, let f = socketFailure {
            mayRetry = false
            return SocketError(writing: false, failure: f)
        }
        if !errorFromTarget {
            cs.lastDbId = args.dbid
            client.out.ok()
        }
        return nil
    }

    /// connSyncReadLine's "<= 0": an empty line counts as a failed read.
    private func readLine(_ fd: Int32, _ timeout: Int) -> Result<[UInt8], SyncSocketIO.Failure> {
        let r = SyncSocketIO.readLine(fd, limit: MigrateCommand.lineLimit, timeoutMs: timeout)
        if case .success(let l) = r, l.isEmpty { return .failure(.failed) }
        return r
    }

    /// The source side of an acknowledged key: deleted, signalled, counted
    /// (a key listed twice is notified twice, as Redis does).
    private func deleteMoved(_ key: [UInt8]) {
        let db = client.db
        if let value = db.remove(Key(key)), server.config.lazyfreeLazyServerDel { server.lazyFree(value) }
        server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
        server.dirty += 1
    }
}
