/// Redis formats client bytes into error messages with `%s`: the text stops at
/// the first NUL and other bytes go out raw (not as UTF-8). These build such
/// messages as bytes, so the reply is byte-identical.

/// The bytes of `arg` up to its first NUL, at most `max` of them.
public func cString(_ arg: [UInt8], max: Int = Int.max) -> ArraySlice<UInt8> {
    let end = arg.firstIndex(of: 0) ?? arg.count
    return arg[0..<Swift.max(0, Swift.min(end, max))]
}

/// Concatenates text and byte pieces into one message.
public func errorText(_ parts: Any...) -> [UInt8] {
    var out: [UInt8] = []
    for p in parts {
        switch p {
        case let s as String: out.append(contentsOf: s.utf8)
        case let b as ArraySlice<UInt8>: out.append(contentsOf: b)
        case let b as [UInt8]: out.append(contentsOf: b)
        default: break
        }
    }
    return out
}
