import Foundation

/// Command groups of the random differential run, each behind a switch so a
/// group that is not implemented yet can be left out (and reported) instead
/// of drowning the run in "unknown command" mismatches.
enum DiffGroup: String, CaseIterable, Sendable {
    case strings, bitmaps, keys, expire, object, scan, databases, transactions, connection, resp3, unknown, pubsub
    /// Other types on the shared key space (so WRONGTYPE paths are hit too).
    case lists, hashes, sets, zsets, streams

    /// Groups off by default, with the reason printed at the start of each run.
    static let disabledByDefault: [DiffGroup: String] = [:]

    /// A command whose "unknown command" reply means the group has not landed
    /// in this build: the run then leaves the group out and says so.
    var probe: [String]? {
        switch self {
        case .lists: return ["LLEN", "__probe__"]
        case .hashes: return ["HLEN", "__probe__"]
        case .sets: return ["SCARD", "__probe__"]
        case .zsets: return ["ZCARD", "__probe__"]
        case .streams: return ["XLEN", "__probe__"]
        default: return nil
        }
    }

    /// VIGIL_DIFF_GROUPS=a,b (exactly these) or VIGIL_DIFF_DISABLE=a,b (defaults minus these).
    static func enabled(environment: [String: String]) -> Set<DiffGroup> {
        func parse(_ s: String) -> Set<DiffGroup> {
            Set(s.split(separator: ",").compactMap { DiffGroup(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
        }
        if let only = environment["VIGIL_DIFF_GROUPS"], !only.isEmpty { return parse(only) }
        var groups = Set(allCases).subtracting(disabledByDefault.keys)
        if let off = environment["VIGIL_DIFF_DISABLE"] { groups.subtract(parse(off)) }
        return groups
    }
}

/// How the two replies to one command are compared. Everything is `exact`
/// (raw bytes) unless Redis documents the reply as time- or hash-order-dependent.
enum DiffCompare: Equatable, Sendable {
    case exact
    /// Integer replies that depend on the clock (TTL, PTTL, EXPIRETIME, OBJECT IDLETIME):
    /// negative values (-1 no TTL, -2 no key) must match exactly, others within `tolerance`.
    case tolerance(Int64)
    /// KEYS: the order follows the hash table; compared as sorted lists.
    case keysSet
    /// RANDOMKEY: both nil, or each server's key is one of its own KEYS *.
    case randomKey
    /// SCAN: cursors are opaque; iterated to completion, compared as sets.
    case scan
    /// Aggregates whose order follows a hash table (SMEMBERS, SINTER, HKEYS...):
    /// compared as sorted lists of elements.
    case unordered
    /// HGETALL: field/value pairs in hash-table order, compared as sorted pairs.
    case unorderedPairs
    /// Stream replies carrying times (XPENDING's idle, XINFO's idle, seen-time
    /// and delivery times): the same shape and values, except integers in a
    /// time position, which may differ by `DiffSession.streamTimeTolerance` ms.
    case streamTimes
}

/// One generated command for connection 0 (RESP2) or 1 (RESP3 after HELLO 3).
struct DiffCommand: Sendable {
    var conn: Int
    var args: [[UInt8]]
    var group: DiffGroup
    var compare: DiffCompare = .exact
    /// EXPIRE/PEXPIRE with GT or LT and a relative time: the new expiry in ms
    /// from now. The harness first reads PTTL and moves the time away from the
    /// current one, so that the GT/LT outcome never hinges on which millisecond
    /// each server ran the command in.
    var relativeExpireMs: Int64? = nil
    /// Index of the time argument to move when `relativeExpireMs` is set.
    var timeArgIndex = 2

    init(_ conn: Int, _ group: DiffGroup, _ args: [[UInt8]], compare: DiffCompare = .exact) {
        self.conn = conn
        self.group = group
        self.args = args
        self.compare = compare
    }

    /// False for replies that are exact outside MULTI but not inside EXEC.
    var allowedInMulti = true

    /// Safe inside MULTI: its reply is compared byte for byte inside EXEC's array.
    var multiSafe: Bool { compare == .exact && relativeExpireMs == nil && allowedInMulti }

    var name: String { args.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? "" }

    /// Relative TTLs up to this many ms are waited out after the command.
    static let shortTTLMs: Int64 = 200

    /// A relative expiry in ms of at most `shortTTLMs` that this command may
    /// set (PSETEX, PEXPIRE, a PX option; junk can compose `PX 1`). Whether a
    /// later command still sees such a key depends on how many milliseconds
    /// each server took to get there, not on their rules (those are pinned by
    /// ExpiryBoundaryRealRedisTests), so the session waits until both copies
    /// are certainly expired.
    var shortRelativeTTLMs: Int64? {
        func ms(_ i: Int) -> Int64? {
            guard i < args.count, let v = Int64(String(decoding: args[i], as: UTF8.self)),
                  v > 0, v <= Self.shortTTLMs else { return nil }
            return v
        }
        switch name {
        case "PSETEX", "PEXPIRE": return ms(2)
        case "SET", "GETEX":
            let px = args.indices.dropFirst(2).filter { String(decoding: args[$0], as: UTF8.self).uppercased() == "PX" }
            return px.compactMap { ms($0 + 1) }.max()
        default: return nil
        }
    }

    /// `A> SET "k1" "v"` for logs (A = RESP2 connection, B = RESP3 connection).
    var display: String {
        (conn == 0 ? "A> " : "B> ") + args.map(Self.quote).joined(separator: " ")
    }

    static func quote(_ b: [UInt8]) -> String {
        var s = "\""
        for c in b.prefix(200) {
            switch c {
            case UInt8(ascii: "\\"): s += "\\\\"
            case UInt8(ascii: "\""): s += "\\\""
            case 10: s += "\\n"
            case 13: s += "\\r"
            case 32...126: s.append(Character(Unicode.Scalar(c)))
            default:
                let h = String(c, radix: 16)
                s += "\\x" + (h.count == 1 ? "0" + h : h)
            }
        }
        if b.count > 200 { s += "…(\(b.count) bytes)" }
        return s + "\""
    }
}

@inline(__always) func asBytes(_ s: String) -> [UInt8] { Array(s.utf8) }
