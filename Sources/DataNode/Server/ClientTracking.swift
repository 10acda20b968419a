import Keyspace

/// A client's CLIENT TRACKING flags (Redis's CLIENT_TRACKING_* bits).
public struct ClientTrackingFlags: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let on = ClientTrackingFlags(rawValue: 1 << 0)
    public static let bcast = ClientTrackingFlags(rawValue: 1 << 1)
    public static let optin = ClientTrackingFlags(rawValue: 1 << 2)
    public static let optout = ClientTrackingFlags(rawValue: 1 << 3)
    /// CLIENT CACHING yes (OPTIN) or no (OPTOUT) was given for the next command.
    public static let caching = ClientTrackingFlags(rawValue: 1 << 4)
    public static let noloop = ClientTrackingFlags(rawValue: 1 << 5)
    /// The redirect target was gone when an invalidation was due.
    public static let brokenRedirect = ClientTrackingFlags(rawValue: 1 << 6)

    /// What CLIENT TRACKING ON sets anew each time (CACHING survives it, as in Redis).
    static let modeBits: ClientTrackingFlags = [.brokenRedirect, .bcast, .optin, .optout, .noloop]
}

/// One client's side of client-side caching.
public struct ClientTracking: Sendable {
    public var flags: ClientTrackingFlags = []
    /// Client id the invalidations go to; 0 = this connection.
    public var redirect = 0
    /// BCAST prefixes, sorted as Redis's radix tree walks them.
    public var prefixes: [Key] = []

    public var isOn: Bool { flags.contains(.on) }

    /// Whether the keys of the read just run are remembered: OPTIN only
    /// after CACHING yes, OPTOUT except after CACHING no.
    var remembersReads: Bool {
        let caching = flags.contains(.caching)
        if flags.contains(.optin) && !caching { return false }
        if flags.contains(.optout) && caching { return false }
        return true
    }
}
