/// What a debugger may ask of the running state (Lua's lua_getstack,
/// lua_getinfo and lua_getlocal), level 0 being the innermost Lua function.
/// Host functions have no level of their own.
public struct LuaFrameInfo {
    /// The chunk name the function was compiled under.
    public let chunk: String
    public let currentLine: Int
    /// How the caller named the function (nil for a function Swift called).
    public let name: String?
}

extension LuaVM {
    /// Lua functions running now, innermost at level 0.
    public var levelCount: Int { frames.count }

    public func frameInfo(level: Int) -> LuaFrameInfo? {
        let i = frames.count - 1 - level
        guard i >= 0 && level >= 0 else { return nil }
        let f = frames[i]
        let p = f.closure.proto
        let line = p.lines.isEmpty ? 0 : Int(p.lines[max(0, min(f.pc, p.lines.count - 1))])
        var name: String? = nil
        if !f.entry && i > 0 {
            let caller = frames[i - 1]
            name = caller.closure.proto.names[caller.pc]?[0]?.name
        }
        return LuaFrameInfo(chunk: p.chunk, currentLine: line, name: name)
    }

    /// The locals in scope at the function's current instruction, in
    /// declaration order; captured ones are read through their cell.
    public func locals(level: Int) -> [(name: String, value: LuaValue)] {
        let i = frames.count - 1 - level
        guard i >= 0 && level >= 0 else { return [] }
        let f = frames[i]
        var out: [(name: String, value: LuaValue)] = []
        for v in f.closure.proto.localVars where v.startPC <= f.pc && f.pc < v.endPC {
            var value = stack[f.base + v.register]
            if case .cell(let c) = value { value = c.value }
            out.append((v.name, value))
        }
        return out
    }

    /// The line the innermost frame stands at when the hook should hear of
    /// it: a function's first instruction, a jump back, or a line not the
    /// one of the instruction last looked at in the same frame (after a
    /// call returns, that is the call's own line: no new event).
    func newLineReached() -> Int? {
        let depth = frames.count - 1
        guard depth >= 0 else { return nil }
        let f = frames[depth]
        let p = f.closure.proto
        let pc = f.pc
        guard pc < p.lines.count else { return nil }
        while hookPCs.count <= depth { hookPCs.append(-1) }
        let old = hookPCs[depth]
        hookPCs[depth] = pc
        if pc == 0 || old < 0 || pc <= old || old >= p.lines.count || p.lines[old] != p.lines[pc] {
            return Int(p.lines[pc])
        }
        return nil
    }
}
