/// What a running script raises. `message` comes from a native function or a
/// runtime check and gets the position of the running Lua code prepended
/// (`input:3: `) where it is raised, as luaL_error does; `value` is final
/// (a value given to `error`, or a message that already has its position).
public enum LuaError: Error, CustomStringConvertible {
    case message(String)
    case value(LuaValue)

    public var description: String {
        switch self {
        case .message(let m): return m
        case .value(let v):
            switch v {
            case .string(let s): return s.description
            case .number(let d): return LuaNumber.format(d)
            default: return "(error object is a \(v.typeName) value)"
            }
        }
    }

    public var value: LuaValue {
        switch self {
        case .message(let m): return .str(m)
        case .value(let v): return v
        }
    }
}

/// Stops a running script for good: `pcall` does not catch it. The host
/// throws it from its hook (a killed script, a time limit).
public struct LuaAbort: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
