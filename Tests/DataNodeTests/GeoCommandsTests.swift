import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// Geo commands: scores, coordinates and distances to the byte (Redis 7.0's
/// geohash and haversine), option parsing and errors, and seeded searches
/// compared with a real redis-server (9-box scan order, stable sort, pqsort
/// ties under COUNT, STORE/STOREDIST).
final class GeoCommandsTests: XCTestCase {
    private func raw(_ h: Harness, _ args: String...) -> String { String(decoding: h.raw(args), as: UTF8.self) }

    private func sicily() throws -> Harness {
        let h = try Harness()
        XCTAssertEqual(raw(h, "GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"), ":2\r\n")
        return h
    }

    func testGeoaddStoresTheGeohashAsScore() throws {
        let h = try sicily()
        XCTAssertEqual(raw(h, "ZSCORE", "Sicily", "Palermo"), "$16\r\n3479099956230698\r\n")
        XCTAssertEqual(raw(h, "GEOADD", "Sicily", "XX", "CH", "13", "38", "Palermo", "1", "1", "new"), ":1\r\n")
        XCTAssertEqual(raw(h, "GEOADD", "Sicily", "NX", "13.361389", "38.115556", "Palermo"), ":0\r\n")
        XCTAssertEqual(h.call("ZCARD", "Sicily"), .integer(2))
    }

    func testDistancesPositionsAndHashes() throws {
        let h = try sicily()
        XCTAssertEqual(raw(h, "GEODIST", "Sicily", "Palermo", "Catania"), "$11\r\n166274.1516\r\n")
        XCTAssertEqual(raw(h, "GEODIST", "Sicily", "Palermo", "Catania", "KM"), "$8\r\n166.2742\r\n")
        XCTAssertEqual(raw(h, "GEODIST", "Sicily", "Palermo", "Catania", "mi"), "$8\r\n103.3182\r\n")
        XCTAssertEqual(raw(h, "GEODIST", "Sicily", "Palermo", "nope"), "$-1\r\n")
        XCTAssertEqual(raw(h, "GEOHASH", "Sicily", "Palermo", "Catania", "nope"),
                       "*3\r\n$11\r\nsqc8b49rny0\r\n$11\r\nsqdtr74hyu0\r\n$-1\r\n")
        XCTAssertEqual(raw(h, "GEOPOS", "Sicily", "Palermo", "nope"),
                       "*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n")
        h.call("HELLO", "3")
        XCTAssertEqual(raw(h, "GEOPOS", "Sicily", "Palermo"), "*1\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n")
        XCTAssertEqual(raw(h, "GEODIST", "Sicily", "Palermo", "Catania"), "$11\r\n166274.1516\r\n", "distances stay bulk strings")
    }

    func testEdgesOfTheMapAndForeignScores() throws {
        let h = try Harness()
        h.call("GEOADD", "g", "180", "85.05112878", "top", "-180", "-85.05112878", "bottom")
        XCTAssertEqual(raw(h, "GEOPOS", "g", "top", "bottom"),
                       "*2\r\n*2\r\n$3\r\n180\r\n$19\r\n85.0511287799999991\r\n*2\r\n$22\r\n-179.99999731779098511\r\n$21\r\n-85.05112751263942528\r\n",
                       "box centres are clamped to the valid range")
        h.call("ZADD", "g", "1e300", "huge", "-5", "neg")
        XCTAssertEqual(raw(h, "GEOHASH", "g", "huge", "neg"), "*2\r\n$11\r\n00bh0hbj200\r\n$11\r\nbp05b5048p0\r\n")
    }

    func testSearchOptionsAndReplies() throws {
        let h = try sicily()
        XCTAssertEqual(raw(h, "GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "ASC"),
                       "*2\r\n*2\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n")
        XCTAssertEqual(raw(h, "GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "DESC", "WITHHASH", "COUNT", "1"),
                       "*1\r\n*2\r\n$7\r\nCatania\r\n:3479447370796909\r\n")
        XCTAssertEqual(raw(h, "GEOSEARCHSTORE", "dst", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "STOREDIST"), ":2\r\n")
        XCTAssertEqual(raw(h, "ZSCORE", "dst", "Catania"), "$18\r\n56.441257870158204\r\n")
        XCTAssertEqual(raw(h, "GEORADIUS", "Sicily", "15", "37", "1", "km", "STORE", "dst"), ":0\r\n")
        XCTAssertEqual(h.call("EXISTS", "dst"), .integer(0), "an empty result deletes the destination")
        XCTAssertEqual(raw(h, "GEORADIUSBYMEMBER", "nokey", "m", "1", "km"), "*0\r\n")
    }

    func testSearchErrors() throws {
        let h = try sicily()
        h.call("SET", "str", "v")
        let cases: [([String], String)] = [
            (["GEOADD", "g", "XX", "NX", "1", "1", "a"], "ERR syntax error"),
            (["GEOADD", "g", "181", "1", "a"], "ERR invalid longitude,latitude pair 181.000000,1.000000"),
            (["GEOADD", "str", "1", "1", "a"], "WRONGTYPE Operation against a key holding the wrong kind of value"),
            (["GEODIST", "Sicily", "a", "b", "furlong"], "ERR unsupported unit provided. please use M, KM, FT, MI"),
            (["GEORADIUSBYMEMBER", "Sicily", "nope", "1", "km"], "ERR could not decode requested zset member"),
            (["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "-1", "km"], "ERR radius cannot be negative"),
            (["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "x", "km"], "ERR need numeric radius"),
            (["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "x", "km"], "ERR need numeric height"),
            (["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "-1", "1", "km"], "ERR height or width cannot be negative"),
            (["GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "1", "km", "COUNT", "0"], "ERR COUNT must be > 0"),
            (["GEOSEARCH", "Sicily", "BYRADIUS", "1", "km", "WITHDIST", "ASC"], "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH"),
            (["geosearch", "Sicily", "FROMLONLAT", "1", "1", "ASC", "DESC"], "ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch"),
            (["GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "WITHDIST"],
             "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
            (["GEORADIUS", "Sicily", "1", "1", "1", "km", "WITHHASH", "STORE", "d"],
             "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"),
            (["GEORADIUS", "Sicily", "1", "1", "1", "km", "ANY"], "ERR the ANY argument requires COUNT argument"),
            (["GEORADIUS_RO", "Sicily", "1", "1", "1", "km", "STORE", "d"], "ERR syntax error"),
        ]
        for (args, err) in cases {
            XCTAssertEqual(String(decoding: h.raw(args), as: UTF8.self), "-\(err)\r\n", args.joined(separator: " "))
        }
    }

    func testPartialSortMatchesRedisPqsort() {
        // Ties under COUNT come out in pqsort's partition order, not input order.
        var a: [(String, Double)] = [("m67", 306.9), ("m57", 241.9), ("m93", 197.6), ("m79", 132.9), ("m47", 70.5), ("m34", 164.7),
                                     ("m27", 0), ("m68", 0), ("m95", 0), ("m12", 34.7), ("m39", 34.7), ("m41", 34.7), ("m74", 34.7),
                                     ("m31", 340.0)]
        GeoPartialSort.sort(&a, lrange: 0, rrange: 3) { x, y in x.1 > y.1 ? 1 : (x.1 == y.1 ? 0 : -1) }
        XCTAssertEqual(a.prefix(4).map { $0.0 }, ["m27", "m95", "m68", "m41"])
    }
}
