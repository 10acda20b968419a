import Glibc

/// Hashing, register histograms and the cardinality estimator of Redis 7.0
/// (Otmar Ertl's improved estimator, "New cardinality estimation algorithms
/// for HyperLogLog sketches", arXiv:1702.01284), with the same floating-point
/// operation order so that counts match Redis's to the unit.
extension HLL {
    /// MurmurHash64A, read little-endian as Redis does on every platform.
    public static func murmurHash64A(_ key: UnsafeRawBufferPointer, seed: UInt32) -> UInt64 {
        let m: UInt64 = 0xc6a4_a793_5bd1_e995
        let r: UInt64 = 47
        let len = key.count
        var h = UInt64(seed) ^ (UInt64(len) &* m)
        let blocks = len & ~7
        var i = 0
        while i < blocks {
            var k = UInt64(littleEndian: key.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            k &*= m
            k ^= k >> r
            k &*= m
            h ^= k
            h &*= m
            i += 8
        }
        let tail = len & 7
        if tail > 0 {
            var j = tail - 1
            while j >= 0 {
                h ^= UInt64(key[blocks + j]) << UInt64(8 * j)
                j -= 1
            }
            h &*= m
        }
        h ^= h >> r
        h &*= m
        h ^= h >> r
        return h
    }

    /// hllPatLen: the register an element hashes to, and the length of the
    /// 000..1 run in the remaining 50 bits (1...51).
    @inline(__always)
    public static func patternLength(_ ele: UnsafeRawBufferPointer) -> (index: Int, count: UInt8) {
        var hash = murmurHash64A(ele, seed: seed)
        let index = Int(hash & UInt64(pMask))
        hash >>= 14
        hash |= 1 << UInt64(q)
        return (index, UInt8(hash.trailingZeroBitCount + 1))
    }

    // MARK: histograms

    public static func denseHistogram(_ b: [UInt8], _ h: inout [Int]) {
        b.withUnsafeBufferPointer { buf in
            var r = buf.baseAddress! + headerSize
            // Four registers per three bytes.
            for _ in 0..<(registers / 4) {
                let b0 = Int(r[0]), b1 = Int(r[1]), b2 = Int(r[2])
                h[b0 & 63] += 1
                h[(b0 >> 6 | b1 << 2) & 63] += 1
                h[(b1 >> 4 | b2 << 4) & 63] += 1
                h[(b2 >> 2) & 63] += 1
                r += 3
            }
        }
    }

    /// False when the opcodes do not cover exactly 16384 registers.
    public static func sparseHistogram(_ b: [UInt8], _ h: inout [Int]) -> Bool {
        var idx = 0
        var p = headerSize
        let end = b.count
        while p < end {
            let op = b[p]
            if isZero(op) {
                let run = zeroLen(op)
                idx += run
                h[0] += run
                p += 1
            } else if isXZero(op) {
                let run = xzeroLen(op, at(b, p + 1))
                idx += run
                h[0] += run
                p += 2
            } else {
                let run = valLen(op)
                idx += run
                h[valValue(op)] += run
                p += 1
            }
        }
        return idx == registers
    }

    /// Registers of a merged HLL, one byte each (Redis's HLL_RAW).
    public static func rawHistogram(_ regs: [UInt8], _ h: inout [Int]) {
        for v in regs { h[Int(v)] += 1 }
    }

    // MARK: estimator

    public static func sigma(_ x0: Double) -> Double {
        if x0 == 1 { return .infinity }
        var x = x0
        var zPrime: Double
        var y = 1.0
        var z = x
        repeat {
            x *= x
            zPrime = z
            z += x * y
            y += y
        } while zPrime != z
        return z
    }

    public static func tau(_ x0: Double) -> Double {
        if x0 == 0 || x0 == 1 { return 0 }
        var x = x0
        var zPrime: Double
        var y = 1.0
        var z = 1 - x
        repeat {
            x = sqrt(x)
            zPrime = z
            y *= 0.5
            z -= pow(1 - x, 2) * y
        } while zPrime != z
        return z / 3
    }

    /// hllCount's estimate from a register histogram (64 buckets). The result
    /// is the bit pattern Redis replies (its uint64 seen as a long long).
    public static func estimate(_ h: [Int]) -> UInt64 {
        let m = Double(registers)
        var z = m * tau((m - Double(h[q + 1])) / m)
        var j = q
        while j >= 1 {
            z += Double(h[j])
            z *= 0.5
            j -= 1
        }
        z += m * sigma(Double(h[0]) / m)
        let e = (0.721347520444481703680 * m * m / z).rounded(.toNearestOrAwayFromZero)
        // llroundl of an out-of-range value gives LLONG_MIN on x86-64, which Redis then replies.
        guard e.isFinite, e >= -9_223_372_036_854_775_808.0, e < 9_223_372_036_854_775_808.0 else { return 1 << 63 }
        return UInt64(bitPattern: Int64(e))
    }

    /// hllCount for a dense or sparse HLL; nil when a sparse one is corrupt.
    public static func count(_ b: [UInt8]) -> UInt64? {
        var h = [Int](repeating: 0, count: 64)
        if b[4] == dense {
            denseHistogram(b, &h)
        } else if !sparseHistogram(b, &h) {
            return nil
        }
        return estimate(h)
    }

    /// hllMerge: max[i] = max(max[i], register i); false for a corrupt sparse HLL.
    public static func merge(into maxRegs: inout [UInt8], _ b: [UInt8]) -> Bool {
        if b[4] == dense {
            b.withUnsafeBufferPointer { buf in
                let r = buf.baseAddress! + headerSize
                for i in 0..<registers {
                    let v = denseGet(r, i)
                    if v > maxRegs[i] { maxRegs[i] = v }
                }
            }
            return true
        }
        var i = 0
        var p = headerSize
        let end = b.count
        while p < end {
            let op = b[p]
            if isZero(op) {
                i += zeroLen(op)
                p += 1
            } else if isXZero(op) {
                i += xzeroLen(op, at(b, p + 1))
                p += 2
            } else {
                var run = valLen(op)
                let v = UInt8(valValue(op))
                if run + i > registers { break }
                while run > 0 {
                    if v > maxRegs[i] { maxRegs[i] = v }
                    i += 1
                    run -= 1
                }
                p += 1
            }
        }
        return i == registers
    }
}
