import Protocol

/// One file the manifest names (aofInfo).
public struct AOFFileInfo: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        case base = 0x62      // 'b'
        case history = 0x68   // 'h'
        case incr = 0x69      // 'i'
    }
    public var name: String
    public var seq: Int64
    public var kind: Kind

    public init(name: String, seq: Int64, kind: Kind) {
        self.name = name
        self.seq = seq
        self.kind = kind
    }
}

/// Why a manifest was refused: Redis's message, and the offending line
/// (number and trimmed text) when there is one.
public struct AOFManifestError: Error, Equatable, Sendable {
    public let message: String
    public let lineNumber: Int?
    public let line: String?

    /// The lines Redis logs (aofLoadManifestFromFile's loaderr), without the
    /// trailing newline each of them carries in the log.
    public var reportLines: [String] {
        var out = ["", "*** FATAL AOF MANIFEST FILE ERROR ***"]
        if let lineNumber, let line {
            out.append("Reading the manifest file, at line \(lineNumber)")
            out.append(">>> '\(line)'")
        }
        out.append(message)
        return out
    }
}

/// The multi-part AOF's list of files (Redis 7.0's aofManifest): at most one
/// base, history files waiting for deletion, and the incr files in order.
public struct AOFManifest: Equatable, Sendable {
    public var base: AOFFileInfo?
    public var history: [AOFFileInfo] = []
    public var incr: [AOFFileInfo] = []
    public var currentBaseSeq: Int64 = 0
    public var currentIncrSeq: Int64 = 0

    public init() {}

    /// fgets' buffer in aofLoadManifestFromFile: a line must fit with its newline.
    public static let maxLine = 1024

    // MARK: parsing

    /// Parses a manifest exactly as aofLoadManifestFromFile does.
    public static func parse(_ bytes: [UInt8]) throws(AOFManifestError) -> AOFManifest {
        var m = AOFManifest()
        var maxSeq: Int64 = 0
        var lineNumber = 0
        var p = 0
        let n = bytes.count
        // fgets stops at a NUL's C-string end too: text after a NUL in a line is lost.
        while true {
            if p >= n {
                if lineNumber == 0 { throw AOFManifestError(message: "Found an empty AOF manifest", lineNumber: nil, line: nil) }
                return m
            }
            // fgets(buf, 1025): at most 1024 bytes, through the newline.
            var end = p
            while end < n && end - p < maxLine && bytes[end] != 10 { end += 1 }
            let hasNewline = end < n && bytes[end] == 10 && end - p < maxLine
            let raw = Array(bytes[p..<(hasNewline ? end + 1 : end)])
            p = hasNewline ? end + 1 : end
            lineNumber += 1
            let cLine = raw.prefix { $0 != 0 }
            if cLine.first == UInt8(ascii: "#") { continue }
            if !cLine.contains(10) {
                throw AOFManifestError(message: "The AOF manifest file contains too long line", lineNumber: nil, line: nil)
            }
            let trimmed = Self.trim(Array(cLine))
            let lineText = String(decoding: trimmed, as: UTF8.self)
            func fail(_ message: String) -> AOFManifestError {
                AOFManifestError(message: message, lineNumber: lineNumber, line: lineText)
            }
            if trimmed.isEmpty { throw fail("Invalid AOF manifest file format") }
            guard let argv = splitArgs(trimmed), argv.count >= 6, argv.count % 2 == 0 else {
                throw fail("Invalid AOF manifest file format")
            }
            var name: String?
            var seq: Int64 = 0
            var kind: UInt8 = 0
            var i = 0
            while i < argv.count {
                let key = String(decoding: argv[i], as: UTF8.self).lowercased()
                let value = argv[i + 1]
                switch key {
                case "file":
                    let s = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
                    if s.contains("/") || s.contains("\\") { throw fail("File can't be a path, just a filename") }
                    name = s
                case "seq":
                    seq = Self.atoll(value)
                case "type":
                    kind = value.first ?? 0
                default:
                    break
                }
                i += 2
            }
            guard let name, seq != 0, kind != 0 else { throw fail("Invalid AOF manifest file format") }
            guard let k = AOFFileInfo.Kind(rawValue: kind) else { throw fail("Unknown AOF file type") }
            let info = AOFFileInfo(name: name, seq: seq, kind: k)
            switch k {
            case .base:
                if m.base != nil { throw fail("Found duplicate base file information") }
                m.base = info
                m.currentBaseSeq = seq
            case .history:
                m.history.append(info)
            case .incr:
                if seq <= maxSeq { throw fail("Found a non-monotonic sequence number") }
                m.incr.append(info)
                m.currentIncrSeq = seq
                maxSeq = seq
            }
        }
    }

    /// sdstrim(line, " \t\r\n").
    static func trim(_ b: [UInt8]) -> [UInt8] {
        func strip(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }
        var lo = 0, hi = b.count
        while lo < hi && strip(b[lo]) { lo += 1 }
        while hi > lo && strip(b[hi - 1]) { hi -= 1 }
        return Array(b[lo..<hi])
    }

    /// C's atoll: optional blanks and sign, then digits; anything else ends it.
    static func atoll(_ b: [UInt8]) -> Int64 {
        var i = 0
        while i < b.count && (b[i] == 32 || (9...13).contains(b[i])) { i += 1 }
        var negative = false
        if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        var v: Int64 = 0
        while i < b.count, (48...57).contains(b[i]) {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(b[i] - 48))
            if o1 || o2 { return negative ? Int64.min : Int64.max }
            v = a
            i += 1
        }
        return negative ? -v : v
    }

    // MARK: writing

    /// getAofManifestAsString: base, history, then incr files, one line each.
    public func render() -> [UInt8] {
        var out: [UInt8] = []
        for info in (base.map { [$0] } ?? []) + history + incr {
            out.append(contentsOf: "file ".utf8)
            let name = Array(info.name.utf8)
            out.append(contentsOf: Self.needsRepr(name) ? sdsRepr(name) : name)
            out.append(contentsOf: " seq \(info.seq) type ".utf8)
            out.append(info.kind.rawValue)
            out.append(10)
        }
        return out
    }

    /// sdsneedsrepr: a name that sdssplitargs would not read back as it is.
    static func needsRepr(_ b: [UInt8]) -> Bool {
        for c in b {
            switch c {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""), 10, 13, 9, 7, 8: return true
            default:
                if c < 32 || c > 126 || c == 32 || (9...13).contains(c) { return true }
            }
        }
        return false
    }

    // MARK: changes (each on a copy that the caller persists, then adopts)

    /// getNewBaseFileNameAndMarkPreAsHistory.
    public mutating func newBase(fileName: String, rdbPreamble: Bool) -> String {
        if var old = base {
            old.kind = .history
            history.insert(old, at: 0)
        }
        currentBaseSeq += 1
        let name = AOFFileNames.base(fileName, seq: currentBaseSeq, rdb: rdbPreamble)
        base = AOFFileInfo(name: name, seq: currentBaseSeq, kind: .base)
        return name
    }

    /// getNewIncrAofName.
    public mutating func newIncr(fileName: String) -> String {
        currentIncrSeq += 1
        let name = AOFFileNames.incr(fileName, seq: currentIncrSeq)
        incr.append(AOFFileInfo(name: name, seq: currentIncrSeq, kind: .incr))
        return name
    }

    /// getLastIncrAofName: the incr file to append to, a new one when there is none.
    public mutating func lastIncr(fileName: String) -> String {
        if let last = incr.last { return last.name }
        return newIncr(fileName: fileName)
    }

    /// markRewrittenIncrAofAsHistory: every incr file but the one being
    /// written (when the AOF is on) becomes history, newest first.
    public mutating func markRewrittenIncrAsHistory(keepingLast: Bool) {
        guard !incr.isEmpty else { return }
        let kept = keepingLast ? [incr.removeLast()] : []
        for var info in incr.reversed() {
            info.kind = .history
            history.insert(info, at: 0)
        }
        incr = kept
    }

    /// Base then incr files: what loading reads, in order.
    public var loadOrder: [AOFFileInfo] { (base.map { [$0] } ?? []) + incr }
}
