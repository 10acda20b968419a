/// Redis's pqsort.c (NetBSD's Bentley-McIlroy qsort, sorting only the
/// partitions that overlap [lrange, rrange]): GEORADIUS with COUNT uses it,
/// and points at equal distances come out in its (unstable) order, which
/// clients can see. Indices stand in for the C byte pointers. Redis 7.0's
/// copy has no switch to insertion sort after a swap-free partition (checked
/// against redis-server: ties come out in the partitioned order).
public enum GeoPartialSort {
    public static func sort<T>(_ a: inout [T], lrange: Int, rrange: Int, _ cmp: (T, T) -> Int) {
        pqsort(&a, 0, a.count, cmp, lrange, rrange)
    }

    private static func med3<T>(_ a: [T], _ x: Int, _ y: Int, _ z: Int, _ cmp: (T, T) -> Int) -> Int {
        cmp(a[x], a[y]) < 0
            ? (cmp(a[y], a[z]) < 0 ? y : (cmp(a[x], a[z]) < 0 ? z : x))
            : (cmp(a[y], a[z]) > 0 ? y : (cmp(a[x], a[z]) < 0 ? x : z))
    }

    private static func vecswap<T>(_ a: inout [T], _ i: Int, _ j: Int, _ n: Int) {
        var k = 0
        while k < n {
            a.swapAt(i + k, j + k)
            k += 1
        }
    }

    private static func pqsort<T>(_ a: inout [T], _ start: Int, _ count: Int, _ cmp: (T, T) -> Int, _ lrange: Int, _ rrange: Int) {
        var base = start
        var n = count
        while true {
            if n < 7 {
                insertionSort(&a, base, n, cmp)
                return
            }
            var pm = base + n / 2
            if n > 7 {
                var pl = base
                var pn = base + n - 1
                if n > 40 {
                    let d = n / 8
                    pl = med3(a, pl, pl + d, pl + 2 * d, cmp)
                    pm = med3(a, pm - d, pm, pm + d, cmp)
                    pn = med3(a, pn - 2 * d, pn - d, pn, cmp)
                }
                pm = med3(a, pl, pm, pn, cmp)
            }
            a.swapAt(base, pm)
            var pa = base + 1, pb = base + 1
            var pc = base + n - 1, pd = base + n - 1
            while true {
                while pb <= pc {
                    let r = cmp(a[pb], a[base])
                    if r > 0 { break }
                    if r == 0 {
                        a.swapAt(pa, pb)
                        pa += 1
                    }
                    pb += 1
                }
                while pb <= pc {
                    let r = cmp(a[pc], a[base])
                    if r < 0 { break }
                    if r == 0 {
                        a.swapAt(pc, pd)
                        pd -= 1
                    }
                    pc -= 1
                }
                if pb > pc { break }
                a.swapAt(pb, pc)
                pb += 1
                pc -= 1
            }
            let pn = base + n
            var r = min(pa - base, pb - pa)
            vecswap(&a, base, pb - r, r)
            r = min(pd - pc, pn - pd - 1)
            vecswap(&a, pb, pn - r, r)
            r = pb - pa
            if r > 1 {
                let l = base, rr = base + r - 1
                if !((lrange < l && rrange < l) || (lrange > rr && rrange > rr)) {
                    pqsort(&a, base, r, cmp, lrange, rrange)
                }
            }
            r = pd - pc
            if r > 1 {
                base = pn - r
                n = r
                let l = base, rr = base + r - 1
                if !((lrange < l && rrange < l) || (lrange > rr && rrange > rr)) { continue }
            }
            return
        }
    }

    private static func insertionSort<T>(_ a: inout [T], _ base: Int, _ n: Int, _ cmp: (T, T) -> Int) {
        var pm = base + 1
        while pm < base + n {
            var pl = pm
            while pl > base && cmp(a[pl - 1], a[pl]) > 0 {
                a.swapAt(pl, pl - 1)
                pl -= 1
            }
            pm += 1
        }
    }
}
