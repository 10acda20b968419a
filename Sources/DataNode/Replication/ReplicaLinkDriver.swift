import Glibc
import Keyspace
import Reactor
import ReplicationCore
import ServerKit

/// The IO shell around ReplicationCore's ReplicaLink: it owns the socket to
/// the master (the reactor's outgoing Connection), the payload being
/// received, and the master client the stream runs as; it feeds the link
/// what happens and does what the link returns.
final class ReplicaLinkDriver: ConnectionDelegate {
    unowned(unsafe) let server: Server
    private var connection: Connection?
    private var payload = ReplicaPayloadSink()
    /// The client the master's commands run as (flags M in CLIENT LIST).
    private(set) var masterClient: Client?
    /// The db the stream has selected: a reconnected master client resumes in it.
    private var streamDb = 0
    /// The second connection of a dual-channel full sync.
    private var snapshot: Connection?
    private lazy var snapshotDelegate = SnapshotChannel(driver: self)
    /// A `continueStream` is scheduled.
    private var continuationQueued = false

    init(server: Server) {
        self.server = server
    }

    private var link: ReplicaLink {
        get { server.replication.link }
        _modify { yield &server.replication.link }
    }

    private var nowMs: Int64 { server.clock.monotonicMs() }

    /// A dual-channel snapshot is kept in memory, as before repl-diskless-load applied.
    private var payloadTarget: PayloadLoadTarget { link.dual == nil ? link.payloadTarget : .parser }

    /// Feeds one input to the link and carries out its effects.
    /// `refreshing: false` for the stream's reads: no setting is consulted
    /// while commands are applied, and the next tick refreshes them.
    func run(refreshing: Bool = true, _ input: (inout ReplicaLink, Int64) -> [ReplicaLinkEffect]) {
        if refreshing { refreshSettings() }
        let effects = input(&link, nowMs)
        perform(effects)
        if link.state == .connected && masterClient == nil { createMasterClient() }
        if server.replication.failover.state == .inProgress { server.failoverLinkProgress() }
    }

    /// The handshake's announcements follow the config as it is now.
    private func refreshSettings() {
        let c = server.config
        let announcePort = c.replicaAnnouncePort
        link.settings = ReplicaLinkSettings(
            listeningPort: announcePort != 0 ? announcePort : server.port,
            announceIP: c.replicaAnnounceIp.isEmpty ? nil : c.replicaAnnounceIp,
            masterUser: c.masteruser.isEmpty ? nil : Array(c.masteruser.utf8),
            masterAuth: c.masterauth.isEmpty ? nil : Array(c.masterauth.utf8),
            timeoutSeconds: c.int("repl-timeout"),
            dualChannel: c.bool("vigil-dual-channel-replication"),
            dualChannelBufferLimit: c.int("vigil-dual-channel-buffer-limit"),
            loadTarget: .choose(setting: c.replDisklessLoad, datasetIsEmpty: server.databases.allSatisfy { $0.count == 0 }))
    }

    // MARK: effects

    private func perform(_ effects: [ReplicaLinkEffect]) {
        for fx in effects {
            switch fx {
            case .connect(let host, let port):
                open(host: host, port: port)
            case .send(let bytes):
                connection?.enqueue(bytes)
            case .close:
                closeLink()
            case .log(let level, let text):
                server.log.log(level, text)
            case .beginPayload:
                server.beginReceivingPayload(&payload, target: payloadTarget)
            case .appendPayload(let bytes):
                server.appendReceivedPayload(&payload, bytes)
            case .discardPayload:
                payload.discard()
            case .loadPayload:
                // The plain protocol's link is not read while loading (7.0
                // removes its read handler: the stream waits at the master);
                // a dual-channel one is, into the buffer of ReplicaLink,
                // until that buffer is full (then the link holds it paused).
                let readingMaster = link.dual != nil
                if !readingMaster { connection?.pauseReading() }
                let db = server.loadReceivedPayload(&payload, target: payloadTarget, readingMaster: readingMaster)
                if let conn = connection, conn.readPaused { conn.resumeReading() }
                if let db { streamDb = db }
                let error = String(cString: strerror(errno))
                perform(link.payloadLoaded(success: db != nil, error: error, nowMs: nowMs))
            case .apply(let argv):
                apply(argv)
            case .continueStream:
                scheduleStreamContinuation()
            case .forward(let bytes):
                server.feed.forwardRaw(bytes)
            case .resetBacklog(let offset):
                server.createBacklog(startingAfter: offset)
            case .ensureBacklog(let offset):
                if server.replication.backlog == nil { server.createBacklog(startingAfter: offset) }
            case .connectSnapshot(let host, let port):
                openSnapshot(host: host, port: port)
            case .sendSnapshot(let bytes):
                snapshot?.enqueue(bytes)
            case .closeSnapshot:
                closeSnapshot()
            case .holdMainLink:
                connection?.pauseReading()
            case .releaseMainLink:
                connection?.resumeReading()
            case .disconnectReplicas:
                for c in server.clients.values where c.flags.contains(.replica) {
                    server.freeClient(c, reason: "replication id changed")
                }
            }
        }
    }

    private func open(host: String, port: Int) {
        do {
            connection = try Connection.connect(host: host, port: port, source: server.config.bindSourceAddr,
                                                loop: server.loop, delegate: self)
        } catch {
            // Reported like an asynchronous failure, after the lines the connect logs.
            let reason = (error as? SocketError).map { String(cString: strerror($0.errnoValue)) } ?? "\(error)"
            server.loop.runBeforeSleep { [weak self] in
                self?.run { $0.closed(reason: reason, nowMs: $1) }
            }
        }
    }

    private func openSnapshot(host: String, port: Int) {
        closeSnapshot()
        do {
            snapshot = try Connection.connect(host: host, port: port, source: server.config.bindSourceAddr,
                                              loop: server.loop, delegate: snapshotDelegate)
        } catch {
            let reason = (error as? SocketError).map { String(cString: strerror($0.errnoValue)) } ?? "\(error)"
            server.loop.runBeforeSleep { [weak self] in
                self?.run { $0.snapshotClosed(reason: reason, nowMs: $1) }
            }
        }
    }

    private func closeSnapshot() {
        guard let conn = snapshot else { return }
        conn.delegate = nil
        conn.close(reason: "snapshot connection closed")
        snapshot = nil
    }

    fileprivate func snapshotEvent(_ connection: Connection, _ event: SnapshotChannel.Event) {
        guard connection === snapshot else { return }
        switch event {
        case .connected:
            run { $0.snapshotConnected(nowMs: $1) }
        case .read:
            let bytes = connection.input.readableArray
            connection.input.clear()
            run { $0.snapshotReceived(bytes, nowMs: $1) }
        case .closed(let reason):
            snapshot = nil
            run { $0.snapshotClosed(reason: reason, nowMs: $1) }
        }
    }

    /// Reads what the master sent on the main link so far, without waiting
    /// (up to `maxReads` reads): what the dual-channel load and the catch-up
    /// after it call between slices of their work.
    func readMasterLink(maxReads: Int = 64) {
        guard let conn = connection else { return }
        for _ in 0..<maxReads {
            let before = conn.totalBytesRead
            conn.readable()
            if connection !== conn || conn.isClosed || conn.totalBytesRead == before { return }
        }
    }

    /// The link has more buffered stream than one slice: the rest is applied
    /// a slice per turn of the loop, reading the main link before each.
    private func scheduleStreamContinuation() {
        guard !continuationQueued else { return }
        continuationQueued = true
        _ = server.loop.addTimer(afterMs: 0) { [weak self] in
            guard let self else { return nil }
            self.continuationQueued = false
            self.readMasterLink()
            self.run { $0.continueStream(nowMs: $1) }
            return nil
        }
    }

    /// Closes the socket without telling the link (it asked for the close).
    private func closeLink() {
        if let conn = connection {
            conn.delegate = nil
            conn.close(reason: "replication link closed")
        }
        connection = nil
        payload.discard()
        if let m = masterClient {
            masterClient = nil
            streamDb = m.dbIndex
            server.freeClient(m, reason: "master link closed")
        }
    }

    /// The db the master's stream has selected (the RDB's repl-stream-db on a replica).
    var streamDatabase: Int { masterClient?.dbIndex ?? max(streamDb, 0) }

    /// The db the stream was in when the loaded RDB was saved.
    func restoreStreamDatabase(_ db: Int) { streamDb = db }

    // MARK: the master client

    private func createMasterClient() {
        let address = "\(link.masterHost ?? "?"):\(link.masterPort)"
        let local = connection.map { Socket.localName($0.fd) } ?? "?:0"
        let c = Client(id: server.nextClientId, connection: nil, server: server, address: address, localAddress: local)
        server.nextClientId += 1
        c.flags.insert(.master)
        c.authenticated = true
        c.dbIndex = min(max(streamDb, 0), server.databases.count - 1)
        server.clients[c.id] = c
        masterClient = c
    }

    /// Runs a command of the stream as the master client: no reply, keys
    /// not yet deleted by the master exist, and nothing is propagated from
    /// it (the exact bytes are forwarded instead).
    private func apply(_ argv: [[UInt8]]) {
        if masterClient == nil { createMasterClient() }
        guard let c = masterClient else { return }
        server.keyspace.obeyingMaster = true
        server.processCommand(c, argv)
        server.keyspace.obeyingMaster = false
        c.out.bytes.removeAll(keepingCapacity: true)
        c.lastInteractionMs = server.clock.monotonicMs()
    }

    /// CLIENT KILL TYPE master (or any free of the master client): the link drops.
    func masterClientFreed(_ c: Client) {
        guard c === masterClient else { return }
        masterClient = nil
        streamDb = c.dbIndex
        if let conn = connection {
            conn.delegate = nil
            conn.close(reason: "master client freed")
        }
        connection = nil
        run { $0.closed(reason: "killed", nowMs: $1) }
    }

    // MARK: ConnectionDelegate

    func connectionDidConnect(_ connection: Connection) {
        run { $0.connected(nowMs: $1) }
    }

    func connectionDidRead(_ connection: Connection) {
        // The link copies what it keeps; the buffer is emptied before any
        // effect runs (a payload load reads the link into it again).
        run(refreshing: link.state != .connected) { link, now in
            let fx = connection.input.withReadableBytes { link.received($0, nowMs: now) }
            connection.input.clear()
            return fx
        }
    }

    func connectionDidClose(_ connection: Connection, reason: String) {
        guard connection === self.connection else { return }
        self.connection = nil
        let text = reason.hasPrefix("connect: ") ? String(reason.dropFirst("connect: ".count)) : reason
        if let m = masterClient {
            masterClient = nil
            streamDb = m.dbIndex
            server.freeClient(m, reason: "master link closed")
        }
        run { $0.closed(reason: text, nowMs: $1) }
    }
}

/// The snapshot connection's events, handed to the driver (which owns the link).
private final class SnapshotChannel: ConnectionDelegate {
    enum Event {
        case connected
        case read
        case closed(String)
    }

    unowned let driver: ReplicaLinkDriver
    init(driver: ReplicaLinkDriver) { self.driver = driver }

    func connectionDidConnect(_ connection: Connection) { driver.snapshotEvent(connection, .connected) }
    func connectionDidRead(_ connection: Connection) { driver.snapshotEvent(connection, .read) }
    func connectionDidClose(_ connection: Connection, reason: String) {
        driver.snapshotEvent(connection, .closed(reason.hasPrefix("connect: ") ? String(reason.dropFirst("connect: ".count)) : reason))
    }
}
