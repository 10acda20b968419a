/// The flags a script declares (shebang or register_function), as 7.0's
/// SCRIPT_FLAG_*. `declared` is false for an EVAL body without a shebang
/// ("compat mode"), whose command flags then come from the command table.
struct ScriptFlags: Equatable {
    var noWrites = false
    var allowOOM = false
    var allowStale = false
    var noCluster = false
    var allowCrossSlot = false
    var declared = false

    /// The flag names in the order FUNCTION LIST shows them.
    static let names = ["no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"]

    /// Sets the flag `name`; false when no such flag exists.
    mutating func set(_ name: String) -> Bool {
        switch name {
        case "no-writes": noWrites = true
        case "allow-oom": allowOOM = true
        case "allow-stale": allowStale = true
        case "no-cluster": noCluster = true
        case "allow-cross-slot-keys": allowCrossSlot = true
        default: return false
        }
        return true
    }

    var setNames: [String] {
        let on = [noWrites, allowOOM, allowStale, noCluster, allowCrossSlot]
        return zip(Self.names, on).filter { $0.1 }.map { $0.0 }
    }
}

/// `#!lua flags=...` at the start of an EVAL body (eval.c evalExtractShebangFlags).
enum ScriptShebang {
    /// The flags, and the body with the shebang line blanked (its newline kept,
    /// so line numbers count from the text given); or Redis's error text.
    static func parse(_ body: [UInt8]) -> Result<(flags: ScriptFlags, body: [UInt8]), ShebangError> {
        guard body.count >= 2, body[0] == UInt8(ascii: "#"), body[1] == UInt8(ascii: "!") else {
            return .success((ScriptFlags(), body))
        }
        guard let nl = body.firstIndex(of: 10) else { return .failure(.init("Invalid script shebang")) }
        let line = String(decoding: body[0..<nl], as: UTF8.self)
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        guard let engine = parts.first, engine == "#!lua" else {
            return .failure(.init("Unexpected engine in script shebang: \(parts.first ?? "")"))
        }
        var flags = ScriptFlags()
        flags.declared = true
        for opt in parts.dropFirst() {
            guard opt.hasPrefix("flags=") else { return .failure(.init("Unknown lua shebang option: \(opt)")) }
            for f in opt.dropFirst(6).split(separator: ",", omittingEmptySubsequences: true) {
                if !flags.set(String(f)) { return .failure(.init("Unexpected flag in script shebang: \(f)")) }
            }
        }
        var out = body
        for i in 0..<nl { out[i] = 32 }
        return .success((flags, out))
    }
}

struct ShebangError: Error {
    let message: String
    init(_ m: String) { message = m }
}
