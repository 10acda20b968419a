import Glibc

/// How much of a forked child's memory is its own: Redis's
/// zmalloc_get_private_dirty, the sum of Private_Dirty over the mappings.
/// Right after fork every page is shared; each page either side writes
/// becomes private to the child, so in the child this is the copy-on-write cost.
/// The child's running figures for "Fork CoW for RDB: current, peak, average".
struct CopyOnWriteSampler {
    private(set) var peak = 0
    private(set) var samples = 0
    private var sum = 0
    var average: Int { samples == 0 ? 0 : sum / samples }

    mutating func sample() -> Int {
        let now = CopyOnWrite.privateDirtyBytes()
        peak = max(peak, now)
        sum += now
        samples += 1
        return now
    }
}

enum CopyOnWrite {
    static func privateDirtyBytes() -> Int {
        // The rollup holds the same sums as smaps in one line per field.
        if let text = readFile("/proc/self/smaps_rollup") { return sum(text) }
        return readFile("/proc/self/smaps").map(sum) ?? 0
    }

    /// Adds up every "Private_Dirty: N kB" line.
    static func sum(_ text: [UInt8]) -> Int {
        let field = Array("Private_Dirty:".utf8)
        var total = 0, i = 0
        while i < text.count {
            var end = i
            while end < text.count && text[end] != 10 { end += 1 }
            if end - i > field.count && text[i..<(i + field.count)].elementsEqual(field) {
                var kb = 0
                for b in text[(i + field.count)..<end] where b >= 48 && b <= 57 { kb = kb * 10 + Int(b - 48) }
                total += kb * 1024
            }
            i = end + 1
        }
        return total
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }
}
