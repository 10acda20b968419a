/// Metamethod names, made once: looking one up must not build a string.
enum MM {
    static let index = LuaString("__index")
    static let newindex = LuaString("__newindex")
    static let call = LuaString("__call")
    static let eq = LuaString("__eq")
    static let lt = LuaString("__lt")
    static let le = LuaString("__le")
    static let unm = LuaString("__unm")
    static let len = LuaString("__len")
    static let concat = LuaString("__concat")
    static let tostring = LuaString("__tostring")
    static let add = LuaString("__add")
    static let sub = LuaString("__sub")
    static let mul = LuaString("__mul")
    static let div = LuaString("__div")
    static let mod = LuaString("__mod")
    static let pow = LuaString("__pow")
}
