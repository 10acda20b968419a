import Glibc
import ServerKit

/// The data node's whole configuration: every Redis 7.0 parameter with its
/// current value, plus the file-only directives (include, rename-command,
/// user, loadmodule) recorded for the server to act on.
///
/// Values are set through Redis's own rules (`ConfigLoader` for files and
/// argv, `set(pairs:)` for CONFIG SET) or, by the server itself, through the
/// typed properties below, which store without validating.
public struct ServerConfig: Sendable {
    var values: [ConfigValue]

    /// `rename-command` lines, in file order, for the command table to apply.
    public var renamedCommands: [ConfigDirective] = []
    /// `user` lines (ACL users), in file order.
    public var users: [ConfigDirective] = []
    /// `loadmodule` lines. Vigil loads no modules: the server should refuse them.
    public var loadModules: [ConfigDirective] = []
    /// `module.name value` lines, meant for modules.
    public var moduleConfigs: [ConfigDirective] = []

    /// Every parameter at its Redis default; `dir` is the process's working directory.
    public init() {
        values = ConfigTable.entries.map { ServerConfig.defaultValue(of: $0) }
    }

    static func defaultValue(of e: ConfigEntry) -> ConfigValue {
        switch e.kind {
        case .bool(let d, _): return .bool(d)
        case .numeric(let spec): return .number(spec.defaultValue)
        case .enumeration(let spec): return .enumeration(spec.defaultValue)
        case .string(let d, _, _, _): return .string(d)
        case .special(let k):
            switch k {
            case .dir: return .dir(ConfigPaths.currentDirectory())
            case .save: return .save(defaultSaveParams)
            case .clientOutputBufferLimit: return .bufferLimits(defaultBufferLimits)
            case .oomScoreAdjValues: return .oomScoreAdjValues(defaultOOMScoreAdjValues)
            case .notifyKeyspaceEvents: return .notify(0)
            case .bind: return .bind(defaultBind)
            case .replicaof: return .replicaof(nil)
            case .latencyPercentiles: return .percentiles([50, 99, 99.9])
            }
        }
    }

    static let defaultSaveParams = [ConfigSaveParam(seconds: 3600, changes: 1), ConfigSaveParam(seconds: 300, changes: 100),
                                    ConfigSaveParam(seconds: 60, changes: 10000)]
    static let defaultBufferLimits = [ConfigBufferLimit(hard: 0, soft: 0, softSeconds: 0),
                                      ConfigBufferLimit(hard: 256 << 20, soft: 64 << 20, softSeconds: 60),
                                      ConfigBufferLimit(hard: 32 << 20, soft: 8 << 20, softSeconds: 60)]
    static let defaultOOMScoreAdjValues: [Int64] = [0, 200, 800]
    static let defaultBind: [[UInt8]] = [Array("*".utf8), Array("-::*".utf8)]
    static let bufferLimitClasses = ["normal", "replica", "pubsub"]

    // MARK: raw access, by table position (see ConfigSlot) or by name

    func slot(_ name: String) -> Int { ConfigTable.slot(name) }

    func bool(_ i: Int) -> Bool {
        if case .bool(let b) = values[i] { return b }
        return false
    }

    func number(_ i: Int) -> Int64 {
        if case .number(let n) = values[i] { return n }
        return 0
    }

    /// Numbers as the server uses them: unsigned ones beyond Int.max saturate.
    func int(_ i: Int) -> Int {
        guard case .number(let n) = values[i] else { return 0 }
        if n < 0, case .numeric(let spec) = ConfigTable.entries[i].kind, spec.unsignedCheck { return Int.max }
        return Int(n)
    }

    func bytes(_ i: Int) -> [UInt8] {
        if case .string(let s) = values[i] { return s ?? [] }
        return []
    }

    func string(_ i: Int) -> String { String(decoding: bytes(i), as: UTF8.self) }

    func enumName(_ i: Int) -> String { String(decoding: render(i), as: UTF8.self) }

    /// An enum's value (not its name): what the errno-valued hidden knobs hold.
    func enumValue(_ i: Int) -> Int {
        if case .enumeration(let v) = values[i] { return v }
        return 0
    }

    mutating func setBool(_ i: Int, _ v: Bool) { values[i] = .bool(v) }
    mutating func setNumber(_ i: Int, _ v: Int) { values[i] = .number(Int64(v)) }
    mutating func setString(_ i: Int, _ v: String) {
        if case .string(_, let emptyIsNull, _, _) = ConfigTable.entries[i].kind {
            values[i] = .string(v.isEmpty && emptyIsNull ? nil : Array(v.utf8))
        }
    }
    mutating func setEnum(_ i: Int, _ v: String) {
        guard case .enumeration(let spec) = ConfigTable.entries[i].kind,
              let item = spec.items.first(where: { $0.name == v.lowercased() }) else { return }
        values[i] = .enumeration(item.value)
    }

    func bool(_ name: String) -> Bool { bool(slot(name)) }
    func number(_ name: String) -> Int64 { number(slot(name)) }
    func int(_ name: String) -> Int { int(slot(name)) }
    func bytes(_ name: String) -> [UInt8] { bytes(slot(name)) }
    func enumName(_ name: String) -> String { enumName(slot(name)) }
    mutating func setNumber(_ name: String, _ v: Int) { setNumber(slot(name), v) }

    /// The CONFIG GET text of a parameter (name or alias, any case), nil if unknown.
    public func value(of name: String) -> String? {
        guard let i = ConfigTable.lookup(name) else { return nil }
        return String(decoding: render(i), as: UTF8.self)
    }

    /// Whether CONFIG SET on this parameter must be redacted from SLOWLOG and MONITOR.
    public static func isSensitive(_ name: [UInt8]) -> Bool {
        guard let i = ConfigTable.lookup(name) else { return false }
        return ConfigTable.entries[i].flags.contains(.sensitive)
    }

    /// Every parameter name Redis 7.0 knows, aliases included, hidden ones excluded.
    public static var parameterNames: [String] {
        var names: [String] = []
        for e in ConfigTable.entries where !e.flags.contains(.hidden) {
            names.append(e.name)
            if let a = e.alias { names.append(a) }
        }
        return names.sorted()
    }
}

/// A file-only directive kept for the server, with where it came from so that
/// the server can reject it in Redis's words (`ConfigError(directive:reason:)`).
public typealias ConfigDirective = ConfigLine
