import Glibc

/// One element of SORT's vector: the element, and what it sorts by.
public struct SortItem {
    public var element: [UInt8]
    public var score: Double = 0
    /// ALPHA with BY: the looked-up value, nil when missing (sorts first).
    public var byValue: [UInt8]? = nil

    public init(element: [UInt8]) {
        self.element = element
    }
}

/// Redis's sortCompare, its parameters fixed for one SORT.
public struct SortComparator {
    public let desc: Bool
    public let alpha: Bool
    public let byPattern: Bool
    /// STORE compares bytes; replies compare with strcoll (strcmp in the C
    /// and C.UTF-8 locales: bytes up to the first NUL).
    public let binary: Bool

    public init(desc: Bool, alpha: Bool, byPattern: Bool, binary: Bool) {
        self.desc = desc
        self.alpha = alpha
        self.byPattern = byPattern
        self.binary = binary
    }

    public func compare(_ a: SortItem, _ b: SortItem) -> Int {
        var cmp: Int
        if !alpha {
            if a.score > b.score {
                cmp = 1
            } else if a.score < b.score {
                cmp = -1
            } else {
                cmp = Self.binaryCompare(a.element, b.element)
            }
        } else if byPattern {
            switch (a.byValue, b.byValue) {
            case (nil, nil): cmp = 0
            case (nil, _): cmp = -1
            case (_, nil): cmp = 1
            case (let x?, let y?): cmp = binary ? Self.binaryCompare(x, y) : Self.collate(x, y)
            }
        } else {
            cmp = binary ? Self.binaryCompare(a.element, b.element) : Self.collate(a.element, b.element)
        }
        return desc ? -cmp : cmp
    }

    /// compareStringObjects: memcmp over the common length, then the length.
    public static func binaryCompare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// strcoll in a codepoint-collation locale: strcmp, which stops at NUL.
    public static func collate(_ a: [UInt8], _ b: [UInt8]) -> Int {
        var i = 0
        while true {
            let x: UInt8 = i < a.count ? a[i] : 0
            let y: UInt8 = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
            if x == 0 { return 0 }
            i += 1
        }
    }

    /// The score of a value as SORT reads it: strtod over the C string, which
    /// must be consumed to its end (or first NUL), without ERANGE or NaN.
    public static func score(_ b: [UInt8]) -> Double? {
        var c = b
        c.append(0)
        return c.withUnsafeBufferPointer { p -> Double? in
            let s = UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtod(s, &end)
            guard let end, end.pointee == 0, errno != ERANGE, !v.isNaN else { return nil }
            return v
        }
    }
}
