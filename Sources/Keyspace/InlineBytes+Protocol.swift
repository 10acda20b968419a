import CoreKit
import Protocol

/// Replies and glob matches straight from a key's or value's bytes, inline
/// or not, without making an array of them.
extension RESPWriter {
    @inlinable public mutating func bulk(_ k: Key) {
        k.withUnsafeBytes { bulk($0) }
    }

    @inlinable public mutating func bulk(_ s: StringValue) {
        s.withUnsafeBytes { bulk($0) }
    }
}

extension Key {
    /// Redis's stringmatchlen of the key against a glob pattern (case-sensitive).
    public func matches(glob pattern: [UInt8]) -> Bool {
        withUnsafeBytes { k in
            pattern.withUnsafeBufferPointer { p in
                stringMatch(pattern: p, string: k.bindMemory(to: UInt8.self), nocase: false)
            }
        }
    }
}
