/// Placeholder shape of the HashValue container; its owner replaces this file
/// with the real structure (see the full-store issue).
public final class HashValue {
    public init() {}
    public var encodingName: String { "listpack" }
    public func duplicate() -> HashValue { HashValue() }
}
