/// Placeholder shape of the SetValue container; its owner replaces this file
/// with the real structure (see the full-store issue).
public final class SetValue {
    public init() {}
    public var encodingName: String { "intset" }
    public func duplicate() -> SetValue { SetValue() }
}
