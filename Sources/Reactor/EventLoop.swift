import CVigilShim
import Glibc

/// Receives readiness events for one file descriptor.
public protocol FileEventHandler: AnyObject {
    func readable()
    func writable()
}

/// One epoll loop per process, like Redis's `ae`: file events, a timer heap and
/// before-sleep hooks, all on the calling thread.
public final class EventLoop {
    public typealias TimerID = Int

    private let epfd: Int32
    private var handlers: [FileEventHandler?] = []
    private var interest: [UInt32] = []
    /// Registered edge-triggered (EPOLLET): reported when input arrives, not
    /// again while it stays unread.
    private var edgeTriggered: [Bool] = []
    /// Edge-triggered fds whose peer has closed (or failed): the end of
    /// input comes after the bytes a short read took, with no edge of its
    /// own, so they are served each round until their handler closes them.
    private var peerGone: [Bool] = []
    /// Edge-triggered fds whose input was not drained, in the order they were
    /// served: they are served again, first, on the next round.
    private var carriedOver: [(fd: Int32, handler: ObjectIdentifier)] = []
    /// The round being served (carried-over fds, then the events), and the
    /// next to serve: what a nested round (a handler serving the loop) takes over.
    private var roundWork: [(fd: Int32, events: UInt32)] = []
    private var roundNext = 0
    private var events = [vigil_event](repeating: vigil_event(), count: 256)
    /// Set while a round is served: a call from inside a handler (a long
    /// script serving clients) is a nested round.
    private var dispatching = false
    private var timers = TimerHeap()
    private var timerCallbacks: [TimerID: () -> Int64?] = [:]
    private var nextTimerID = 1
    private var stopped = false

    /// Runs before each wait: flush pending writes, process deferred work.
    public var beforeSleep: [() -> Void] = []
    /// One-shot work for the next before-sleep pass.
    private var deferred: [() -> Void] = []

    public init() throws {
        epfd = vigil_epoll_create()
        if epfd < 0 { throw SocketError.system("epoll_create", vigil_errno()) }
    }

    deinit { Glibc.close(epfd) }

    /// Monotonic milliseconds.
    public static func monotonicMs() -> Int64 { vigil_monotonic_us() / 1000 }
    /// Wall-clock milliseconds since the epoch.
    public static func unixMs() -> Int64 { vigil_realtime_us() / 1000 }

    // MARK: file events

    /// `edgeTriggered`: the fd is reported when input arrives rather than
    /// whenever some is unread, so that the order of a round's events is the
    /// order their input came in. A level-triggered fd served in one round is
    /// queued again at once, ahead of any fd whose input comes in later; a
    /// server slow to come back to epoll_wait would then serve a command sent
    /// after another client's before it. The handler must say when its read
    /// may have left input behind (`inputRemains`).
    public func register(fd: Int32, handler: FileEventHandler, readable: Bool = true, writable: Bool = false,
                         edgeTriggered edge: Bool = false) {
        let idx = Int(fd)
        if idx >= handlers.count {
            let n = max(idx + 1, handlers.count * 2)
            handlers.append(contentsOf: repeatElement(nil, count: n - handlers.count))
            interest.append(contentsOf: repeatElement(0, count: n - interest.count))
            edgeTriggered.append(contentsOf: repeatElement(false, count: n - edgeTriggered.count))
            peerGone.append(contentsOf: repeatElement(false, count: n - peerGone.count))
        }
        handlers[idx] = handler
        edgeTriggered[idx] = edge
        peerGone[idx] = false
        let mask = Self.mask(readable, writable)
        interest[idx] = mask
        _ = vigil_epoll_ctl(epfd, Int32(VIGIL_EPOLL_CTL_ADD), fd, mask | (edge ? Self.edgeFlags : 0))
    }

    public func setInterest(fd: Int32, readable: Bool, writable: Bool) {
        let idx = Int(fd)
        guard idx < handlers.count, handlers[idx] != nil else { return }
        let mask = Self.mask(readable, writable)
        if interest[idx] == mask { return }
        interest[idx] = mask
        // A MOD checks readiness anew: input already waiting is reported.
        _ = vigil_epoll_ctl(epfd, Int32(VIGIL_EPOLL_CTL_MOD), fd, mask | (edgeTriggered[idx] ? Self.edgeFlags : 0))
    }

    public func unregister(fd: Int32) {
        let idx = Int(fd)
        guard idx >= 0, idx < handlers.count, handlers[idx] != nil else { return }
        handlers[idx] = nil
        interest[idx] = 0
        _ = vigil_epoll_ctl(epfd, Int32(VIGIL_EPOLL_CTL_DEL), fd, 0)
    }

    /// EPOLLRDHUP tells a peer's close apart from more bytes.
    private static let edgeFlags = vigil_epollet() | vigil_epollrdhup()

    private static func mask(_ r: Bool, _ w: Bool) -> UInt32 {
        (r ? vigil_epollin() : 0) | (w ? vigil_epollout() : 0)
    }

    /// Runs `work` once, before the loop next waits for events.
    public func runBeforeSleep(_ work: @escaping () -> Void) { deferred.append(work) }

    // MARK: timers

    /// Calls `callback` after `ms`; it returns the delay until its next run, or nil to stop.
    @discardableResult
    public func addTimer(afterMs ms: Int64, _ callback: @escaping () -> Int64?) -> TimerID {
        let id = nextTimerID
        nextTimerID += 1
        timerCallbacks[id] = callback
        timers.push(due: Self.monotonicMs() + ms, id: id)
        return id
    }

    public func cancelTimer(_ id: TimerID) { timerCallbacks[id] = nil }

    private func runDueTimers() {
        let now = Self.monotonicMs()
        while let top = timers.peek, top.due <= now {
            timers.pop()
            guard let cb = timerCallbacks[top.id] else { continue }
            if let next = cb() {
                if timerCallbacks[top.id] != nil { timers.push(due: Self.monotonicMs() + max(0, next), id: top.id) }
            } else {
                timerCallbacks[top.id] = nil
            }
        }
    }

    // MARK: running

    public func stop() { stopped = true }

    public func run() {
        stopped = false
        while !stopped { runOnce(maxWaitMs: 1000) }
    }

    /// One iteration: before-sleep hooks, wait, dispatch file events, run due timers.
    public func runOnce(maxWaitMs: Int64) {
        for hook in beforeSleep { hook() }
        if !deferred.isEmpty {
            let work = deferred
            deferred.removeAll(keepingCapacity: true)
            for w in work { w() }
        }
        var wait = maxWaitMs
        if let top = timers.peek { wait = max(0, min(wait, top.due - Self.monotonicMs())) }
        if !carriedOver.isEmpty { wait = 0 }
        processFileEvents(maxWaitMs: wait)
        runDueTimers()
    }

    /// Waits at most `maxWaitMs` and dispatches the file events that came,
    /// with no timers and no before-sleep hooks: what a server runs while a
    /// long command keeps the loop (Redis's processEventsWhileBlocked).
    public func processFileEvents(maxWaitMs wait: Int64) {
        let readMask = vigil_epollin() | vigil_epollerr() | vigil_epollhup()
        let writeMask = vigil_epollout() | vigil_epollerr() | vigil_epollhup()
        let nested = dispatching
        var outerWork: [(fd: Int32, events: UInt32)] = []
        var outerNext = 0
        if nested {
            // The outer round's fds still to serve are ready, and an
            // edge-triggered one will not be reported again: served here,
            // they are not left waiting on the handler that called us (a
            // busy script's SCRIPT KILL sent in the same round).
            for k in roundNext..<roundWork.count where roundWork[k].events & readMask != 0 {
                let idx = Int(roundWork[k].fd)
                if idx < handlers.count, edgeTriggered[idx], let h = handlers[idx] {
                    carriedOver.append((roundWork[k].fd, ObjectIdentifier(h)))
                }
            }
            outerWork = roundWork
            outerNext = roundNext
        }
        dispatching = true
        defer {
            dispatching = nested
            if nested {
                roundWork = outerWork
                roundNext = outerNext
            }
        }
        let n = events.withUnsafeMutableBufferPointer { p in
            vigil_epoll_wait(epfd, p.baseAddress, Int32(p.count), Int32(carriedOver.isEmpty ? wait : 0))
        }
        // Known before any handler runs: a carried-over fd served first must know its peer left.
        for i in 0..<Int(max(n, 0)) where events[i].events & (vigil_epollrdhup() | vigil_epollerr() | vigil_epollhup()) != 0 {
            let idx = Int(events[i].fd)
            if idx < peerGone.count { peerGone[idx] = true }
        }
        // Input left over from the last round came in before anything this
        // round reports: it is served first.
        roundWork.removeAll(keepingCapacity: true)
        var carried: Set<Int32> = []
        if !carriedOver.isEmpty {
            for (fd, id) in carriedOver {
                let idx = Int(fd)
                guard idx < handlers.count, let h = handlers[idx], ObjectIdentifier(h) == id,
                      interest[idx] & vigil_epollin() != 0, carried.insert(fd).inserted else { continue }
                roundWork.append((fd, vigil_epollin()))
            }
            carriedOver.removeAll(keepingCapacity: true)
        }
        for i in 0..<Int(max(n, 0)) {
            let ev = events[i]
            // Already served as carried over: only its write side is left.
            let mask = carried.contains(ev.fd) ? ev.events & vigil_epollout() : ev.events
            if mask != 0 { roundWork.append((ev.fd, mask)) }
        }
        roundNext = 0
        while roundNext < roundWork.count {
            let (fd, mask) = roundWork[roundNext]
            roundNext += 1
            let idx = Int(fd)
            // Read first, then write, as ae does; re-check after each since a handler may unregister.
            if mask & readMask != 0, idx < handlers.count, let h = handlers[idx] {
                serveReadable(h, idx)
            }
            if mask & writeMask != 0, idx < handlers.count, let h = handlers[idx],
               interest[idx] & vigil_epollout() != 0 {
                h.writable()
            }
        }
    }

    @inline(__always)
    private func serveReadable(_ h: FileEventHandler, _ idx: Int) {
        h.readable()
        // A closed peer's end of input comes after the bytes, with no edge of its own.
        if edgeTriggered[idx] && peerGone[idx] { inputRemains(fd: Int32(idx), handler: h) }
    }

    /// An edge-triggered handler's read may have left input in the socket
    /// (it filled what it asked for): it is served again next round without
    /// an event, whether it read in a round or outside one.
    public func inputRemains(fd: Int32, handler: FileEventHandler) {
        let idx = Int(fd)
        guard idx >= 0, idx < handlers.count, edgeTriggered[idx], let h = handlers[idx], h === handler,
              !carriedOver.contains(where: { $0.fd == fd }) else { return }
        carriedOver.append((fd, ObjectIdentifier(h)))
    }
}

/// Timer entries: cancelled ids are skipped when popped.
struct TimerEntry: HeapOrdered {
    var due: Int64
    var id: Int
    var heapKey: Int64 { due }
}

typealias TimerHeap = MinHeap<TimerEntry>

extension MinHeap where Element == TimerEntry {
    mutating func push(due: Int64, id: Int) { push(TimerEntry(due: due, id: id)) }
}
