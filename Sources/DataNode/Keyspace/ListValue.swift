/// Placeholder shape of the ListValue container; its owner replaces this file
/// with the real structure (see the full-store issue).
public final class ListValue {
    public init() {}
    public var encodingName: String { "quicklist" }
    public func duplicate() -> ListValue { ListValue() }
}
