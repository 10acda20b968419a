import Keyspace

/// Hands a stored value to code in another module without retaining it.
///
/// Passing `values[i]` to an opaque function makes Swift copy the value
/// first (the callee could change the storage it came from), and copying a
/// collection retains its object: a write to the object's header. In a
/// forked child that write copies the page, so walking a keyspace of small
/// hashes this way copied a third of the dataset (18.5 of 52 MB for 200,000
/// hashes). Here the object's address is read from the enum's payload word
/// and lent out as a guaranteed reference: no retain, no write.
enum BorrowedValue {
    /// Whether a collection case stores its object's address as the enum's
    /// first word (checked once on a sample; if not, values are copied).
    static let layoutHolds: Bool = {
        let sample = HashValue()
        var v = Value.hash(sample)
        let word = withUnsafeBytes(of: &v) { $0.load(as: UInt.self) }
        return word == UInt(bitPattern: Unmanaged.passUnretained(sample).toOpaque())
    }()

    @inline(__always)
    static func with<R>(_ p: UnsafePointer<Value>, _ body: (Value) throws -> R) rethrows -> R {
        guard layoutHolds else { return try body(p.pointee) }
        let address = UnsafeRawPointer(p).load(as: UnsafeRawPointer.self)
        if case .hash = p.pointee {
            return try Unmanaged<HashValue>.fromOpaque(address)._withUnsafeGuaranteedRef { try body(.hash($0)) }
        }
        if case .list = p.pointee {
            return try Unmanaged<ListValue>.fromOpaque(address)._withUnsafeGuaranteedRef { try body(.list($0)) }
        }
        if case .set = p.pointee {
            return try Unmanaged<SetValue>.fromOpaque(address)._withUnsafeGuaranteedRef { try body(.set($0)) }
        }
        if case .zset = p.pointee {
            return try Unmanaged<SortedSetValue>.fromOpaque(address)._withUnsafeGuaranteedRef { try body(.zset($0)) }
        }
        if case .stream = p.pointee {
            return try Unmanaged<StreamValue>.fromOpaque(address)._withUnsafeGuaranteedRef { try body(.stream($0)) }
        }
        return try body(p.pointee)
    }
}
