import Keyspace
import Protocol
import ServerKit

/// CLIENT TRACKING, CACHING, TRACKINGINFO and GETREDIR (the tables and the
/// messages are Server+Tracking's).
enum ClientTrackingCommands {
    static let handlers: [String: CommandHandler] = [
        "client|tracking": tracking, "client|caching": caching,
        "client|trackinginfo": trackinginfo, "client|getredir": getredir,
    ]

    /// CLIENT TRACKING's options as given, before they are checked against
    /// each other and the client's current mode.
    struct TrackingRequest {
        var on: Bool
        var redirect = 0
        var options: ClientTrackingFlags = []
        var prefixes: [[UInt8]] = []
    }

    enum Parsed {
        case request(TrackingRequest)
        case error(String)
    }

    /// The options in order, as networking.c walks them: each error is the
    /// first one Redis would meet. `clientExists` answers REDIRECT's check.
    static func parse(_ argv: [[UInt8]], clientExists: (Int) -> Bool) -> Parsed {
        var r = TrackingRequest(on: false)
        var j = 3
        while j < argv.count {
            let moreArgs = argv.count - 1 - j > 0
            let a = argv[j]
            if argEquals(a, "redirect") && moreArgs {
                j += 1
                if r.redirect != 0 { return .error("ERR A client can only redirect to a single other client") }
                guard let id = parseStrictInt64(argv[j]) else { return .error("ERR value is not an integer or out of range") }
                guard id > 0, id <= Int64(Int.max), clientExists(Int(id)) else {
                    return .error("ERR The client ID you want redirect to does not exist")
                }
                r.redirect = Int(id)
            } else if argEquals(a, "bcast") {
                r.options.insert(.bcast)
            } else if argEquals(a, "optin") {
                r.options.insert(.optin)
            } else if argEquals(a, "optout") {
                r.options.insert(.optout)
            } else if argEquals(a, "noloop") {
                r.options.insert(.noloop)
            } else if argEquals(a, "prefix") && moreArgs {
                j += 1
                r.prefixes.append(argv[j])
            } else {
                return .error("ERR syntax error")
            }
            j += 1
        }
        if argEquals(argv[2], "on") {
            r.on = true
        } else if !argEquals(argv[2], "off") {
            return .error("ERR syntax error")
        }
        return .request(r)
    }

    /// The checks CLIENT TRACKING ON makes against the client's current mode.
    static func refusal(_ r: TrackingRequest, current: ClientTracking) -> String? {
        let bcast = r.options.contains(.bcast)
        if !bcast && !r.prefixes.isEmpty { return "ERR PREFIX option requires BCAST mode to be enabled" }
        if current.isOn && current.flags.contains(.bcast) != bcast {
            return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."
        }
        if bcast && !r.options.isDisjoint(with: [.optin, .optout]) { return "ERR OPTIN and OPTOUT are not compatible with BCAST" }
        if r.options.isSuperset(of: [.optin, .optout]) { return "ERR You can't specify both OPTIN mode and OPTOUT mode" }
        if (r.options.contains(.optin) && current.flags.contains(.optout)) || (r.options.contains(.optout) && current.flags.contains(.optin)) {
            return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."
        }
        if bcast { return prefixCollision(r.prefixes, existing: current.prefixes) }
        return nil
    }

    /// checkPrefixCollisionsOrReply: a new prefix may not overlap one the
    /// client has, nor a later one of the same command. The texts stop at a
    /// NUL as Redis's %s does.
    static func prefixCollision(_ prefixes: [[UInt8]], existing: [Key]) -> String? {
        func text(_ b: [UInt8]) -> String { String(decoding: b.prefix { $0 != 0 }, as: UTF8.self) }
        for (i, p) in prefixes.enumerated() {
            if let old = overlappingPrefix(p, in: existing) {
                return "ERR Prefix '\(text(p))' overlaps with an existing prefix '\(text(old.bytes))'. Prefixes for a single client must not overlap."
            }
            for q in prefixes[(i + 1)...] where TrackingTable.overlaps(p, q) {
                return "ERR Prefix '\(text(p))' overlaps with another provided prefix '\(text(q))'. Prefixes for a single client must not overlap."
            }
        }
        return nil
    }

    /// The first of a client's prefixes (kept sorted, none overlapping
    /// another) that `p` overlaps, as Redis's walk of them finds it. Only the
    /// neighbours of `p`'s place can: a prefix of `p` sorts right before it
    /// (anything between would extend that prefix too), and its extensions
    /// right from it.
    static func overlappingPrefix(_ p: [UInt8], in sorted: [Key]) -> Key? {
        let at = TrackingTable.insertionIndex(of: p, in: sorted)
        if at > 0 && TrackingTable.overlaps(sorted[at - 1].bytes, p) { return sorted[at - 1] }
        if at < sorted.count && TrackingTable.overlaps(sorted[at].bytes, p) { return sorted[at] }
        return nil
    }

    static func tracking(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let r: TrackingRequest
        switch parse(argv, clientExists: { server.clients[$0] != nil }) {
        case .error(let text): return c.replyError(text)
        case .request(let req): r = req
        }
        if r.on {
            if let text = refusal(r, current: c.tracking) { return c.replyError(text) }
            server.enableTracking(c, redirect: r.redirect, options: r.options, prefixes: r.prefixes.map { Key($0) })
        } else {
            server.disableTracking(c)
        }
        c.out.ok()
    }

    static func caching(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard c.tracking.isOn else {
            return c.replyError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
        }
        if argEquals(argv[2], "yes") {
            guard c.tracking.flags.contains(.optin) else {
                return c.replyError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
            }
        } else if argEquals(argv[2], "no") {
            guard c.tracking.flags.contains(.optout) else {
                return c.replyError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
            }
        } else {
            return c.replyError("ERR syntax error")
        }
        c.tracking.flags.insert(.caching)
        c.out.ok()
    }

    static func getredir(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.integer(c.tracking.isOn ? c.tracking.redirect : -1)
    }

    static func trackinginfo(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let f = c.tracking.flags
        var names = [f.contains(.on) ? "on" : "off"]
        if f.contains(.bcast) { names.append("bcast") }
        if f.contains(.optin) {
            names.append("optin")
            if f.contains(.caching) { names.append("caching-yes") }
        }
        if f.contains(.optout) {
            names.append("optout")
            if f.contains(.caching) { names.append("caching-no") }
        }
        if f.contains(.noloop) { names.append("noloop") }
        if f.contains(.brokenRedirect) { names.append("broken_redirect") }
        c.out.mapHeader(3)
        c.out.bulk("flags")
        c.out.setHeader(names.count)
        for n in names { c.out.bulk(n) }
        c.out.bulk("redirect")
        c.out.integer(f.contains(.on) ? c.tracking.redirect : -1)
        c.out.bulk("prefixes")
        c.out.arrayHeader(c.tracking.prefixes.count)
        for p in c.tracking.prefixes { c.out.bulk(p.bytes) }
    }
}
