import Protocol
import Reactor
import SentinelCore

/// One outgoing connection of the sentinel (a command or pub/sub link) on
/// the event loop. Like hiredis's async context: commands may be queued while
/// connecting, replies come back in order with the tag they were sent with,
/// and on a subscribed connection pub/sub messages come back as pushes.
/// It knows its local address, which the hello announces.
final class LinkConnection: ConnectionDelegate {
    let id: Int
    unowned let loop: EventLoop
    private var connection: Connection?
    private var tags: [ReplyTag] = []
    private var tagHead = 0
    private var subscribed = false
    private let parser = ReplyParser()
    private var connectTimer: EventLoop.TimerID?
    private(set) var isClosed = false

    var onConnect: ((LinkConnection, String) -> Void)?
    var onReply: ((LinkConnection, ReplyTag, RESPValue) -> Void)?
    var onPush: ((LinkConnection, RESPValue) -> Void)?
    var onClose: ((LinkConnection, String) -> Void)?

    init(id: Int, loop: EventLoop) {
        self.id = id
        self.loop = loop
    }

    /// Starts a non-blocking connect. Failures are reported through onClose,
    /// never synchronously, so the caller sees one path.
    func connect(host: String, port: Int, timeoutMs: Int64) {
        do {
            connection = try Connection.connect(host: host, port: port, loop: loop, delegate: self)
        } catch {
            let reason = "\(error)"
            loop.addTimer(afterMs: 0) { [weak self] in self?.fail(reason); return nil }
            return
        }
        connectTimer = loop.addTimer(afterMs: timeoutMs) { [weak self] in
            guard let self, let c = self.connection, c.isConnecting else { return nil }
            self.close(reason: "connect timeout")
            return nil
        }
    }

    func send(_ args: [String], tag: ReplyTag) {
        guard !isClosed, let c = connection else { return }
        if case .subscribe = tag { subscribed = true }
        tags.append(tag)
        c.enqueue(RESPWriter.command(args))
    }

    /// Closes without reporting (the core asked for it).
    func close() {
        guard !isClosed else { return }
        isClosed = true
        cancelTimer()
        let c = connection
        connection = nil
        c?.delegate = nil
        c?.close(reason: "closed by sentinel")
    }

    private func close(reason: String) {
        connection?.close(reason: reason)
        fail(reason)
    }

    private func fail(_ reason: String) {
        guard !isClosed else { return }
        isClosed = true
        cancelTimer()
        connection = nil
        onClose?(self, reason)
    }

    private func cancelTimer() {
        if let t = connectTimer { loop.cancelTimer(t) }
        connectTimer = nil
    }

    // MARK: ConnectionDelegate

    func connectionDidConnect(_ connection: Connection) {
        cancelTimer()
        let local = Socket.localName(connection.fd)
        connection.flush()
        onConnect?(self, Self.host(of: local))
    }

    func connectionDidClose(_ connection: Connection, reason: String) {
        fail(reason)
    }

    func connectionDidRead(_ connection: Connection) {
        while !isClosed {
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

    private static let pushKinds: Set<String> = ["message", "pmessage", "subscribe", "unsubscribe", "psubscribe", "punsubscribe"]

    private func deliver(_ value: RESPValue) {
        var isPush = false
        if case .push = value { isPush = true }
        if subscribed, case .array(.some(let items)) = value, let kind = items.first?.string,
           Self.pushKinds.contains(kind.lowercased()) {
            isPush = true
        }
        if isPush {
            // The SUBSCRIBE confirmation answers the SUBSCRIBE command too.
            if tagHead < tags.count, case .subscribe = tags[tagHead], value.elements?.first?.string?.lowercased() == "subscribe" {
                let tag = popTag()
                onReply?(self, tag, value)
            } else {
                onPush?(self, value)
            }
            return
        }
        guard tagHead < tags.count else {
            // A reply nobody asked for: the stream is out of step.
            close(reason: "unexpected reply")
            return
        }
        onReply?(self, popTag(), value)
    }

    private func popTag() -> ReplyTag {
        let t = tags[tagHead]
        tagHead += 1
        if tagHead == tags.count {
            tags.removeAll(keepingCapacity: true)
            tagHead = 0
        } else if tagHead > 1024 {
            tags.removeFirst(tagHead)
            tagHead = 0
        }
        return t
    }

    /// "ip:port" or "[v6]:port" → ip.
    static func host(of name: String) -> String {
        if name.hasPrefix("["), let end = name.firstIndex(of: "]") {
            return String(name[name.index(after: name.startIndex)..<end])
        }
        if let colon = name.lastIndex(of: ":") { return String(name[..<colon]) }
        return name
    }
}
