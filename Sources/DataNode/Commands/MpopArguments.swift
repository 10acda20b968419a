import Protocol

/// What LMPOP, BLMPOP, ZMPOP and BZMPOP share in their arguments (Redis's
/// lmpopGenericCommand and zmpopGenericCommand): numkeys, the keys, the word
/// saying which end to pop from, then COUNT at most once.
struct MpopArguments {
    /// Where the keys stand in argv.
    var keyIndexes: ClosedRange<Int>
    /// What `end` made of the word after the keys.
    var end: Bool
    var count: Int

    /// nil once an error is replied; `end` reads the word after the keys and
    /// replies its own error.
    static func parse(_ c: Client, _ argv: [[UInt8]], numkeysIndex: Int,
                      end: (Client, [UInt8]) -> Bool?) -> MpopArguments? {
        guard let n = parseStrictInt64(argv[numkeysIndex]), n >= 1 else {
            c.replyError("ERR numkeys should be greater than 0")
            return nil
        }
        // Also guards the index arithmetic against a huge numkeys.
        guard n < Int64(argv.count - numkeysIndex - 1) else {
            c.replyError("ERR syntax error")
            return nil
        }
        let whereIndex = numkeysIndex + Int(n) + 1
        guard let fromEnd = end(c, argv[whereIndex]) else { return nil }
        var count = -1
        var j = whereIndex + 1
        while j < argv.count {
            let more = argv.count - 1 - j
            if count == -1 && argEquals(argv[j], "count") && more > 0 {
                j += 1
                guard let v = parseStrictInt64(argv[j]), v >= 1 else {
                    c.replyError("ERR count should be greater than 0")
                    return nil
                }
                count = Int(v)
            } else {
                c.replyError("ERR syntax error")
                return nil
            }
            j += 1
        }
        return MpopArguments(keyIndexes: (numkeysIndex + 1)...(whereIndex - 1), end: fromEnd,
                             count: count == -1 ? 1 : count)
    }
}
