import Glibc
import ServerKit

/// config.c's `set` interface result: 1 (changed), 2 (same value), 0 (error).
enum ConfigSetOutcome: Equatable {
    case changed, unchanged
    case failed(String)
}

/// State that only exists while a file is being read: Redis lets the first
/// `save` line of a file replace the defaults and the following ones append.
struct ConfigFileReadState {
    var saveLoaded = false
}

extension ServerConfig {
    /// Parses `args` (the directive's arguments, one for single-value
    /// parameters) as config.c does and stores the result.
    mutating func setEntry(_ i: Int, args: [[UInt8]], file: inout ConfigFileReadState?) -> ConfigSetOutcome {
        let entry = ConfigTable.entries[i]
        let new: ConfigValue
        var alwaysChanged = false
        switch entry.kind {
        case .bool(_, let rejectYes):
            guard let b = ConfigCParse.yesno(args[0]) else { return .failed("argument must be 'yes' or 'no'") }
            if b, let msg = rejectYes { return .failed(msg) }
            new = .bool(b)
        case .numeric(let spec):
            switch spec.parse(args[0]) {
            case .success(let v): new = .number(v)
            case .failure(let e): return .failed(e.message)
            }
        case .enumeration(let spec):
            guard let v = ServerConfig.parseEnum(args, spec) else {
                return .failed("argument(s) must be one of the following: " + spec.items.map(\.name).joined(separator: ", "))
            }
            if spec.bitflags && v & 1 != 0 && v & 2 != 0 {
                return .failed("shutdown options SAVE and NOSAVE can't be used simultaneously")
            }
            new = .enumeration(v)
        case .string(_, let emptyIsNull, let keepNul, let check):
            let raw = keepNul ? args[0] : ConfigCParse.cString(args[0])
            if let err = validate(raw, check) { return .failed(err) }
            new = .string(raw.isEmpty && emptyIsNull ? nil : raw)
        case .special(let kind):
            alwaysChanged = kind != .oomScoreAdjValues
            switch setSpecial(kind, args, &file) {
            case .success(let v): new = v
            case .failure(let e): return .failed(e.message)
            }
        }
        if !alwaysChanged && values[i] == new { return .unchanged }
        values[i] = new
        return .changed
    }

    struct Failure: Error { var message: String }

    /// configEnumGetValue: names match case-insensitively; bitflag enums OR
    /// several names together.
    static func parseEnum(_ args: [[UInt8]], _ spec: ConfigEnumSpec) -> Int? {
        if args.isEmpty || (!spec.bitflags && args.count != 1) { return nil }
        var v = 0
        for a in args {
            var matched = false
            for item in spec.items where ConfigCParse.equalsIgnoringCase(a, item.name) {
                v |= item.value
                matched = true
            }
            if !matched { return nil }
        }
        return v
    }

    /// configEnumGetName: an exact value's first name, else (bitflags) the
    /// names whose bits make it up, else "unknown".
    static func enumName(_ v: Int, _ spec: ConfigEnumSpec) -> String {
        var names: [String] = []
        var unmatched = v
        for item in spec.items {
            if item.value == v { return item.name }
            if spec.bitflags && item.value != 0 && item.value == (unmatched & item.value) {
                names.append(item.name)
                unmatched &= ~item.value
            }
        }
        if names.isEmpty || unmatched != 0 { return "unknown" }
        return names.joined(separator: " ")
    }

    private func validate(_ v: [UInt8], _ check: ConfigStringCheck) -> String? {
        let isBaseName = !v.contains(UInt8(ascii: "/")) && !v.contains(UInt8(ascii: "\\"))
        switch check {
        case .none:
            return nil
        case .dbfilename:
            return isBaseName ? nil : "dbfilename can't be a path, just a filename"
        case .aofFilename:
            if v.isEmpty { return "appendfilename can't be empty" }
            return isBaseName ? nil : "appendfilename can't be a path, just a filename"
        case .aofDirname:
            if v.isEmpty { return "appenddirname can't be empty" }
            return isBaseName ? nil : "appenddirname can't be a path, just a dirname"
        case .hostname:
            if v.count >= 256 { return "Hostnames must be less than 256 characters" }
            let ok = v.allSatisfy { c in
                (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 45 || c == 46
            }
            return ok ? nil : "Hostnames may only contain alphanumeric characters, hyphens or dots"
        case .procTitle:
            return procTitleExpands(v) ? nil : "template format is invalid or contains unknown variables"
        }
    }

    /// validateProcTitleTemplate: the template must expand (known {variables},
    /// `{{` for a brace) to something other than spaces, with an empty title.
    private func procTitleExpands(_ t: [UInt8]) -> Bool {
        let unixsocket = String(decoding: bytes("unixsocket"), as: UTF8.self)
        let vars = ProcTitleTemplate.Variables(
            title: "", listenAddr: ProcTitleTemplate.Variables.listenAddr(bind: [], port: int("port"), tlsPort: int("tls-port"), unixsocket: unixsocket),
            serverMode: bool("cluster-enabled") ? "[cluster]" : "", port: int("port"), tlsPort: int("tls-port"), unixsocket: unixsocket)
        return ProcTitleTemplate(t).isValid(vars)
    }

    private mutating func setSpecial(_ kind: ConfigSpecialKind, _ args: [[UInt8]], _ file: inout ConfigFileReadState?) -> Result<ConfigValue, Failure> {
        func fail(_ s: String) -> Result<ConfigValue, Failure> { .failure(Failure(message: s)) }
        switch kind {
        case .dir:
            if args.count != 1 { return fail("wrong number of arguments") }
            switch ConfigPaths.resolveDirectory(ConfigCParse.cString(args[0]), from: dir) {
            case .success(let d): return .success(.dir(d))
            case .failure(let e): return fail("\(e)")
            }

        case .save:
            var a = args
            var reset = false
            if a.count == 1 && ConfigCParse.cString(a[0]).isEmpty {
                a = []
                reset = true
            }
            if a.count % 2 != 0 { return fail("Invalid save parameters") }
            var parsed: [Int64] = []
            for (j, x) in a.enumerated() {
                let r = ConfigCParse.strtoll(x)
                if !r.complete || (j % 2 == 0 && r.value < 1) || (j % 2 == 1 && r.value < 0) {
                    return fail("Invalid save parameters")
                }
                parsed.append(r.value)
            }
            var list: [ConfigSaveParam] = []
            if case .save(let cur) = values[slot("save")] { list = cur }
            if reset || file == nil || file?.saveLoaded == false {
                list = []
                file?.saveLoaded = true
            }
            for j in stride(from: 0, to: parsed.count, by: 2) {
                // time_t seconds, int changes
                list.append(ConfigSaveParam(seconds: parsed[j], changes: Int64(Int32(truncatingIfNeeded: parsed[j + 1]))))
            }
            return .success(.save(list))

        case .clientOutputBufferLimit:
            if args.count % 4 != 0 { return fail("Wrong number of arguments in buffer limit configuration.") }
            guard case .bufferLimits(var limits) = values[slot("client-output-buffer-limit")] else { return fail("") }
            var updates: [(Int, ConfigBufferLimit)] = []
            for j in stride(from: 0, to: args.count, by: 4) {
                let cls: Int
                switch String(decoding: ConfigCParse.cString(args[j]), as: UTF8.self).lowercased() {
                case "normal": cls = 0
                case "slave", "replica": cls = 1
                case "pubsub": cls = 2
                default: return fail("Invalid client class specified in buffer limit configuration.")
                }
                let hard = ConfigCParse.memtoull(args[j + 1]), soft = ConfigCParse.memtoull(args[j + 2])
                let secs = ConfigCParse.strtoll(args[j + 3])
                let seconds = Int64(Int32(truncatingIfNeeded: secs.value))
                guard let h = hard, let s = soft, seconds >= 0, secs.complete else {
                    return fail("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
                }
                updates.append((cls, ConfigBufferLimit(hard: h, soft: s, softSeconds: seconds)))
            }
            for (cls, v) in updates { limits[cls] = v }
            return .success(.bufferLimits(limits))

        case .oomScoreAdjValues:
            if args.count != 3 { return fail("wrong number of arguments") }
            var vals: [Int64] = []
            for x in args {
                let r = ConfigCParse.strtoll(x)
                if !r.complete || r.value < -2000 || r.value > 2000 {
                    return fail("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")
                }
                vals.append(r.value)
            }
            return .success(.oomScoreAdjValues(vals))

        case .notifyKeyspaceEvents:
            if args.count != 1 { return fail("wrong number of arguments") }
            guard let flags = ConfigNotifyFlags.parse(args[0]) else {
                return fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
            }
            return .success(.notify(flags))

        case .bind:
            if args.count > 16 { return fail("Too many bind addresses specified.") }
            if args.count == 1 && args[0].isEmpty { return .success(.bind([])) }
            return .success(.bind(args.map(ConfigCParse.cString)))

        case .replicaof:
            if args.count != 2 { return fail("wrong number of arguments") }
            if ConfigCParse.equalsIgnoringCase(args[0], "no") && ConfigCParse.equalsIgnoringCase(args[1], "one") {
                return .success(.replicaof(nil))
            }
            let r = ConfigCParse.strtoll(args[1])
            let port = Int64(Int32(truncatingIfNeeded: r.value))
            if port < 0 || port > 65535 || !r.complete { return fail("Invalid master port") }
            return .success(.replicaof(ConfigReplicaOf(host: args[0], port: Int(port))))

        case .latencyPercentiles:
            if args.count == 1 && args[0].isEmpty { return .success(.percentiles([])) }
            var list: [Double] = []
            for x in args {
                guard let d = ConfigCParse.string2d(x) else { return fail("Invalid latency-tracking-info-percentiles parameters") }
                if d > 100 || d < 0 { return fail("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]") }
                list.append(d)
            }
            return .success(.percentiles(list))
        }
    }

    /// config->interface.get: the text CONFIG GET shows.
    func render(_ i: Int) -> [UInt8] {
        let entry = ConfigTable.entries[i]
        switch values[i] {
        case .bool(let b):
            return Array((b ? "yes" : "no").utf8)
        case .number(let v):
            guard case .numeric(let spec) = entry.kind else { return [] }
            switch spec.format {
            case .memoryOrPercent where v < 0: return Array("\(-v)%".utf8)
            case .memory, .memoryOrPercent: return Array("\(UInt64(bitPattern: v))".utf8)
            case .octal: return Array(String(UInt64(bitPattern: v), radix: 8).utf8)
            case .integer: return Array("\(v)".utf8)
            }
        case .enumeration(let v):
            guard case .enumeration(let spec) = entry.kind else { return [] }
            return Array(ServerConfig.enumName(v, spec).utf8)
        case .string(let s):
            return s ?? []
        case .dir(let d):
            return Array(d.utf8)
        case .save(let list):
            return Array(list.map { "\($0.seconds) \($0.changes)" }.joined(separator: " ").utf8)
        case .bufferLimits(let limits):
            let names = ["normal", "slave", "pubsub"]
            return Array(limits.enumerated().map { "\(names[$0.offset]) \($0.element.hard) \($0.element.soft) \($0.element.softSeconds)" }
                .joined(separator: " ").utf8)
        case .oomScoreAdjValues(let v):
            return Array(v.map(String.init).joined(separator: " ").utf8)
        case .notify(let flags):
            return Array(ConfigNotifyFlags.format(flags).utf8)
        case .bind(let addrs):
            return Array(addrs.joined(separator: [32]))
        case .replicaof(let r):
            guard let r else { return [] }
            return r.host + Array(" \(r.port)".utf8)
        case .percentiles(let list):
            return Array(list.map(ConfigCParse.formatPercentile).joined(separator: " ").utf8)
        }
    }
}
