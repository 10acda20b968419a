import Protocol
import Reactor

/// A non-blocking RESP client on the event loop: connect with a timeout,
/// optional AUTH, pipelined commands answered in order through callbacks, and
/// pub/sub messages delivered to `onPush`. The sentinel's links are built on it.
public final class ReactorClient: ConnectionDelegate {
    public typealias Callback = (Result<RESPValue, RedisClientError>) -> Void

    public enum State: Equatable { case idle, connecting, connected, closed }

    public let host: String
    public let port: Int
    public unowned let loop: EventLoop
    public private(set) var state: State = .idle
    /// AUTH sent first on connect: (user or nil, password).
    public var auth: (user: String?, password: String)?
    /// Pub/sub messages (message, pmessage, smessage) and RESP3 pushes.
    public var onPush: ((RESPValue) -> Void)?
    /// Called once when connected.
    public var onConnect: (() -> Void)?
    /// Called once when the link closes for any reason, with the reason.
    public var onClose: ((String) -> Void)?

    private var connection: Connection?
    private var pending: [Callback] = []
    private var pendingHead = 0
    private var connectTimer: EventLoop.TimerID?
    private var subscribed = false
    private let parser = ReplyParser()

    public init(host: String, port: Int, loop: EventLoop) {
        self.host = host
        self.port = port
        self.loop = loop
    }

    deinit {
        // The connection's delegate is unowned: detach before going away.
        if let c = connection, !c.isClosed {
            c.delegate = nil
            c.close(reason: "client released")
        }
    }

    /// Commands sent and not answered yet.
    public var outstanding: Int { pending.count - pendingHead }

    /// Starts connecting; `onConnect` or `onClose` follows (within `timeoutMs`).
    public func connect(timeoutMs: Int64 = 2000) {
        guard state == .idle else { return }
        state = .connecting
        do {
            connection = try Connection.connect(host: host, port: port, loop: loop, delegate: self)
        } catch {
            // Report asynchronously, so callers see one callback path.
            loop.addTimer(afterMs: 0) { [weak self] in self?.fail("\(error)"); return nil }
            return
        }
        connectTimer = loop.addTimer(afterMs: timeoutMs) { [weak self] in
            guard let self, self.state == .connecting else { return nil }
            self.fail("connect timeout")
            return nil
        }
        if let auth {
            var args = ["AUTH"]
            if let u = auth.user { args.append(u) }
            args.append(auth.password)
            send(args) { _ in }
        }
    }

    /// Sends a command; the callback gets its reply (error replies are values).
    public func send(_ args: [[UInt8]], _ callback: @escaping Callback) {
        guard state == .connecting || state == .connected, let c = connection else {
            callback(.failure(.connectionClosed))
            return
        }
        pending.append(callback)
        c.enqueue(RESPWriter.command(args))
        if state == .connected { c.flush() }
    }

    public func send(_ args: [String], _ callback: @escaping Callback) {
        send(args.map { Array($0.utf8) }, callback)
    }

    /// SUBSCRIBE: confirmations and messages then arrive through `onPush`.
    public func subscribe(_ channels: [String]) {
        subscribed = true
        guard state == .connecting || state == .connected, let c = connection else { return }
        c.enqueue(RESPWriter.command(["SUBSCRIBE"] + channels))
        if state == .connected { c.flush() }
    }

    public func close(reason: String = "closed by client") {
        guard state != .closed else { return }
        connection?.close(reason: reason)
        if state != .closed { fail(reason) }
    }

    private func fail(_ reason: String) {
        guard state != .closed else { return }
        state = .closed
        if let t = connectTimer { loop.cancelTimer(t) }
        let callbacks = pending[pendingHead...]
        pending = []
        pendingHead = 0
        for cb in callbacks { cb(.failure(.connectionClosed)) }
        onClose?(reason)
    }

    // MARK: ConnectionDelegate

    public func connectionDidConnect(_ connection: Connection) {
        state = .connected
        if let t = connectTimer { loop.cancelTimer(t) }
        connection.flush()
        onConnect?()
    }

    public func connectionDidClose(_ connection: Connection, reason: String) {
        fail(reason)
    }

    public func connectionDidRead(_ connection: Connection) {
        while state == .connected {
            let parsed: (value: RESPValue, consumed: Int)?
            do {
                parsed = try connection.input.withReadableBytes { try parser.parse($0) }
            } catch {
                close(reason: "protocol error: \(error)")
                return
            }
            guard let (value, consumed) = parsed else { return }
            connection.input.moveReaderIndex(forwardBy: consumed)
            deliver(value)
        }
    }

    private static let pushKinds: Set<String> = ["message", "pmessage", "smessage", "subscribe", "unsubscribe",
                                                 "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe"]

    private func deliver(_ value: RESPValue) {
        if case .push = value {
            onPush?(value)
            return
        }
        if subscribed, case .array(.some(let items)) = value, let kind = items.first?.string,
           Self.pushKinds.contains(kind.lowercased()) {
            onPush?(value)
            return
        }
        guard pendingHead < pending.count else {
            // A reply nobody asked for: the stream is out of step.
            close(reason: "unexpected reply")
            return
        }
        let cb = pending[pendingHead]
        pendingHead += 1
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        }
        cb(.success(value))
    }
}
