import Glibc
import Keyspace
import Protocol

/// Geo commands (Redis 7.0's geo.c): positions are sorted-set members whose
/// score is the 52-bit geohash. GEOADD is ZADD with encoded scores.
enum GeoCommands {
    static let handlers: [String: CommandHandler] = [
        "geoadd": geoadd, "geodist": geodist, "geohash": geohash, "geopos": geopos,
        "georadius": georadius, "georadius_ro": georadiusRO,
        "georadiusbymember": georadiusbymember, "georadiusbymember_ro": georadiusbymemberRO,
        "geosearch": geosearch, "geosearchstore": geosearchstore,
    ]

    // MARK: GEOADD

    /// GEOADD key [NX|XX] [CH] long lat member...: checked, encoded, then run as ZADD.
    static func geoadd(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var xx = false, nx = false
        var longIdx = 2
        while longIdx < argv.count {
            let o = argv[longIdx]
            if argEquals(o, "nx") { nx = true }
            else if argEquals(o, "xx") { xx = true }
            else if argEquals(o, "ch") {}
            else { break }
            longIdx += 1
        }
        if (argv.count - longIdx) % 3 != 0 || (xx && nx) {
            client.replyError(ZsetReplies.syntax)
            return
        }
        let elements = (argv.count - longIdx) / 3
        var zargv: [[UInt8]] = Array(argv[0..<longIdx])
        zargv[0] = Array("zadd".utf8)
        zargv.reserveCapacity(longIdx + elements * 2)
        for i in 0..<elements {
            let at = longIdx + i * 3
            guard let (x, y) = longLat(client, argv[at], argv[at + 1]),
                  let score = GeoHash.score(longitude: x, latitude: y) else { return }
            var s: [UInt8] = []
            appendDecimal(Int64(score), to: &s)
            zargv.append(s)
            zargv.append(argv[at + 2])
        }
        SortedSetCommands.zaddGeneric(server, client, zargv, flags: [])
        // GEOADD replays as the ZADD it ran (replaceClientCommandVector).
        if server.feed.isActive { server.feed.replaceCommand(with: zargv) }
    }

    // MARK: argument helpers

    /// extractLongLatOrReply.
    static func longLat(_ client: Client, _ xArg: [UInt8], _ yArg: [UInt8]) -> (Double, Double)? {
        guard let x = SortedSetCommands.doubleArgument(client, xArg),
              let y = SortedSetCommands.doubleArgument(client, yArg) else { return nil }
        if x < GeoHash.longMin || x > GeoHash.longMax || y < GeoHash.latMin || y > GeoHash.latMax {
            client.replyError("ERR invalid longitude,latitude pair \(cFormat("%f", x)),\(cFormat("%f", y))")
            return nil
        }
        return (x, y)
    }

    /// extractUnitOrReply: meters per unit.
    static func unit(_ client: Client, _ arg: [UInt8]) -> Double? {
        if argEquals(arg, "m") { return 1 }
        if argEquals(arg, "km") { return 1000 }
        if argEquals(arg, "ft") { return 0.3048 }
        if argEquals(arg, "mi") { return 1609.34 }
        client.replyError("ERR unsupported unit provided. please use M, KM, FT, MI")
        return nil
    }

    /// `printf(format, d)` for one double.
    static func cFormat(_ format: String, _ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([d]) { vsnprintf(&buf, 512, format, $0) }
        return String(decoding: buf[0..<Int(min(n, 511))].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// addReplyDoubleDistance: "%.4f" as a bulk string in both protocols.
    static func replyDistance(_ client: Client, _ d: Double) {
        client.out.bulk(cFormat("%.4f", d))
    }

    /// addReplyHumanLongDouble: "%.17Lf" without trailing zeros; a RESP3 double.
    static func replyCoordinate(_ client: Client, _ d: Double) {
        var s = Array(cFormat("%.17f", d).utf8)
        if s.contains(UInt8(ascii: ".")) {
            while s.last == UInt8(ascii: "0") { s.removeLast() }
            if s.last == UInt8(ascii: ".") { s.removeLast() }
        }
        if s == Array("-0".utf8) { s = [UInt8(ascii: "0")] }
        if client.proto >= 3 {
            client.out.raw([UInt8(ascii: ",")])
            client.out.raw(s)
            client.out.raw([13, 10])
        } else {
            client.out.bulk(s)
        }
    }

    /// lookupKeyRead + checkType for the geo commands.
    static func lookup(_ client: Client, _ key: [UInt8]) -> ZsetLookup {
        SortedSetCommands.lookupRead(client.db, Key(key))
    }

    // MARK: GEODIST / GEOHASH / GEOPOS

    static func geodist(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var toMeter = 1.0
        if argv.count == 5 {
            guard let u = unit(client, argv[4]) else { return }
            toMeter = u
        } else if argv.count > 5 {
            client.replyError(ZsetReplies.syntax)
            return
        }
        let z: SortedSetValue
        switch lookup(client, argv[1]) {
        case .missing: client.out.nullBulk(); return
        case .wrongType: client.replyError(ZsetReplies.wrongType); return
        case .found(let f): z = f
        }
        guard let s1 = z.score(of: argv[2]), let s2 = z.score(of: argv[3]),
              let (x1, y1) = GeoHash.decodeScore(s1), let (x2, y2) = GeoHash.decodeScore(s2) else {
            client.out.nullBulk()
            return
        }
        replyDistance(client, GeoHash.distance(x1, y1, x2, y2) / toMeter)
    }

    static func geohash(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var z: SortedSetValue? = nil
        switch lookup(client, argv[1]) {
        case .missing: break
        case .wrongType: client.replyError(ZsetReplies.wrongType); return
        case .found(let f): z = f
        }
        client.out.arrayHeader(argv.count - 2)
        for j in 2..<argv.count {
            if let s = z?.score(of: argv[j]), let h = GeoHash.string(score: s) {
                client.out.bulk(h)
            } else {
                client.out.nullBulk()
            }
        }
    }

    static func geopos(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var z: SortedSetValue? = nil
        switch lookup(client, argv[1]) {
        case .missing: break
        case .wrongType: client.replyError(ZsetReplies.wrongType); return
        case .found(let f): z = f
        }
        client.out.arrayHeader(argv.count - 2)
        for j in 2..<argv.count {
            if let s = z?.score(of: argv[j]), let (x, y) = GeoHash.decodeScore(s) {
                client.out.arrayHeader(2)
                replyCoordinate(client, x)
                replyCoordinate(client, y)
            } else {
                client.out.nullArray()
            }
        }
    }

    // MARK: search wrappers

    static func georadius(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        search(server, client, argv, srcIndex: 1, flags: .coords)
    }

    static func georadiusRO(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        search(server, client, argv, srcIndex: 1, flags: [.coords, .noStore])
    }

    static func georadiusbymember(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        search(server, client, argv, srcIndex: 1, flags: .member)
    }

    static func georadiusbymemberRO(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        search(server, client, argv, srcIndex: 1, flags: [.member, .noStore])
    }

    static func geosearch(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        search(server, client, argv, srcIndex: 1, flags: .search)
    }

    static func geosearchstore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        search(server, client, argv, srcIndex: 2, flags: [.search, .searchStore])
    }
}
