import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Seeded points in clusters (including the antimeridian, high latitudes
/// and repeated positions) and searches of every kind over them.
struct GeoScriptGenerator {
    var rng: SeededRandom
    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    let centers: [(Double, Double)] = [(13.36, 38.11), (0, 0), (179.9, 10), (-179.9, -10), (10, 84.9), (-20, -84.5), (100, 66.5), (-70, -45)]
    let units = ["m", "km", "mi", "ft", "KM"]

    mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * Double(rng.next() % 1_000_000_007) / 1_000_000_007 }

    mutating func near() -> (String, String) {
        let (cx, cy) = rng.pick(centers)
        let x = max(-180, min(180, cx + uniform(-2, 2))), y = max(-85.05, min(85.05, cy + uniform(-1, 1)))
        return ("\(x)", "\(y)")
    }

    mutating func script(points: Int, queries: Int) -> [[String]] {
        var out: [[String]] = [["flushall"]]
        var placed: [(String, String)] = []
        for i in 0..<points {
            var p = near()
            if !placed.isEmpty && rng.chance(0.1) { p = rng.pick(placed) }
            placed.append(p)
            out.append(["geoadd", "g", p.0, p.1, "m\(i)"])
        }
        for _ in 0..<queries {
            let (x, y) = near()
            let u = rng.pick(units)
            let conv = ["m": 1.0, "km": 1000, "mi": 1609.34, "ft": 0.3048, "KM": 1000][u]!
            let r = "\(rng.pick([uniform(0, 500_000), uniform(0, 50_000), 0, 5_000_000]) / conv)"
            var opts: [String] = []
            for o in ["withdist", "withcoord", "withhash"] where rng.chance(0.4) { opts.append(o) }
            if rng.chance(0.5) { opts.append(rng.pick(["asc", "desc"])) }
            if rng.chance(0.4) {
                opts += ["count", String(rng.int(1...10))]
                if rng.chance(0.3) { opts.append("any") }
            }
            let plain = opts.filter { !$0.hasPrefix("with") }
            let member = "m\(rng.int(0...(points - 1)))"
            switch rng.int(0...5) {
            case 0: out.append(["georadius", "g", x, y, r, u] + opts)
            case 1: out.append(["georadiusbymember", "g", member, r, u] + opts)
            case 2:
                let from = rng.chance(0.5) ? ["fromlonlat", x, y] : ["frommember", member]
                let by = rng.chance(0.5) ? ["byradius", r, u] : ["bybox", "\(uniform(0, 2) * Double(r)!)", "\(uniform(0, 2) * Double(r)!)", u]
                out.append(["geosearch", "g"] + from + by + opts)
            case 3:
                out.append(["geosearchstore", "dst", "g", "fromlonlat", x, y, "bybox", "\(uniform(0, 2) * Double(r)!)",
                            "\(uniform(0, 2) * Double(r)!)", u] + plain + (rng.chance(0.5) ? ["storedist"] : []))
                out.append(["zrange", "dst", "0", "-1", "withscores"])
            case 4:
                let other = "m\(rng.int(0...(points - 1)))"
                out.append(["geodist", "g", member, other, u])
                out.append(["geopos", "g", member, other])
                out.append(["geohash", "g", member, other])
            default:
                out.append(["georadius", "g", x, y, r, u] + plain + [rng.pick(["store", "storedist"]), "dst2"])
                out.append(["zrange", "dst2", "0", "-1", "withscores"])
            }
        }
        return out
    }
}
