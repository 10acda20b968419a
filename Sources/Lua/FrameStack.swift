/// The call frames of Lua functions in one growable buffer: pushing and
/// popping a frame on every call must not pay for Array's uniqueness checks.
struct FrameStack {
    private var ptr: UnsafeMutablePointer<Frame>
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = 64
        ptr = .allocate(capacity: capacity)
    }

    func release() {
        ptr.deinitialize(count: count)
        ptr.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always) subscript(i: Int) -> Frame {
        get { ptr[i] }
        nonmutating _modify { yield &ptr[i] }
    }

    /// Frame `i` in place: reading one field does not copy the frame (and
    /// retain its varargs).
    @inline(__always) func at(_ i: Int) -> UnsafeMutablePointer<Frame> { ptr + i }

    /// Pops the top frame without moving it out.
    @inline(__always) mutating func dropLast() {
        count -= 1
        (ptr + count).deinitialize(count: 1)
    }

    @inline(__always) mutating func append(_ f: Frame) {
        if count == capacity {
            let n = UnsafeMutablePointer<Frame>.allocate(capacity: capacity * 2)
            n.moveInitialize(from: ptr, count: count)
            ptr.deallocate()
            ptr = n
            capacity *= 2
        }
        (ptr + count).initialize(to: f)
        count += 1
    }

    @inline(__always) @discardableResult
    mutating func removeLast() -> Frame {
        count -= 1
        return (ptr + count).move()
    }

    /// Drops the frames from `from` up (a call that raised).
    mutating func truncate(to from: Int) {
        while count > from { removeLast() }
    }
}
