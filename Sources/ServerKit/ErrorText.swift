/// Redis formats client bytes into error messages with `%s`: the text stops at
/// the first NUL and other bytes go out raw (not as UTF-8). These build such
/// messages as bytes, so the reply is byte-identical.

/// The bytes of `arg` up to its first NUL, at most `max` of them.
@inlinable public func cString(_ arg: [UInt8], max: Int = Int.max) -> ArraySlice<UInt8> {
    let end = arg.firstIndex(of: 0) ?? arg.count
    return arg[0..<Swift.max(0, Swift.min(end, max))]
}

/// A piece of an error message: literal text or client bytes.
public protocol ErrorTextPart {
    func append(to out: inout [UInt8])
}

extension String: ErrorTextPart {
    public func append(to out: inout [UInt8]) { out.append(contentsOf: utf8) }
}

extension Array: ErrorTextPart where Element == UInt8 {
    public func append(to out: inout [UInt8]) { out.append(contentsOf: self) }
}

extension ArraySlice: ErrorTextPart where Element == UInt8 {
    public func append(to out: inout [UInt8]) { out.append(contentsOf: self) }
}

/// Concatenates text and byte pieces into one message.
public func errorText(_ parts: any ErrorTextPart...) -> [UInt8] {
    var out: [UInt8] = []
    for p in parts { p.append(to: &out) }
    return out
}
