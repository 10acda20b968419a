import Glibc
import Keyspace
import Protocol

/// GEORADIUS, GEORADIUSBYMEMBER (and _RO), GEOSEARCH, GEOSEARCHSTORE:
/// Redis 7.0's georadiusGeneric, including its argument order, the 9-box
/// scan order (results without ASC/DESC come out in that order), glibc's
/// stable qsort for full sorts and pqsort when COUNT cuts the list.
extension GeoCommands {
    struct SearchFlags: OptionSet {
        let rawValue: UInt8
        static let coords = SearchFlags(rawValue: 1 << 0)
        static let member = SearchFlags(rawValue: 1 << 1)
        static let noStore = SearchFlags(rawValue: 1 << 2)
        static let search = SearchFlags(rawValue: 1 << 3)
        static let searchStore = SearchFlags(rawValue: 1 << 4)
    }

    struct GeoPoint {
        var longitude: Double
        var latitude: Double
        var dist: Double
        var score: Double
        var member: [UInt8]
    }

    enum Sort { case none, asc, desc }

    /// Decodes a member's position (longLatFromMember).
    static func memberPosition(_ z: SortedSetValue, _ member: [UInt8]) -> (Double, Double)? {
        guard let s = z.score(of: member) else { return nil }
        return GeoHash.decodeScore(s)
    }

    /// extractDistanceOrReply: (radius, meters per unit).
    static func distanceArgs(_ client: Client, _ n: [UInt8], _ u: [UInt8]) -> (Double, Double)? {
        guard let d = SortedSetCommands.doubleArgument(client, n, error: "ERR need numeric radius") else { return nil }
        if d < 0 {
            client.replyError("ERR radius cannot be negative")
            return nil
        }
        guard let conv = unit(client, u) else { return nil }
        return (d, conv)
    }

    static func search(_ server: Server, _ client: Client, _ argv: [[UInt8]], srcIndex: Int, flags: SearchFlags) {
        var storeKey: [UInt8]? = nil
        var storeDist = false
        var z: SortedSetValue? = nil
        switch lookup(client, argv[srcIndex]) {
        case .missing: break
        case .wrongType: client.replyError(ZsetReplies.wrongType); return
        case .found(let f): z = f
        }

        var shape = GeoShape()
        let baseArgs: Int
        if flags.contains(.coords) {
            baseArgs = 6
            guard let (x, y) = longLat(client, argv[2], argv[3]) else { return }
            shape.x = x; shape.y = y
            guard let (r, conv) = distanceArgs(client, argv[4], argv[5]) else { return }
            shape.radius = r; shape.conversion = conv
        } else if flags.contains(.member) && z == nil {
            // No source: parse on so that the reply matches the STORE option.
            baseArgs = 5
        } else if flags.contains(.member) {
            baseArgs = 5
            guard let (x, y) = memberPosition(z!, argv[2]) else {
                client.replyError("ERR could not decode requested zset member")
                return
            }
            shape.x = x; shape.y = y
            guard let (r, conv) = distanceArgs(client, argv[3], argv[4]) else { return }
            shape.radius = r; shape.conversion = conv
        } else {
            baseArgs = flags.contains(.searchStore) ? 3 : 2
            if flags.contains(.searchStore) { storeKey = argv[1] }
        }

        var withDist = false, withHash = false, withCoords = false
        var fromMember = false, fromLoc = false, byRadius = false, byBox = false
        var sort = Sort.none
        var any = false
        var count = 0
        if argv.count > baseArgs {
            let remaining = argv.count - baseArgs
            var i = 0
            while i < remaining {
                let arg = argv[baseArgs + i]
                if argEquals(arg, "withdist") {
                    withDist = true
                } else if argEquals(arg, "withhash") {
                    withHash = true
                } else if argEquals(arg, "withcoord") {
                    withCoords = true
                } else if argEquals(arg, "any") {
                    any = true
                } else if argEquals(arg, "asc") {
                    sort = .asc
                } else if argEquals(arg, "desc") {
                    sort = .desc
                } else if argEquals(arg, "count") && i + 1 < remaining {
                    guard let c = SortedSetCommands.longArgument(client, argv[baseArgs + i + 1]) else { return }
                    if c <= 0 {
                        client.replyError("ERR COUNT must be > 0")
                        return
                    }
                    count = c
                    i += 1
                } else if argEquals(arg, "store") && i + 1 < remaining && !flags.contains(.noStore) && !flags.contains(.search) {
                    storeKey = argv[baseArgs + i + 1]
                    storeDist = false
                    i += 1
                } else if argEquals(arg, "storedist") && i + 1 < remaining && !flags.contains(.noStore) && !flags.contains(.search) {
                    storeKey = argv[baseArgs + i + 1]
                    storeDist = true
                    i += 1
                } else if argEquals(arg, "storedist") && flags.contains(.search) && flags.contains(.searchStore) {
                    storeDist = true
                } else if argEquals(arg, "frommember") && i + 1 < remaining && flags.contains(.search) && !fromLoc {
                    if let z {
                        guard let (x, y) = memberPosition(z, argv[baseArgs + i + 1]) else {
                            client.replyError("ERR could not decode requested zset member")
                            return
                        }
                        shape.x = x; shape.y = y
                    }
                    fromMember = true
                    i += 1
                } else if argEquals(arg, "fromlonlat") && i + 2 < remaining && flags.contains(.search) && !fromMember {
                    guard let (x, y) = longLat(client, argv[baseArgs + i + 1], argv[baseArgs + i + 2]) else { return }
                    shape.x = x; shape.y = y
                    fromLoc = true
                    i += 2
                } else if argEquals(arg, "byradius") && i + 2 < remaining && flags.contains(.search) && !byBox {
                    guard let (r, conv) = distanceArgs(client, argv[baseArgs + i + 1], argv[baseArgs + i + 2]) else { return }
                    shape.radius = r; shape.conversion = conv
                    shape.isCircle = true
                    byRadius = true
                    i += 2
                } else if argEquals(arg, "bybox") && i + 3 < remaining && flags.contains(.search) && !byRadius {
                    guard let w = SortedSetCommands.doubleArgument(client, argv[baseArgs + i + 1], error: "ERR need numeric width"),
                          let h = SortedSetCommands.doubleArgument(client, argv[baseArgs + i + 2], error: "ERR need numeric height") else { return }
                    if h < 0 || w < 0 {
                        client.replyError("ERR height or width cannot be negative")
                        return
                    }
                    guard let conv = unit(client, argv[baseArgs + i + 3]) else { return }
                    shape.width = w; shape.height = h; shape.conversion = conv
                    shape.isCircle = false
                    byBox = true
                    i += 3
                } else {
                    client.replyError(ZsetReplies.syntax)
                    return
                }
                i += 1
            }
        }

        if storeKey != nil && (withDist || withHash || withCoords) {
            let who = flags.contains(.searchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS"
            client.replyError("ERR \(who) is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
            return
        }
        let name = String(decoding: argv[0], as: UTF8.self)
        if flags.contains(.search) && !(fromMember || fromLoc) {
            client.replyError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for \(name)")
            return
        }
        if flags.contains(.search) && !(byRadius || byBox) {
            client.replyError("ERR exactly one of BYRADIUS and BYBOX can be specified for \(name)")
            return
        }
        if any && count == 0 {
            client.replyError("ERR the ANY argument requires COUNT argument")
            return
        }

        let db = client.db
        guard let zset = z else {
            if let dst = storeKey {
                if db.delete(Key(dst)) {
                    server.notifyKeyspaceEvent(Notify.generic, "del", dst, db: db.id)
                    server.dirty += 1
                }
                client.out.integer(0)
            } else {
                client.out.arrayHeader(0)
            }
            return
        }

        if count != 0 && sort == .none && !any { sort = .asc }

        let areas = GeoHash.areas(shape)
        var points = membersOfAllNeighbors(zset, areas, shape, limit: any ? count : 0)

        if points.isEmpty && storeKey == nil {
            client.out.arrayHeader(0)
            return
        }
        let resultLength = points.count
        let returned = (count == 0 || resultLength < count) ? resultLength : count

        if sort != .none {
            let descending = sort == .desc
            let cmp: (GeoPoint, GeoPoint) -> Int = { a, b in
                let c: Int = a.dist > b.dist ? 1 : (a.dist == b.dist ? 0 : -1)
                return descending ? -c : c
            }
            if returned == resultLength {
                // glibc's qsort is a merge sort: stable.
                points = points.enumerated().sorted { x, y in
                    let c = cmp(x.element, y.element)
                    return c != 0 ? c < 0 : x.offset < y.offset
                }.map { $0.element }
            } else {
                GeoPartialSort.sort(&points, lrange: 0, rrange: returned - 1, cmp)
            }
        }

        guard let dst = storeKey else {
            var options = 0
            if withDist { options += 1 }
            if withCoords { options += 1 }
            if withHash { options += 1 }
            client.out.arrayHeader(returned)
            for i in 0..<returned {
                let p = points[i]
                let dist = p.dist / shape.conversion
                if options > 0 { client.out.arrayHeader(options + 1) }
                client.out.bulk(p.member)
                if withDist { replyDistance(client, dist) }
                if withHash { client.out.integer(GeoHash.cToInt64(p.score)) }
                if withCoords {
                    client.out.arrayHeader(2)
                    replyCoordinate(client, p.longitude)
                    replyCoordinate(client, p.latitude)
                }
            }
            return
        }

        if returned > 0 {
            var entries: [(member: [UInt8], score: Double)] = []
            entries.reserveCapacity(returned)
            for i in 0..<returned {
                let p = points[i]
                entries.append((p.member, storeDist ? p.dist / shape.conversion : p.score))
            }
            entries.sort { a, b in
                if a.score != b.score { return a.score < b.score }
                return a.member.withUnsafeBytes { x in b.member.withUnsafeBytes { y in compareMembers(x, y) < 0 } }
            }
            db.setKey(Key(dst), .zset(SortedSetValue(sorted: entries, limits: SortedSetCommands.limits(server))))
            server.notifyKeyspaceEvent(Notify.zset, flags.contains(.search) ? "geosearchstore" : "georadiusstore", dst, db: db.id)
            server.dirty += returned
        } else if db.delete(Key(dst)) {
            server.notifyKeyspaceEvent(Notify.generic, "del", dst, db: db.id)
            server.dirty += 1
        }
        client.out.integer(returned)
    }

    /// membersOfAllNeighbors: the centre box then its neighbours, skipping
    /// zeroed boxes and a box equal to the last one scanned.
    static func membersOfAllNeighbors(_ z: SortedSetValue, _ n: GeoHash.Radius, _ shape: GeoShape, limit: Int) -> [GeoPoint] {
        var boxes = [n.hash]
        boxes.append(contentsOf: n.neighbors)
        var points: [GeoPoint] = []
        var lastProcessed = 0
        for i in 0..<boxes.count {
            if boxes[i].isZero { continue }
            if lastProcessed != 0 && boxes[i] == boxes[lastProcessed] { continue }
            if !points.isEmpty && limit > 0 && points.count >= limit { break }
            pointsInBox(z, boxes[i], shape, &points, limit: limit)
            lastProcessed = i
        }
        return points
    }

    /// geoGetPointsInRange over the box's score interval [min, max).
    static func pointsInBox(_ z: SortedSetValue, _ box: GeoHash.Bits, _ shape: GeoShape, _ points: inout [GeoPoint], limit: Int) {
        let min = Double(GeoHash.align52(box))
        var next = box
        next.bits &+= 1
        let max = Double(GeoHash.align52(next))
        let range = ZScoreRange(min: min, max: max, minex: false, maxex: true)
        var stop = false
        z.forEach(inScore: range, offset: 0, limit: -1, reverse: false) { m, score in
            if stop { return }
            if let (x, y, d) = withinShape(shape, score) {
                points.append(GeoPoint(longitude: x, latitude: y, dist: d, score: score, member: Array(m)))
            }
            if !points.isEmpty && limit > 0 && points.count >= limit { stop = true }
        }
    }

    /// geoWithinShape: the decoded position and distance when inside.
    static func withinShape(_ shape: GeoShape, _ score: Double) -> (Double, Double, Double)? {
        guard let (x, y) = GeoHash.decodeScore(score) else { return nil }
        if shape.isCircle {
            let d = GeoHash.distance(shape.x, shape.y, x, y)
            return d > shape.radius * shape.conversion ? nil : (x, y, d)
        }
        guard let d = GeoHash.distanceIfInRectangle(widthM: shape.width * shape.conversion, heightM: shape.height * shape.conversion,
                                                    shape.x, shape.y, x, y) else { return nil }
        return (x, y, d)
    }
}
