/// The sizes OP_NEWTABLE carries are stored in Lua 5.1's one-byte
/// "floating point byte" (eeeeexxx), which rounds them up; the table is
/// created with the rounded size, and its layout follows from that.
enum TableSizeHint {
    static func rounded(_ n: Int) -> Int { decode(encode(n)) }

    /// luaO_int2fb: the smallest encodable size not below `n`.
    static func encode(_ n: Int) -> Int {
        var x = n
        var e = 0
        while x >= 16 { x = (x + 1) >> 1; e += 1 }
        return x < 8 ? x : ((e + 1) << 3) | (x - 8)
    }

    /// luaO_fb2int.
    static func decode(_ b: Int) -> Int {
        let e = (b >> 3) & 31
        return e == 0 ? b : ((b & 7) + 8) << (e - 1)
    }
}
