/// Placeholder shape of the SortedSetValue container; its owner replaces this file
/// with the real structure (see the full-store issue).
public final class SortedSetValue {
    public init() {}
    public var encodingName: String { "listpack" }
    public func duplicate() -> SortedSetValue { SortedSetValue() }
}
