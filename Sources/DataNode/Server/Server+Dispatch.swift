import CVigilShim
import Keyspace
import Reactor
import ServerKit

/// From input bytes to executed commands: parsing, the pre-dispatch checks
/// (processCommand), rejection, and call() with its bookkeeping.
extension Server {
    // MARK: input

    /// PROTO_MBULK_BIG_ARG: arguments from this size on get their room up front.
    static let bigArgumentBytes = 32 * 1024

    /// Parses and runs every complete command in the client's input buffer.
    func processInput(_ c: Client) {
        guard let conn = c.connection else { return }
        // The caller of a running script waits for its reply: its next
        // commands run after the script, from the loop below in its own call.
        if let run = scripting.running, run.caller === c { return }
        // Only commands of one read batch share readings: time passes while
        // the loop waits, and other callers of call() read the clock.
        clock.endBatch()
        defer { clock.endBatch() }
        stats.totalReadsProcessed += 1
        c.inputBatchBytes = conn.input.readableBytes
        if c.inputBatchBytes > c.queryBufferPeak { c.queryBufferPeak = c.inputBatchBytes }
        let outerInputClient = inputClientId
        inputClientId = c.id
        defer {
            c.inputBatchBytes = 0
            inputClientId = outerInputClient
        }
        while !c.isFreed && !conn.closing && !conn.readPaused && !c.flags.contains(.closeAfterReply) && !c.flags.contains(.blocked) {
            let (ev, consumed) = conn.input.withReadableBytes { c.parser.parse($0) }
            if consumed > 0 {
                stats.netInputBytes += consumed
                conn.input.moveReaderIndex(forwardBy: consumed)
            }
            switch ev {
            case .command(let argv):
                processCommand(c, argv)
                if c.flags.contains(.closeASAP) && !c.isFreed {
                    freeClient(c, reason: c.closeReason)
                    return
                }
                // Its output growth counts before the next command's eviction check.
                updateClientMemory(c)
            case .skipped:
                continue
            case .needMore:
                // Room for a big argument's whole payload at once, as Redis
                // sizes its query buffer on reading the length (the argument
                // then arrives without regrowing, and counts as memory the
                // client holds from the start).
                let awaited = c.parser.awaitedBulkBytes
                if awaited >= Self.bigArgumentBytes {
                    conn.input.reserveReadable(awaited)
                    conn.expectedInput = awaited - conn.input.readableBytes
                } else {
                    conn.expectedInput = 0
                }
                checkQueryBufferLimit(c)
                if c.flags.contains(.closeASAP) {
                    freeClient(c, reason: c.closeReason)
                    return
                }
                if !c.out.bytes.isEmpty { c.markPendingWrite() }
                // A big argument still arriving counts as it arrives.
                updateClientMemory(c)
                return
            case .error(let message):
                log.verbose("Protocol error (\(message)) from client: id=\(c.id) addr=\(c.address)")
                c.replyError("ERR Protocol error: \(message)")
                c.flags.insert(.closeAfterReply)
            }
        }
        // A blocked (or closing) client's input piles up unprocessed: still bounded.
        if c.flags.contains(.blocked) || c.flags.contains(.closeAfterReply) { checkQueryBufferLimit(c) }
        if c.flags.contains(.closeASAP) && !c.isFreed { freeClient(c, reason: c.closeReason) }
        if !c.isFreed {
            c.markPendingWrite()
            updateClientMemory(c)
        }
    }

    public func unpauseClients() {
        pause.clear()
        let parked = pausedClients
        pausedClients.removeAll()
        for (c, argv) in parked where !c.isFreed {
            c.connection?.resumeReading()
            processCommand(c, argv)
            processInput(c)
        }
        unpauseReplicationStream()
    }

    // MARK: dispatch

    /// Looks up, checks and runs (or queues) one command, as Redis's processCommand.
    public func processCommand(_ c: Client, _ argv: [[UInt8]]) {
        guard let first = argv.first else { return }
        let previousClient = currentClientId
        currentClientId = c.id
        // The command resolved (nil: unknown), for the end of CLIENT CACHING's window.
        var resolved: Command?
        defer {
            if c.tracking.flags.contains(.caching) { endCachingWindow(c, after: resolved) }
            currentClientId = previousClient
        }
        // Cross-protocol scripting guard: an HTTP request is not a client.
        if argEquals(first, "post") || argEquals(first, "host:") {
            log.warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.")
            freeClient(c, reason: "security attack")
            return
        }
        guard var cmd = lookupCommand(first) else {
            rejectCommand(c, bytes: CommandRejection.unknownCommand(argv))
            return
        }
        if cmd.isContainer && argv.count >= 2 {
            guard let sub = cmd.subcommands[asciiLowercased(argv[1])] else {
                rejectCommand(c, bytes: CommandRejection.unknownSubcommand(argv[1], container: cmd.fullName))
                return
            }
            cmd = sub
        }
        resolved = cmd
        if !cmd.arityAccepts(argv.count) || (cmd.handler == nil && cmd.isContainer) {
            rejectCommand(c, CommandRejection.wrongArity(cmd.fullName), cmd)
            return
        }
        if cmd.flags.contains(.protected), let p = cmd.protection, !protectedCommandAllowed(c, setting: config[keyPath: p.setting]) {
            rejectCommand(c, "ERR \(p.name) command not allowed. If the \(p.option) option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.", cmd)
            return
        }
        if !c.authenticated && !cmd.flags.contains(.noAuth) {
            rejectCommand(c, CommandRejection.noAuth, cmd)
            return
        }
        let inMulti = c.flags.contains(.multi)
        if inMulti && cmd.flags.contains(.noMulti) {
            rejectCommand(c, "ERR Command not allowed inside a transaction", cmd)
            return
        }
        if !aclPermits(c, cmd, argv) { return }
        // Keyed on a configured master (Redis's masterhost), not on the keyspace's role flag.
        if !keyspace.isMaster && !c.flags.contains(.master) && replication.link.masterHost != nil,
           let refusal = replicaRefusal(c, cmd) {
            rejectCommand(c, refusal, cmd)
            return
        }
        if hot.minReplicasToWrite > 0 && refusedForLackOfReplicas(c, cmd) {
            rejectCommand(c, "NOREPLICAS Not enough good replicas to write.", cmd)
            return
        }
        if c.flags.contains(.pubsub) && c.proto == 2 && !(cmd.parent ?? cmd).allowedWhileSubscribed {
            rejectCommand(c, CommandRejection.subscribedContext(cmd.fullName), cmd)
            return
        }
        if let refusal = persistenceRefusal(c, cmd) {
            rejectCommand(c, refusal, cmd)
            return
        }
        // Monitors are replicas to Redis 7.0: they may not touch the keyspace
        // (keeps them from sneaking past CLIENT PAUSE, which exempts replicas).
        if !c.flags.isDisjoint(with: [.monitor, .replica]) && touchesKeyspace(c, cmd) {
            rejectCommand(c, "ERR Replica can't interact with the keyspace", cmd)
            return
        }
        // Client eviction comes first: it may free memory key eviction would otherwise take.
        if hot.maxmemoryClients != 0 {
            evictClients()
            // Evicted itself: the command is dropped with the client.
            if c.isFreed { return }
        }
        if hot.maxmemory > 0 {
            // A write's first key: the bucket its lookup will probe is asked
            // for before eviction runs, so that miss overlaps eviction's own.
            let k = cmd.spec.firstKey
            if k > 0 && k < argv.count && cmd.flags.contains(.write) { c.db.prefetchSlot(for: Key(argv[k])) }
            if let refusal = oomRefusal(c, cmd) {
                rejectCommand(c, refusal, cmd)
                return
            }
        }
        if tracking.clientCount > 0 { trackingLimitUsedSlots() }
        if let refusal = aofWriteRefusal, cmd.flags.contains(.write) || cmd.fullName == "ping" || (cmd.isExec && c.multiQueue.contains { $0.command.flags.contains(.write) }) {
            rejectCommand(c, refusal, cmd)
            return
        }
        if scripting.running != nil && !cmd.flags.contains(.allowBusy) {
            rejectCommand(c, busyError, cmd)
            return
        }
        if pause.isSet, let conn = c.connection {
            if clock.monotonicMs() >= pause.endMs {
                unpauseClients()
            } else if pause.pausesAll || pausedForWrites(c, cmd, argv) {
                pausedClients.append((c, argv))
                conn.pauseReading()
                return
            }
        }
        if inMulti && !(cmd.parent ?? cmd).bypassesMultiQueue {
            c.multiQueue.append((cmd, argv))
            c.out.simpleString("QUEUED")
            return
        }
        call(c, cmd, argv)
        // Not from inside a busy script (isInsideYieldingLongCommand): the
        // keys it signalled are served once it ends, with its whole effect.
        if blocking.hasReadyKeys && !scriptIsBusy { handleClientsBlockedOnKeys() }
    }

    /// CLIENT PAUSE WRITE holds what may replicate (PFCOUNT, PUBLISH too),
    /// judged by the flags it runs under: a script's declared ones (a
    /// no-writes EVAL runs), EXEC's queue's (a queue of reads runs).
    func pausedForWrites(_ c: Client, _ cmd: Command, _ argv: [[UInt8]]) -> Bool {
        let writing: CommandFlags = [.write, .mayReplicate]
        if cmd.isExec && c.flags.contains(.multi) {
            return c.multiQueue.contains { !effectiveFlags($0.command, $0.argv).isDisjoint(with: writing) }
        }
        return !effectiveFlags(cmd, argv).isDisjoint(with: writing)
    }

    /// Reads, writes or may replicate; EXEC counts what it queued.
    func touchesKeyspace(_ c: Client, _ cmd: Command) -> Bool {
        let keyspaceFlags: CommandFlags = [.readonly, .write, .mayReplicate]
        if !cmd.flags.isDisjoint(with: keyspaceFlags) { return true }
        guard cmd.isExec else { return false }
        return c.multiQueue.contains { !$0.command.flags.isDisjoint(with: keyspaceFlags) }
    }

    @inline(__always)
    func lookupCommand(_ name: [UInt8]) -> Command? {
        if let hit = lastLookup, name == lastLookupName { return hit }
        guard let found = commands.lookup(name) else { return nil }
        // A copy: keeping the client's argument would stop the parser reusing its buffer.
        lastLookupName.removeAll(keepingCapacity: true)
        lastLookupName.append(contentsOf: name)
        lastLookup = found
        return found
    }

    /// Replies with an error before execution; inside MULTI it also dooms EXEC.
    func rejectCommand(_ c: Client, _ message: String, _ cmd: Command? = nil) {
        cmd?.rejectedCalls += 1
        if c.flags.contains(.multi) { c.flags.insert(.dirtyExec) }
        // A rejected EXEC itself discards the transaction, as Redis's execCommandAbort.
        if let cmd, cmd.handler != nil, let abort = cmd.onRejected {
            abort(self, c, message)
            return
        }
        c.replyError(message)
    }

    /// A rejection whose text echoes client bytes (no transaction abort path needed:
    /// only unknown commands and subcommands use it).
    func rejectCommand(_ c: Client, bytes message: [UInt8]) {
        if c.flags.contains(.multi) { c.flags.insert(.dirtyExec) }
        c.replyError(bytes: message)
    }

    /// Executes a command and does the bookkeeping around it (stats, slowlog, MONITOR, CLIENT REPLY).
    /// `propagateTo`: where the command's own argv may go (a script's redis.set_repl).
    public func call(_ c: Client, _ cmd: Command, _ argv: [[UInt8]], propagateTo: PropagationFeed.Targets = .all) {
        // One wall-clock read gives both the command's frozen time and the
        // duration's start, as Redis's call() does with ustime() (in a
        // pipelined batch, the previous command's end reading). Only the
        // outermost call freezes the time (fixed_time_expire): the commands of
        // EXEC and of a script see keys expire against their caller's time.
        let startUs = clock.commandStartUs()
        if callDepth == 0 { keyspace.nowMs = clock.keyspaceMs(wallUs: startUs) }
        let replyStart = c.out.bytes.count
        if callDepth == 0 { c.keptPushes.removeAll() }
        // incrCommandStatsOnError(NULL, 0): errors before this call are not its own.
        commandStatsErrorMark = stats.totalErrorReplies
        // Whether the command wrote is decided here, for every command alike:
        // it moved the dirty counter up (Redis's call() compares server.dirty;
        // one that reset it, SAVE or DEBUG RELOAD/LOADAOF, counts as no write).
        let dirtyBefore = dirty
        let previousClient = currentClientId
        if callDepth == 0 { currentClientId = c.id }
        callDepth += 1
        cmd.handler?(self, c, argv)
        callDepth -= 1
        if cmd.flags.contains(.readonly) && c.tracking.isOn && !c.tracking.flags.contains(.bcast)
            && !Self.scriptReadCommands.contains(cmd.fullName) {
            trackingRememberKeys(c, cmd, argv)
        }
        if !keyspace.isMaster && !c.flags.contains(.master) && dirty > dirtyBefore {
            rememberWritableReplicaExpires(c, cmd, argv)
        }
        // A replica produces no stream of its own: its master's commands
        // reach its replicas as the bytes the master sent.
        if feed.isActive && keyspace.isMaster {
            let offsetBefore = replication.masterReplOffset
            if propagateTo != .all { feed.restrictCommandPropagation(to: propagateTo) }
            propagate(c, cmd, argv, wrote: dirty > dirtyBefore)
            // Only a command that moved the stream moves WAIT's target.
            if replication.masterReplOffset != offsetBefore { c.replOffsetAfterWrite = replication.masterReplOffset }
        } else {
            feed.commandNotPropagated(outermost: callDepth == 0)
        }
        let endUs = clock.commandEndUs()
        let duration = max(0, endUs - startUs)
        // A command that blocked records its statistics when it completes (Blocking.swift).
        let blocked = c.flags.contains(.blocked)
        if !blocked { latency.commandFinished(cmd, durationUs: duration, clock: clock) }
        // Passwords (AUTH, HELLO AUTH) never reach SLOWLOG or MONITOR.
        var redacted: [Int] = []
        if !c.redactedArgs.isEmpty {
            redacted = c.redactedArgs
            c.redactedArgs.removeAll()
        }
        if !blocked {
            cmd.calls += 1
            cmd.microseconds += duration
            // Errors of the calls nested in it (a script's) were charged to them.
            if stats.totalErrorReplies != commandStatsErrorMark || failedCallUncounted { cmd.failedCalls += 1 }
        }
        commandStatsErrorMark = stats.totalErrorReplies
        failedCallUncounted = false
        stats.totalCommandsProcessed += 1
        c.lastCommand = cmd
        if !blocked && hot.slowlogLogSlowerThan >= 0 && duration >= Int64(hot.slowlogLogSlowerThan) && !cmd.flags.contains(.skipSlowlog) {
            slowlog.push(args: Self.redacting(argv, redacted), durationUs: duration, unixTime: Int(keyspace.nowMs / 1000), client: c, maxLen: hot.slowlogMaxLen)
        }
        if !monitors.isEmpty && !cmd.flags.contains(.skipMonitor) && !cmd.flags.contains(.admin) {
            feedMonitors(c, Self.redacting(argv, redacted))
        }
        switch c.replyMode {
        case .off:
            c.dropReply(from: replyStart)
        case .skip:
            c.dropReply(from: replyStart)
            c.replyMode = .on
        case .skipNext:
            c.replyMode = .skip
        case .on:
            break
        }
        // After the reply: a client's own command invalidating its own reads.
        if callDepth == 0 {
            if !tracking.pending.isEmpty { trackingHandlePendingKeyInvalidations() }
            currentClientId = previousClient
        }
        checkOutputBufferLimits(c)
        // Closing: the rest of a transaction still runs, its replies go nowhere.
        if c.flags.contains(.closeASAP) { c.out.bytes.removeAll(keepingCapacity: true) }
    }

    /// resetClient: CLIENT CACHING covers the next command (or the whole
    /// MULTI/EXEC); any CLIENT subcommand in between keeps it.
    func endCachingWindow(_ c: Client, after cmd: Command?) {
        if c.flags.contains(.multi) { return }
        if let cmd, (cmd.parent ?? cmd).fullName == "client" { return }
        c.tracking.flags.remove(.caching)
    }

    static let redactedArg: [UInt8] = Array("(redacted)".utf8)

    static func redacting(_ argv: [[UInt8]], _ positions: [Int]) -> [[UInt8]] {
        if positions.isEmpty { return argv }
        var out = argv
        for i in positions where i < out.count { out[i] = redactedArg }
        return out
    }

    /// enable-debug-command / enable-module-command: "yes", or "local" for
    /// unix-socket and loopback (127.0.0.1, ::1) clients.
    func protectedCommandAllowed(_ c: Client, setting: String) -> Bool {
        switch setting {
        case "yes": return true
        case "local":
            if c.flags.contains(.unixSocket) { return true }
            let host = c.address.split(separator: ":").dropLast().joined(separator: ":")
            return host == "127.0.0.1" || host == "::1"
        default: return false
        }
    }
}
