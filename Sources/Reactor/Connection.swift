import CVigilShim
import Glibc
import Protocol

public protocol ConnectionDelegate: AnyObject {
    /// New bytes are in `connection.input`.
    func connectionDidRead(_ connection: Connection)
    /// The connection is closed (by the peer, an error, or `close()`); `reason` says why.
    func connectionDidClose(_ connection: Connection, reason: String)
    /// An outgoing connection finished connecting.
    func connectionDidConnect(_ connection: Connection)
}

extension ConnectionDelegate {
    public func connectionDidConnect(_ connection: Connection) {}
}

/// A non-blocking stream socket with an input buffer and an output queue.
/// Writes are batched: `enqueue` appends, the loop's before-sleep pass (or a
/// writable event, under backpressure) sends. Bytes only; no protocol here.
public final class Connection: FileEventHandler {
    public let fd: Int32
    /// The loop outlives what is registered on it; unowned(unsafe) skips a check per access.
    public unowned(unsafe) let loop: EventLoop
    /// Not weak: a weak reference gives the delegate a side table, which sends
    /// every retain and release of it (the server's Client, on every command)
    /// down the slow reference-counting path (~5% at pipeline 1, measured).
    /// Owners keep the delegate alive while the connection is open and close
    /// the connection (or clear this) before they go away.
    public unowned(unsafe) var delegate: ConnectionDelegate?
    public var input = ByteBuffer(capacity: 16 * 1024)
    /// Pending output; bytes before `sentIndex` are already on the wire.
    public private(set) var output: [UInt8] = []
    public private(set) var sentIndex = 0
    public private(set) var isClosed = false
    public private(set) var isConnecting = false
    /// Stop reading and close once the output is flushed.
    public private(set) var closing = false
    public var readChunk = 16 * 1024
    /// Bytes the owner knows are on their way (the rest of a big argument,
    /// whose room it reserved): read in one go, as Redis sizes its read to
    /// the remaining bulk, rather than in chunks.
    public var expectedInput = 0
    /// Set by `pause()`: no reads are attempted (used by CLIENT PAUSE, backpressure).
    public private(set) var readPaused = false
    public var totalBytesRead = 0
    public var totalBytesWritten = 0
    private var flushQueued = false
    /// Called by the owner to learn that output is pending (so a flush list can be kept).
    public var onOutputPending: ((Connection) -> Void)?

    public init(fd: Int32, loop: EventLoop, connecting: Bool = false) {
        self.fd = fd
        self.loop = loop
        self.isConnecting = connecting
        loop.register(fd: fd, handler: self, readable: !connecting, writable: connecting, edgeTriggered: true)
    }

    /// Opens an outgoing connection; `connectionDidConnect` or `connectionDidClose` follows.
    /// `source`: the local address to connect from, nil for any.
    public static func connect(host: String, port: Int, source: String? = nil, loop: EventLoop,
                               delegate: ConnectionDelegate) throws -> Connection {
        let fd = try Socket.connectNonBlocking(host: host, port: port, source: source)
        Socket.setNoDelay(fd)
        let c = Connection(fd: fd, loop: loop, connecting: true)
        c.delegate = delegate
        return c
    }

    public var pendingOutputBytes: Int { output.count - sentIndex }
    /// What the output queue holds allocated, sent bytes and spare room included.
    public var outputCapacity: Int { output.capacity }

    /// Appends to the output queue. Past 64 KiB the queue grows by a quarter
    /// rather than doubling: a slow reader's pending replies cost about what
    /// they hold, as Redis's reply blocks of their own size do, so that
    /// maxmemory-clients and used_memory see the replies and not twice their
    /// room (copies stay linear in what is queued).
    private func queue<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let needed = output.count + bytes.count
        if needed > output.capacity && output.capacity >= 64 * 1024 {
            output.reserveCapacity(max(needed, output.capacity + output.capacity / 4))
        }
        output.append(contentsOf: bytes)
    }

    /// Queues bytes for sending.
    public func enqueue<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if isClosed || bytes.isEmpty { return }
        queue(bytes)
        markPending()
    }

    /// Writes a caller's buffer now, queueing only what the socket does not
    /// take. `bytes` is emptied but keeps `reserve` bytes for the next
    /// replies, as Redis's fixed per-client reply buffer: memory measured
    /// between two replies does not grow with the second, and a big reply's
    /// room is given back once written, as Redis frees its reply blocks.
    public func send(draining bytes: inout [UInt8], reserve: Int) {
        defer {
            if bytes.capacity > 2 * reserve {
                bytes = []
                bytes.reserveCapacity(reserve)
            } else {
                bytes.removeAll(keepingCapacity: true)
            }
        }
        if isClosed || bytes.isEmpty { return }
        if pendingOutputBytes > 0 || isConnecting {
            queue(bytes)
            flush()
            return
        }
        guard let sent = write(bytes, from: 0), sent < bytes.count else { return }
        output.removeAll(keepingCapacity: true)
        sentIndex = 0
        queue(bytes[sent...])
        loop.setInterest(fd: fd, readable: !closing && !readPaused, writable: true)
    }

    /// Writes `buffer[start...]` until the socket stops taking bytes; returns
    /// the index reached, or nil after closing the connection on an error.
    private func write(_ buffer: [UInt8], from start: Int) -> Int? {
        var sent = start
        while sent < buffer.count {
            let at = sent
            let n = buffer.withUnsafeBytes { p in Glibc.write(fd, p.baseAddress! + at, p.count - at) }
            if n > 0 {
                sent += n
                totalBytesWritten += n
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                close(reason: "Error writing to client: \(String(cString: strerror(errno)))")
                return nil
            }
        }
        return sent
    }

    private func markPending() {
        if !flushQueued {
            flushQueued = true
            // An owner with its own flush list (the server) batches writes; otherwise the loop flushes.
            if let notify = onOutputPending {
                notify(self)
            } else {
                loop.runBeforeSleep { [weak self] in
                    guard let self, self.flushQueued else { return }
                    self.flush()
                }
            }
        }
    }

    /// Writes what the socket accepts now; arms EPOLLOUT if anything is left.
    /// Returns false if the connection was closed by an error.
    @discardableResult
    public func flush() -> Bool {
        flushQueued = false
        if isClosed || isConnecting { return !isClosed }
        guard let sent = write(output, from: sentIndex) else { return false }
        sentIndex = sent
        if sentIndex == output.count {
            if output.capacity > 1024 * 1024 { output = [] } else { output.removeAll(keepingCapacity: true) }
            sentIndex = 0
            loop.setInterest(fd: fd, readable: !closing && !readPaused, writable: false)
            if closing { close(reason: "closed after reply") ; return false }
        } else {
            // Compact so a slow reader doesn't keep already-sent bytes alive.
            if sentIndex > 64 * 1024 && sentIndex > output.count / 2 {
                output.removeFirst(sentIndex)
                sentIndex = 0
            }
            loop.setInterest(fd: fd, readable: !closing && !readPaused, writable: true)
        }
        return true
    }

    /// Stops reading; closes once pending output is written.
    public func closeAfterFlush() {
        if isClosed { return }
        closing = true
        if pendingOutputBytes == 0 { close(reason: "closed after reply") } else { markPending() }
    }

    public func pauseReading() {
        readPaused = true
        if !isClosed { loop.setInterest(fd: fd, readable: false, writable: pendingOutputBytes > 0) }
    }

    public func resumeReading() {
        readPaused = false
        if !isClosed && !closing { loop.setInterest(fd: fd, readable: true, writable: pendingOutputBytes > 0) }
    }

    public func close(reason: String = "closed") {
        if isClosed { return }
        isClosed = true
        loop.unregister(fd: fd)
        Socket.close(fd)
        output = []
        delegate?.connectionDidClose(self, reason: reason)
    }

    // MARK: FileEventHandler

    public func readable() {
        if isClosed || closing || readPaused || isConnecting { return }
        let chunk = readChunk
        let limit = max(chunk * 4, expectedInput)
        var asked = 0
        let n = input.writeWithUnsafeMutableBytes(minimum: chunk) { p in
            asked = min(p.count, limit)
            return Glibc.read(fd, p.baseAddress!, asked)
        }
        if n > 0 {
            totalBytesRead += n
            // Filled what it asked for: more may be waiting, with no edge to come (edge-triggered).
            if n == asked { loop.inputRemains(fd: fd, handler: self) }
            delegate?.connectionDidRead(self)
        } else if n == 0 {
            close(reason: "Client closed connection")
        } else if errno == EINTR {
            loop.inputRemains(fd: fd, handler: self)
        } else if errno != EAGAIN && errno != EWOULDBLOCK {
            close(reason: "Reading from client: \(String(cString: strerror(errno)))")
        }
    }

    public func writable() {
        if isClosed { return }
        if isConnecting {
            let err = Socket.pendingError(fd)
            if err != 0 {
                close(reason: "connect: \(String(cString: strerror(err)))")
                return
            }
            isConnecting = false
            loop.setInterest(fd: fd, readable: true, writable: pendingOutputBytes > 0)
            delegate?.connectionDidConnect(self)
            return
        }
        flush()
    }
}

/// Accepts connections on a listening socket.
public final class Listener: FileEventHandler {
    public let fd: Int32
    /// The loop outlives what is registered on it; unowned(unsafe) skips a check per access.
    public unowned(unsafe) let loop: EventLoop
    private let onAccept: (Int32, String) -> Void

    public init(fd: Int32, loop: EventLoop, onAccept: @escaping (Int32, String) -> Void) {
        self.fd = fd
        self.loop = loop
        self.onAccept = onAccept
        loop.register(fd: fd, handler: self, readable: true)
    }

    public var port: Int { Socket.localPort(fd) }

    public func readable() {
        // Accept a bounded batch per event, as Redis does (MAX_ACCEPTS_PER_CALL).
        for _ in 0..<1000 {
            guard let (cfd, addr) = Socket.accept(fd) else { return }
            onAccept(cfd, addr)
        }
    }

    public func writable() {}

    public func close() {
        loop.unregister(fd: fd)
        Socket.close(fd)
    }
}
