import Glibc
import Reactor
import ServerKit

/// The network side: listening sockets, accepting, writing replies out, and
/// the input/output buffer limits that close a client.
extension Server {
    /// Opens the listening sockets. Throws with Redis's wording when a bind fails.
    public func listen() throws {
        (tcpListeners, port) = try openTCPListeners(port: config.port, bind: config.bind)
        listening = true
        if !config.unixSocket.isEmpty {
            let fd = try Socket.listenUnix(path: config.unixSocket, permissions: config.unixSocketPerm)
            unixListener = Listener(fd: fd, loop: loop) { [unowned self] cfd, _ in
                self.accept(fd: cfd, address: "/unixsocket:0", unix: true)
            }
        }
    }

    /// One listener per bind address ("-" marks one that may fail), all or
    /// none. Port 0 asks the kernel for one, which every address then shares.
    /// No address (`bind ""`) means no TCP socket at all, as listenToPort.
    func openTCPListeners(port: Int, bind: [String]) throws -> (listeners: [Listener], port: Int) {
        var opened: [Listener] = []
        var firstPort = port
        for raw in bind {
            let optional = raw.hasPrefix("-")
            let host = optional ? String(raw.dropFirst()) : raw
            do {
                let fd = try Socket.listenTCP(host: host, port: firstPort, backlog: config.tcpBacklog)
                let l = Listener(fd: fd, loop: loop) { [unowned self] cfd, addr in self.accept(fd: cfd, address: addr, unix: false) }
                opened.append(l)
                if firstPort == 0 { firstPort = l.port }
            } catch {
                if optional { continue }
                for l in opened { l.close() }
                throw error
            }
        }
        return (opened, firstPort)
    }

    /// CONFIG SET port / bind, as 7.0's changeListenPort / changeBindAddr: the
    /// old sockets close first (a new bind may reuse the same port), port 0
    /// stops TCP, and a failure reopens the old ones and returns false.
    /// Established connections are not touched. `config` still holds the old values.
    func relisten(port newPort: Int, bind newBind: [String]) -> Bool {
        guard listening else { return true }
        for l in tcpListeners { l.close() }
        tcpListeners = []
        let oldPort = port
        if newPort == 0 {
            port = 0
            return true
        }
        do {
            (tcpListeners, port) = try openTCPListeners(port: newPort, bind: newBind)
            return true
        } catch {
            log.warning("Warning: \(error)")
            if oldPort != 0, let restored = try? openTCPListeners(port: oldPort, bind: config.bind) {
                (tcpListeners, port) = restored
            }
            return false
        }
    }


    // MARK: clients

    func accept(fd: Int32, address: String, unix: Bool) {
        if clients.count >= config.maxclients {
            CommandRejection.refuseOverMaxClients(fd: fd)
            stats.rejectedConnections += 1
            return
        }
        if !unix {
            Socket.setNoDelay(fd)
            if config.tcpKeepalive > 0 { Socket.setKeepAlive(fd, interval: config.tcpKeepalive) }
        }
        let conn = Connection(fd: fd, loop: loop)
        let local = unix ? config.unixSocket + ":0" : Socket.localName(fd)
        let client = Client(id: nextClientId, connection: conn, server: self, address: address, localAddress: local)
        nextClientId += 1
        if unix { client.flags.insert(.unixSocket) }
        conn.onOutputPending = { _ in }
        clients[client.id] = client
        if protectedModeRejects(client) {
            client.out.error(Self.deniedMessage)
            client.flags.insert(.closeAfterReply)
            flushClient(client)
            conn.closeAfterFlush()
            return
        }
        // As clientAcceptHandler: only a connection that became a client counts.
        stats.totalConnectionsReceived += 1
        log.verbose("Accepted \(address)")
    }

    /// Protected mode (7.0's clientAcceptHandler): no password for the
    /// default user and a peer that is not local. Since 7.0 the bind
    /// addresses play no part.
    func protectedModeRejects(_ c: Client) -> Bool {
        config.protectedMode && acl.defaultUser.nopass && !ConfigCommands.isLocal(c)
    }

    static let deniedMessage = "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."


    /// Hands a client's replies to its connection and writes what the socket takes.
    func flushClient(_ c: Client) {
        c.pendingWrite = false
        guard let conn = c.connection, !c.isFreed else { return }
        // Already closing after its last reply: nothing more reaches it.
        if conn.closing { c.out.bytes.removeAll(keepingCapacity: true) }
        var hadOutput = false
        if !c.out.bytes.isEmpty && !c.flags.contains(.streamHeld) {
            stats.netOutputBytes += c.out.bytes.count
            stats.totalWritesProcessed += 1
            hadOutput = true
            c.noteReplyBufferPeak()
            conn.send(draining: &c.out.bytes, reserve: c.replyBufferSize)
        } else if conn.pendingOutputBytes > 0 {
            stats.totalWritesProcessed += 1
            hadOutput = true
            conn.flush()
        }
        // Redis closes such a client when a write leaves nothing pending; one
        // with nothing to write (CLIENT REPLY OFF, then QUIT or a self-kill)
        // stays connected, reading but running nothing, until the peer leaves.
        if c.flags.contains(.closeAfterReply) && hadOutput && !conn.isClosed { conn.closeAfterFlush() }
    }

    func checkQueryBufferLimit(_ c: Client) {
        guard let conn = c.connection, !c.flags.contains(.master) else { return }
        if conn.input.readableBytes > hot.clientQueryBufferLimit {
            log.warning("Closing client that reached max query buffer length: id=\(c.id) addr=\(c.address) qbuf=\(conn.input.readableBytes)")
            stats.clientQueryBufferLimitDisconnections += 1
            closeClientAsap(c, reason: "query buffer limit")
        }
    }

    // MARK: output limits

    /// Closes a client whose pending output crossed its class's hard limit, or
    /// stayed above the soft limit for longer than allowed.
    public func checkOutputBufferLimits(_ c: Client) {
        guard !c.isFreed, !c.flags.contains(.master) else { return }
        let cls = c.flags.contains(.replica) ? 1 : (c.flags.contains(.pubsub) ? 2 : 0)
        let limit = hot.outputLimits[cls]
        if limit.hard == 0 && limit.soft == 0 { return }
        let used = c.pendingOutputBytes
        var hard = false, soft = false
        if limit.hard > 0 && used >= limit.hard { hard = true }
        if limit.soft > 0 && used >= limit.soft {
            let now = clock.monotonicMs()
            if c.softLimitReachedMs == 0 { c.softLimitReachedMs = now }
            else if now - c.softLimitReachedMs > Int64(limit.softSeconds) * 1000 { soft = true }
        } else {
            c.softLimitReachedMs = 0
        }
        if hard || soft {
            log.warning("Client id=\(c.id) addr=\(c.address) laddr=\(c.localAddress) name=\(String(decoding: c.name ?? [], as: UTF8.self)) scheduled to be closed ASAP for overcoming of output buffer limits.")
            stats.clientOutputBufferLimitDisconnections += 1
            closeClientAsap(c, reason: "output buffer limit")
        }
    }
}
