import Glibc

/// LZF as Redis 7.0 builds liblzf 3.6 (lzfP.h: HLOG 16, VERY_FAST, no
/// ULTRA_FAST): the compressor reproduces lzf_c.c's choices byte for byte —
/// including its conservative output-space checks, which decide whether a
/// string is stored compressed at all — so that our files have Redis's size.
///
/// lzf_c.c leaves its hash table uninitialised; entries it has not written
/// in this call never pass its `ref > in_data` test in practice, which is
/// what a table of "nothing yet" gives. Instead of clearing 64 Ki slots per
/// string, slots hold positions biased by a per-call base: anything at or
/// below the base belongs to an earlier call and counts as empty.
public final class LZFCompressor {
    private static let hlog = 16
    private static let hsize = 1 << hlog
    private static let maxLit = 1 << 5
    private static let maxOff = 1 << 13
    private static let maxRef = (1 << 8) + (1 << 3)

    private let table: UnsafeMutablePointer<Int>
    private var base = 0

    public init() {
        table = .allocate(capacity: Self.hsize)
        table.initialize(repeating: 0, count: Self.hsize)
    }

    deinit { table.deallocate() }

    @inline(__always)
    private static func idx(_ h: UInt32) -> Int {
        Int(((h >> UInt32(3 * 8 - hlog)) &- h &* 5) & UInt32(hsize - 1))
    }

    /// lzf_compress into `out` (room for `outLen` + 3 bytes): the compressed
    /// size, or 0 when it would not fit in `outLen` by lzf_c.c's checks.
    public func compress(_ input: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>, outLen: Int) -> Int {
        let inLen = input.count
        guard inLen >= 3, outLen > 0, let inBase = input.baseAddress else { return 0 }
        let src = inBase.assumingMemoryBound(to: UInt8.self)
        let bias = base
        base += inLen + 1
        let t = table
        var ip = 0
        var op = 1  // start run
        var lit = 0
        var hval = UInt32(src[0]) << 8 | UInt32(src[1])
        while ip < inLen - 2 {
            hval = (hval &<< 8) | UInt32(src[ip + 2])
            let slot = Self.idx(hval)
            let ref = t[slot] - bias
            t[slot] = bias + ip
            let off = ip - ref - 1
            // 3.6 dropped 3.5's `ip + 4 < in_end`: a match may end the input.
            if ref > 0 && off >= 0 && off < Self.maxOff
                && src[ref] == src[ip] && src[ref + 1] == src[ip + 1] && src[ref + 2] == src[ip + 2] {
                var len = 2
                let maxlen = min(inLen - ip - len, Self.maxRef)
                out[op - lit - 1] = UInt8(truncatingIfNeeded: lit - 1)  // stop run
                if lit == 0 { op -= 1 }  // undo run if length is zero
                if op + 3 + 1 >= outLen { return 0 }
                // lzf_c.c's unrolled compare runs 16 steps without the maxlen
                // check, so a match may end up to two bytes past maxlen: keep that.
                var matched = false
                if maxlen > 16 {
                    for _ in 0..<16 {
                        len += 1
                        if src[ref + len] != src[ip + len] { matched = true; break }
                    }
                }
                if !matched {
                    repeat { len += 1 } while len < maxlen && src[ref + len] == src[ip + len]
                }
                len -= 2  // len is now #octets - 1
                ip += 1
                if len < 7 {
                    out[op] = UInt8(truncatingIfNeeded: (off >> 8) + (len << 5)); op += 1
                } else {
                    out[op] = UInt8(truncatingIfNeeded: (off >> 8) + (7 << 5)); op += 1
                    out[op] = UInt8(truncatingIfNeeded: len - 7); op += 1
                }
                out[op] = UInt8(truncatingIfNeeded: off); op += 1
                lit = 0; op += 1  // start run
                ip += len + 1
                if ip >= inLen - 2 { break }
                // VERY_FAST: hash the last two positions of the match.
                ip -= 2
                hval = UInt32(src[ip]) << 8 | UInt32(src[ip + 1])
                hval = (hval &<< 8) | UInt32(src[ip + 2])
                t[Self.idx(hval)] = bias + ip
                ip += 1
                hval = (hval &<< 8) | UInt32(src[ip + 2])
                t[Self.idx(hval)] = bias + ip
                ip += 1
            } else {
                if op >= outLen { return 0 }
                lit += 1; out[op] = src[ip]; op += 1; ip += 1
                if lit == Self.maxLit {
                    out[op - lit - 1] = UInt8(lit - 1)
                    lit = 0; op += 1
                }
            }
        }
        if op + 3 > outLen { return 0 }  // at most 3 bytes can be missing here
        while ip < inLen {
            lit += 1; out[op] = src[ip]; op += 1; ip += 1
            if lit == Self.maxLit {
                out[op - lit - 1] = UInt8(lit - 1)
                lit = 0; op += 1
            }
        }
        out[op - lit - 1] = UInt8(truncatingIfNeeded: lit - 1)  // end run
        if lit == 0 { op -= 1 }
        return op
    }

    /// Redis's rule for a string in an RDB (rdbSaveLzfStringObject): the
    /// compressed form, only when it saves at least 4 bytes.
    public func compressForRDB(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        let n = input.count
        guard n > 4 else { return nil }
        let outLen = n - 4
        var result: [UInt8]? = nil
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: outLen + 4)
        defer { buf.deallocate() }
        let c = compress(input, into: buf, outLen: outLen)
        if c > 0 { result = Array(UnsafeBufferPointer(start: buf, count: c)) }
        return result
    }
}

public enum LZF {
    /// lzf_decompress with CHECK_INPUT: nil unless the input decodes to
    /// exactly `length` bytes without reading or writing out of bounds.
    /// Runs are copied with memcpy (a back-reference byte by byte only when
    /// it overlaps what it writes, which repeats a pattern): every key a
    /// loader reads may be compressed.
    public static func decompress(_ input: UnsafeRawBufferPointer, length: Int) -> [UInt8]? {
        guard length >= 0 else { return nil }
        guard length > 0 else { return input.isEmpty ? [] : nil }
        guard let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var ok = false
        let n = input.count
        let out = [UInt8](unsafeUninitializedCapacity: length) { o, initialized in
            initialized = 0
            let dst = o.baseAddress!
            var ip = 0
            var op = 0
            while ip < n {
                var ctrl = Int(src[ip]); ip += 1
                if ctrl < 32 {
                    ctrl += 1
                    if op + ctrl > length || ip + ctrl > n { return }
                    memcpy(dst + op, src + ip, ctrl)
                    op += ctrl; ip += ctrl
                } else {
                    var len = ctrl >> 5
                    if len == 7 {
                        if ip >= n { return }
                        len += Int(src[ip]); ip += 1
                    }
                    if ip >= n { return }
                    let ref = op - ((ctrl & 0x1F) << 8) - 1 - Int(src[ip]); ip += 1
                    len += 2
                    if op + len > length || ref < 0 { return }
                    if ref + len <= op {
                        memcpy(dst + op, dst + ref, len)
                    } else {
                        for k in 0..<len { dst[op + k] = dst[ref + k] }
                    }
                    op += len
                }
            }
            ok = op == length
            if ok { initialized = length }
        }
        return ok ? out : nil
    }
}
