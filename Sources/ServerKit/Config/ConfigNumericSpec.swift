/// How a numeric parameter is written: config.c's INTEGER, MEMORY,
/// MEMORY|PERCENT and OCTAL configs.
public enum ConfigNumberFormat: Sendable {
    case integer, memory, memoryOrPercent, octal
}

/// A numeric parameter's bounds and format, as config.c's standardConfig
/// table holds them; both servers parse their numbers through it.
public struct ConfigNumericSpec: Sendable {
    public var lower: Int64
    public var upper: Int64
    /// Redis checks bounds as unsigned for unsigned int, size_t and
    /// unsigned long long parameters (not for unsigned long).
    public var unsignedCheck: Bool
    public var format: ConfigNumberFormat
    public var defaultValue: Int64

    public init(lower: Int64, upper: Int64, unsignedCheck: Bool = false, format: ConfigNumberFormat = .integer,
                defaultValue: Int64 = 0) {
        self.lower = lower
        self.upper = upper
        self.unsignedCheck = unsignedCheck
        self.format = format
        self.defaultValue = defaultValue
    }

    /// numericParseString then the bounds check: memory units, "N%", octal
    /// or a strict integer, as the format allows, in Redis's words.
    public func parse(_ b: [UInt8]) -> Result<Int64, ConfigReason> {
        var parsed: Int64? = nil
        if format == .memory || format == .memoryOrPercent, let v = ConfigCParse.memtoull(b) {
            parsed = Int64(bitPattern: v)
        }
        if parsed == nil && format == .memoryOrPercent && b.count > 1 && b.last == UInt8(ascii: "%"),
           let v = ConfigCParse.string2ll(Array(b.dropLast())), v >= 0 {
            parsed = -v
        }
        if parsed == nil && format == .octal {
            let r = ConfigCParse.strtoll(b, base: 8)
            if r.errno == 0 && r.complete { parsed = r.value }
        }
        if parsed == nil && format == .integer { parsed = ConfigCParse.string2ll(b) }
        guard let v = parsed else {
            switch format {
            case .memoryOrPercent: return .failure(ConfigReason("argument must be a memory or percent value"))
            case .memory: return .failure(ConfigReason("argument must be a memory value"))
            case .octal: return .failure(ConfigReason("argument couldn't be parsed as an octal number"))
            case .integer: return .failure(ConfigReason("argument couldn't be parsed into an integer"))
            }
        }
        if unsignedCheck {
            let u = UInt64(bitPattern: v), lo = UInt64(bitPattern: lower), hi = UInt64(bitPattern: upper)
            if u > hi || u < lo {
                if format == .octal {
                    return .failure(ConfigReason("argument must be between \(String(lo, radix: 8)) and \(String(hi, radix: 8)) inclusive"))
                }
                return .failure(ConfigReason("argument must be between \(lo) and \(hi) inclusive"))
            }
        } else if format == .memoryOrPercent && v < 0 {
            if v < lower {
                return .failure(ConfigReason("percentage argument must be less or equal to \(-lower)"))
            }
        } else if v > upper || v < lower {
            return .failure(ConfigReason("argument must be between \(lower) and \(upper) inclusive"))
        }
        return .success(v)
    }
}

/// Why a config value was refused, in Redis's words.
public struct ConfigReason: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
