import ACL
import CoreKit
import Glibc
import Protocol
import Reactor
import SentinelCore
import ServerKit

/// Carrying out what the core asks for: links, events, the config flush.
extension SentinelServer {
    /// Carries out an input's effects in order. Effects of inputs fed while
    /// carrying them out (a script spawned at once) queue behind the rest.
    func execute(_ effects: [SentinelEffect]) {
        pendingEffects.append(contentsOf: effects)
        if executingEffects { return }
        executingEffects = true
        defer { executingEffects = false }
        var i = 0
        while i < pendingEffects.count {
            let e = pendingEffects[i]
            i += 1
            perform(e)
        }
        pendingEffects.removeAll(keepingCapacity: true)
    }

    private func perform(_ e: SentinelEffect) {
        switch e {
        case .connect(let conn, let host, let port):
            let link = LinkConnection(id: conn, loop: loop)
            link.onConnect = { [unowned self] l, local in
                self.execute(self.core.connected(conn: l.id, localIP: local, now: self.clockMs()))
            }
            link.onReply = { [unowned self] l, tag, value in
                self.execute(self.core.reply(conn: l.id, tag: tag, value: value, now: self.clockMs()))
            }
            link.onPush = { [unowned self] l, value in
                self.execute(self.core.push(conn: l.id, value: value, now: self.clockMs()))
            }
            link.onClose = { [unowned self] l, reason in
                self.links[l.id] = nil
                self.execute(self.core.closed(conn: l.id, reason: reason, now: self.clockMs()))
            }
            links[conn] = link
            link.connect(host: host, port: port, timeoutMs: 60_000)
        case .send(let conn, let args, let tag):
            links[conn]?.send(args, tag: tag)
        case .close(let conn):
            links.removeValue(forKey: conn)?.close()
        case .event(let level, let type, let message):
            log.log(level, "\(type) \(message)")
            if level != .debug { publishLocal(channel: type, message: message) }
        case .log(let level, let text):
            log.log(level, text)
        case .persist(let snapshot):
            flushConfig(snapshot)
        case .spawnScript(let job, let argv):
            spawnScript(job, argv)
        case .killScript(let pid):
            kill(pid, SIGKILL)
        case .exit(let code):
            Glibc.exit(code)
        }
    }

    /// sentinelFlushConfig: the state file if configured, else a CONFIG
    /// REWRITE of the main file (its old text and our server options around
    /// the snapshot) followed by one more fsync.
    private func flushConfig(_ snapshot: SentinelStateSnapshot) {
        do {
            if let state = options.stateConfigFile {
                try AtomicFile.write(Array(SentinelConfigWriter.stateContent(snapshot).utf8), to: state)
            } else {
                let old = try? ConfigPaths.readFile(configFile).map { String(decoding: $0, as: UTF8.self) }.get()
                let users = options.aclfile.isEmpty ? acl.sorted.map { $0.describe(acl.catalog) } : nil
                let content = SentinelConfigWriter.rewriteMain(oldContent: old, options: options,
                                                               cwd: ConfigPaths.currentDirectory(),
                                                               userLines: users, snapshot: snapshot)
                try AtomicFile.write(Array(content.utf8), to: configFile)
                let fd = open(configFile, O_RDONLY)
                if fd >= 0 {
                    fsync(fd)
                    close(fd)
                }
            }
            lastFlushError = nil
            log.log(.notice, "Sentinel new configuration saved on disk")
        } catch {
            lastFlushError = "\(error)"
            log.log(.warning, "WARNING: Sentinel was not able to save the new configuration on disk!!!: \(error)")
        }
    }

    /// fork+execve with our environment, as sentinelRunPendingScripts.
    private func spawnScript(_ job: Int, _ argv: [String]) {
        switch ChildProcess.spawn(argv) {
        case .success(let pid):
            execute(core.scriptStarted(job: job, pid: pid, now: clockMs()))
        case .failure(let e) where e.code == ENOENT || e.code == EACCES || e.code == ENOEXEC:
            // exec failed in the child: exit 2, not retried.
            execute(core.scriptStarted(job: job, pid: Int32(truncatingIfNeeded: -job), now: clockMs()))
            execute(core.scriptExited(pid: Int32(truncatingIfNeeded: -job), exitCode: 2, signal: 0, now: clockMs()))
        case .failure:
            execute(core.scriptSpawnFailed(job: job, now: clockMs()))
        }
    }

    /// sentinelCollectTerminatedScripts: reap our script children.
    func collectScripts() {
        for pid in core.runningScriptPIDs {
            guard let ended = ChildProcess.reap(pid) else { continue }
            execute(core.scriptExited(pid: pid, exitCode: ended.code, signal: ended.signal, now: clockMs()))
        }
    }

    // MARK: Pub/sub to local clients

    func publishLocal(channel: String, message: String) {
        let ch = Array(channel.utf8), msg = Array(message.utf8)
        for c in pubsub.channels[channel] ?? [] {
            var w = RESPWriter(proto: c.proto)
            PubSubReply.message(&w, kind: PubSubReply.messageWord, channel: ch, payload: msg)
            c.write(w)
        }
        for (pattern, c) in pubsub.patterns {
            let p = Array(pattern.utf8)
            guard stringMatch(pattern: p, string: ch, nocase: false) else { continue }
            var w = RESPWriter(proto: c.proto)
            PubSubReply.patternMessage(&w, pattern: p, channel: ch, payload: msg)
            c.write(w)
        }
    }

    func unsubscribeAll(_ c: ClientSession) {
        for ch in c.channels { pubsub.remove(c, channel: ch) }
        pubsub.removeAllPatterns(of: c)
        c.channels = []
        c.patterns = []
    }
}
