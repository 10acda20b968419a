/// A score interval as Redis's zrangespec: "(" makes a bound exclusive.
public struct ZScoreRange: Sendable {
    public var min: Double
    public var max: Double
    public var minex: Bool
    public var maxex: Bool

    public init(min: Double, max: Double, minex: Bool = false, maxex: Bool = false) {
        self.min = min
        self.max = max
        self.minex = minex
        self.maxex = maxex
    }

    @inline(__always) public func gteMin(_ v: Double) -> Bool { minex ? v > min : v >= min }
    @inline(__always) public func lteMax(_ v: Double) -> Bool { maxex ? v < max : v <= max }
}

/// One end of a lex interval: "-" and "+" are below and above every string.
public enum ZLexBound: Sendable {
    case minusInfinity
    case plusInfinity
    case value([UInt8])
}

/// A member interval as Redis's zlexrangespec.
public struct ZLexRange: Sendable {
    public var min: ZLexBound
    public var max: ZLexBound
    public var minex: Bool
    public var maxex: Bool

    public init(min: ZLexBound, max: ZLexBound, minex: Bool, maxex: Bool) {
        self.min = min
        self.max = max
        self.minex = minex
        self.maxex = maxex
    }

    /// sdscmplex between two bounds: "-" equals only "-", "+" only "+".
    public static func compare(_ a: ZLexBound, _ b: ZLexBound) -> Int {
        switch (a, b) {
        case (.minusInfinity, .minusInfinity), (.plusInfinity, .plusInfinity): return 0
        case (.minusInfinity, _), (_, .plusInfinity): return -1
        case (.plusInfinity, _), (_, .minusInfinity): return 1
        case (.value(let x), .value(let y)):
            return x.withUnsafeBytes { px in y.withUnsafeBytes { py in compareMembers(px, py) } }
        }
    }

    /// sdscmplex(value, bound).
    @inline(__always)
    public static func compare(_ v: UnsafeRawBufferPointer, _ b: ZLexBound) -> Int {
        switch b {
        case .minusInfinity: return 1
        case .plusInfinity: return -1
        case .value(let y): return y.withUnsafeBytes { compareMembers(v, $0) }
        }
    }

    /// True when no string can be inside (zslIsInLexRange's first test).
    public var isEmpty: Bool {
        let c = Self.compare(min, max)
        return c > 0 || (c == 0 && (minex || maxex))
    }

    @inline(__always) public func gteMin(_ v: UnsafeRawBufferPointer) -> Bool {
        let c = Self.compare(v, min)
        return minex ? c > 0 : c >= 0
    }

    @inline(__always) public func lteMax(_ v: UnsafeRawBufferPointer) -> Bool {
        let c = Self.compare(v, max)
        return maxex ? c < 0 : c <= 0
    }
}
