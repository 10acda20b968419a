/// Redis keeps one object per integer 0..<10000 (OBJ_SHARED_INTEGERS) and
/// stores it for every key whose value is that integer, unless maxmemory is
/// set with an LRU or LFU policy. The object's access stamp is therefore
/// shared too: reading any key holding 9 refreshes OBJECT IDLETIME / FREQ of
/// every key holding 9, and a key just set to 9 reports the idle time of the
/// shared 9 (since server start if nobody read it). Vigil stores values
/// separately, so it keeps those shared stamps here, beside the per-key ones.
extension KeyspaceContext {
    /// OBJ_SHARED_INTEGERS.
    public static let sharedIntegerCount = 10_000

    /// The shared integer a value stands for in Redis, if it is one.
    @inline(__always) public func sharedInteger(_ v: Value) -> Int? {
        guard accessPolicy.sharesIntegers, case .string(let s) = v, s.encoding == .int else { return nil }
        return Self.smallCanonicalInteger(s)
    }

    /// The shared objects' creation (createSharedObjects at start-up): every
    /// stamp starts there.
    public func createSharedIntegers() {
        let born = storeStamp(nil)
        sharedIntegerStamps = [UInt32](repeating: born, count: Self.sharedIntegerCount)
    }

    /// lookupKey's LRU/LFU update landing on the shared object.
    @inline(__always) public func touchSharedInteger(_ n: Int) {
        if sharedIntegerStamps.isEmpty { createSharedIntegers() }
        sharedIntegerStamps[n] = accessStamp(sharedIntegerStamps[n])
    }

    public func sharedIntegerStamp(_ n: Int) -> UInt32 {
        if sharedIntegerStamps.isEmpty { createSharedIntegers() }
        return sharedIntegerStamps[n]
    }

    /// An int-encoded value of one to four digits is canonical, so it is
    /// 0..<10000 exactly when it has no sign; a COPY's private object is not shared.
    private static func smallCanonicalInteger(_ s: StringValue) -> Int? {
        guard !s.unshared, s.count <= 4 else { return nil }
        return s.withUnsafeBytes { b -> Int? in
            var n = 0
            for c in b {
                guard c >= 48 && c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            return b.isEmpty ? nil : n
        }
    }
}
