import CVigilShim
import Glibc
import Protocol

/// A blocking RESP client on one TCP socket, for the CLI and for tests.
/// Pipelining is the caller's business: several `send`s, then as many reads.
/// Not thread-safe: it may move between threads (hence the unchecked
/// Sendable) but must never be used from two at once.
public final class RedisConnection: @unchecked Sendable {
    public let host: String
    public let port: Int
    /// Timeout for each blocking read or write, nil for none.
    public var ioTimeoutMs: Int? {
        didSet { applySendTimeout() }
    }
    /// Protocol negotiated by `hello`, 2 until then.
    public private(set) var proto = 2

    private var fd: Int32
    private var input = ByteBuffer(capacity: 16 * 1024)
    private var scanner = FrameScanner()
    private let parser = ReplyParser()

    public var isOpen: Bool { fd >= 0 }

    public init(host: String, port: Int, connectTimeoutMs: Int = 2000, ioTimeoutMs: Int? = 10000) throws {
        self.host = host
        self.port = port
        self.ioTimeoutMs = ioTimeoutMs
        fd = try SocketConnector.connect(host: host, port: port, timeoutMs: connectTimeoutMs)
        _ = vigil_set_nodelay(fd)
        applySendTimeout()
    }

    /// Reads poll with their own deadline; writes rely on SO_SNDTIMEO.
    private func applySendTimeout() {
        if fd >= 0 { _ = vigil_set_timeouts(fd, Int32(clamping: ioTimeoutMs ?? 0)) }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        input.clear()
        scanner.reset()
    }

    // MARK: Sending

    public func send(_ args: [[UInt8]]) throws {
        try sendRaw(RESPWriter.command(args))
    }

    public func send(_ args: [String]) throws {
        try sendRaw(RESPWriter.command(args))
    }

    public func sendRaw(_ bytes: [UInt8]) throws {
        guard fd >= 0 else { throw RedisClientError.io("connection is closed") }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { p in
                Glibc.send(fd, p.baseAddress! + off, p.count - off, Int32(MSG_NOSIGNAL))
            }
            if n >= 0 { off += n; continue }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK {
                // Blocked past SO_SNDTIMEO: the peer is not reading.
                throw RedisClientError.timeout
            }
            close()
            if e == EPIPE || e == ECONNRESET { throw RedisClientError.connectionClosed }
            throw RedisClientError.io(errnoText(e))
        }
    }

    // MARK: Receiving

    /// Reads one reply, waiting up to `ioTimeoutMs` for it.
    public func readReply() throws -> RESPValue {
        let n = try awaitFrame(timeoutMs: ioTimeoutMs, interruptible: false)!
        return try takeValue(length: n)
    }

    /// Reads one reply, or returns nil when none is complete within
    /// `timeoutMs` (or a signal interrupts the wait). Bytes of a partial reply
    /// stay buffered for the next read. Used to stream pub/sub messages.
    public func readReply(timeoutMs: Int) throws -> RESPValue? {
        guard let n = try awaitFrame(timeoutMs: timeoutMs, interruptible: true) else { return nil }
        return try takeValue(length: n)
    }

    /// The exact bytes of the next reply frame (an attribute and the value it
    /// decorates count as one frame), for byte-level comparisons.
    public func readRawReply() throws -> [UInt8] {
        let n = try awaitFrame(timeoutMs: ioTimeoutMs, interruptible: false)!
        let bytes = input.withReadableBytes { Array($0[0..<n]) }
        consume(n)
        return bytes
    }

    /// Like `readRawReply` but nil on timeout.
    public func readRawReply(timeoutMs: Int) throws -> [UInt8]? {
        guard let n = try awaitFrame(timeoutMs: timeoutMs, interruptible: true) else { return nil }
        let bytes = input.withReadableBytes { Array($0[0..<n]) }
        consume(n)
        return bytes
    }

    // MARK: Conveniences

    @discardableResult
    public func call(_ args: String...) throws -> RESPValue { try call(args) }

    @discardableResult
    public func call(_ args: [String]) throws -> RESPValue {
        try send(args)
        return try readReply()
    }

    @discardableResult
    public func call(_ args: [[UInt8]]) throws -> RESPValue {
        try send(args)
        return try readReply()
    }

    /// Sends all commands, then reads one reply per command.
    public func pipeline(_ commands: [[String]]) throws -> [RESPValue] {
        var out = RESPWriter.command(commands.first ?? [])
        for c in commands.dropFirst() { out.append(contentsOf: RESPWriter.command(c)) }
        if commands.isEmpty { return [] }
        try sendRaw(out)
        return try commands.map { _ in try readReply() }
    }

    /// AUTH [user] password; the server's reply (`+OK` or an error).
    @discardableResult
    public func auth(user: String? = nil, password: String) throws -> RESPValue {
        if let user { return try call("AUTH", user, password) }
        return try call("AUTH", password)
    }

    /// HELLO proto; on success later replies are parsed in that protocol.
    @discardableResult
    public func hello(_ proto: Int) throws -> RESPValue {
        let reply = try call("HELLO", String(proto))
        if !reply.isError { self.proto = proto }
        return reply
    }

    @discardableResult
    public func select(_ db: Int) throws -> RESPValue {
        try call("SELECT", String(db))
    }

    // MARK: Internals

    private func takeValue(length n: Int) throws -> RESPValue {
        let parsed: (value: RESPValue, consumed: Int)?
        do {
            parsed = try input.withReadableBytes { try parser.parse(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        } catch let e as ReplyParser.Malformed {
            close()
            throw RedisClientError.malformedReply(e.description)
        }
        guard let (value, _) = parsed else {
            close()
            throw RedisClientError.malformedReply("frame and parser disagree")
        }
        consume(n)
        return value
    }

    private func consume(_ n: Int) {
        input.moveReaderIndex(forwardBy: n)
        scanner.reset()
        input.shrinkIfIdle()
    }

    /// Reads until a whole frame is buffered; returns its length, or nil
    /// on timeout when `interruptible` (otherwise timeout throws).
    private func awaitFrame(timeoutMs: Int?, interruptible: Bool) throws -> Int? {
        guard fd >= 0 else { throw RedisClientError.io("connection is closed") }
        let deadline = timeoutMs.map { vigil_monotonic_us() + Int64($0) * 1000 }
        while true {
            let found: Int?
            do {
                found = try input.withReadableBytes { try scanner.scan($0) }
            } catch {
                close()
                throw error
            }
            if let n = found { return n }
            var wait: Int32 = -1
            if let deadline {
                let left = (deadline - vigil_monotonic_us() + 999) / 1000
                if left <= 0 {
                    if interruptible { return nil }
                    throw RedisClientError.timeout
                }
                wait = Int32(clamping: left)
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, wait)
            if r < 0 {
                if errno == EINTR {
                    if interruptible { return nil }
                    continue
                }
                throw RedisClientError.io(errnoText(errno))
            }
            if r == 0 { continue } // the deadline check above decides
            try fill()
        }
    }

    private func fill() throws {
        let fd = self.fd
        var err: Int32 = 0
        let n = input.writeWithUnsafeMutableBytes(minimum: 64 * 1024) { p -> Int in
            let r = Glibc.read(fd, p.baseAddress, p.count)
            if r < 0 { err = errno }
            return r
        }
        if n > 0 { return }
        if n == 0 {
            close()
            throw RedisClientError.connectionClosed
        }
        if err == EINTR || err == EAGAIN || err == EWOULDBLOCK { return }
        close()
        if err == ECONNRESET { throw RedisClientError.connectionClosed }
        throw RedisClientError.io(errnoText(err))
    }
}

func errnoText(_ e: Int32) -> String {
    String(cString: strerror(e))
}
