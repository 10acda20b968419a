/// Lowercases ASCII letters; other bytes pass through. Command names are ASCII.
@inline(__always)
public func asciiLowercased(_ b: [UInt8]) -> String {
    var needs = false
    for c in b where c >= 65 && c <= 90 { needs = true; break }
    if !needs { return String(decoding: b, as: UTF8.self) }
    return String(decoding: b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
}

/// Case-insensitive comparison of an argument with an ASCII keyword.
@inline(__always)
public func argEquals(_ arg: [UInt8], _ keyword: StaticString) -> Bool {
    let n = keyword.utf8CodeUnitCount
    guard arg.count == n else { return false }
    let p = keyword.utf8Start
    for i in 0..<n {
        var c = arg[i]
        if c >= 65 && c <= 90 { c += 32 }
        var k = p[i]
        if k >= 65 && k <= 90 { k += 32 }
        if c != k { return false }
    }
    return true
}
