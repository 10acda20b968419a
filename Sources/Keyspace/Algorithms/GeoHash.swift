import Glibc

/// Redis's geohash.c and geohash_helper.c: 52-bit interleaved hashes
/// (latitude on even bits, longitude on odd), the 9-box search areas and the
/// haversine distance, written operation for operation like the C so that
/// every coordinate and distance rounds to the same bits.
public enum GeoHash {
    public static let latMin = -85.05112878
    public static let latMax = 85.05112878
    public static let longMin = -180.0
    public static let longMax = 180.0
    public static let stepMax: UInt8 = 26
    public static let earthRadius = 6372797.560856
    public static let mercatorMax = 20037726.37
    public static let degToRad = Double.pi / 180.0

    public struct Bits: Equatable, Sendable {
        public var bits: UInt64
        public var step: UInt8
        /// HASHISZERO.
        public var isZero: Bool { bits == 0 && step == 0 }
        public static let zero = Bits(bits: 0, step: 0)
    }

    public struct Range: Sendable {
        public var min: Double
        public var max: Double
    }

    public struct Area {
        public var hash: Bits
        public var longitude: Range
        public var latitude: Range
    }

    /// Boxes in Redis's membersOfAllNeighbors order: self, N, S, E, W, NE, NW, SE, SW.
    public struct Radius {
        public var hash: Bits
        public var area: Area
        public var neighbors: [Bits]
    }

    public static let longRange = Range(min: longMin, max: longMax)
    public static let latRange = Range(min: latMin, max: latMax)

    // MARK: bit interleaving

    public static func interleave64(_ xlo: UInt32, _ ylo: UInt32) -> UInt64 {
        let b: [UInt64] = [0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF, 0x0000FFFF0000FFFF]
        let s: [UInt64] = [1, 2, 4, 8, 16]
        var x = UInt64(xlo), y = UInt64(ylo)
        for i in stride(from: 4, through: 0, by: -1) {
            x = (x | (x << s[i])) & b[i]
            y = (y | (y << s[i])) & b[i]
        }
        return x | (y << 1)
    }

    public static func deinterleave64(_ interleaved: UInt64) -> UInt64 {
        let b: [UInt64] = [0x5555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F, 0x00FF00FF00FF00FF,
                           0x0000FFFF0000FFFF, 0x00000000FFFFFFFF]
        let s: [UInt64] = [0, 1, 2, 4, 8, 16]
        var x = interleaved, y = interleaved >> 1
        for i in 0..<6 {
            x = (x | (x >> s[i])) & b[i]
            y = (y | (y >> s[i])) & b[i]
        }
        return x | (y << 32)
    }

    // MARK: encode / decode

    /// geohashEncode; nil where Redis returns 0.
    public static func encode(_ lr: Range, _ ar: Range, longitude: Double, latitude: Double, step: UInt8) -> Bits? {
        if step > 32 || step == 0 { return nil }
        if longitude > longMax || longitude < longMin || latitude > latMax || latitude < latMin { return nil }
        if latitude < ar.min || latitude > ar.max || longitude < lr.min || longitude > lr.max { return nil }
        var latOffset = (latitude - ar.min) / (ar.max - ar.min)
        var longOffset = (longitude - lr.min) / (lr.max - lr.min)
        latOffset *= Double(UInt64(1) << UInt64(step))
        longOffset *= Double(UInt64(1) << UInt64(step))
        return Bits(bits: interleave64(cToUInt32(latOffset), cToUInt32(longOffset)), step: step)
    }

    public static func encodeWGS84(longitude: Double, latitude: Double, step: UInt8) -> Bits? {
        encode(longRange, latRange, longitude: longitude, latitude: latitude, step: step)
    }

    /// geohashDecode.
    public static func decode(_ lr: Range, _ ar: Range, _ hash: Bits) -> Area? {
        if hash.isZero { return nil }
        let step = hash.step
        let sep = deinterleave64(hash.bits)
        let latScale = ar.max - ar.min
        let longScale = lr.max - lr.min
        let ilato = UInt32(truncatingIfNeeded: sep)
        let ilono = UInt32(truncatingIfNeeded: sep >> 32)
        let div = Double(UInt64(1) << UInt64(step))
        let lat = Range(min: ar.min + (Double(ilato) * 1.0 / div) * latScale,
                        max: ar.min + (Double(ilato &+ 1) * 1.0 / div) * latScale)
        let long = Range(min: lr.min + (Double(ilono) * 1.0 / div) * longScale,
                         max: lr.min + (Double(ilono &+ 1) * 1.0 / div) * longScale)
        return Area(hash: hash, longitude: long, latitude: lat)
    }

    /// geohashDecodeAreaToLongLat: the box centre, clamped to the valid range.
    public static func center(_ a: Area) -> (Double, Double) {
        var x = (a.longitude.min + a.longitude.max) / 2
        if x > longMax { x = longMax }
        if x < longMin { x = longMin }
        var y = (a.latitude.min + a.latitude.max) / 2
        if y > latMax { y = latMax }
        if y < latMin { y = latMin }
        return (x, y)
    }

    /// decodeGeohash(score): the score's 52 bits back to (longitude, latitude).
    public static func decodeScore(_ score: Double) -> (Double, Double)? {
        guard let a = decode(longRange, latRange, Bits(bits: cToUInt64(score), step: stepMax)) else { return nil }
        return center(a)
    }

    /// geohashAlign52Bits.
    public static func align52(_ h: Bits) -> UInt64 { h.bits << UInt64(52 - Int(h.step) * 2) }

    /// The sorted-set score GEOADD stores for a position.
    public static func score(longitude: Double, latitude: Double) -> Double? {
        guard let h = encodeWGS84(longitude: longitude, latitude: latitude, step: stepMax) else { return nil }
        return Double(align52(h))
    }

    /// The standard 11-character geohash (re-encoded over latitude -90...90), as GEOHASH.
    public static func string(score: Double) -> [UInt8]? {
        guard let (x, y) = decodeScore(score) else { return nil }
        let alphabet = Array("0123456789bcdefghjkmnpqrstuvwxyz".utf8)
        let h = encode(Range(min: -180, max: 180), Range(min: -90, max: 90), longitude: x, latitude: y, step: 26)
        let bits = h?.bits ?? 0
        var out: [UInt8] = []
        for i in 0..<11 {
            let idx = i == 10 ? 0 : Int((bits >> UInt64(52 - (i + 1) * 5)) & 0x1f)
            out.append(alphabet[idx])
        }
        return out
    }

    // MARK: neighbours

    public static func moveX(_ h: inout Bits, _ d: Int) { move(&h, d, along: 0xaaaaaaaaaaaaaaaa) }
    public static func moveY(_ h: inout Bits, _ d: Int) { move(&h, d, along: 0x5555555555555555) }

    /// geohash_move_x / geohash_move_y: steps the interleaved coordinate
    /// whose bits are `moving` by one cell (d > 0 up, d < 0 down), the other
    /// coordinate unchanged. Filling the other's bits with ones (zz) lets the
    /// carry or borrow pass over them.
    private static func move(_ h: inout Bits, _ d: Int, along moving: UInt64) {
        if d == 0 { return }
        let staying = ~moving
        let shift = UInt64(64 - Int(h.step) * 2)
        var m = h.bits & moving
        let zz = staying >> shift
        if d > 0 {
            m = m &+ (zz &+ 1)
        } else {
            m = m | zz
            m = m &- (zz &+ 1)
        }
        m &= moving >> shift
        h.bits = m | (h.bits & staying)
    }

    /// geohashNeighbors, in membersOfAllNeighbors order after the centre:
    /// north, south, east, west, north-east, north-west, south-east, south-west.
    public static func neighbors(_ h: Bits) -> [Bits] {
        func moved(_ dx: Int, _ dy: Int) -> Bits {
            var b = h
            moveX(&b, dx)
            moveY(&b, dy)
            return b
        }
        return [moved(0, 1), moved(0, -1), moved(1, 0), moved(-1, 0), moved(1, 1), moved(-1, 1), moved(1, -1), moved(-1, -1)]
    }

    // MARK: search areas

    @inline(__always) public static func degRad(_ a: Double) -> Double { a * degToRad }
    @inline(__always) public static func radDeg(_ a: Double) -> Double { a / degToRad }

    /// geohashEstimateStepsByRadius.
    public static func estimateSteps(rangeMeters r: Double, latitude lat: Double) -> UInt8 {
        if r == 0 { return 26 }
        var range = r
        var step = 1
        while range < mercatorMax {
            range *= 2
            step += 1
        }
        step -= 2
        if lat > 66 || lat < -66 {
            step -= 1
            if lat > 80 || lat < -80 { step -= 1 }
        }
        if step < 1 { step = 1 }
        if step > 26 { step = 26 }
        return UInt8(step)
    }

    /// geohashBoundingBox: [min lon, min lat, max lon, max lat].
    public static func boundingBox(_ shape: GeoShape) -> [Double] {
        let longitude = shape.x, latitude = shape.y
        let height = shape.conversion * (shape.isCircle ? shape.radius : shape.height / 2)
        let width = shape.conversion * (shape.isCircle ? shape.radius : shape.width / 2)
        let latDelta = radDeg(height / earthRadius)
        let longDeltaTop = radDeg(width / earthRadius / cos(degRad(latitude + latDelta)))
        let longDeltaBottom = radDeg(width / earthRadius / cos(degRad(latitude - latDelta)))
        let southern = latitude < 0
        return [southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
                latitude - latDelta,
                southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
                latitude + latDelta]
    }

    /// geohashCalculateAreasByShapeWGS84: the centre box and its neighbours,
    /// with the useless ones zeroed.
    public static func areas(_ shape: GeoShape) -> Radius {
        let bounds = boundingBox(shape)
        let minLon = bounds[0], minLat = bounds[1], maxLon = bounds[2], maxLat = bounds[3]
        let longitude = shape.x, latitude = shape.y
        var radiusMeters = shape.isCircle ? shape.radius
            : sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))
        radiusMeters *= shape.conversion
        var steps = estimateSteps(rangeMeters: radiusMeters, latitude: latitude)
        var hash = encode(longRange, latRange, longitude: longitude, latitude: latitude, step: steps) ?? Bits(bits: 0, step: steps)
        var nb = neighbors(hash)
        var area = decode(longRange, latRange, hash)!

        var decrease = false
        let north = decode(longRange, latRange, nb[0])!, south = decode(longRange, latRange, nb[1])!
        let east = decode(longRange, latRange, nb[2])!, west = decode(longRange, latRange, nb[3])!
        if north.latitude.max < maxLat { decrease = true }
        if south.latitude.min > minLat { decrease = true }
        if east.longitude.max < maxLon { decrease = true }
        if west.longitude.min > minLon { decrease = true }
        if steps > 1 && decrease {
            steps -= 1
            hash = encode(longRange, latRange, longitude: longitude, latitude: latitude, step: steps) ?? Bits(bits: 0, step: steps)
            nb = neighbors(hash)
            area = decode(longRange, latRange, hash)!
        }
        if steps >= 2 {
            // nb: 0 N, 1 S, 2 E, 3 W, 4 NE, 5 NW, 6 SE, 7 SW
            if area.latitude.min < minLat { nb[1] = .zero; nb[7] = .zero; nb[6] = .zero }
            if area.latitude.max > maxLat { nb[0] = .zero; nb[4] = .zero; nb[5] = .zero }
            if area.longitude.min < minLon { nb[3] = .zero; nb[7] = .zero; nb[5] = .zero }
            if area.longitude.max > maxLon { nb[2] = .zero; nb[6] = .zero; nb[4] = .zero }
        }
        return Radius(hash: hash, area: area, neighbors: nb)
    }

    // MARK: distances

    /// geohashGetDistance (haversine, Redis 7.0's form).
    public static func distance(_ lon1d: Double, _ lat1d: Double, _ lon2d: Double, _ lat2d: Double) -> Double {
        let lat1r = degRad(lat1d), lon1r = degRad(lon1d)
        let lat2r = degRad(lat2d), lon2r = degRad(lon2d)
        let u = sin((lat2r - lat1r) / 2)
        let v = sin((lon2r - lon1r) / 2)
        return 2.0 * earthRadius * asin(sqrt(u * u + cos(lat1r) * cos(lat2r) * v * v))
    }

    /// geohashGetDistanceIfInRectangle: the distance when (x2, y2) is inside.
    public static func distanceIfInRectangle(widthM: Double, heightM: Double, _ x1: Double, _ y1: Double,
                                      _ x2: Double, _ y2: Double) -> Double? {
        let lonDistance = distance(x2, y2, x1, y2)
        let latDistance = distance(x2, y2, x2, y1)
        if lonDistance > widthM / 2 || latDistance > heightM / 2 { return nil }
        return distance(x1, y1, x2, y2)
    }

    // MARK: C conversions

    /// (uint32_t)double as gcc compiles it on x86-64 for in-range values.
    @inline(__always)
    public static func cToUInt32(_ d: Double) -> UInt32 {
        UInt32(truncatingIfNeeded: cToInt64(d))
    }

    /// cvttsd2si: truncation, 0x8000000000000000 when out of range or NaN.
    @inline(__always)
    public static func cToInt64(_ d: Double) -> Int64 {
        if d.isNaN || d >= 9223372036854775808.0 || d < -9223372036854775808.0 { return Int64.min }
        return Int64(d)
    }

    /// (uint64_t)double as gcc compiles it on x86-64.
    public static func cToUInt64(_ d: Double) -> UInt64 {
        if d >= 9223372036854775808.0 {
            return UInt64(bitPattern: cToInt64(d - 9223372036854775808.0)) ^ (UInt64(1) << 63)
        }
        return UInt64(bitPattern: cToInt64(d))
    }
}

/// Redis's GeoShape: a circle (radius) or a box (width, height), in the
/// caller's unit; `conversion` turns that unit into meters.
public struct GeoShape {
    public var isCircle = true
    public var x = 0.0
    public var y = 0.0
    public var conversion = 1.0
    public var radius = 0.0
    public var width = 0.0
    public var height = 0.0

    public init() {}
}
