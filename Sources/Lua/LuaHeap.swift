/// Reference counting frees most garbage at once, but not cycles: a local
/// function that calls itself (its cell holds the closure that holds the
/// cell), a table that is its own metatable's __index... Every table, closure
/// and cell a script creates is registered here, and `LuaVM.collectGarbage`
/// marks what the roots reach and empties the rest, which breaks the cycles
/// so that reference counting can free them.
final class LuaHeap {
    var tables: [Unmanaged<LuaTable>] = []
    var closures: [Unmanaged<LuaClosure>] = []
    var cells: [Unmanaged<LuaCell>] = []
    var epoch: UInt32 = 1

    @inline(__always) func register(_ t: LuaTable) {
        t.heap = self
        t.heapIndex = tables.count
        tables.append(.passUnretained(t))
    }

    @inline(__always) func register(_ c: LuaClosure) {
        c.heap = self
        c.heapIndex = closures.count
        closures.append(.passUnretained(c))
    }

    @inline(__always) func register(_ c: LuaCell) {
        c.heap = self
        c.heapIndex = cells.count
        cells.append(.passUnretained(c))
    }

    func remove(_ t: LuaTable) {
        let i = t.heapIndex
        let last = tables.removeLast()
        if i < tables.count { tables[i] = last; last.takeUnretainedValue().heapIndex = i }
    }

    func remove(_ c: LuaClosure) {
        let i = c.heapIndex
        let last = closures.removeLast()
        if i < closures.count { closures[i] = last; last.takeUnretainedValue().heapIndex = i }
    }

    func remove(_ c: LuaCell) {
        let i = c.heapIndex
        let last = cells.removeLast()
        if i < cells.count { cells[i] = last; last.takeUnretainedValue().heapIndex = i }
    }

    /// The VM is going away: objects that outlive it must not call back.
    func detach() {
        for t in tables { t.takeUnretainedValue().heap = nil }
        for c in closures { c.takeUnretainedValue().heap = nil }
        for c in cells { c.takeUnretainedValue().heap = nil }
        tables = []; closures = []; cells = []
    }

    var count: Int { tables.count + closures.count + cells.count }

    /// Marks everything reachable from `roots`, then empties the registered
    /// objects that were not reached. Returns how many were emptied.
    func collect(roots: [LuaValue]) -> Int {
        epoch &+= 1
        if epoch == 0 { epoch = 1 }
        let e = epoch
        var work: [LuaValue] = roots
        while let v = work.popLast() {
            switch v {
            case .table(let t):
                if t.mark == e { continue }
                t.mark = e
                for x in t.arr { if x.isCollectable || x.isCoroutine { work.append(x) } }
                for s in t.hash.nodes {
                    if s.key.isCollectable || s.key.isCoroutine { work.append(s.key) }
                    if s.value.isCollectable || s.value.isCoroutine { work.append(s.value) }
                }
                if let m = t.metatable { work.append(.table(m)) }
            case .function(let f):
                guard !f.isNative else {
                    let captured = unsafeDowncast(f, to: LuaNative.self).captured
                    if captured.isCoroutine { work.append(captured) }
                    continue
                }
                let c = unsafeDowncast(f, to: LuaClosure.self)
                if c.mark == e { continue }
                c.mark = e
                for u in c.upvalues { work.append(.cell(u)) }
                work.append(.table(c.env))
            case .userdata(let u):
                guard let co = u as? LuaCoroutine, co.mark != e else { continue }
                co.mark = e
                work.append(contentsOf: co.liveValues.filter { $0.isCollectable || $0.isCoroutine })
            case .cell(let c):
                if c.mark == e { continue }
                c.mark = e
                if c.value.isCollectable || c.value.isCoroutine { work.append(c.value) }
            default:
                continue
            }
        }
        // keep the dead alive until all are emptied: emptying frees some of them
        var deadTables: [LuaTable] = []
        var deadClosures: [LuaClosure] = []
        var deadCells: [LuaCell] = []
        for t in tables { let o = t.takeUnretainedValue(); if o.mark != e { deadTables.append(o) } }
        for c in closures { let o = c.takeUnretainedValue(); if o.mark != e { deadClosures.append(o) } }
        for c in cells { let o = c.takeUnretainedValue(); if o.mark != e { deadCells.append(o) } }
        for t in deadTables { t.clear() }
        for c in deadClosures { c.upvalues = [] }
        for c in deadCells { c.value = .nil_ }
        return deadTables.count + deadClosures.count + deadCells.count
    }
}

extension LuaValue {
    var isCoroutine: Bool {
        if case .userdata(let u) = self { return u is LuaCoroutine }
        return false
    }

    @inline(__always) var isCollectable: Bool {
        switch self {
        case .table, .function, .cell: return true
        default: return false
        }
    }
}
